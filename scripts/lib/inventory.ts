/**
 * Plan inventories in the spirit of Cloud Foundation Fabric: per synthesized stack, the number of
 * resources of each type (`counts`, compared exactly) and, by address, the attributes that carry a
 * control (`values`, compared as a subset: every address and attribute the file lists must be in the
 * synthesis with that value; what the file leaves out is not compared). A reviewer reads and trims
 * these files instead of snapshots. `npm run inventories` (scripts/inventories.ts) writes them.
 */
import { Document, isMap, isSeq, parseDocument, visit } from 'yaml';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';

export interface Inventory {
  readonly counts: Readonly<Record<string, number>>;
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Attributes that carry a control, on any resource type: where data is (RES), how long it is kept
 * (RET, LOG), what protects it from deletion (DEL, ISO-1), who may act on it (IAM), how it is
 * encrypted (ENC) and reached (EDGE), its labels (ISO-3, LLM-1) and the audit and contact settings (LOG-2, BRE-1).
 */
const CONTROL_ATTRIBUTES: readonly string[] = [
  // where
  'location', 'region', 'storage_location', 'location_id', 'message_storage_policy', 'replication', 'folder_id',
  // how long
  'retention_days', 'message_retention_duration', 'max_time_travel_hours', 'time_partitioning', 'ttl_config',
  'lifecycle_rule', 'retention_policy', 'soft_delete_policy', 'destroy_scheduled_duration',
  'default_table_expiration_ms', 'default_partition_expiration_ms',
  // deletion protection
  'deletion_protection', 'deletion_policy', 'delete_protection_state', 'force_destroy', 'delete_contents_on_destroy', 'lifecycle',
  // who
  'role', 'member', 'members', 'action', 'auto_create_network',
  // encryption and edge
  'kms_key_name', 'default_encryption_configuration', 'cmek_config', 'encryption_spec', 'rotation_period',
  'public_access_prevention', 'uniform_bucket_level_access', 'ingress', 'invoker_iam_disabled', 'min_tls_version', 'profile',
  // labels, audit, contacts, sinks
  'labels', 'audit_log_config', 'email', 'notification_category_subscriptions', 'destination', 'include_children',
];

/** Attributes that carry a control only on one type (elsewhere they are names or plumbing). */
const TYPE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  // The constraint is in the address; the spec holds the values.
  google_org_policy_policy: ['spec'],
  google_project_iam_audit_config: ['service'],
  google_project: ['project_id'],
};

/**
 * Left out so the files stay reviewable, each because another test holds it: the labels every
 * labelable resource carries (ISO-3, test/tenant-stack.test.ts and test/platform-stack.test.ts check
 * them on every resource); the lifecycle settings other than prevent_destroy (not a control).
 */
const LABELS_ON_EVERY_RESOURCE = ['tenant', 'environment', 'data-residency'];

function trimmed(key: string, value: unknown): unknown {
  if (key === 'labels' && value && typeof value === 'object') {
    const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !LABELS_ON_EVERY_RESOURCE.includes(k)));
    return Object.keys(rest).length > 0 ? rest : undefined;
  }
  if (key === 'lifecycle' && value && typeof value === 'object') {
    const preventDestroy = (value as { prevent_destroy?: unknown }).prevent_destroy;
    return preventDestroy === undefined ? undefined : { prevent_destroy: preventDestroy };
  }
  return value;
}

function controlValues(type: string, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keep = [...CONTROL_ATTRIBUTES, ...(TYPE_ATTRIBUTES[type] ?? [])];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(values).sort()) {
    const value = keep.includes(key) ? trimmed(key, values[key]) : undefined;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The full inventory of a synthesized stack, as `npm run inventories -- --write` writes it before trimming. */
export function inventoryOf(stack: SynthesizedStack): Inventory {
  const counts: Record<string, number> = {};
  for (const r of stack.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  const values: Record<string, Record<string, unknown>> = {};
  for (const r of [...stack.resources].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))) {
    const v = controlValues(r.type, r.values);
    if (Object.keys(v).length > 0) values[r.address] = v;
  }
  return { counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))), values };
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/**
 * Where the synthesis differs from the inventory, one line per difference: every count (a type the
 * inventory lacks or has too many of), and every listed attribute that is absent or different.
 * Empty when they agree.
 */
export function inventoryDifferences(expected: Inventory, stack: SynthesizedStack): string[] {
  const actual = inventoryOf(stack);
  const out: string[] = [];
  const types = [...new Set([...Object.keys(expected.counts), ...Object.keys(actual.counts)])].sort();
  for (const type of types) {
    const want = expected.counts[type] ?? 0;
    const got = actual.counts[type] ?? 0;
    if (want !== got) out.push(`counts.${type}: inventory ${want}, synthesized ${got}`);
  }
  const byAddress = new Map(stack.resources.map((r) => [r.address, r]));
  for (const [address, attributes] of Object.entries(expected.values)) {
    const resource = byAddress.get(address);
    if (!resource) {
      out.push(`values.${address}: not in the synthesized stack`);
      continue;
    }
    for (const [key, want] of Object.entries(attributes)) {
      // Compared as the inventory records it (labels without the three every resource carries).
      const got = trimmed(key, resource.values[key]);
      if (!deepEqual(want, got)) out.push(`values.${address}.${key}: inventory ${show(want)}, synthesized ${show(got)}`);
    }
  }
  return out;
}

/** The inventory as YAML: one block per resource, each attribute's value on one line. */
export function renderInventory(stackName: string, inventory: Inventory): string {
  const doc = new Document({ counts: inventory.counts, values: inventory.values });
  // Collections below an attribute are written inline, so one attribute is one line to review; a
  // resource of plain values only (an IAM grant: member and role), or of one attribute, is one line.
  visit(doc, {
    Pair(_key, pair, path) {
      if (path.length >= 6 && (isMap(pair.value) || isSeq(pair.value))) pair.value.flow = true;
      if (path.length === 4 && isMap(pair.value) && (pair.value.items.length === 1 || pair.value.items.every((i) => !isMap(i.value) && !isSeq(i.value)))) {
        pair.value.flow = true;
      }
    },
  });
  const header = [
    `# Inventory of ${stackName}: resource counts by type (exact) and the values that carry a control`,
    '# (each listed attribute must be synthesized as written; unlisted ones are not compared).',
    '# Written by `npm run inventories -- --write`, then trimmed and reviewed by hand; see test/inventories.test.ts.',
  ];
  return `${header.join('\n')}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}

/** Reads an inventory file, or throws naming the file and what is wrong with it. */
export function parseInventory(text: string, file: string): Inventory {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${file}: is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const raw = doc.toJS() as { counts?: unknown; values?: unknown } | null;
  const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isRecord(raw) || !isRecord(raw.counts)) throw new Error(`${file}: counts: is missing; an inventory needs counts: <type>: <number>`);
  for (const [type, n] of Object.entries(raw.counts)) {
    if (!Number.isInteger(n) || (n as number) < 0) throw new Error(`${file}: counts.${type}: is ${show(n)}; it must be a whole number`);
  }
  const values = raw.values ?? {};
  if (!isRecord(values)) throw new Error(`${file}: values: must map resource addresses to attributes`);
  for (const [address, attributes] of Object.entries(values)) {
    if (!isRecord(attributes)) throw new Error(`${file}: values.${address}: must map attribute names to values`);
  }
  return { counts: raw.counts as Record<string, number>, values: values as Record<string, Record<string, unknown>> };
}
