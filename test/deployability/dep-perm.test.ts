/**
 * DEP-PERM and its permission table: the real platform and tenant stacks are deployable by ci-plan
 * (refresh) and the platform and tenant deployers (apply); a platform whose deployers lack a role is rejected with the
 * stack, resource, identity, permission and fix named; every synthesized type has a row.
 */
import { Testing } from 'cdktf';
import { SynthesizedStack, type TerraformJson } from '../../compliance/synthesized-stack';
import type { Finding } from '../../compliance/rule';
import { rolePermissions } from '../../policy/iam-roles';
import type { DeployContext } from '../../compliance/deployability/check';
import { customerGrants, depPerm, deployerHoldings, deployersOf, isReadOnlyPermission, suggestRoles } from '../../compliance/deployability/checks/dep-perm';
import { OPERATIONS, parsePermissionTable, permissionTable } from '../../compliance/deployability/data/permission-table';
import { PLAN_CUSTOM_ROLE, PLAN_ROLES, PLATFORM_CUSTOM_ROLE, TENANT_CUSTOM_ROLE, TENANT_ROLES, type DeployerRoles } from '../../constructs/ci-deployer-identity';
import { withLifecycle, type ResolvedTenant } from '../../config/loader';
import { TenantStack } from '../../stacks/tenant-stack';
import { FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack, makeTenant, fixtureTenantStacks, synthStack, synthTenant } from '../support/synth';

const env = fixtureEnvironment();
// The run's one synthesis of the fixture platform stack (jest globalSetup).
const platform = fixtureStack(FIXTURE_PLATFORM_STACK);
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
  platformWithout((type, values) => /^google_(folder|organization)_iam_member$/.test(type) && values.role === customRoleName(suffix));

