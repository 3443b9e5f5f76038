/**
 * Reading a synthesized stack (`cdk.tf.json`) the way Terraform will see it: resources by type and
 * address, with escape-hatch overrides already applied. Rules, reports and tests all read stacks
 * through this one module.
 */

export type TerraformJson = {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, unknown>;
  readonly terraform?: Record<string, unknown>;
  readonly [key: string]: unknown;
};

export interface SynthesizedResource {
  /** Terraform resource type, for example `google_pubsub_topic`. */
  readonly type: string;
  /** Logical name within the type. */
  readonly name: string;
  /** `<type>.<name>`, the address Terraform prints. */
  readonly address: string;
  /** The construct path, for messages a developer can act on. */
  readonly path: string;
  /** The resource's attributes, without cdktf metadata. */
  readonly values: Readonly<Record<string, unknown>>;
}

export class SynthesizedStack {
  readonly resources: readonly SynthesizedResource[];

  constructor(
    readonly name: string,
    readonly json: TerraformJson,
  ) {
    const list: SynthesizedResource[] = [];
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      for (const [name, raw] of Object.entries(byName)) {
        const { ['//']: meta, ...values } = raw as Record<string, unknown> & { '//'?: { metadata?: { path?: string } } };
        list.push({ type, name, address: `${type}.${name}`, path: meta?.metadata?.path ?? `${type}.${name}`, values });
      }
    }
    this.resources = list;
  }

  static parse(name: string, text: string): SynthesizedStack {
    return new SynthesizedStack(name, JSON.parse(text) as TerraformJson);
  }

  ofType(...types: string[]): SynthesizedResource[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  has(type: string): boolean {
    return this.resources.some((r) => r.type === type);
  }

  /** The resource an interpolation such as `${google_pubsub_topic.x.id}` points at, if any. */
  resolveReference(value: unknown): SynthesizedResource | undefined {
    if (typeof value !== 'string') return undefined;
    const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\.[^}]*)?\}$/.exec(value);
    if (!m) return undefined;
    return this.resources.find((r) => r.type === m[1] && r.name === m[2]);
  }
}

/** Every string anywhere inside a value, with its JSON path, for rules that scan for principals or locations. */
export function* walkStrings(value: unknown, path = ''): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') {
    yield { path, value };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walkStrings(value[i], `${path}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* walkStrings(v, path ? `${path}.${k}` : k);
  }
}

/** One `${type.name.attr}` (or `${data.type.name.attr}`) reference found inside a string. */
export interface ReferenceToken {
  /** The whole `${...}` text. */
  readonly text: string;
  /** `resource` or `data`. */
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name, for example `email` or `id`; empty when none. */
  readonly attribute: string;
}

const REFERENCE = /\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;

/** Every simple reference inside a string, in order. Function calls and expressions are not references and are skipped. */
export function referencesIn(value: string): ReferenceToken[] {
  const out: ReferenceToken[] = [];
  for (const m of value.matchAll(REFERENCE)) {
    out.push({
      text: m[0],
      mode: m[1] ? 'data' : 'resource',
      type: m[2],
      name: m[3],
      attribute: (m[4] ?? '').replace(/^\./, ''),
    });
  }
  return out;
}

/** The raw JSON block of a resource, `//` metadata included (SynthesizedResource.values drops it). */
export function rawResourceBlock(stack: SynthesizedStack, r: SynthesizedResource): Record<string, unknown> {
  return (stack.json.resource?.[r.type]?.[r.name] ?? {}) as Record<string, unknown>;
}

/** The data source an interpolation points at, if any (`${data.google_iam_policy.x.policy_data}`). */
export function resolveDataReference(stack: SynthesizedStack, value: unknown): { type: string; name: string; values: Record<string, unknown> } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\$\{data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\.[^}]*)?\}$/.exec(value);
  if (!m) return undefined;
  const block = stack.json.data?.[m[1]]?.[m[2]];
  if (!block) return undefined;
  const { ['//']: _meta, ...values } = block as Record<string, unknown>;
  return { type: m[1], name: m[2], values };
}

/** The addresses a resource refers to: its `depends_on` entries and every `${type.name...}` interpolation. */
export function dependenciesOf(r: SynthesizedResource): Set<string> {
  const deps = new Set<string>();
  const { depends_on: dependsOnList, ...rest } = r.values;
  // depends_on holds bare addresses ("google_project.x"); attributes hold "${google_project.x.id}".
  if (Array.isArray(dependsOnList)) {
    for (const d of dependsOnList) if (typeof d === 'string') deps.add(d.replace(/^\$\{(.*)\}$/, '$1'));
  }
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const expr of v.matchAll(/\$\{([^}]*)\}/g)) {
        for (const m of expr[1].matchAll(/(?<![\w.])(google_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) deps.add(`${m[1]}.${m[2]}`);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(rest);
  return deps;
}

/**
 * True when a dependency path leads from `from` to `toAddress`: Terraform then creates `toAddress`
 * first, and destroys `from` first.
 */
export function dependsTransitivelyOn(stack: SynthesizedStack, from: SynthesizedResource, toAddress: string): boolean {
  const byAddress = new Map(stack.resources.map((r) => [r.address, r]));
  const seen = new Set<string>();
  const queue = [from.address];
  while (queue.length > 0) {
    const current = byAddress.get(queue.pop()!);
    if (!current) continue;
    for (const dep of dependenciesOf(current)) {
      if (dep === toAddress) return true;
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return false;
}
