/**
 * The order Terraform will apply a synthesized stack in, as the deployability checks read it: every
 * resource and data source is a node (`type.name`, `data.type.name`), and an edge leads to each
 * address it names in `depends_on` or in an interpolation. Unlike dependenciesOf in
 * synthesized-stack.ts, data sources are nodes too, so a grant that reads
 * `${data.google_bigquery_default_service_account.x.email}` is ordered after that data source and,
 * through it, after whatever the data source waits for.
 */
import { walkStrings, type SynthesizedStack } from '../synthesized-stack';

/** One resource or data source of a stack. */
export interface GraphNode {
  /** `type.name` for a resource, `data.type.name` for a data source. */
  readonly address: string;
  readonly mode: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
  /** Attributes without cdktf metadata. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Construct path, for messages. */
  readonly path: string;
}

/** Addresses named inside a `${...}` expression: `google_x.y` and `data.google_x.y`. */
const ADDRESS_IN_EXPRESSION = /(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g;

function addressesIn(text: string): string[] {
  const out: string[] = [];
  for (const expr of text.matchAll(/\$\{([^}]*)\}/g)) {
    for (const m of expr[1].matchAll(ADDRESS_IN_EXPRESSION)) out.push(`${m[1] ?? ''}${m[2]}.${m[3]}`);
  }
  return out;
}

const graphs = new WeakMap<SynthesizedStack, DependencyGraph>();

export class DependencyGraph {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  private readonly edges = new Map<string, Set<string>>();
  private readonly closure = new Map<string, Set<string>>();

  /** The graph of `stack`, built once and shared by the checks that read it (it never changes). */
  static of(stack: SynthesizedStack): DependencyGraph {
    let graph = graphs.get(stack);
    if (!graph) {
      graph = new DependencyGraph(stack);
      graphs.set(stack, graph);
    }
    return graph;
  }

  constructor(readonly stack: SynthesizedStack) {
    const nodes = new Map<string, GraphNode>();
    for (const r of stack.resources) nodes.set(r.address, { address: r.address, mode: 'resource', type: r.type, name: r.name, values: r.values, path: r.path });
    for (const [type, byName] of Object.entries(stack.json.data ?? {})) {
      for (const [name, raw] of Object.entries(byName)) {
        const { ['//']: meta, ...values } = raw as Record<string, unknown> & { '//'?: { metadata?: { path?: string } } };
        const address = `data.${type}.${name}`;
        nodes.set(address, { address, mode: 'data', type, name, values, path: meta?.metadata?.path ?? address });
      }
    }
    this.nodes = nodes;
    for (const node of nodes.values()) {
      const deps = new Set<string>();
      const { depends_on: dependsOn, ...rest } = node.values;
      // depends_on holds bare addresses ("google_project.x"), sometimes wrapped in ${}.
      if (Array.isArray(dependsOn)) {
        for (const d of dependsOn) if (typeof d === 'string') deps.add(d.replace(/^\$\{(.*)\}$/, '$1'));
      }
      for (const { value } of walkStrings(rest)) for (const a of addressesIn(value)) deps.add(a);
      deps.delete(node.address);
      this.edges.set(node.address, deps);
    }
  }

  /** The node at an address (`type.name` or `data.type.name`). */
  node(address: string): GraphNode | undefined {
    return this.nodes.get(address);
  }

  /** The addresses `address` names directly. */
  direct(address: string): ReadonlySet<string> {
    return this.edges.get(address) ?? new Set();
  }

  /** Every address reachable from `address` (what Terraform must create first). */
  ancestors(address: string): ReadonlySet<string> {
    const cached = this.closure.get(address);
    if (cached) return cached;
    const seen = new Set<string>();
    const queue = [...this.direct(address)];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.direct(next));
    }
    this.closure.set(address, seen);
    return seen;
  }

  /** True when `from` waits, directly or through others, for `to`. */
  dependsOn(from: string, to: string): boolean {
    return this.ancestors(from).has(to);
  }
}
