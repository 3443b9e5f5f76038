/**
 * DEP-PERM and its permission table: the real platform and tenant stacks are deployable by ci-plan
 * (refresh) and ci-apply (apply); a platform whose deployers lack a role is rejected with the
 * stack, resource, identity, permission and fix named; every synthesized type has a row.
 */
import { Testing } from 'cdktf';
import { SynthesizedStack, type TerraformJson } from '../../compliance/synthesized-stack';
import type { Finding } from '../../compliance/rule';
import { rolePermissions } from '../../policy/iam-roles';
import type { DeployContext } from '../../compliance/deployability/check';
import { customerGrants, depPerm, deployerHoldings, isReadOnlyPermission, suggestRoles } from '../../compliance/deployability/checks/dep-perm';
import { OPERATIONS, parsePermissionTable, permissionTable } from '../../compliance/deployability/data/permission-table';
import { APPLY_CUSTOM_ROLE, PLAN_CUSTOM_ROLE, PLAN_ROLES } from '../../constructs/ci-deployer-identity';
import { withLifecycle, type ResolvedTenant } from '../../config/loader';
import { PlatformStack } from '../../stacks/platform-stack';
import { fixtureEnvironment, makeTenant, fixtureTenantStacks, synthStack, synthTenant } from '../support/synth';

const env = fixtureEnvironment();
const platform = synthStack(new PlatformStack(Testing.app(), { environment: env }));
const fixtureTenants = fixtureTenantStacks();
const tenantOf = (stack: SynthesizedStack): ResolvedTenant => env.tenants.find((t) => stack.name.endsWith(`-${t.id}`))!;

function context(stack: SynthesizedStack, tenant?: ResolvedTenant, platformStack: SynthesizedStack = platform): DeployContext {
  return { stack, kind: tenant ? 'tenant' : 'platform', environment: env, tenant, platform: platformStack };
}

const violations = (findings: Finding[]) => findings.filter((f): f is Extract<Finding, { status: 'non-compliant' }> => f.status === 'non-compliant');

/** The platform stack's JSON with the resources `drop` selects removed: a platform whose deployers lack a grant. */
function platformWithout(drop: (type: string, values: Record<string, unknown>) => boolean, stack: SynthesizedStack = platform): SynthesizedStack {
  const json = JSON.parse(JSON.stringify(stack.json)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, values] of Object.entries(byName)) if (drop(type, values)) delete byName[name];
  }
  return new SynthesizedStack(stack.name, json as TerraformJson);
}

const customRoleName = (suffix: string) => `organizations/${env.platform.organization.id}/roles/ssx_platform.${suffix}`;
const withoutCustomRole = (suffix: string) =>
  platformWithout((type, values) => type === 'google_folder_iam_member' && values.role === customRoleName(suffix));

/** The types and data sources of a stack, as `resource:<type>` and `data:<type>`. */
function typesOf(stack: SynthesizedStack): string[] {
  return [...Object.keys(stack.json.resource ?? {}).map((t) => `resource:${t}`), ...Object.keys(stack.json.data ?? {}).map((t) => `data:${t}`)];
}

