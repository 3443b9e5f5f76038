/**
 * Every grant a synthesized stack makes, in one shape: who (principal), which role, on what, under
 * which condition, from which resource. Read from all `*_iam_member`, `*_iam_binding` and
 * `*_iam_policy` resources, BigQuery dataset access (resource and inline blocks), Cloud Storage
 * ACLs and Cloud Run's `invoker_iam_disabled`. The IAM rules and the access map read grants here,
 * so what the report draws is what the rules judged.
 */
import { blocks } from './json-blocks';
import { memberForEmail, resolvePrincipal, type Principal } from './principals';
import { referencesIn, resolveDataReference, type SynthesizedResource, type SynthesizedStack } from './synthesized-stack';

export type GrantLevel = 'organization' | 'folder' | 'project' | 'resource';

export interface GrantTarget {
  readonly level: GrantLevel;
  /** Terraform type of the thing granted on, for example `google_pubsub_topic` or `google_project`. */
  readonly resourceType: string;
  /** Its identifier as the stack names it (a literal, or the resolved name of a stack resource). */
  readonly id: string;
  /** The stack resource granted on, when it is declared in the same stack. */
  readonly address?: string;
}

export interface Grant {
  /** Address of the resource that makes the grant. */
  readonly address: string;
  readonly type: string;
  readonly principal: Principal;
  /** The role, with custom-role references resolved to the role name where the stack declares it. */
  readonly role: string;
  readonly target: GrantTarget;
  readonly condition?: { readonly title?: string; readonly expression?: string };
  /** `*_iam_binding` and `*_iam_policy` replace every other holder of the role; `*_iam_member` adds one. */
  readonly authoritative: boolean;
  /** Set when no IAM resource states the grant but a setting implies it (Cloud Run `invoker_iam_disabled`). */
  readonly implicitVia?: string;
}

const IAM_TYPE = /^(google_[a-z0-9_]+?)_iam_(member|binding|policy)$/;

/** The attribute that names the thing granted on, per resource family; first match wins. */
const TARGET_KEYS = [
  'secret_id',
  'topic',
  'subscription',
  'table_id',
  'dataset_id',
  'bucket',
  'repository',
  'crypto_key_id',
  'key_ring_id',
  'service_account_id',
  'service',
  'job',
  'name',
  'instance',
  'location_id',
  'billing_account_id',
];

