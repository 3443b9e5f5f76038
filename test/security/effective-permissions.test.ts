/**
 * What each CI identity can really do on tenant resources and the audit trail: the permissions its
 * synthesized grants carry (role dataset expansion, custom roles as the stack declares them), minus
 * what the synthesized deny policies take away (their denial conditions evaluated with CEL on the
 * project's tags). None may read Customer Data, grant itself a role outside its set, destroy a key
 * of an active tenant, or change the audit trail (docs/security.md, the threat model).
 *
 * The list of what counts as Customer Data access is written here, not imported from the deny
 * policies' construct, so a permission dropped from the deny policies fails this test.
 */
import { evaluate } from '@marcbachmann/cel-js';
import { SynthesizedStack, referencesIn, type TerraformJson } from '../../compliance/synthesized-stack';
import { deployerHoldings, type DeployerHoldings } from '../../compliance/deployability/checks/dep-perm';
import type { DeployContext } from '../../compliance/deployability/check';
import { rolePermissions } from '../../policy/iam-roles';
import { blocks } from '../../compliance/json-blocks';
import { FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack } from '../support/synth';

const env = fixtureEnvironment();
const platform = fixtureStack(FIXTURE_PLATFORM_STACK);
const org = `organizations/${env.platform.organization.id}`;
const lifecycleKey = `${env.platform.organization.id}/${env.name}-lifecycle`;

/** Reading Customer Data, directly or by acting as a workload account that reads it. */
const CUSTOMER_DATA_ACCESS = [
  'bigquery.tables.getData',
  'bigquery.tables.export',
  'datastore.entities.get',
  'datastore.entities.list',
  'pubsub.subscriptions.consume',
  'storage.objects.get',
  'logging.logEntries.list',
  'logging.privateLogEntries.list',
  'secretmanager.versions.access',
  'iam.serviceAccounts.getAccessToken',
  'iam.serviceAccounts.signJwt',
  'iam.serviceAccounts.signBlob',
];

/** Setting a secret value (an integration's credential: Customer Data sent elsewhere). */
const SECRET_VALUE_WRITE = ['secretmanager.versions.add'];

/** Changing the IAM policies that hold CI's own grants, or CI's custom roles and federation. */
const SELF_GRANT = [
  'resourcemanager.organizations.setIamPolicy',
  'resourcemanager.folders.setIamPolicy',
  'billing.accounts.setIamPolicy',
  'iam.roles.update',
  'iam.roles.create',
  'iam.serviceAccounts.setIamPolicy',
  'resourcemanager.tagValues.setIamPolicy',
  'iam.denypolicies.update',
  'iam.denypolicies.delete',
];

/** The audit trail: sinks and exclusions of the folders, the audit projects' buckets, metrics, alerts and channels, and their deletion. */
const AUDIT_TRAIL_CHANGE = [
  'logging.sinks.update',
  'logging.sinks.delete',
  'logging.exclusions.create',
  'logging.exclusions.update',
  'logging.settings.update',
  'logging.buckets.update',
  'logging.buckets.delete',
  'logging.logMetrics.update',
  'logging.logMetrics.delete',
  'monitoring.alertPolicies.update',
  'monitoring.alertPolicies.delete',
  'monitoring.notificationChannels.update',
  'monitoring.notificationChannels.delete',
  'resourcemanager.projects.delete',
  'resourcemanager.projects.updateLiens',
];

const KEY_DESTRUCTION = 'cloudkms.cryptoKeyVersions.destroy';

function context(stack: SynthesizedStack): DeployContext {
  return { stack, kind: 'platform', environment: env, platform: stack };
}

/** The folder scope key (as DEP-PERM keys it) of a google_folder of the platform stack. */
function folderScope(stack: SynthesizedStack, resourceName: string): string {
  const folder = stack.ofType('google_folder').find((f) => f.name === resourceName)!;
  const recorded = /folders\/(\d+)/.exec(JSON.stringify(folder.values.lifecycle ?? ''));
  return recorded ? `folders/${recorded[1]}` : folder.address;
}

const folderNamed = (stack: SynthesizedStack, display: string) => stack.ofType('google_folder').find((f) => f.values.display_name === display)!;
const tenantFolderScopes = (stack: SynthesizedStack) => env.platform.jurisdictions.map((j) => folderScope(stack, folderNamed(stack, `${env.name}-${j.toLowerCase()}`).name));
const auditFolderScopes = (stack: SynthesizedStack) => env.platform.jurisdictions.map((j) => folderScope(stack, folderNamed(stack, `${env.name}-audit-${j.toLowerCase()}`).name));
const platformFolderScope = (stack: SynthesizedStack) => folderScope(stack, folderNamed(stack, `${env.name}-platform`).name);

/** A deny rule as synthesized: where, whom, what, and its condition. */
interface DenyRule {
  readonly scope: string;
  readonly principals: readonly string[];
  readonly permissions: readonly string[];
  readonly condition?: string;
}