describe('the permission table (compliance/deployability/data/permissions.json)', () => {
  const table = permissionTable();

  it('has a row for every resource type and data source the fixture stacks synthesize', () => {
    const synthesized = new Set([platform, ...fixtureTenants.values()].flatMap(typesOf));
    // Added by the tenant branch (service agents), declared here so the merge needs no new row.
    synthesized.add('resource:google_project_service_identity');
    const missing = [...synthesized].filter((key) => {
      const [kind, type] = key.split(':') as ['resource' | 'data', string];
      return !table.row(kind, type);
    });
    expect(missing).toEqual([]);
  });

  it('names only permissions the role dataset knows, and a source for every row', () => {
    // A permission no grantable predefined role carries is a typo (or needs a custom role the table would say so for).
    const known = (p: string) => suggestRoles([p]).length > 0;
    const unknown = table.rows.flatMap((r) => OPERATIONS.flatMap((op) => r.permissions[op].filter((p) => !known(p.permission)).map((p) => `${r.type}.${op}: ${p.permission}`)));
    expect(unknown).toEqual([]);
    for (const row of table.rows) expect(row.sources.length).toBeGreaterThan(0);
  });

  it('records the non-obvious reads and writes the provider makes', () => {
    const perms = (kind: 'resource' | 'data', type: string, op: (typeof OPERATIONS)[number]) => table.row(kind, type)!.permissions[op].map((p) => p.permission);
    expect(perms('data', 'google_bigquery_default_service_account', 'read')).toEqual(['bigquery.jobs.create']);
    expect(perms('resource', 'google_logging_folder_settings', 'read')).toEqual(['logging.settings.get']);
    expect(perms('resource', 'google_project', 'create')).toEqual(expect.arrayContaining(['compute.networks.delete', 'billing.resourceAssociations.create']));
    expect(table.row('resource', 'google_project')!.permissions.update.find((p) => p.permission === 'billing.resourceAssociations.create')?.on).toBe('billingAccount');
    expect(perms('resource', 'google_pubsub_topic_iam_member', 'read')).toEqual(['pubsub.topics.getIamPolicy']);
  });

  it('refuses a malformed row, naming the file, the row and the field', () => {
    const row = { type: 'google_pubsub_topic', kind: 'resource', read: ['pubsub.topics.get'], create: [], update: [], delete: [], sources: ['x'] };
    expect(() => parsePermissionTable(JSON.stringify({ providerVersion: '6.50.0', rows: [{ ...row, sources: [] }] }))).toThrow(
      /permissions\.json: rows\[0\] \(google_pubsub_topic\): field "sources"/,
    );
    expect(() => parsePermissionTable(JSON.stringify({ providerVersion: '6.50.0', rows: [{ ...row, update: [{ permission: 'x', on: 'moon' }] }] }))).toThrow(
      /rows\[0\] \(google_pubsub_topic\)\.update: each permission/,
    );
    expect(() => parsePermissionTable(JSON.stringify({ providerVersion: '6.50.0', rows: [row, row] }))).toThrow(/a second row for resource google_pubsub_topic/);
  });
});

