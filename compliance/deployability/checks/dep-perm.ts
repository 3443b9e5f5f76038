/**
 * DEP-PERM: the identities that plan and apply a stack hold the IAM permissions Terraform needs for
 * every resource and data source in it. `ci-plan` plans every stack (refresh: each resource's Read),
 * so it needs every `read` permission of the permission table; each stack has its own applier
 * (`ci-platform` the platform stack, `ci-tenant-<j>` the tenant stacks of jurisdiction j), which
 * needs read, create, update and delete, and nothing on another jurisdiction's folder. Both are read from the synthesized platform stack: their
 * `google_service_account`s and their organization, folder, billing account, project and bucket
 * grants, expanded into permissions with the role dataset and the custom roles the same stack declares.
 *
 * Precision (what "on the scope where the resource lives" means here):
 * - A resource lives in a project (its `project`, or the project of the resource it names, or the
 *   tenant's project); a project lives in its `folder_id` (or the organization). A permission is held
 *   when a grant on the organization, that folder, that project or (buckets) the bucket carries it.
 *   Folders named by reference in the platform stack are matched to the literal ids tenant stacks
 *   use through the folder's recorded-id postcondition (constructs/jurisdiction-folders.ts).
 * - Rows can require a permission on the billing account a project links to, on the parent a project
 *   or folder is created in, or on the organization.
 * - Conditional grants are not counted (a condition may exclude the resource), except a Project IAM
 *   Admin grant limited by `modifiedGrantsByRole` (it limits the roles granted, not the resources
 *   reached): counted, and each project grant of the stack must be of a role it allows. The roles/owner that
 *   Google gives a project's creator is not counted either: the tenant stack removes it at creation
 *   (IAM-1/creator-owner-removed).
 * - Operations the table marks `administratorOnly` (CI's own organization and billing grants and
 *   custom roles, creating a folder, CI's folder grants) are applied by an organization administrator;
 *   the applier must still read them.
 * - A scope outside Smart Segments' organization and billing account (a customer-owned project,
 *   HAND-2; a project handed over to the customer's organization; the customer's billing account) is
 *   not ours to grant on: its permissions are not violations but the list the customer must grant
 *   (`customerGrants`), reported as a not-applicable finding and documented in docs/deployability.md.
 *   Except the project a handover has moved (transfer and release): there the handover grants
 *   (policy/handover.ts) are the identities' holdings, counted while unexpired on the day the
 *   lifecycle records for the step: the transfer stack declares them, with their custom roles; the
 *   release has released them from state, so what its last step needs (the project's IAM policy)
 *   is counted from the roles' fixed part, until the recorded move-grant expiry.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { PLATFORM_DEPLOYER_ID, sharedProjectId, tenantDeployerId } from '../../../config/naming';
import { grantsOf, type Grant } from '../../grants';
import { ROLE_DATASET_FILE, isBasicRole, rolePermissions } from '../../../policy/iam-roles';
import {
  CUSTOMER_ADMIN_ROLES,
  HANDOVER_APPLY_ROLE_ID,
  HANDOVER_IAM_PERMISSIONS,
  HANDOVER_READ_ROLE_ID,
  handoverExpiryOf,
  handoverRoleName,
} from '../../../policy/handover';
import { STACK_ADDRESS, compliant, nonCompliant, notApplicable, type Finding } from '../../rule';
import { referencesIn, type SynthesizedStack } from '../../synthesized-stack';
import { defineCheck, type DeployContext } from '../check';
import { OPERATIONS, permissionTable, type Operation, type PermissionRow, type RequiredPermission } from '../data/permission-table';

const TABLE = 'compliance/deployability/data/permissions.json';
const DEPLOYER_FILE = 'constructs/ci-deployer-identity.ts';

/** A deployer DEP-PERM judges: its service account id, what it must do, and the role set of constructs/ci-deployer-identity.ts that grants it. */
export interface DeployerSpec {
  readonly id: string;
  readonly operations: readonly Operation[];
  readonly roles: 'PLAN_ROLES' | 'PLATFORM_ROLES' | 'TENANT_ROLES';
}

export const PLAN_DEPLOYER: DeployerSpec = { id: 'ci-plan', operations: ['read'], roles: 'PLAN_ROLES' };

/**
 * The two identities of a stack, by the service account ids constructs/ci-deployer-identity.ts gives
 * them: ci-plan plans every stack; ci-platform applies the platform stack, and the tenant deployer
 * of the tenant's jurisdiction (`ci-tenant-<j>`) its tenant stacks.
 */
export function deployersOf(context: Pick<DeployContext, 'kind' | 'tenant'>): readonly DeployerSpec[] {
  const applier: DeployerSpec =
    context.kind === 'tenant' && context.tenant
      ? { id: tenantDeployerId(context.tenant.jurisdiction), operations: OPERATIONS, roles: 'TENANT_ROLES' }
      : { id: PLATFORM_DEPLOYER_ID, operations: OPERATIONS, roles: 'PLATFORM_ROLES' };
  return [PLAN_DEPLOYER, applier];
}
export type DeployerId = string;

