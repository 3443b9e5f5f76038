/**
 * What a handover's release (HAND-1, DPA 10.2) takes out of Terraform state without destroying it:
 * the project and the settings the customer keeps with it, the warehouse (dataset and tables), the
 * keys that encrypt the warehouse with their key rings and BigQuery's grant on them (destroying them
 * would crypto-shred the customer's data, ENC-2, DEL-2), the customer's administration grants, and
 * the handover roles and grants (policy/handover.ts): the release's destroys run with them, so
 * destroying them in the same apply would race those destroys; the last step removes the grants.
 *
 * One table, read twice: the release stack writes a `removed { from, lifecycle { destroy = false } }`
 * block (Terraform 1.7+) per entry and builds nothing else of the data plane, and every stack of a
 * handover's earlier phases checks at synthesis that each entry names a resource it declares, at the
 * same address (`assertReleasable`), so the table and the constructs cannot drift apart. Besides
 * the table, the release forgets every other grant of the earlier phases (`releasedGrants`), whose
 * addresses depend on the features, so they are read from the stack's own tree.
 *
 * Neither in the table nor a grant, so the release destroys them: Smart Segments' workloads, service
 * accounts, secrets, sinks, scheduler jobs, contacts and alerting, the other keys, the handover's
 * export policy and the folder's move grant. The project's API enablements are destroyed too, which only forgets them:
 * disable_on_destroy is false (google/services/resourcemanager/resource_google_project_service.go
 * v6.50.0, Delete), and so is the removal of the creator's owner role (Delete only forgets).
 */
import { TerraformResource, type TerraformStack } from 'cdktf';
// The logical-id function cdktf's TerraformStack.allocateLogicalId uses (cdktf 0.21 lib/terraform-stack.js).
import { makeUniqueId } from 'cdktf/lib/private/unique';
import { jurisdictionRules, kmsLocationFor } from '../config/jurisdictions';
import type { ResolvedTenant } from '../config/loader';
import { CUSTOMER_DATA_SERVICES } from '../policy/audit-logs';
import { roleKey } from './grant-policy';
import { CUSTOMER_ADMIN_ROLES } from '../policy/handover';

export interface ReleasedResource {
  readonly type: string;
  /** Construct ids from the stack down to the resource (its construct path). */
  readonly path: readonly string[];
  /** What the customer keeps it for. */
  readonly why: string;
}

/** The resources the release hands to the customer, from the tenant's config alone. */
export function releasedResources(tenant: Pick<ResolvedTenant, 'jurisdiction' | 'region' | 'sources' | 'lifecycle'>): ReleasedResource[] {
  const warehouseLocation = jurisdictionRules(tenant.jurisdiction).storageMultiRegion ?? tenant.region;
  const keyLocation = kmsLocationFor(tenant.jurisdiction, [warehouseLocation]);
  const out: ReleasedResource[] = [
    { type: 'google_project', path: ['project', 'project'], why: 'the project itself' },
    // Destroying it would give the default service accounts their roles back (restore_policy REVERT).
    { type: 'google_project_default_service_accounts', path: ['project', 'default-service-accounts'], why: 'the default service accounts stay deprivileged' },
    { type: 'google_logging_project_bucket_config', path: ['log-retention', 'default-bucket'], why: "the project's log retention" },
    ...[...CUSTOMER_DATA_SERVICES].sort().map((service) => ({
      type: 'google_project_iam_audit_config',
      path: ['data-access-audit-logs', service.split('.')[0]],
      why: `Data Access audit logs of ${service}`,
    })),
    ...CUSTOMER_ADMIN_ROLES.map((role) => ({ type: 'google_project_iam_member', path: ['handoff', `customer-${roleKey(role)}`], why: `the customer's administrators' ${role}` })),
    // Declared with the move grant, so only when its expiry is recorded (ProjectHandoff).
    ...(tenant.lifecycle.handover?.moverGrantExpires === undefined ? [] : (['read', 'apply'] as const)).flatMap((kind) => [
      { type: 'google_project_iam_custom_role', path: ['handoff', `handover-${kind}-role`], why: `the handover ${kind} role, granted until the last step removes its grants` },
      ...(kind === 'read' ? (['planner'] as const) : (['deployer', 'administrators'] as const)).map((to) => ({
        type: 'google_project_iam_member',
        path: ['handoff', `handover-${kind}-${to}`],
        why: `the handover ${kind} grant to the ${to === 'planner' ? 'plan identity' : to === 'deployer' ? 'tenant deployer' : 'platform administrators'}, which the release${kind === 'read' ? "'s plan" : ' and'} the last step need`,
      })),
    ]),
    { type: 'google_bigquery_dataset', path: ['data-plane', 'warehouse', 'dataset'], why: 'the warehouse dataset' },
    ...(tenant.sources.length > 0
      ? [{ type: 'google_bigquery_table', path: ['data-plane', 'warehouse', 'table-source-events'], why: 'the landing table source_events' }]
      : []),
  ];
  if (keyLocation !== undefined) {
    const key = `warehouse-${keyLocation}`;
    out.push(
      { type: 'google_kms_key_ring', path: ['data-plane', 'keys', `ring-${keyLocation}`], why: 'the key ring of the warehouse key' },
      { type: 'google_kms_crypto_key', path: ['data-plane', 'keys', key, 'key'], why: 'the key that encrypts the warehouse' },
      {
        type: 'google_kms_crypto_key_iam_member',
        path: ['data-plane', 'keys', key, 'encrypt-decrypt-bigquery-encryption-agent'],
        why: "BigQuery's encryption agent may use the warehouse key (else the tables cannot be read)",
      },
    );
  }
  return out;
}