describe('DEP-PERM on the real stacks', () => {
  it('finds ci-plan and ci-apply and their grants in the platform stack, custom roles included', () => {
    const [plan, apply] = deployerHoldings(context(platform));
    expect(plan.id).toBe('ci-plan');
    expect(apply.id).toBe('ci-apply');
    const eea = `folders/${env.platform.tenantFolders.EEA!.replace(/^folders\//, '')}`;
    expect(plan.byScope.get(eea)?.has('logging.settings.get')).toBe(true);
    expect(plan.byScope.get(eea)?.has('bigquery.jobs.create')).toBe(true);
    expect(apply.byScope.get(eea)?.has('compute.networks.delete')).toBe(true);
  });

  it('passes the platform stack: ci-plan refreshes it and ci-apply applies it', () => {
    const findings = depPerm.check(context(platform));
    expect(violations(findings)).toEqual([]);
    expect(findings.some((f) => f.status === 'compliant' && /organization administrator: .*google_organization_iam_member/.test(f.detail))).toBe(true);
  });

  it('passes every fixture tenant stack', () => {
    for (const stack of fixtureTenants.values()) expect([stack.name, violations(depPerm.check(context(stack, tenantOf(stack))))]).toEqual([stack.name, []]);
  });

  it('passes a new tenant made in the test, with conversion tracking (Firestore)', () => {
    const tenant = makeTenant({ id: 'perm-tenant', conversionTracking: { enabled: true, destinations: ['meta'] } });
    const stack = synthTenant(tenant);
    expect(stack.has('google_firestore_field')).toBe(true);
    expect(violations(depPerm.check(context(stack, tenant)))).toEqual([]);
  });

  it("lists what the customer must grant in a customer-owned project (HAND-2) instead of failing", () => {
    const stack = [...fixtureTenants.values()].find((s) => !s.has('google_project'))!;
    const tenant = tenantOf(stack);
    const findings = depPerm.check(context(stack, tenant));
    expect(violations(findings)).toEqual([]);
    const grants = customerGrants(context(stack, tenant));
    const plan = grants.find((g) => g.identity.includes('ci-plan'))!;
    const apply = grants.find((g) => g.identity.includes('ci-apply'))!;
    expect(plan.scope).toBe(`projects/${tenant.projectId}`);
    expect(plan.permissions).toEqual(expect.arrayContaining(['bigquery.datasets.get', 'run.services.get']));
    expect(plan.permissions.every(isReadOnlyPermission)).toBe(true);
    expect(apply.permissions).toEqual(expect.arrayContaining(['bigquery.datasets.create', 'run.services.create']));
    const note = findings.find((f) => f.status === 'not-applicable' && f.reason.includes('ci-plan'));
    expect(note && note.status === 'not-applicable' && note.reason).toMatch(/customer-owned project \(HAND-2\).*customer must grant/);
  });
  it("lists the customer's billing account and organization as the customer's to grant on during a handover transfer (M5)", () => {
    const alpen = env.tenants.find((t) => t.warehouse.mode === 'customer' && t.warehouse.provisionedBy === 'smart-segments')!;
    const tenant: ResolvedTenant = withLifecycle(alpen, {
      state: 'handover-transfer',
      handover: {
        customerOrganizationId: '998877665544',
        customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
        customerOwnerGroup: 'gcp-owners@alpensport.example',
        customerDirectoryCustomerId: 'C09alpen1',
      },
    });
    const stack = synthTenant(tenant);
    const findings = depPerm.check(context(stack, tenant));
    expect(violations(findings)).toEqual([]);
    const billing = customerGrants(context(stack, tenant)).filter((g) => g.scope === 'billingAccounts/0A0A0A-1B1B1B-2C2C2C');
    expect(billing.find((g) => g.identity.includes('ci-apply'))?.permissions).toContain('billing.resourceAssociations.create');
  });
});