function denyRules(stack: SynthesizedStack): DenyRule[] {
  return stack.ofType('google_iam_deny_policy').flatMap((policy) => {
    const ref = referencesIn(String(policy.values.parent)).find((r) => r.type === 'google_folder');
    if (!ref) throw new Error(`${policy.address}: parent is not a folder of the stack`);
    const scope = folderScope(stack, ref.name);
    return blocks(policy.values.rules).map((rule) => {
      const deny = blocks(rule.deny_rule)[0];
      return {
        scope,
        principals: (deny.denied_principals as string[]) ?? [],
        // v2 form service.googleapis.com/resource.verb -> the IAM permission service.resource.verb.
        permissions: ((deny.denied_permissions as string[]) ?? []).map((p) => p.replace(/^([a-z]+)\.googleapis\.com\//, '$1.')),
        condition: blocks(deny.denial_condition)[0]?.expression as string | undefined,
      };
    });
  });
}

/** Whether a denial condition holds for a resource with `tags` (deny conditions may only test tags). */
function conditionHolds(expression: string | undefined, tags: Record<string, string>): boolean {
  if (!expression) return true;
  const cel = expression.replace(/resource\.matchTag\('([^']+)', '([^']+)'\)/g, (_m, k: string, v: string) => `(('${k}' in tags) && tags['${k}'] == '${v}')`);
  if (/resource\./.test(cel)) throw new Error(`unsupported denial condition: ${expression}`);
  return evaluate(cel, { tags }) === true;
}

/** The identity's effective permissions on a resource under `chain` (organization, folder) in a project with `tags`. */
function effective(h: DeployerHoldings, rules: readonly DenyRule[], chain: readonly string[], tags: Record<string, string> = {}): Set<string> {
  const email = h.member.replace(/^serviceAccount:/, '');
  const allowed = new Set(chain.flatMap((s) => [...(h.byScope.get(s) ?? [])]));
  for (const rule of rules) {
    if (!chain.includes(rule.scope)) continue;
    if (!rule.principals.includes(`principal://iam.googleapis.com/projects/-/serviceAccounts/${email}`)) continue;
    if (!conditionHolds(rule.condition, tags)) continue;
    for (const p of rule.permissions) allowed.delete(p);
  }
  return allowed;
}

/** What a grant-limited Project IAM Admin lets the identity grant itself on a project of `chain`, and what those roles carry there. */
function selfGrantable(h: DeployerHoldings, rules: readonly DenyRule[], chain: readonly string[]): { roles: string[]; reach: Set<string> } {
  const roles = [...new Set(chain.flatMap((s) => [...(h.grantLimits.get(s) ?? [])]))].sort();
  const granted: DeployerHoldings = { ...h, byScope: new Map([[chain[chain.length - 1], new Set(roles.flatMap((r) => [...rolePermissions(r)]))]]) };
  return { roles, reach: effective(granted, rules, chain) };
}

function analyse(stack: SynthesizedStack) {
  const holdings = deployerHoldings(context(stack));
  return { holdings, rules: denyRules(stack) };
}

const { holdings, rules } = analyse(platform);
const ids = holdings.map((h) => h.id).sort();
const byId = (id: string) => holdings.find((h) => h.id === id)!;
const tenantIds = ids.filter((id) => id.startsWith('ci-tenant-'));
const overlap = (held: Set<string>, list: readonly string[]) => list.filter((p) => held.has(p));

describe('each CI identity on tenant resources, after the deny policies', () => {
  it('finds every CI identity: ci-plan, ci-platform and a tenant deployer per jurisdiction', () => {
    expect(ids).toEqual(['ci-plan', 'ci-platform', ...env.platform.jurisdictions.map((j) => `ci-tenant-${j.toLowerCase()}`).sort()].sort());
    expect(rules.length).toBeGreaterThan(0);
  });

  it.each(ids)('%s reads no Customer Data and sets no secret value in any tenant folder', (id) => {
    for (const folder of tenantFolderScopes(platform)) {
      const held = effective(byId(id), rules, [org, folder]);
      expect({ id, folder, reads: overlap(held, [...CUSTOMER_DATA_ACCESS, ...SECRET_VALUE_WRITE]) }).toEqual({ id, folder, reads: [] });
    }
  });

  it.each(ids)('%s cannot grant itself a role outside its set', (id) => {
    const h = byId(id);
    const scopes = [org, platformFolderScope(platform), ...tenantFolderScopes(platform), ...auditFolderScopes(platform)];
    for (const scope of scopes) {
      const held = effective(h, rules, scope === org ? [org] : [org, scope]);
      expect({ id, scope, selfGrant: overlap(held, SELF_GRANT.filter((p) => !(id === 'ci-platform' && p.startsWith('iam.denypolicies.')))) }).toEqual({ id, scope, selfGrant: [] });
      // Project IAM Admin only under a modifiedGrantsByRole condition: what it may grant reaches no Customer Data and no IAM policy.
      if (held.has('resourcemanager.projects.setIamPolicy') && scope !== org) {
        const { roles, reach } = selfGrantable(h, rules, [org, scope]);
        expect(roles.length).toBeGreaterThan(0);
        expect({ id, scope, roles, reads: overlap(reach, CUSTOMER_DATA_ACCESS), setsIam: [...reach].filter((p) => p.endsWith('.setIamPolicy')) }).toEqual({ id, scope, roles, reads: [], setsIam: [] });
      }
    }
  });

  it.each(ids)("%s destroys no key version of an active tenant", (id) => {
    for (const folder of tenantFolderScopes(platform)) {
      expect({ id, folder, destroys: effective(byId(id), rules, [org, folder]).has(KEY_DESTRUCTION) }).toEqual({ id, folder, destroys: false });
    }
  });

  it('the tenant deployer destroys key versions in a project tagged offboarding (crypto-shredding, DEL-2), in its own folder only', () => {
    const offboarding = { [lifecycleKey]: 'offboarding' };
    const [eeaFolder, ukFolder] = tenantFolderScopes(platform);
    expect(effective(byId('ci-tenant-eea'), rules, [org, eeaFolder], offboarding).has(KEY_DESTRUCTION)).toBe(true);
    expect(effective(byId('ci-tenant-eea'), rules, [org, ukFolder], offboarding).has(KEY_DESTRUCTION)).toBe(false);
    expect(effective(byId('ci-plan'), rules, [org, eeaFolder], offboarding).has(KEY_DESTRUCTION)).toBe(false);
  });

  it.each(['ci-plan', ...tenantIds])('%s cannot change the audit trail: the audit folders, and the sinks, exclusions and log settings of the tenant folders', (id) => {
    for (const folder of auditFolderScopes(platform)) {
      expect({ id, folder, changes: overlap(effective(byId(id), rules, [org, folder]), AUDIT_TRAIL_CHANGE) }).toEqual({ id, folder, changes: [] });
    }
    // In a tenant folder, a tenant's own project log bucket, metric and alert are its stack's (LOG-1, BRE-1); the
    // folder's sink into the central audit log, its exclusions and its log location are the audit trail.
    const folderTrail = AUDIT_TRAIL_CHANGE.filter((p) => /^logging\.(sinks|exclusions|settings)\./.test(p));
    for (const folder of tenantFolderScopes(platform)) {
      expect({ id, folder, changes: overlap(effective(byId(id), rules, [org, folder]), folderTrail) }).toEqual({ id, folder, changes: [] });
    }
  });

  it.each(tenantIds)('%s holds no role at all on an audit folder', (id) => {
    for (const folder of auditFolderScopes(platform)) expect({ id, folder, held: byId(id).byScope.get(folder)?.size ?? 0 }).toEqual({ id, folder, held: 0 });
  });

  it('ci-platform, which deploys the audit trail, cannot lift the liens on its projects nor delete them', () => {
    for (const folder of [...auditFolderScopes(platform), platformFolderScope(platform)]) {
      expect(effective(byId('ci-platform'), rules, [org, folder]).has('resourcemanager.projects.updateLiens')).toBe(false);
    }
    expect(platform.ofType('google_resource_manager_lien').map((l) => l.values.restrictions)).toEqual(Array(5).fill(['resourcemanager.projects.delete']));
  });
});

describe('the analysis can fail', () => {
  /** The platform stack without its deny policies. */
  const withoutDeny = (() => {
    const json = JSON.parse(JSON.stringify(platform.json)) as TerraformJson & { resource: Record<string, unknown> };
    delete json.resource.google_iam_deny_policy;
    return new SynthesizedStack(platform.name, json);
  })();

  it('without the deny policies, the tenant deployers read warehouse rows and destroy active keys', () => {
    const bare = analyse(withoutDeny);
    const h = bare.holdings.find((x) => x.id === 'ci-tenant-eea')!;
    const held = effective(h, bare.rules, [org, tenantFolderScopes(withoutDeny)[0]]);
    expect(overlap(held, CUSTOMER_DATA_ACCESS)).toEqual(expect.arrayContaining(['bigquery.tables.getData', 'datastore.entities.get', 'pubsub.subscriptions.consume']));
    expect(held.has(KEY_DESTRUCTION)).toBe(true);
  });

  it('an unconditional Security Reviewer grant to ci-plan would read Data Access logs', () => {
    const json = JSON.parse(JSON.stringify(platform.json)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const folder = Object.entries(json.resource.google_folder).find(([, v]) => v.display_name === `${env.name}-eea`)![0];
    json.resource.google_folder_iam_member['reviewer'] = { folder: `\${google_folder.${folder}.name}`, role: 'roles/iam.securityReviewer', member: 'serviceAccount:ci-plan@ssx-platform.iam.gserviceaccount.com' };
    const widened = analyse(new SynthesizedStack(platform.name, json as unknown as TerraformJson));
    const plan = widened.holdings.find((x) => x.id === 'ci-plan')!;
    expect(effective(plan, widened.rules, [org, tenantFolderScopes(platform)[0]]).has('logging.privateLogEntries.list')).toBe(true);
  });
});