/**
 * Every IAM member of `stack` that the static table does not list: the release forgets them too
 * instead of destroying them. Destroying one is a setIamPolicy call on what it grants on, and a
 * handover role carrying those calls would let the deployer grant itself a Customer Data read in a
 * project no deny policy of ours reaches any more. Forgotten, a grant on a resource the release
 * destroys goes with the resource; one on what the customer keeps (the project, the warehouse, its
 * key) names a service account the release deletes, so it admits nobody, and the customer's
 * administrators remove it (docs/handover.md). `stack` is a stack of an earlier phase (the release
 * builds a transfer-phase tree to read them, TenantStack).
 */
export function releasedGrants(stack: TerraformStack, listed: readonly ReleasedResource[]): ReleasedResource[] {
  const known = new Set(listed.map((r) => r.path.join('/')));
  const out: ReleasedResource[] = [];
  for (const c of stack.node.findAll()) {
    if (!(c instanceof TerraformResource) || !c.terraformResourceType.endsWith('_iam_member')) continue;
    const path = c.node.scopes.slice(c.node.scopes.indexOf(stack) + 1).map((x) => x.node.id);
    // The folder's move grant is not in the project: the release destroys it (HAND-1/move-prerequisites).
    if (c.terraformResourceType === 'google_folder_iam_member' || known.has(path.join('/'))) continue;
    out.push({ type: c.terraformResourceType, path, why: 'a grant the release forgets rather than changes an IAM policy for' });
  }
  return out;
}

/** The Terraform address of a released resource, as cdktf allocates it from the construct path. */
export function releasedAddress(r: ReleasedResource): string {
  return `${r.type}.${makeUniqueId([...r.path])}`;
}

/** Writes the release's removed blocks (destroy = false); returns their addresses, sorted. */
export function declareReleased(stack: TerraformStack, released: readonly ReleasedResource[]): string[] {
  const addresses = released.map(releasedAddress).sort();
  stack.addOverride(
    'removed',
    addresses.map((from) => ({ from, lifecycle: { destroy: false } })),
  );
  return addresses;
}

/**
 * In a handover's earlier phases: throws unless every released entry is a resource of `stack` at
 * the address the release will name, so the release cannot miss (and destroy) what the customer keeps.
 */
export function assertReleasable(stack: TerraformStack, released: readonly ReleasedResource[]): void {
  const problems: string[] = [];
  for (const r of released) {
    const node = stack.node.tryFindChild(r.path[0]);
    let found = node;
    for (const id of r.path.slice(1)) found = found?.node.tryFindChild(id);
    if (!(found instanceof TerraformResource) || found.terraformResourceType !== r.type) {
      problems.push(`${r.path.join('/')} is not a ${r.type} of ${stack.node.id}`);
    } else if (`${r.type}.${stack.getLogicalId(found)}` !== releasedAddress(r)) {
      problems.push(`${r.path.join('/')} has address ${r.type}.${stack.getLogicalId(found)}, the release would name ${releasedAddress(r)}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `the handover release table (constructs/state-release.ts releasedResources) does not match the stack: ${problems.join('; ')}. Change the table with the construct, or the release destroys what the customer keeps.`,
    );
  }
}