/** An offboarding tenant's stack, which binds the offboarding tag to its project. */
function offboardingTenant(): { stack: SynthesizedStack; tenant: ResolvedTenant } {
  const tenant = makeTenant({ id: 'perm-offboarding', lifecycle: { state: 'offboarding', offboarding: { requested: '2026-12-01' } } });
  const stack = synthStack(new TenantStack(Testing.app(), { environment: env, tenant }));
  expect(stack.ofType('google_tags_tag_binding')).toHaveLength(1);
  return { stack, tenant };
}
const offboarding = offboardingTenant();

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
  it('finds ci-plan, ci-platform and a tenant deployer per jurisdiction and their grants in the platform stack, custom roles included', () => {
    const holdings = deployerHoldings(context(platform));
    expect(holdings.map((h) => h.id).sort()).toEqual(['ci-plan', 'ci-platform', 'ci-tenant-au', 'ci-tenant-ch', 'ci-tenant-eea', 'ci-tenant-uk']);
    const byId = (id: string) => holdings.find((h) => h.id === id)!;
    const eea = `folders/${env.platform.tenantFolders.EEA!.replace(/^folders\//, '')}`;
    const uk = `folders/${env.platform.tenantFolders.UK!.replace(/^folders\//, '')}`;
    expect(byId('ci-plan').byScope.get(eea)?.has('logging.settings.get')).toBe(true);
    expect(byId('ci-plan').byScope.get(eea)?.has('bigquery.jobs.create')).toBe(true);
    expect(byId('ci-tenant-eea').byScope.get(eea)?.has('compute.networks.delete')).toBe(true);
    // A tenant deployer holds nothing on another jurisdiction's folder.
    expect(byId('ci-tenant-eea').byScope.get(uk)).toBeUndefined();
    // Its Project IAM Admin grants only the project-level roles of PROJECT_LEVEL_ONLY_ROLES.
    expect([...byId('ci-tenant-eea').grantLimits.get(eea)!].sort()).toEqual(TENANT_ROLES.limitedProjectIamAdmin!.tenantFolders!.slice().sort());
  });

  it('judges each stack with its own deployer: the platform stack ci-platform, a tenant stack its jurisdiction tenant deployer', () => {
    expect(deployersOf({ kind: 'platform' }).map((d) => d.id)).toEqual(['ci-plan', 'ci-platform']);
    const uk = env.tenants.find((t) => t.jurisdiction === 'UK')!;
    expect(deployersOf({ kind: 'tenant', tenant: uk }).map((d) => d.id)).toEqual(['ci-plan', 'ci-tenant-uk']);
  });

  it("fails a tenant stack the deployer of another jurisdiction would have to apply: ci-tenant-eea holds nothing on the UK folder", () => {
    const uk = [...fixtureTenants.values()].find((s) => tenantOf(s).jurisdiction === 'UK' && s.has('google_project'))!;
    const asEea: ResolvedTenant = { ...tenantOf(uk), jurisdiction: 'EEA' };
    const found = violations(depPerm.check({ ...context(uk, tenantOf(uk)), tenant: asEea }));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.problem.includes('ci-tenant-eea'))).toBe(true);
    expect(found[0].problem).toMatch(/on folder fixture-uk/);
  });

  it('fails a project grant of a role the tenant deployer may not grant (its Project IAM Admin is limited)', () => {
    const stack = [...fixtureTenants.values()].find((s) => s.has('google_project_iam_member'))!;
    const json = JSON.parse(JSON.stringify(stack.json)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [name] = Object.keys(json.resource.google_project_iam_member);
    json.resource.google_project_iam_member[name].role = 'roles/bigquery.dataEditor';
    const found = violations(depPerm.check(context(new SynthesizedStack(stack.name, json as TerraformJson), tenantOf(stack))));
    expect(found.map((f) => f.problem)).toEqual([expect.stringMatching(/ci-tenant-[a-z]+ .* cannot grant roles\/bigquery\.dataEditor: its Project IAM Admin on folder fixture-[a-z]+ .* may grant only roles\/bigquery\.dataViewer, roles\/bigquery\.jobUser, /)]);
  });

  it('passes the platform stack: ci-plan refreshes it and ci-platform applies it', () => {
    const findings = depPerm.check(context(platform));
    expect(violations(findings)).toEqual([]);
    expect(findings.some((f) => f.status === 'compliant' && /organization administrator: .*google_organization_iam_member/.test(f.detail))).toBe(true);
  });

  it('passes every fixture tenant stack', () => {
    for (const stack of fixtureTenants.values()) expect([stack.name, violations(depPerm.check(context(stack, tenantOf(stack))))]).toEqual([stack.name, []]);
  });

  it('passes an offboarding tenant whose project is tagged offboarding (its deployer may bind the tag, nothing else may)', () => {
    expect(offboarding.stack.has('google_tags_tag_binding')).toBe(true);
    expect(violations(depPerm.check(context(offboarding.stack, offboarding.tenant)))).toEqual([]);
    // The keys wait for the tag, so a destroy removes them while the project still carries it.
    for (const key of offboarding.stack.ofType('google_kms_crypto_key')) {
      expect(key.values.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_tags_tag_binding\./)]));
    }
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
    const apply = grants.find((g) => g.identity.includes('ci-tenant-'))!;
    expect(plan.scope).toBe(`projects/${tenant.projectId}`);
    expect(plan.permissions).toEqual(expect.arrayContaining(['bigquery.datasets.get', 'run.services.get']));
    expect(plan.permissions.every(isReadOnlyPermission)).toBe(true);
    expect(apply.permissions).toEqual(expect.arrayContaining(['bigquery.datasets.create', 'run.services.create']));
    const note = findings.find((f) => f.status === 'not-applicable' && f.reason.includes('ci-plan'));
    expect(note && note.status === 'not-applicable' && note.reason).toMatch(/customer-owned project \(HAND-2\).*customer must grant/);
  });
  const HANDOVER = {
    customerOrganizationId: '998877665544',
    customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
    customerOwnerGroup: 'gcp-owners@alpensport.example',
    customerDirectoryCustomerId: 'C09alpen1',
    prepared: '2026-11-02',
    moverGrantExpires: '2026-12-01',
    customerImportPolicyConfirmed: '2026-11-05',
    customerBillingGrantConfirmed: '2026-11-05',
  };
  const alpenIn = (state: 'handover-transfer' | 'handed-over', handover: Record<string, string | undefined> = {}): ResolvedTenant =>
    withLifecycle(env.tenants.find((t) => t.warehouse.mode === 'customer' && t.warehouse.provisionedBy === 'smart-segments')!, {
      state,
      handover: { ...HANDOVER, ...(state === 'handed-over' ? { customerAdminsConfirmed: '2026-11-10', effectiveDate: '2026-11-10' } : {}), ...handover } as typeof HANDOVER,
    });

  it("lists the customer's billing account and organization as the customer's to grant on during a handover transfer (M5), and counts the handover grants on the moved project", () => {
    const tenant = alpenIn('handover-transfer');
    const stack = synthTenant(tenant);
    const findings = depPerm.check(context(stack, tenant));
    expect(violations(findings)).toEqual([]);
    const grants = customerGrants(context(stack, tenant));
    const billing = grants.filter((g) => g.scope === 'billingAccounts/0A0A0A-1B1B1B-2C2C2C');
    expect(billing.find((g) => g.identity.includes('ci-tenant-'))?.permissions).toContain('billing.resourceAssociations.create');
    // The moved project is no longer the customer's to grant on: the handover grants reach it.
    expect(grants.map((g) => g.scope)).not.toContain('projects/alpensport-warehouse');
    expect(grants.find((g) => g.scope === 'organizations/998877665544' && g.identity.includes('ci-tenant-'))?.permissions).toEqual(['resourcemanager.projects.create']);
  });

  it('fails a transfer whose handover grants are missing, expired by the day the transfer was confirmed, or lack a permission', () => {
    const tenant = alpenIn('handover-transfer');
    const stack = synthTenant(tenant);
    const without = new SynthesizedStack(stack.name, {
      ...stack.json,
      resource: { ...stack.json.resource, google_project_iam_member: Object.fromEntries(Object.entries(stack.json.resource!.google_project_iam_member).filter(([n]) => !n.startsWith('handoff_handover-read'))) },
    } as TerraformJson);
    expect(violations(depPerm.check(context(without, tenant))).map((v) => v.problem)).toEqual([
      expect.stringMatching(/ci-plan \(serviceAccount:ci-plan@ssx-platform\.iam\.gserviceaccount\.com\) reaches projects\/alpensport-warehouse through the handover grants only, and the stack grants it no handover read role on projects\/alpensport-warehouse, so it cannot plan it .*google_project\.project_22F52B9F: resourcemanager\.projects\.get/),
    ]);
    const late = alpenIn('handover-transfer', { customerImportPolicyConfirmed: '2026-12-01', customerBillingGrantConfirmed: '2026-12-01' });
    const expired = violations(depPerm.check(context(stack, late)));
    expect(expired.map((v) => v.problem)).toEqual([
      expect.stringMatching(/ci-plan .* its handover grant \(google_project_iam_member\.handoff_handover-read-planner_[0-9A-F]+\) expires 2026-12-01, not after the step's day 2026-12-01/),
      expect.stringMatching(/ci-tenant-ch .* expires 2026-12-01, not after the step's day 2026-12-01/),
    ]);
    expect(expired[1].fix).toMatch(/apply the step before lifecycle\.handover\.moverGrantExpires/);
    const roles = stack.json.resource!.google_project_iam_custom_role as Record<string, { role_id: string; permissions: string[] }>;
    const lacking = new SynthesizedStack(stack.name, {
      ...stack.json,
      resource: {
        ...stack.json.resource,
        google_project_iam_custom_role: Object.fromEntries(
          Object.entries(roles).map(([n, r]) => [n, r.role_id === 'smartSegmentsHandoverApply' ? { ...r, permissions: r.permissions.filter((p) => p !== 'resourcemanager.projects.update') } : r]),
        ),
      },
    } as TerraformJson);
    expect(violations(depPerm.check(context(lacking, tenant))).map((v) => v.problem)).toEqual([
      expect.stringMatching(/ci-tenant-ch .* its handover apply role \(google_project_iam_member\.handoff_handover-apply-deployer_[0-9A-F]+\) lacks them, so it cannot apply it .*: google_project\.project_22F52B9F: resourcemanager\.projects\.update\.$/),
    ]);
  });

  it('passes the last step while the handover grants last, and fails it once they have expired', () => {
    const relinquish = alpenIn('handed-over', { ownAccessRemoved: '2026-11-20' });
    const stack = synthTenant(relinquish);
    expect(stack.ofType('google_project_iam_member_remove')).toHaveLength(3);
    expect(violations(depPerm.check(context(stack, relinquish)))).toEqual([]);
    const late = alpenIn('handed-over', { ownAccessRemoved: '2026-12-02' });
    expect(violations(depPerm.check(context(synthTenant(late), late))).map((v) => v.problem)).toEqual([
      expect.stringMatching(/ci-plan .*expires 2026-12-01, not after the step's day 2026-12-02/),
      expect.stringMatching(/ci-tenant-ch .*expires 2026-12-01, not after the step's day 2026-12-02, so it cannot apply it .*resourcemanager\.projects\.setIamPolicy/),
    ]);
  });

  it("leaves the handover customer's administration grants (which no deployer may grant) to an organization administrator", () => {
    const alpen = env.tenants.find((t) => t.warehouse.mode === 'customer' && t.warehouse.provisionedBy === 'smart-segments')!;
    const tenant: ResolvedTenant = withLifecycle(alpen, {
      state: 'handover-prepare',
      handover: { customerOrganizationId: '998877665544', customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C', customerOwnerGroup: 'gcp-owners@alpensport.example', customerDirectoryCustomerId: 'C09alpen1' },
    });
    const findings = depPerm.check(context(synthTenant(tenant), tenant));
    expect(violations(findings)).toEqual([]);
    for (const role of ['bigquery-admin', 'cloudkms-admin', 'resourcemanager-projectiamadmin']) {
      expect(findings.some((f) => f.status === 'compliant' && new RegExp(`organization administrator: .*google_project_iam_member\\.handoff_customer-${role}_[0-9A-F]+ \\(roles/[a-zA-Z.]+ for the handover's customer administrators\\)`).test(f.detail))).toBe(true);
    }
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
    // Only ci-plan lost a role: the tenant deployer is still fine.
    expect(found.every((f) => f.problem.includes('ci-plan'))).toBe(true);
  });

  it("ci-plan without its custom role cannot refresh the platform's folder logging settings", () => {
    const found = violations(depPerm.check(context(platform, undefined, withoutCustomRole(PLAN_CUSTOM_ROLE.idSuffix))));
    const settings = found.filter((f) => f.address.startsWith('google_logging_folder_settings.'));
    expect(settings).toHaveLength(platform.ofType('google_logging_folder_settings').length);
    expect(settings[0].problem).toMatch(/stack platform-fixture: ci-plan .* lacks logging\.settings\.get on folder fixture-/);
    expect(found.some((f) => /PLAN_ROLES\.platformFolder/.test(f.fix))).toBe(true);
  });

  it('a tenant deployer without its custom role cannot create a tenant project (default network) or update it', () => {
    const tenant = makeTenant({ id: 'perm-apply' });
    const stack = synthTenant(tenant);
    const found = violations(depPerm.check(context(stack, tenant, withoutCustomRole(TENANT_CUSTOM_ROLE.idSuffix))));
    const project = found.find((f) => f.address.startsWith('google_project.'));
    expect(project!.problem).toMatch(/ci-tenant-eea .* cannot create\/update it in terraform apply: it lacks compute\.networks\.delete, resourcemanager\.projects\.update/);
    expect(project!.fix).toMatch(/TENANT_ROLES\.tenantFolders/);
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
    expect(found.map((f) => f.problem)).toEqual(expect.arrayContaining([expect.stringMatching(/declares no ci-plan service account/), expect.stringMatching(/declares no ci-platform/)]));
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
    const planPermissions = roleNames(PLAN_ROLES).flatMap((r) => [...rolePermissions(r)]);
    expect(planPermissions).not.toContain('bigquery.tables.getData');
  });

  it('add no log-entry or Firestore-entity read in the custom roles', () => {
    for (const p of [PLAN_CUSTOM_ROLE, PLATFORM_CUSTOM_ROLE, TENANT_CUSTOM_ROLE].flatMap((r) => Object.keys(r.permissions))) {
      expect(p).not.toMatch(/^logging\.(privateLogEntries|logEntries)\.|^datastore\.entities\.|^bigquery\.tables\.getData|^secretmanager\.versions\.access/);
    }
  });

  it('give ci-plan no role that lists log entries, reads Firestore entities or BigQuery table data (Security Reviewer and Logs Viewer are gone)', () => {
    const reads = roleNames(PLAN_ROLES).flatMap((r) => rolePermissions(r).filter((p) => /^logging\.(privateLogEntries|logEntries)\.list$|^datastore\.entities\.|^bigquery\.tables\.(getData|export)$/.test(p)).map((p) => `${r}: ${p}`));
    expect(reads).toEqual([]);
    expect(roleNames(PLAN_ROLES)).not.toContain('roles/iam.securityReviewer');
  });

  it('declare the custom roles on the organization once each, granted on every folder the deployer holds roles on', () => {
    const roles = platform.ofType('google_organization_iam_custom_role');
    expect(roles.map((r) => [r.values.org_id, r.values.role_id]).sort()).toEqual([
      [env.platform.organization.id, 'ssx_platform.ciPlanRefresh'],
      [env.platform.organization.id, 'ssx_platform.ciPlatformExtras'],
      [env.platform.organization.id, 'ssx_platform.ciTagPolicyReader'],
      [env.platform.organization.id, 'ssx_platform.ciTenantExtras'],
      [env.platform.organization.id, 'ssx_platform.ciTenantImagePull'],
    ]);
    const folders = platform.ofType('google_folder').length;
    const jurisdictions = env.platform.jurisdictions.length;
    const grantsOf = (suffix: string) => platform.ofType('google_folder_iam_member').filter((g) => g.values.role === customRoleName(suffix));
    // ci-plan and ci-platform on every folder; each tenant deployer on its own folder.
    expect(grantsOf(PLAN_CUSTOM_ROLE.idSuffix)).toHaveLength(folders);
    expect(grantsOf(PLATFORM_CUSTOM_ROLE.idSuffix)).toHaveLength(folders);
    expect(grantsOf(TENANT_CUSTOM_ROLE.idSuffix)).toHaveLength(jurisdictions);
  });
});

/** Every predefined role name of a role set. */
function roleNames(roles: DeployerRoles): string[] {
  return [...roles.organization, ...roles.billingAccount, ...roles.platformFolder, ...roles.auditFolders, ...roles.tenantFolders, ...roles.sharedProject];
}

/**
 * A role is dropped exactly when no check needs it: removing any one role a deployer holds from the
 * synthesized platform stack makes DEP-PERM fail on at least one fixture stack (the platform stack
 * for ci-platform, the tenant stacks for the tenant deployers, any stack for ci-plan).
 */
describe('every deployer role is needed', () => {
  const stacks: Array<{ stack: SynthesizedStack; tenant?: ResolvedTenant }> = [
    { stack: platform },
    ...[...fixtureTenants.values()].map((s) => ({ stack: s, tenant: tenantOf(s) })),
    offboarding,
  ];
  const ciGrants = Object.entries((platform.json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>)
    .filter(([type]) => /_iam_member$/.test(type))
    .flatMap(([type, byName]) => Object.entries(byName).map(([name, values]) => ({ type, name, values })))
    .filter((g) => /^serviceAccount:ci-/.test(String(g.values.member)) && g.type !== 'google_storage_bucket_iam_member')
    // The quota project of the deployers' API calls (serviceusage.services.use on the shared project): a
    // property of every call, not of a resource type, so the permission table does not model it.
    .filter((g) => !(g.type === 'google_project_iam_member' && g.values.role === 'roles/serviceusage.serviceUsageConsumer'));
  // One role per deployer and scope kind: the same role on another folder of the same kind is the same decision.
  // The tenant deployers share one role set (TENANT_ROLES): a role is dropped from all of them.
  const deployerOf = (member: unknown) => String(member).replace(/^serviceAccount:(ci-[a-z]+)(-[a-z]+)?@.*$/, '$1');
  const decisions = new Map<string, (typeof ciGrants)[number]>();
  for (const g of ciGrants) {
    const key = `${deployerOf(g.values.member)} ${g.type} ${String(g.values.role)}`;
    if (!decisions.has(key)) decisions.set(key, g);
  }

  it.each([...decisions.keys()])('%s', (key) => {
    const g = decisions.get(key)!;
    const role = String(g.values.role);
    // Drop the role from this deployer (every tenant deployer) everywhere it is granted on this kind of scope.
    const without = platformWithout((type, values) => type === g.type && deployerOf(values.member) === deployerOf(g.values.member) && values.role === role);
    const failing = stacks.filter(({ stack, tenant }) => {
      const subject = stack === platform ? without : stack;
      return violations(depPerm.check({ stack: subject, kind: tenant ? 'tenant' : 'platform', environment: env, tenant, platform: without })).length > 0;
    });
    expect({ key, failingStacks: failing.length > 0 }).toEqual({ key, failingStacks: true });
  });
});
