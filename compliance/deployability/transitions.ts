/**
 * The transition checks: given the synthesized stacks before and after a change (two git revisions,
 * or a lifecycle step before and after a script runs), what the apply of the change would refuse or
 * silently destroy.
 *
 * DEP-REMOVE-PROTECTED: a resource that leaves the configuration (present before, absent after, not
 * released by a `removed` block with destroy = false, not moved) but was protected before. Terraform
 * destroys it with the state's attributes, and the provider's Delete refuses a protected one
 * (v6.50.0: resource_secret_manager_secret.go, resource_cloud_run_v2_service.go,
 * resource_cloud_run_v2_job.go, resource_bigquery_table.go "cannot destroy ... without setting
 * deletion_protection=false"; resource_firestore_database.go "Delete Protection is enabled" when
 * deletion_policy is DELETE; resource_google_folder.go; resource_google_project.go "deletion_policy is
 * set to PREVENT"). `lifecycle.prevent_destroy` lives in the configuration only: removing a resource
 * block removes the protection with it, but `terraform destroy` of a whole stack runs with the
 * configuration present and fails on it
 * (https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy), so it
 * counts only for a stack that disappears.
 * A stack that disappears removes all its resources: offboarding passes because it lifts protection
 * in the deploy before the destroy.
 *
 * DEP-MOVED: a data-bearing resource whose identity (project id, dataset, table, bucket, Firestore
 * database, key ring, key) is the same before and after but whose address changed, with no `moved`
 * block from the old address to the new: Terraform plans destroy-and-recreate of the same data
 * (https://developer.hashicorp.com/terraform/language/modules/develop/refactoring).
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatViolation, type Violation } from '../engine';
import { SynthesizedStack, type SynthesizedResource } from '../synthesized-stack';

export const RETIRE_FIX =
  'retire the feature first (`npm run feature -- --retire ...`, or lift the protection in the config), deploy, then remove it in a later change';

const REMOVE_SOURCES = [
  'terraform-provider-google v6.50.0 google/services/secretmanager/resource_secret_manager_secret.go',
  'google/services/cloudrunv2/resource_cloud_run_v2_service.go',
  'google/services/bigquery/resource_bigquery_table.go',
  'google/services/firestore/resource_firestore_database.go (Delete functions)',
].join(', ');
const MOVED_SOURCE = 'https://developer.hashicorp.com/terraform/language/modules/develop/refactoring';

/**
 * Why the provider (or Terraform) refuses to destroy `r` as it was, or undefined when it would not.
 * `wholeStack`: the stack itself is destroyed (with its configuration present), so Terraform's
 * `prevent_destroy` applies too; a block removed from a stack that stays takes it along.
 */
export function protectionOf(r: SynthesizedResource, wholeStack = false): string | undefined {
  const v = r.values;
  const lifecycle = v.lifecycle as { prevent_destroy?: unknown } | undefined;
  if (wholeStack && lifecycle?.prevent_destroy === true) return 'lifecycle.prevent_destroy is true';
  switch (r.type) {
    case 'google_secret_manager_secret':
      // Default false (resource_secret_manager_secret.go:343).
      return v.deletion_protection === true ? 'deletion_protection is true' : undefined;
    case 'google_cloud_run_v2_service':
    case 'google_cloud_run_v2_job':
    case 'google_bigquery_table':
    case 'google_folder':
      // Default true (resource_cloud_run_v2_service.go:1231, _job.go:912, resource_bigquery_table.go:1360, resource_google_folder.go:87).
      return v.deletion_protection === false ? undefined : `deletion_protection is ${v.deletion_protection === true ? 'true' : 'unset (default true)'}`;
    case 'google_firestore_database':
      // Delete is skipped unless deletion_policy is DELETE (default ABANDON); then protection refuses it.
      return v.deletion_policy === 'DELETE' && v.delete_protection_state === 'DELETE_PROTECTION_ENABLED'
        ? 'delete_protection_state is DELETE_PROTECTION_ENABLED (deletion_policy DELETE)'
        : undefined;
    case 'google_project':
      // Default PREVENT (resource_google_project.go:89).
      return v.deletion_policy === undefined || v.deletion_policy === 'PREVENT' ? `deletion_policy is ${String(v.deletion_policy ?? 'unset (default PREVENT)')}` : undefined;
    default:
      return undefined;
  }
}

type Block = { from?: unknown; to?: unknown; lifecycle?: { destroy?: unknown } };
const blocksOf = (stack: SynthesizedStack | undefined, key: 'removed' | 'moved'): Block[] => {
  const raw = stack?.json[key];
  return Array.isArray(raw) ? (raw as Block[]) : raw && typeof raw === 'object' ? [raw as Block] : [];
};