/** BigQuery's legacy dataset roles are the same as these predefined roles. */
const BIGQUERY_LEGACY_ROLES: Record<string, string> = {
  OWNER: 'roles/bigquery.dataOwner',
  WRITER: 'roles/bigquery.dataEditor',
  READER: 'roles/bigquery.dataViewer',
};
const BUCKET_ACL_ROLES: Record<string, string> = {
  OWNER: 'roles/storage.legacyBucketOwner',
  WRITER: 'roles/storage.legacyBucketWriter',
  READER: 'roles/storage.legacyBucketReader',
};
const OBJECT_ACL_ROLES: Record<string, string> = {
  OWNER: 'roles/storage.legacyObjectOwner',
  READER: 'roles/storage.legacyObjectReader',
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** The stack resource a string points at: by reference, or by a literal naming a resource of `type` in the stack. */
export function findTarget(stack: SynthesizedStack, type: string, value: string | undefined): SynthesizedResource | undefined {
  if (!value) return undefined;
  for (const ref of referencesIn(value)) {
    if (ref.mode !== 'resource') continue;
    const r = stack.resources.find((x) => x.type === ref.type && x.name === ref.name);
    if (r) return r;
  }
  if (value.includes('${')) return undefined;
  const last = value.split('/').pop() ?? value;
  return stack
    .ofType(type)
    .find((r) =>
      ['name', 'secret_id', 'dataset_id', 'table_id', 'account_id', 'repository_id', 'project_id'].some(
        (k) => r.values[k] === last || r.values[k] === value,
      ),
    );
}

/** A human identifier for a stack resource: its name attribute, or its address. */
export function resourceLabel(r: SynthesizedResource): string {
  for (const k of ['secret_id', 'dataset_id', 'table_id', 'repository_id', 'account_id', 'name', 'project_id', 'display_name']) {
    const v = r.values[k];
    if (typeof v === 'string' && !v.includes('${')) return v;
  }
  return r.address;
}

function conditionOf(values: Record<string, unknown>): Grant['condition'] {
  const c = blocks(values.condition)[0];
  if (!c) return undefined;
  return { title: str(c.title), expression: str(c.expression) };
}

/** Resolves a custom-role reference to the role name the stack declares. */
function roleName(stack: SynthesizedStack, role: string): string {
  for (const ref of referencesIn(role)) {
    const r = stack.resources.find((x) => x.type === ref.type && x.name === ref.name);
    if (r?.type === 'google_project_iam_custom_role')
      return `projects/${String(r.values.project ?? '<project>')}/roles/${String(r.values.role_id)}`;
    if (r?.type === 'google_organization_iam_custom_role')
      return `organizations/${String(r.values.org_id ?? '<org>')}/roles/${String(r.values.role_id)}`;
  }
  return role;
}

/** A resource-level target named by `value`: the stack's own resource when it declares one, else `value` as written. */
function namedResourceTarget(stack: SynthesizedStack, resourceType: string, value: string): GrantTarget {
  const t = findTarget(stack, resourceType, value);
  return { level: 'resource', resourceType, id: t ? resourceLabel(t) : value, address: t?.address };
}

/** The resource itself, for access it declares inline. */
function ownTarget(r: SynthesizedResource): GrantTarget {
  return { level: 'resource', resourceType: r.type, id: resourceLabel(r), address: r.address };
}

/** A BigQuery access role, with a legacy dataset role read as its predefined equivalent. */
function bigQueryRole(role: unknown): string {
  const written = str(role) ?? '<no role>';
  return BIGQUERY_LEGACY_ROLES[written] ?? written;
}

function iamTarget(stack: SynthesizedStack, r: SynthesizedResource, base: string): GrantTarget {
  const v = r.values;
  if (base === 'google_project') {
    const project = str(v.project) ?? '<provider project>';
    const t = findTarget(stack, 'google_project', project);
    return { level: 'project', resourceType: base, id: t ? String(t.values.project_id ?? resourceLabel(t)) : project, address: t?.address };
  }
  if (base === 'google_folder') {
    const folder = str(v.folder) ?? '<folder>';
    const t = findTarget(stack, 'google_folder', folder);
    return { level: 'folder', resourceType: base, id: t ? resourceLabel(t) : folder, address: t?.address };
  }
  if (base === 'google_organization') {
    return { level: 'organization', resourceType: base, id: `organizations/${str(v.org_id) ?? '<org>'}` };
  }
  for (const key of TARGET_KEYS) {
    const value = str(v[key]);
    if (value !== undefined) return namedResourceTarget(stack, base, value);
  }
  return { level: 'resource', resourceType: base, id: r.address };
}

function bigQueryMember(project: string | undefined, block: Record<string, unknown>): string | undefined {
  if (typeof block.iam_member === 'string') return block.iam_member;
  if (typeof block.user_by_email === 'string') return memberForEmail(block.user_by_email);
  if (typeof block.group_by_email === 'string') return `group:${block.group_by_email}`;
  if (typeof block.domain === 'string') return `domain:${block.domain}`;
  if (typeof block.special_group === 'string') {
    const g = block.special_group;
    if (g === 'allAuthenticatedUsers') return 'allAuthenticatedUsers';
    const role = { projectOwners: 'projectOwner', projectWriters: 'projectEditor', projectReaders: 'projectViewer' }[g];
    return role ? `${role}:${project ?? '<project>'}` : `specialGroup:${g}`;
  }
  return undefined; // an authorized view, dataset or routine: not a principal
}

function aclMember(entity: string): string {
  if (entity === 'allUsers' || entity === 'allAuthenticatedUsers') return entity;
  const m = /^(user|group|domain|project)-(.+)$/.exec(entity);
  if (!m) return `unknown:${entity}`;
  if (m[1] === 'user') return memberForEmail(m[2]);
  if (m[1] === 'group') return `group:${m[2]}`;
  if (m[1] === 'domain') return `domain:${m[2]}`;
  const team = /^(owners|editors|viewers)-(.+)$/.exec(m[2]);
  return team
    ? `${{ owners: 'projectOwner', editors: 'projectEditor', viewers: 'projectViewer' }[team[1]]}:${team[2]}`
    : `unknown:${entity}`;
}

const PREDEFINED_ACL_MEMBERS: Record<string, Array<[string, string]>> = {
  publicRead: [['allUsers', 'READER']],
  publicReadWrite: [['allUsers', 'WRITER']],
  authenticatedRead: [['allAuthenticatedUsers', 'READER']],
};

const cache = new WeakMap<SynthesizedStack, readonly Grant[]>();

/** Every grant in the stack, in a stable order (by address, then member, then role). Computed once per stack. */
export function grantsOf(stack: SynthesizedStack): readonly Grant[] {
  let grants = cache.get(stack);
  if (!grants) {
    grants = readGrants(stack);
    cache.set(stack, grants);
  }
  return grants;
}

function readGrants(stack: SynthesizedStack): Grant[] {
  const out: Grant[] = [];
  const push = (g: Omit<Grant, 'principal'> & { member: string }) => {
    const { member, ...rest } = g;
    out.push({ ...rest, principal: resolvePrincipal(stack, member) });
  };
  for (const r of stack.resources) {
    const v = r.values;
    const iam = IAM_TYPE.exec(r.type);
    if (iam) {
      const [, base, kind] = iam;
      const target = iamTarget(stack, r, base);
      if (kind === 'member' || kind === 'binding') {
        const role = roleName(stack, str(v.role) ?? '<no role>');
        const members = kind === 'member' ? [str(v.member) ?? '<no member>'] : ((v.members as unknown[]) ?? []).map((m) => String(m));
        for (const member of members) {
          push({ address: r.address, type: r.type, member, role, target, condition: conditionOf(v), authoritative: kind === 'binding' });
        }
      } else {
        for (const b of policyBindings(stack, v.policy_data)) {
          for (const member of b.members) {
            push({
              address: r.address,
              type: r.type,
              member,
              role: roleName(stack, b.role),
              target,
              condition: b.condition,
              authoritative: true,
            });
          }
        }
      }
      continue;
    }
    if (r.type === 'google_bigquery_dataset_access') {
      const member = bigQueryMember(str(v.project), v);
      if (!member) continue;
      push({
        address: r.address,
        type: r.type,
        member,
        role: bigQueryRole(v.role),
        target: namedResourceTarget(stack, 'google_bigquery_dataset', str(v.dataset_id) ?? '<dataset>'),
        authoritative: false,
      });
      continue;
    }
    if (r.type === 'google_bigquery_dataset') {
      for (const block of blocks(v.access)) {
        const member = bigQueryMember(str(v.project), block);
        if (!member) continue;
        push({
          address: r.address,
          type: r.type,
          member,
          role: bigQueryRole(block.role),
          target: ownTarget(r),
          // Inline access blocks replace the dataset's whole access list.
          authoritative: true,
        });
      }
      continue;
    }
    if (r.type === 'google_cloud_run_v2_service' && v.invoker_iam_disabled === true) {
      push({
        address: r.address,
        type: r.type,
        member: 'allUsers',
        role: 'roles/run.invoker',
        target: ownTarget(r),
        authoritative: false,
        implicitVia: 'invoker_iam_disabled = true (anyone may invoke)',
      });
      continue;
    }
    const acl = storageAclGrants(r);
    if (acl) {
      const target = namedResourceTarget(stack, 'google_storage_bucket', str(v.bucket) ?? '<bucket>');
      for (const [member, role] of acl)
        push({ address: r.address, type: r.type, member, role, target, authoritative: r.type.endsWith('_acl') });
    }
  }
  out.sort((a, b) => cmp(a.address, b.address) || cmp(a.principal.written, b.principal.written) || cmp(a.role, b.role));
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function storageAclGrants(r: SynthesizedResource): Array<[string, string]> | undefined {
  const v = r.values;
  const objectLevel = r.type.includes('object');
  const roles = objectLevel ? OBJECT_ACL_ROLES : BUCKET_ACL_ROLES;
  const mapRole = (role: string) => roles[role] ?? role;
  switch (r.type) {
    case 'google_storage_bucket_access_control':
    case 'google_storage_object_access_control':
    case 'google_storage_default_object_access_control':
      return [[aclMember(String(v.entity)), mapRole(String(v.role))]];
    case 'google_storage_bucket_acl':
    case 'google_storage_object_acl':
    case 'google_storage_default_object_acl': {
      const out: Array<[string, string]> = [];
      for (const re of (v.role_entity as unknown[]) ?? []) {
        const [role, ...entity] = String(re).split(':');
        out.push([aclMember(entity.join(':')), mapRole(role)]);
      }
      for (const key of ['predefined_acl', 'default_acl']) {
        for (const [member, role] of PREDEFINED_ACL_MEMBERS[String(v[key])] ?? []) out.push([member, mapRole(role)]);
      }
      return out;
    }
    default:
      return undefined;
  }
}

interface PolicyBinding {
  readonly role: string;
  readonly members: string[];
  readonly condition?: Grant['condition'];
}

/** The bindings of an `*_iam_policy` resource: from a `google_iam_policy` data source or literal JSON. */
function policyBindings(stack: SynthesizedStack, policyData: unknown): PolicyBinding[] {
  const data = resolveDataReference(stack, policyData);
  if (data && data.type === 'google_iam_policy') {
    return blocks(data.values.binding).map((b) => ({
      role: String(b.role),
      members: ((b.members as unknown[]) ?? []).map(String),
      condition: conditionOf(b),
    }));
  }
  if (typeof policyData === 'string' && !policyData.includes('${')) {
    const parsed = JSON.parse(policyData) as {
      bindings?: Array<{ role: string; members?: string[]; condition?: { title?: string; expression?: string } }>;
    };
    return (parsed.bindings ?? []).map((b) => ({ role: b.role, members: b.members ?? [], condition: b.condition }));
  }
  // An IAM policy whose content cannot be read is reported as one unverifiable grant.
  return [{ role: '<unreadable policy_data>', members: [String(policyData)] }];
}

/**
 * Service accounts that CI deploys as: the targets of roles/iam.workloadIdentityUser grants to a
 * workload identity pool of the same stack (IAM-3, CI-1). Their roles are bound where resources will
 * be created (organization, folders), because the resources do not exist when the grant is made.
 */
export function deployerAccounts(stack: SynthesizedStack, grants: readonly Grant[] = grantsOf(stack)): Set<string> {
  const out = new Set<string>();
  for (const g of grants) {
    if (
      g.role !== 'roles/iam.workloadIdentityUser' ||
      !g.principal.isOwnWorkloadIdentity ||
      g.target.resourceType !== 'google_service_account'
    )
      continue;
    const account = g.target.address ? stack.resources.find((r) => r.address === g.target.address) : undefined;
    if (account && typeof account.values.account_id === 'string' && typeof account.values.project === 'string') {
      out.add(`${account.values.account_id}@${account.values.project}.iam.gserviceaccount.com`);
    }
  }
  return out;
}

/** Whether the grant is the tenant's own customer taking ownership during a handover (IAM-1's exception). */
export function isHandoverOwnerGrant(grant: Grant, handoverOwnerGroup: string | undefined): boolean {
  return (
    handoverOwnerGroup !== undefined &&
    grant.principal.kind === 'group' &&
    grant.principal.email?.toLowerCase() === handoverOwnerGroup.toLowerCase() &&
    grant.target.level === 'project'
  );
}