/**
 * A condition that limits which roles a Project IAM Admin grant may grant (modifiedGrantsByRole,
 * cloud.google.com/iam/docs/setting-limits-on-granting-roles): it does not limit which resources the
 * grant reaches, so DEP-PERM counts the grant, and checks each project grant against the roles it allows.
 */
const GRANT_LIMIT = /^api\.getAttribute\('iam\.googleapis\.com\/modifiedGrantsByRole', \[\]\)\.hasOnly\(\[([^\]]*)\]\)$/;

/** The roles a grant-limiting condition allows, or undefined when the condition is not one. */
export function grantLimit(expression: string | undefined): ReadonlySet<string> | undefined {
  const m = expression ? GRANT_LIMIT.exec(expression.trim()) : null;
  if (!m) return undefined;
  return new Set(m[1].split(',').map((r) => r.trim().replace(/^'|'$/g, '')).filter((r) => r.length > 0));
}

/** A place a grant can be made and a permission held: `organizations/N`, `folders/N` (or a platform folder's address), `projects/P`, `billingAccounts/B`, `buckets/B`. */
type ScopeKey = string;

/** Where a permission must be held: any scope of the chain will do (grants are inherited down it). */
interface Placement {
  readonly chain: readonly ScopeKey[];
  /** Set when the place is outside Smart Segments' organization or billing account: the customer grants there. */
  readonly outside?: { readonly scope: string; readonly why: string };
}