/** The identity of a data-bearing resource, from its values; references to other resources of the stack are resolved. */
export function identityOf(stack: SynthesizedStack, r: SynthesizedResource): string | undefined {
  const provider = (stack.json.provider?.google as Array<Record<string, unknown>> | undefined)?.find((p) => !p.alias);
  const resolve = (value: unknown, depth = 0): string | undefined => {
    if (typeof value !== 'string') return undefined;
    if (!value.includes('${')) return value;
    const target = stack.resolveReference(value);
    if (!target || depth > 3) return undefined;
    const attr = /\.([a-z_]+)\}$/.exec(value)?.[1];
    const id = identityOf(stack, target);
    if (attr === 'id' || attr === 'name' || attr === 'self_link') return id;
    if (attr && typeof target.values[attr] === 'string') return resolve(target.values[attr], depth + 1);
    return undefined;
  };
  const v = r.values;
  const project = () => resolve(v.project ?? provider?.project);
  const join = (...parts: (string | undefined)[]) => (parts.every((p) => p !== undefined) ? `${r.type}:${parts.join('/')}` : undefined);
  switch (r.type) {
    case 'google_project':
      return join(resolve(v.project_id));
    case 'google_bigquery_dataset':
      return join(project(), resolve(v.dataset_id));
    case 'google_bigquery_table':
      return join(project(), resolve(v.dataset_id)?.split('/').pop(), resolve(v.table_id));
    case 'google_storage_bucket':
      return join(resolve(v.name));
    case 'google_firestore_database':
      return join(project(), resolve(v.name));
    case 'google_kms_key_ring':
      return join(project(), resolve(v.location), resolve(v.name));
    case 'google_kms_crypto_key':
      return join(resolve(v.key_ring), resolve(v.name));
    default:
      return undefined;
  }
}

export const DATA_BEARING_TYPES = [
  'google_project',
  'google_bigquery_dataset',
  'google_bigquery_table',
  'google_storage_bucket',
  'google_firestore_database',
  'google_kms_key_ring',
  'google_kms_crypto_key',
];

/** Every violation of the transition from `before` to `after` (maps of stack name to stack). */
export function checkTransition(before: ReadonlyMap<string, SynthesizedStack>, after: ReadonlyMap<string, SynthesizedStack>): Violation[] {
  const violations: Violation[] = [];
  for (const [name, old] of before) {
    const next = after.get(name);
    const nextAddresses = new Set(next?.resources.map((r) => r.address) ?? []);
    const released = new Set(
      blocksOf(next, 'removed')
        .filter((b) => b.lifecycle?.destroy === false && typeof b.from === 'string')
        .map((b) => b.from as string),
    );
    const moved = new Map(
      blocksOf(next, 'moved')
        .filter((b) => typeof b.from === 'string' && typeof b.to === 'string')
        .map((b) => [b.from as string, b.to as string]),
    );
    const nextByIdentity = new Map<string, SynthesizedResource>();
    for (const r of next?.resources ?? []) {
      if (!DATA_BEARING_TYPES.includes(r.type)) continue;
      const id = identityOf(next!, r);
      if (id) nextByIdentity.set(id, r);
    }
    for (const r of old.resources) {
      if (nextAddresses.has(r.address) || released.has(r.address)) continue;
      if (moved.has(r.address) && nextAddresses.has(moved.get(r.address)!)) continue;
      const identity = DATA_BEARING_TYPES.includes(r.type) ? identityOf(old, r) : undefined;
      const successor = identity ? nextByIdentity.get(identity) : undefined;
      if (successor) {
        violations.push({
          stack: name,
          address: r.address,
          path: r.path,
          ruleId: 'DEP-MOVED',
          control: 'DEP-MOVED',
          dpaClause: '-',
          source: MOVED_SOURCE,
          problem: `the same ${r.type} (${identity!.slice(r.type.length + 1)}) is now at ${successor.address}${
            successor.path !== successor.address ? ` (${successor.path})` : ''
          } with no moved block, so Terraform plans to destroy it and create it anew (cdktf derives addresses from construct paths).`,
          fix: `keep the construct id, or add a moved block from ${r.address} to ${successor.address} (stack.addOverride('moved', [{ from: '${r.address}', to: '${successor.address}' }])).`,
        });
        continue;
      }
      const protection = protectionOf(r, next === undefined);
      if (!protection) continue;
      violations.push({
        stack: name,
        address: r.address,
        path: r.path,
        ruleId: 'DEP-REMOVE-PROTECTED',
        control: 'DEP-REMOVE-PROTECTED',
        dpaClause: '-',
        source: REMOVE_SOURCES,
        problem: `${next ? 'leaves the configuration' : `leaves with its whole stack (${name} is no longer synthesized)`} while ${protection} in the earlier one, so the provider refuses to destroy it and the apply fails.`,
        fix: `${RETIRE_FIX}.`,
      });
    }
  }
  return violations;
}

/** The synthesized stacks of an output folder (`<dir>/stacks/<name>/cdk.tf.json`), by name. */
export function readSynthesizedOutput(dir: string): Map<string, SynthesizedStack> {
  const stacksDir = path.join(dir, 'stacks');
  if (!fs.existsSync(stacksDir)) throw new Error(`${dir} holds no synthesized output (no stacks/ folder); run the synthesis into it first`);
  const out = new Map<string, SynthesizedStack>();
  for (const name of fs.readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, name, 'cdk.tf.json');
    if (!fs.existsSync(file)) continue;
    try {
      out.set(name, SynthesizedStack.parse(name, fs.readFileSync(file, 'utf8')));
    } catch (e) {
      throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * For the lifecycle scripts (onboard, offboard, handover, feature): the transition of their own change,
 * as printable lines; empty when the change is safe to apply. Pass the stacks synthesized before and
 * after the tenant file was edited (only the stacks the change touches).
 */
export function transitionProblems(before: ReadonlyMap<string, SynthesizedStack>, after: ReadonlyMap<string, SynthesizedStack>): string[] {
  return checkTransition(before, after).map(formatViolation);
}