describe('DEP-PERM on a platform whose deployers lack a role', () => {
  it('ci-plan without its custom role cannot refresh the BigQuery encryption account of a tenant', () => {
    const tenant = makeTenant({ id: 'perm-cmek' });
    const stack = synthTenant(tenant);
    const found = violations(depPerm.check(context(stack, tenant, withoutCustomRole(PLAN_CUSTOM_ROLE.idSuffix))));
    const bq = found.find((f) => f.address.startsWith('data.google_bigquery_default_service_account.'));
    expect(bq).toBeDefined();
    expect(bq!.problem).toMatch(/stack tenant-fixture-perm-cmek: ci-plan \(serviceAccount:ci-plan@ssx-platform\.iam\.gserviceaccount\.com\) cannot refresh it in terraform plan: it lacks bigquery\.jobs\.create on folder fixture-eea/);
    expect(bq!.fix).toMatch(/constructs\/ci-deployer-identity\.ts, PLAN_ROLES\.tenantFolders/);
    // Only ci-plan lost a role: ci-apply is still fine.
    expect(found.every((f) => f.problem.includes('ci-plan'))).toBe(true);
  });

  it("ci-plan without its custom role cannot refresh the platform's folder logging settings", () => {
    const found = violations(depPerm.check(context(platform, undefined, withoutCustomRole(PLAN_CUSTOM_ROLE.idSuffix))));
    const settings = found.filter((f) => f.address.startsWith('google_logging_folder_settings.'));
    expect(settings).toHaveLength(platform.ofType('google_logging_folder_settings').length);
    expect(settings[0].problem).toMatch(/stack platform-fixture: ci-plan .* lacks logging\.settings\.get on folder fixture-/);
    expect(found.some((f) => /PLAN_ROLES\.platformFolder/.test(f.fix))).toBe(true);
  });

  it('ci-apply without its custom role cannot create a tenant project (default network) or update it', () => {
    const tenant = makeTenant({ id: 'perm-apply' });
    const stack = synthTenant(tenant);
    const found = violations(depPerm.check(context(stack, tenant, withoutCustomRole(APPLY_CUSTOM_ROLE.idSuffix))));
    const project = found.find((f) => f.address.startsWith('google_project.'));
    expect(project!.problem).toMatch(/ci-apply .* cannot create\/update it in terraform apply: it lacks compute\.networks\.delete, resourcemanager\.projects\.update/);
    expect(project!.fix).toMatch(/APPLY_ROLES\.tenantFolders/);
  });

  it('does not count a conditional grant', () => {
    const json = JSON.parse(JSON.stringify(platform.json)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    for (const values of Object.values(json.resource.google_folder_iam_member)) {
      if (values.role === customRoleName(PLAN_CUSTOM_ROLE.idSuffix)) values.condition = { title: 'never', expression: 'false' };
    }
    const conditional = new SynthesizedStack(platform.name, json as TerraformJson);
    expect(violations(depPerm.check(context(platform, undefined, conditional))).some((f) => f.problem.includes('logging.settings.get'))).toBe(true);
  });

  it('reports a platform stack without the deployers', () => {
    const none = platformWithout((type) => type === 'google_service_account');
    const found = violations(depPerm.check(context(platform, undefined, none)));
    expect(found.map((f) => f.problem)).toEqual(expect.arrayContaining([expect.stringMatching(/declares no ci-plan service account/), expect.stringMatching(/declares no ci-apply/)]));
  });

  it('reports a resource type the table has no row for, so a new type cannot slip through', () => {
    const json = JSON.parse(JSON.stringify(platform.json)) as { resource: Record<string, Record<string, unknown>> };
    json.resource.google_sql_database_instance = { db: { name: 'x', project: 'ssx-platform' } };
    const stack = new SynthesizedStack(platform.name, json as TerraformJson);
    const found = violations(depPerm.check(context(stack, undefined, stack)));
    expect(found).toEqual([
      expect.objectContaining({ address: 'google_sql_database_instance.db', problem: expect.stringMatching(/resource type google_sql_database_instance has no row in compliance\/deployability\/data\/permissions\.json/) }),
    ]);
  });
});

describe('the deployer roles', () => {
  it('keep ci-plan read-only: its custom role only reads, except the job creation getServiceAccount requires', () => {
    const writes = Object.keys(PLAN_CUSTOM_ROLE.permissions).filter((p) => !isReadOnlyPermission(p));
    expect(writes).toEqual(['bigquery.jobs.create']);
    // A job reads no table data without bigquery.tables.getData, which no plan role carries.
    const planPermissions = [...PLAN_ROLES.organization, ...PLAN_ROLES.everyFolder, ...PLAN_ROLES.platformFolder, ...PLAN_ROLES.tenantFolders].flatMap((r) => [...rolePermissions(r)]);
    expect(planPermissions).not.toContain('bigquery.tables.getData');
  });

  it('add no log-entry or Firestore-entity read in the custom roles', () => {
    for (const p of [...Object.keys(PLAN_CUSTOM_ROLE.permissions), ...Object.keys(APPLY_CUSTOM_ROLE.permissions)]) {
      expect(p).not.toMatch(/^logging\.(privateLogEntries|logEntries)\.|^datastore\.entities\./);
    }
  });

  it('declare the custom roles on the organization, granted on every managed folder', () => {
    const roles = platform.ofType('google_organization_iam_custom_role');
    expect(roles.map((r) => [r.values.org_id, r.values.role_id]).sort()).toEqual([
      [env.platform.organization.id, 'ssx_platform.ciApplyExtras'],
      [env.platform.organization.id, 'ssx_platform.ciPlanRefresh'],
    ]);
    const folders = platform.ofType('google_folder').length;
    for (const suffix of [PLAN_CUSTOM_ROLE.idSuffix, APPLY_CUSTOM_ROLE.idSuffix]) {
      expect(platform.ofType('google_folder_iam_member').filter((g) => g.values.role === customRoleName(suffix))).toHaveLength(folders);
    }
  });
});