/** One resource or data source of a stack, as DEP-PERM judges it. */
interface Item {
  readonly kind: 'resource' | 'data';
  readonly type: string;
  readonly address: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface DeployerHoldings {
  readonly id: DeployerId;
  readonly member: string;
  /** Permissions by scope key, from unconditional grants and grant-limited ones. */
  readonly byScope: ReadonlyMap<ScopeKey, ReadonlySet<string>>;
  /** By scope key: the roles a grant-limited Project IAM Admin may grant there (absent: unlimited or none). */
  readonly grantLimits: ReadonlyMap<ScopeKey, ReadonlySet<string>>;
  /** Scopes where an unconditional grant carries resourcemanager.projects.setIamPolicy (no limit applies there). */
  readonly unlimitedProjectIam: ReadonlySet<ScopeKey>;
}

/** What the customer must grant in a place outside our organization (HAND-2, handover), per identity. */
export interface CustomerGrant {
  readonly scope: string;
  readonly why: string;
  readonly identity: string;
  readonly permissions: readonly string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

function itemsOf(stack: SynthesizedStack): Item[] {
  const items: Item[] = stack.resources.map((r) => ({ kind: 'resource', type: r.type, address: r.address, values: r.values }));
  for (const [type, byName] of Object.entries(stack.json.data ?? {})) {
    for (const [name, raw] of Object.entries(byName)) {
      const { ['//']: _meta, ...values } = raw as Record<string, unknown>;
      items.push({ kind: 'data', type, address: `data.${type}.${name}`, values });
    }
  }
  return items;
}

/** The scope key of a folder named by a reference into `stack` or by a literal id. */
function folderKey(stack: SynthesizedStack, value: string, context: DeployContext): ScopeKey {
  for (const ref of referencesIn(value)) {
    if (ref.mode !== 'resource' || ref.type !== 'google_folder') continue;
    const folder = stack.resources.find((r) => r.type === 'google_folder' && r.name === ref.name);
    if (!folder) continue;
    // The recorded id, from the postcondition that checks it (constructs/jurisdiction-folders.ts).
    const recorded = /folders\/(\d+)/.exec(JSON.stringify(folder.values.lifecycle ?? ''));
    if (recorded) return `folders/${recorded[1]}`;
    const jurisdiction = folder.path.split('/').pop()?.toUpperCase();
    const configured = jurisdiction ? (context.environment.platform.tenantFolders as Record<string, string | undefined>)[jurisdiction] : undefined;
    return configured ? `folders/${configured.replace(/^folders\//, '')}` : folder.address;
  }
  return `folders/${value.replace(/^folders\//, '')}`;
}

function organizationKey(context: DeployContext): ScopeKey {
  return `organizations/${context.environment.platform.organization.id}`;
}

/** The google_project resource (in the stack, then in the platform stack) that creates `projectId`. */
function projectResource(context: DeployContext, projectId: string) {
  for (const stack of [context.stack, context.platform]) {
    const p = stack.ofType('google_project').find((r) => r.values.project_id === projectId);
    if (p) return { stack, project: p };
  }
  return undefined;
}

/** The placement of the project itself: its parent chain plus the project. */
function projectPlacement(context: DeployContext, projectId: string): Placement {
  const found = projectResource(context, projectId);
  if (!found) {
    const customer = context.tenant && context.tenant.projectId === projectId;
    return {
      chain: [`projects/${projectId}`],
      outside: {
        scope: `projects/${projectId}`,
        why: customer ? "the tenant's customer-owned project (HAND-2): outside Smart Segments' folders" : 'a project this environment does not create',
      },
    };
  }
  const parent = parentPlacement(context, found.stack, found.project.values);
  return { chain: [...parent.chain, `projects/${projectId}`], outside: parent.outside };
}

/** The parent a project or folder is created in (`folder_id`, `org_id` or `parent`). */
function parentPlacement(context: DeployContext, stack: SynthesizedStack, values: Readonly<Record<string, unknown>>): Placement {
  const org = organizationKey(context);
  const folder = str(values.folder_id) ?? (str(values.parent)?.includes('folder') ? str(values.parent) : undefined);
  if (folder) return { chain: [org, folderKey(stack, folder, context)] };
  const orgId = str(values.org_id) ?? str(values.parent)?.replace(/^organizations\//, '');
  if (orgId && orgId !== context.environment.platform.organization.id) {
    return { chain: [`organizations/${orgId}`], outside: { scope: `organizations/${orgId}`, why: "the customer's organization (handover)" } };
  }
  return { chain: [org] };
}

/** A `parent`-style value: organizations/N, folders/N (or a reference), projects/P. */
function namedParentPlacement(context: DeployContext, value: string): Placement {
  if (value.startsWith('projects/')) return projectPlacement(context, value.slice('projects/'.length));
  if (value.includes('folder')) return { chain: [organizationKey(context), folderKey(context.stack, value, context)] };
  return { chain: [organizationKey(context)] };
}

/** The project a resource lives in: its `project`, a project path in its attributes, or that of the resource it names. */
function owningProject(context: DeployContext, values: Readonly<Record<string, unknown>>, depth = 0): string | undefined {
  const project = str(values.project);
  if (project) {
    const ref = referencesIn(project).find((r) => r.mode === 'resource' && r.type === 'google_project');
    const target = ref && context.stack.resources.find((r) => r.type === 'google_project' && r.name === ref.name);
    if (target) return str(target.values.project_id);
    return project.includes('${') ? undefined : project.replace(/^projects\//, '');
  }
  for (const [key, v] of Object.entries(values)) {
    if (key === 'depends_on' || key === 'member' || typeof v !== 'string') continue;
    const literal = /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])(\/|$)/.exec(v);
    if (literal) return literal[1];
    if (depth > 4) continue;
    for (const ref of referencesIn(v)) {
      const named = ref.mode === 'resource' ? context.stack.resources.find((r) => r.type === ref.type && r.name === ref.name) : undefined;
      if (named) {
        const found = named.type === 'google_project' ? str(named.values.project_id) : owningProject(context, named.values, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** Where a resource lives, as a chain of scopes whose grants reach it. */
function resourcePlacement(context: DeployContext, item: Item): Placement {
  const v = item.values;
  const org = organizationKey(context);
  switch (item.type) {
    case 'google_organization_iam_member':
    case 'google_organization_iam_custom_role':
      return { chain: [org] };
    case 'google_billing_account_iam_member':
      return billingPlacement(context, str(v.billing_account_id));
    case 'google_folder':
      return { chain: [org, folderKey(context.stack, `\${google_folder.${item.address.split('.').pop()}.name}`, context)] };
    case 'google_folder_iam_member':
    case 'google_logging_folder_settings':
    case 'google_logging_folder_sink':
      return { chain: [org, folderKey(context.stack, str(v.folder) ?? '', context)] };
    case 'google_essential_contacts_contact':
    case 'google_org_policy_policy':
    case 'google_iam_deny_policy':
      return namedParentPlacement(context, str(v.parent) ?? '');
    case 'google_project':
      return projectPlacement(context, str(v.project_id) ?? '');
    case 'google_storage_bucket':
    case 'google_storage_bucket_iam_member': {
      const bucket = item.type === 'google_storage_bucket' ? v : bucketValues(context, str(v.bucket));
      const name = str(bucket?.name) ?? str(v.bucket) ?? '';
      const project = bucket ? owningProject(context, bucket) : undefined;
      const base = project ? projectPlacement(context, project) : { chain: [org] };
      return { ...base, chain: [...base.chain, `buckets/${name}`] };
    }
    default: {
      const project = owningProject(context, v) ?? context.tenant?.projectId;
      return project ? projectPlacement(context, project) : { chain: [org] };
    }
  }
}

function bucketValues(context: DeployContext, value: string | undefined): Readonly<Record<string, unknown>> | undefined {
  if (!value) return undefined;
  const ref = referencesIn(value).find((r) => r.type === 'google_storage_bucket');
  for (const stack of [context.stack, context.platform]) {
    const b = stack.ofType('google_storage_bucket').find((r) => (ref ? r.name === ref.name : r.values.name === value));
    if (b) return b.values;
  }
  return undefined;
}

function billingPlacement(context: DeployContext, account: string | undefined): Placement {
  const ours = context.environment.platform.billingAccount;
  const id = account ?? ours;
  return id === ours
    ? { chain: [`billingAccounts/${id}`] }
    : { chain: [`billingAccounts/${id}`], outside: { scope: `billingAccounts/${id}`, why: "the customer's billing account (handover)" } };
}

/** Where one required permission of an item must be held. */
function placementOf(context: DeployContext, item: Item, required: Pick<RequiredPermission, 'on'>): Placement {
  switch (required.on) {
    case 'organization':
      return { chain: [organizationKey(context)] };
    case 'billingAccount':
      return billingPlacement(context, str(item.values.billing_account) ?? str(item.values.billing_account_id));
    case 'parent':
      if (item.type === 'google_project' || item.type === 'google_folder') return parentPlacement(context, context.stack, item.values);
      return resourcePlacement(context, item);
    default:
      return resourcePlacement(context, item);
  }
}

/** The scope key a deployer grant is made on. */
function grantScope(context: DeployContext, grant: Grant): ScopeKey | undefined {
  const r = context.platform.resources.find((x) => x.address === grant.address);
  if (!r) return undefined;
  const v = r.values;
  switch (r.type) {
    case 'google_organization_iam_member':
      return `organizations/${str(v.org_id)}`;
    case 'google_folder_iam_member':
      return folderKey(context.platform, str(v.folder) ?? '', context);
    case 'google_tags_tag_value_iam_member':
      // A grant on a tag value, which lives under the organization: counted there, so the tag
      // value's permissions (tagValueBindings.*, permission table `on: organization`) are held.
      // Narrower in truth: the platform stack grants Tag User on the offboarding value only.
      return organizationKey(context);
    case 'google_billing_account_iam_member':
      return `billingAccounts/${str(v.billing_account_id)}`;
    case 'google_project_iam_member':
      return `projects/${str(v.project)?.replace(/^projects\//, '')}`;
    case 'google_storage_bucket_iam_member': {
      const bucket = str(v.bucket) ?? '';
      const ref = referencesIn(bucket).find((x) => x.type === 'google_storage_bucket');
      const named = ref && context.platform.resources.find((x) => x.type === 'google_storage_bucket' && x.name === ref.name);
      return `buckets/${named ? str(named.values.name) : bucket.replace(/^b\//, '')}`;
    }
    default:
      return undefined;
  }
}

/** The permissions of a role: the dataset's for predefined roles, the declared list for the platform stack's custom roles. */
function permissionsOfRole(platform: SynthesizedStack, role: string): readonly string[] {
  const custom = /^(organizations|projects)\/([^/]+)\/roles\/([A-Za-z0-9_.]+)$/.exec(role);
  if (!custom) return rolePermissions(role);
  const type = custom[1] === 'organizations' ? 'google_organization_iam_custom_role' : 'google_project_iam_custom_role';
  const key = custom[1] === 'organizations' ? 'org_id' : 'project';
  const declared = platform.ofType(type).find((r) => str(r.values[key]) === custom[2] && r.values.role_id === custom[3]);
  return Array.isArray(declared?.values.permissions) ? (declared.values.permissions as unknown[]).map(String) : [];
}

/** The deployers the platform stack declares and the permissions their unconditional grants carry, by scope. */
// The holdings depend only on the platform stack and the environment, which every tenant stack of an
// environment shares: computed once per pair instead of once per tenant stack (docs/performance.md).
const holdingsCache = new WeakMap<SynthesizedStack, WeakMap<DeployContext['environment'], readonly DeployerHoldings[]>>();

export function deployerHoldings(context: DeployContext): readonly DeployerHoldings[] {
  const byEnvironment = holdingsCache.get(context.platform) ?? new WeakMap<DeployContext['environment'], readonly DeployerHoldings[]>();
  holdingsCache.set(context.platform, byEnvironment);
  const cached = byEnvironment.get(context.environment);
  if (cached) return cached;
  const computed = computeDeployerHoldings(context);
  byEnvironment.set(context.environment, computed);
  return computed;
}

function computeDeployerHoldings(context: DeployContext): DeployerHoldings[] {
  const out: DeployerHoldings[] = [];
  const accounts = context.platform.ofType('google_service_account').filter((r) => /^ci-/.test(str(r.values.account_id) ?? ''));
  const grants = grantsOf(context.platform);
  for (const account of accounts) {
    const id = str(account.values.account_id)!;
    const email = `${id}@${str(account.values.project)}.iam.gserviceaccount.com`;
    const member = `serviceAccount:${email}`;
    const byScope = new Map<ScopeKey, Set<string>>();
    const grantLimits = new Map<ScopeKey, Set<string>>();
    const unlimitedProjectIam = new Set<ScopeKey>();
    for (const g of grants) {
      // Basic roles are IAM-1's business; the project creator's implicit owner is not modelled.
      if (isBasicRole(g.role)) continue;
      const limit = g.condition ? grantLimit(g.condition.expression) : undefined;
      if (g.condition && !limit) continue;
      if (g.principal.member !== member && g.principal.email?.toLowerCase() !== email && g.principal.resolvedFrom !== account.address) continue;
      const scope = grantScope(context, g);
      if (!scope) continue;
      const held = byScope.get(scope) ?? new Set<string>();
      // A tag value grant reaches that value only: of its permissions, only binding it is counted (on the organization).
      const onTagValue = g.type === 'google_tags_tag_value_iam_member';
      for (const p of permissionsOfRole(context.platform, g.role)) if (!onTagValue || p.startsWith('resourcemanager.tagValueBindings.')) held.add(p);
      byScope.set(scope, held);
      if (!limit && permissionsOfRole(context.platform, g.role).includes(PROJECT_SET_IAM)) unlimitedProjectIam.add(scope);
      if (limit) {
        const allowed = grantLimits.get(scope) ?? new Set<string>();
        for (const r of limit) allowed.add(r);
        grantLimits.set(scope, allowed);
      }
    }
    out.push({ id, member, byScope, grantLimits, unlimitedProjectIam });
  }
  return out;
}

const PROJECT_SET_IAM = 'resourcemanager.projects.setIamPolicy';

/**
 * The roles `h` may grant on a project placed on `chain`, when only grant-limited Project IAM Admin
 * grants give it resourcemanager.projects.setIamPolicy there; undefined when no limit applies.
 */
function grantableRoles(h: DeployerHoldings, chain: readonly ScopeKey[]): ReadonlySet<string> | undefined {
  if (chain.some((s) => h.unlimitedProjectIam.has(s))) return undefined;
  const limits = chain.map((s) => h.grantLimits.get(s)).filter((l): l is ReadonlySet<string> => l !== undefined);
  if (limits.length === 0) return undefined;
  return new Set(limits.flatMap((l) => [...l]));
}

function holds(h: DeployerHoldings, permission: string, chain: readonly ScopeKey[]): boolean {
  return chain.some((s) => h.byScope.get(s)?.has(permission) ?? false);
}

/** The operations an identity must be able to perform on an item, given the row. */
function operationsFor(row: PermissionRow, deployer: DeployerSpec): Operation[] {
  return deployer.operations.filter((op) => op === 'read' || !row.administratorOnly.includes(op));
}

/** A permission that only reads (its verb gets, lists or searches). */
export function isReadOnlyPermission(permission: string): boolean {
  const verb = permission.split('.').pop() ?? '';
  return /^(get|list|search)/.test(verb) && !/^getAccessToken|^getOpenIdToken/.test(verb);
}

let roleIndex: Map<string, ReadonlySet<string>> | undefined;

/** Every predefined role of the dataset with its permissions, service agent roles left out (they are Google's, not ours to grant). */
function predefinedRoles(): Map<string, ReadonlySet<string>> {
  if (!roleIndex) {
    const raw = JSON.parse(zlib.gunzipSync(fs.readFileSync(ROLE_DATASET_FILE)).toString('utf8')) as { roles: Record<string, string[]> };
    roleIndex = new Map();
    for (const [role, perms] of Object.entries(raw.roles)) {
      if (!isBasicRole(role) && !/serviceAgent/i.test(role)) roleIndex.set(role, new Set(perms));
    }
  }
  return roleIndex;
}

/**
 * Predefined roles that together carry `missing` (greedy cover: the role covering most, then the
 * smallest). `readOnly` keeps to roles whose every permission only reads, for the plan identity.
 */
export function suggestRoles(missing: readonly string[], readOnly = false): string[] {
  const key = `${readOnly ? 'r' : 'w'} ${missing.join(' ')}`;
  let picked = suggestions.get(key);
  if (!picked) {
    picked = pickRoles(missing, readOnly ? readOnlyRoles() : [...predefinedRoles()]);
    suggestions.set(key, picked);
  }
  return [...picked];
}

/** Suggestions by missing permissions: the same gaps recur across stacks and identities. */
const suggestions = new Map<string, readonly string[]>();
let readOnlyRoleList: Array<[string, ReadonlySet<string>]> | undefined;
/** The predefined roles whose every permission only reads (computed once: the dataset has thousands). */
function readOnlyRoles(): Array<[string, ReadonlySet<string>]> {
  readOnlyRoleList ??= [...predefinedRoles()].filter(([, perms]) => [...perms].every(isReadOnlyPermission));
  return readOnlyRoleList;
}

function pickRoles(missing: readonly string[], candidates: ReadonlyArray<[string, ReadonlySet<string>]>): string[] {
  const left = new Set(missing);
  const picked: string[] = [];
  while (left.size > 0) {
    let best: { role: string; perms: ReadonlySet<string>; covers: number } | undefined;
    for (const [role, perms] of candidates) {
      let covers = 0;
      for (const p of left) if (perms.has(p)) covers++;
      if (covers > 0 && (!best || covers > best.covers || (covers === best.covers && perms.size < best.perms.size))) best = { role, perms, covers };
    }
    if (!best) break;
    picked.push(best.role);
    for (const p of best.perms) left.delete(p);
  }
  return picked;
}

/** A human name for a scope key, for messages. */
function describeScope(context: DeployContext, scope: ScopeKey): string {
  const folder = context.platform
    .ofType('google_folder')
    .find((f) => folderKey(context.platform, `\${google_folder.${f.name}.name}`, context) === scope);
  if (folder) return `folder ${str(folder.values.display_name) ?? folder.address}${scope.startsWith('folders/') ? ` (${scope})` : ''}`;
  return scope;
}

/** Which DeployerRoles field of constructs/ci-deployer-identity.ts grants on a scope. */
function rolesField(context: DeployContext, scope: ScopeKey): string {
  if (scope.startsWith('organizations/')) return 'organization';
  if (scope.startsWith('billingAccounts/')) return 'billingAccount';
  if (scope.startsWith('buckets/')) return 'the state bucket grants (grantPlan/grantApply)';
  if (scope.startsWith('projects/')) return 'sharedProject';
  // The platform folder is the one that holds the shared project (config/naming.ts sharedProjectId).
  const shared = context.platform.ofType('google_project').find((p) => p.values.project_id === sharedProjectId(context.environment.platform));
  const isPlatform = shared && str(shared.values.folder_id) !== undefined && folderKey(context.platform, str(shared.values.folder_id)!, context) === scope;
  return isPlatform ? 'platformFolder' : 'tenantFolders';
}

/** The most specific scope of a chain that Smart Segments grants on (a folder, else the organization). */
function grantScopeFor(chain: readonly ScopeKey[]): ScopeKey {
  const folder = [...chain].reverse().find((s) => s.startsWith('folders/') || s.startsWith('google_folder.'));
  return folder ?? chain.find((s) => s.startsWith('billingAccounts/') || s.startsWith('buckets/')) ?? chain[0];
}

/** The handover grants on the moved project, per identity: what they carry, or why they count for nothing. */
interface HandoverHoldings {
  readonly scope: ScopeKey;
  readonly phase: 'prepare' | 'transfer' | 'release';
  /** The day the step is applied, from the lifecycle. */
  readonly day: string;
  readonly byIdentity: ReadonlyMap<DeployerId, { readonly permissions: ReadonlySet<string>; readonly expires?: string; readonly source: string }>;
}

/** The day a handover step is applied, as the tenant file records it (the grants must still be valid then). */
function handoverDay(context: DeployContext): string | undefined {
  const h = context.tenant?.lifecycle.handover;
  if (!h) return undefined;
  const phase = context.tenant!.lifecycleView.handoverPhase;
  if (phase === 'prepare') return h.prepared;
  if (phase === 'transfer') return [h.customerImportPolicyConfirmed, h.customerBillingGrantConfirmed].filter((d): d is string => !!d).sort().pop();
  if (phase === 'release') return h.ownAccessRemoved ?? h.effectiveDate;
  return undefined;
}

function handoverHoldings(context: DeployContext): HandoverHoldings | undefined {
  const tenant = context.tenant;
  const view = tenant?.lifecycleView;
  if (!tenant || !view?.handoverPhase) return undefined;
  const day = handoverDay(context) ?? '';
  const projectId = tenant.projectId;
  const byIdentity = new Map<DeployerId, { permissions: ReadonlySet<string>; expires?: string; source: string }>();
  const ids = { read: PLAN_DEPLOYER.id, apply: deployersOf(context)[1].id };
  if (view.handoverPhase === 'release') {
    // Released from state: its last step's removals need the project's IAM policy, which the apply
    // role always carries, and ci-plan reads it (the read role carries every read of the transfer stack).
    const expires = tenant.lifecycle.handover?.moverGrantExpires;
    const source = 'the handover grants released from state (policy/handover.ts)';
    byIdentity.set(ids.apply, { permissions: new Set(HANDOVER_IAM_PERMISSIONS), expires, source });
    byIdentity.set(ids.read, { permissions: new Set(['resourcemanager.projects.getIamPolicy']), expires, source });
    return { scope: `projects/${projectId}`, phase: 'release', day, byIdentity };
  }
  const holders = deployerHoldings(context);
  for (const [kind, roleId] of [['read', HANDOVER_READ_ROLE_ID], ['apply', HANDOVER_APPLY_ROLE_ID]] as const) {
    const role = context.stack.ofType('google_project_iam_custom_role').find((r) => str(r.values.project) === projectId && r.values.role_id === roleId);
    const member = holders.find((h) => h.id === ids[kind])?.member;
    const grant = context.stack.ofType('google_project_iam_member').find(
      (g) =>
        str(g.values.member) === member &&
        (g.values.role === handoverRoleName(projectId, roleId) || (role !== undefined && context.stack.resolveReference(g.values.role) === role)),
    );
    if (!role || !grant) continue;
    const permissions = new Set(Array.isArray(role.values.permissions) ? (role.values.permissions as unknown[]).map(String) : []);
    byIdentity.set(ids[kind], { permissions, expires: handoverExpiryOf((grant.values.condition as { expression?: unknown } | undefined)?.expression), source: grant.address });
  }
  return { scope: `projects/${projectId}`, phase: view.handoverPhase, day, byIdentity };
}

/** What the customer must grant outside our organization, per identity (HAND-2 projects, handover). */
export function customerGrants(context: DeployContext): CustomerGrant[] {
  return evaluate(context).customer;
}

function evaluate(context: DeployContext): { findings: Finding[]; customer: CustomerGrant[] } {
  const table = permissionTable();
  const findings: Finding[] = [];
  const specs = deployersOf(context);
  const holdings = deployerHoldings(context).filter((h) => specs.some((d) => d.id === h.id));
  for (const d of specs) {
    if (!holdings.some((h) => h.id === d.id)) {
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          `stack ${context.stack.name}: the platform stack declares no ${d.id} service account, so nothing can ${d.id === 'ci-plan' ? 'plan' : 'apply'} it.`,
          `declare the ${d.id} deployer (${DEPLOYER_FILE}) in the platform stack.`,
        ),
      );
    }
  }
  const customer = new Map<string, { scope: string; why: string; identity: string; permissions: Set<string> }>();
  const administrator = new Set<string>();
  const handover = handoverHoldings(context);
  /** Per identity: what the handover grants lack on the moved project, by item. */
  const handoverMissing = new Map<string, { id: string; member: string; items: Map<string, Set<string>> }>();
  let checked = 0;
  // An item's placement depends on the item and the kind of scope a permission is required on only,
  // not on the deployer, operation or permission: found once per pair instead of once per permission.
  const placements = new Map<Item, Map<RequiredPermission['on'], Placement>>();
  const placeOf = (item: Item, required: Pick<RequiredPermission, 'on'>): Placement => {
    const byScope = placements.get(item) ?? new Map<RequiredPermission['on'], Placement>();
    placements.set(item, byScope);
    const known = byScope.get(required.on);
    if (known) return known;
    const found = placementOf(context, item, required);
    byScope.set(required.on, found);
    return found;
  };
  for (const item of itemsOf(context.stack)) {
    const row = table.row(item.kind, item.type);
    if (!row) {
      findings.push(
        nonCompliant(
          item.address,
          `stack ${context.stack.name}: ${item.kind === 'data' ? 'data source' : 'resource type'} ${item.type} has no row in ${TABLE}, so nobody knows which permissions plan and apply need for it.`,
          `add a row for ${item.type} (kind "${item.kind}") with its read, create, update and delete permissions and their sources (the provider's google/services/**/${item.kind === 'data' ? 'data_source' : 'resource'}_*.go at v6.50.0 and Google's REST reference).`,
        ),
      );
      continue;
    }
    if (row.administratorOnly.length > 0) administrator.add(`${row.type} (${row.administratorOnly.join(', ')})`);
    let inside = false;
    for (const h of holdings) {
      const deployer = specs.find((d) => d.id === h.id)!;
      const missing = new Map<ScopeKey, { chain: readonly ScopeKey[]; ops: Set<Operation>; permissions: Set<string> }>();
      for (const op of operationsFor(row, deployer)) {
        for (const required of row.permissions[op]) {
          const place = placeOf(item, required);
          if (place.outside && handover && place.chain.includes(handover.scope)) {
            // The moved project: the handover grants are the holdings there (unexpired on the step's day).
            // What runs there after the move: every refresh, and the transfer's update of the project.
            // (The release's destroys are of resources it no longer declares; test/project-handoff.test.ts
            // proves the apply role carries their delete permissions.)
            // The release's last step creates its removals there, so in the release every operation counts.
            if (handover.phase !== 'release' && op !== 'read' && !(op === 'update' && item.type === 'google_project')) continue;
            inside = true;
            const held = handover.byIdentity.get(h.id);
            if (held && held.expires !== undefined && held.expires > handover.day && held.permissions.has(required.permission)) continue;
            const entry = handoverMissing.get(h.id) ?? { id: h.id, member: h.member, items: new Map<string, Set<string>>() };
            const perms = entry.items.get(item.address) ?? new Set<string>();
            perms.add(required.permission);
            entry.items.set(item.address, perms);
            handoverMissing.set(h.id, entry);
            continue;
          }
          if (place.outside) {
            const key = `${place.outside.scope} ${h.id}`;
            const entry = customer.get(key) ?? { scope: place.outside.scope, why: place.outside.why, identity: h.member, permissions: new Set<string>() };
            entry.permissions.add(required.permission);
            customer.set(key, entry);
            continue;
          }
          inside = true;
          if (holds(h, required.permission, place.chain)) continue;
          // In prepare the project is still in the folder, and the handover grants reach it too (from the next plan on).
          const viaHandover = handover?.byIdentity.get(h.id);
          if (viaHandover && place.chain.includes(handover!.scope) && viaHandover.expires !== undefined && viaHandover.expires > handover!.day && viaHandover.permissions.has(required.permission)) continue;
          const where = grantScopeFor(place.chain);
          const entry = missing.get(where) ?? { chain: place.chain, ops: new Set<Operation>(), permissions: new Set<string>() };
          entry.ops.add(op);
          entry.permissions.add(required.permission);
          missing.set(where, entry);
        }
      }
      if (item.type === 'google_project_iam_member' && deployer.operations.includes('create')) {
        const role = str(item.values.role) ?? '';
        const place = placeOf(item, { on: 'resource' });
        const allowed = place.outside ? undefined : grantableRoles(h, place.chain);
        const handoverConfig = context.tenant?.lifecycle.handover;
        const customerAdminGrant =
          handoverConfig !== undefined && (CUSTOMER_ADMIN_ROLES as readonly string[]).includes(role) && str(item.values.member) === `group:${handoverConfig.customerOwnerGroup}`;
        const handoverRole = context.stack
          .ofType('google_project_iam_custom_role')
          .find((r) => context.stack.resolveReference(role) === r && [HANDOVER_READ_ROLE_ID, HANDOVER_APPLY_ROLE_ID].includes(String(r.values.role_id)));
        if (handoverConfig !== undefined && handoverRole) {
          // The handover grants (HAND-1): a deployer that could grant them could grant itself more, so an organization administrator applies them.
          administrator.add(`${item.address} (the handover role ${String(handoverRole.values.role_id)})`);
        } else if (allowed && !allowed.has(role) && (isBasicRole(role) || customerAdminGrant)) {
          // A handover customer's administration roles (HAND-1): a deployer allowed to grant an
          // administration role could grant it to itself, so an organization administrator applies them.
          administrator.add(`${item.address} (${role} for the handover's customer administrators)`);
        } else if (allowed && !allowed.has(role)) {
          findings.push(
            nonCompliant(
              item.address,
              `stack ${context.stack.name}: ${h.id} (${h.member}) cannot grant ${role}: its Project IAM Admin on ${describeScope(context, grantScopeFor(place.chain))} may grant only ${[...allowed].sort().join(', ')} (a modifiedGrantsByRole condition, so no deployer can grant itself another role).`,
              `grant ${role} through a resource-level grant method, or, if the project really needs it, add it to ${deployer.roles}.limitedProjectIamAdmin in ${DEPLOYER_FILE} (or PROJECT_LEVEL_ONLY_ROLES in policy/iam-roles.ts, with its reason).`,
            ),
          );
        }
      }
      for (const [where, m] of missing) {
        const permissions = [...m.permissions].sort();
        const ops = [...m.ops];
        const roles = suggestRoles(permissions, h.id === 'ci-plan');
        const command = h.id === 'ci-plan' ? 'terraform plan' : 'terraform apply';
        const action = ops.length === 1 && ops[0] === 'read' ? `refresh it in ${command}` : `${ops.join('/')} it in ${command}`;
        findings.push(
          nonCompliant(
            item.address,
            `stack ${context.stack.name}: ${h.id} (${h.member}) cannot ${action}: it lacks ${permissions.join(', ')} on ${describeScope(context, where)} (${TABLE}, row ${row.kind} ${row.type}).`,
            `grant ${h.id} a role that carries ${permissions.join(', ')} on ${describeScope(context, where)}: in ${DEPLOYER_FILE}, ${deployer.roles}.${rolesField(context, where)}` +
              (roles.length > 0 ? `, for example ${roles.join(' + ')}` : '') +
              (h.id === 'ci-plan' ? ', or the plan custom role where no read-only predefined role carries them.' : ", or the deployer's custom role."),
          ),
        );
      }
    }
    if (inside) checked++;
  }
  for (const m of handoverMissing.values()) {
    const held = handover!.byIdentity.get(m.id);
    const kind = m.id === PLAN_DEPLOYER.id ? 'read' : 'apply';
    const lacks = [...m.items].map(([address, perms]) => `${address}: ${[...perms].sort().join(', ')}`).join('; ');
    const why = !held
      ? `the stack grants it no handover ${kind} role on ${handover!.scope}`
      : held.expires === undefined || held.expires <= handover!.day
        ? `its handover grant (${held.source}) ${held.expires ? `expires ${held.expires}, not after` : 'has no expiry to check against'} the step's day ${handover!.day || '(not recorded)'}`
        : `its handover ${kind} role (${held.source}) lacks them`;
    findings.push(
      nonCompliant(
        STACK_ADDRESS,
        `stack ${context.stack.name}: after the move out of the tenant folder ${m.id} (${m.member}) reaches ${handover!.scope} through the handover grants only, and ${why}, so it cannot ${kind === 'read' ? 'plan' : 'apply'} it (${TABLE}): ${lacks}.`,
        kind === 'read' || held?.expires === undefined || held.expires > handover!.day
          ? 'keep ProjectHandoff with a recorded move-grant expiry; the stack derives the handover roles from the permission table (TenantStack).'
          : 'apply the step before lifecycle.handover.moverGrantExpires (or, before the transfer, record a later one with `npm run handover -- --phase transfer --mover-expires <day>`).',
      ),
    );
  }
  const customerList: CustomerGrant[] = [...customer.values()]
    .map((c) => ({ scope: c.scope, why: c.why, identity: c.identity, permissions: [...c.permissions].sort() }))
    .sort((a, b) => (a.scope + a.identity < b.scope + b.identity ? -1 : 1));
  for (const c of customerList) {
    findings.push(
      notApplicable(
        `stack ${context.stack.name}: ${c.scope} is ${c.why}; Smart Segments cannot grant there, so the customer must grant ${c.identity} ${c.permissions.join(', ')} (for example ${suggestRoles(c.permissions, c.identity.includes('ci-plan')).join(', ') || 'a custom role'}) before it is planned or applied.`,
      ),
    );
  }
  if (checked > 0 && holdings.length === specs.length && !findings.some((f) => f.status === 'non-compliant')) {
    findings.push(
      compliant(
        STACK_ADDRESS,
        `${specs[0].id} holds every read permission and ${specs[1].id} every read, create, update and delete permission of the ${checked} resources and data sources it places in Smart Segments' organization (${TABLE})` +
          (administrator.size > 0 ? `; applied by an organization administrator: ${[...administrator].sort().join('; ')}` : ''),
      ),
    );
  }
  return { findings, customer: customerList };
}

export const depPerm = defineCheck({
  id: 'DEP-PERM',
  explanation:
    "The identity that plans a stack (ci-plan) holds every permission Terraform needs to refresh its resources and data sources, and the identity that applies it (ci-platform for the platform stack, the tenant deployer of the tenant's jurisdiction for a tenant stack) every permission to read, create, update and delete them, on the scope where each lives.",
  sources: [
    TABLE,
    'https://cloud.google.com/iam/docs/overview#resource-hierarchy',
    'https://cloud.google.com/resource-manager/docs/access-control-proj',
    'google/services/resourcemanager/resource_google_project.go',
  ],
  appliesTo: ['platform', 'tenant'],
  check: (context) => evaluate(context).findings,
});
