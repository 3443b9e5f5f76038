/**
 * The platform stack does not grow with the tenant list (issue 14, item 1): given the same
 * platform.yaml its JSON is byte-identical for the fixture's tenants, for 200 generated ones (every
 * jurisdiction, handover and offboarding states included) and for none; and onboarding, offboarding
 * or handing over one tenant changes that tenant's stack and no other. Environments are written to
 * temporary folders and read by the real loader (environment-builder.ts).
 */
import type { TenantInput } from '../../config/schema';
import { tenantStackName } from '../../config/naming';
import { Testing } from 'cdktf';
import type { EnvironmentConfig } from '../../config/loader';
import { TenantStack } from '../../stacks/tenant-stack';
import { allStacks, changedStacks, ENVIRONMENT, fixtureTenants, generatedTenants, handoverOf, platformJson, tenantInput, writeEnvironment, type TempEnvironment } from './environment-builder';

const PLATFORM = `platform-${ENVIRONMENT}`;
const stackOf = (id: string) => tenantStackName(ENVIRONMENT, id);

const made: TempEnvironment[] = [];
function environmentOf(tenants: readonly TenantInput[]) {
  const env = writeEnvironment(tenants);
  made.push(env);
  return env.environment;
}
afterAll(() => made.forEach((e) => e.remove()));

function tenantJson(environment: EnvironmentConfig, id: string): string {
  return Testing.synth(new TenantStack(Testing.app(), { environment, tenant: environment.tenants.find((t) => t.id === id)! }));
}

describe('the platform stack JSON is the same whatever the tenants', () => {
  let fixtureJson: string;
  // Written and loaded once: the 200 tenant files are read by the real loader.
  let generatedEnv: EnvironmentConfig;

  beforeAll(() => {
    fixtureJson = platformJson(environmentOf(fixtureTenants()));
    generatedEnv = environmentOf(generatedTenants(200));
  });

  it('the generated environment covers every jurisdiction, handover and offboarding state', () => {
    const env = generatedEnv;
    expect(env.tenants).toHaveLength(200);
    expect(new Set(env.tenants.map((t) => t.jurisdiction))).toEqual(new Set(['EEA', 'UK', 'CH', 'AU']));
    const states = new Set(env.tenants.map((t) => (t.lifecycle.offboarding?.removalConfirmed ? 'offboarding-removed' : t.lifecycle.state)));
    expect(states).toEqual(new Set(['active', 'handover-prepare', 'handover-transfer', 'handed-over', 'offboarding', 'offboarding-removed']));
  });

  it('is byte-identical for the fixture tenants and for 200 generated tenants', () => {
    expect(platformJson(generatedEnv)).toBe(fixtureJson);
  });

  it('is byte-identical with no tenant at all', () => {
    expect(platformJson(environmentOf([]))).toBe(fixtureJson);
  });

  it('names no tenant, project, contact domain or customer organization of the 200', () => {
    const env = generatedEnv;
    for (const t of env.tenants) {
      expect(fixtureJson).not.toContain(t.projectId);
      expect(fixtureJson).not.toContain(t.contacts.security.split('@')[1]);
      if (t.lifecycle.handover) expect(fixtureJson).not.toContain(t.lifecycle.handover.customerOrganizationId);
    }
  });

  it('does change when the platform config does (the comparison can fail)', () => {
    const env = environmentOf(fixtureTenants());
    const changed = { ...env, platform: { ...env.platform, contacts: { ...env.platform.contacts, security: 'soc@smartsegments.test' } } };
    expect(platformJson(changed)).not.toBe(fixtureJson);
  });
});

describe('one tenant changes only its own stack', () => {
  const base = fixtureTenants();
  let before: Map<string, string>;

  beforeAll(() => {
    before = allStacks(environmentOf(base));
  });

  const withTenant = (id: string, change: (t: TenantInput) => TenantInput) => base.map((t) => (t.id === id ? change(t) : t));
  const handingOver = (state: 'handover-prepare' | 'handover-transfer' | 'handed-over') => (t: TenantInput): TenantInput => ({
    ...t,
    lifecycle: { state, handover: handoverOf(1) },
  });

  it('onboarding a tenant adds its stack and changes no other', () => {
    const newcomer = tenantInput({
      id: 'oslo-new',
      displayName: 'Oslo Newcomer',
      jurisdiction: 'EEA',
      region: 'europe-west1',
      sources: ['roller'],
      integrations: ['mailchimp'],
      llmSupport: 'allowed',
      warehouse: { mode: 'smart-segments' },
      contacts: { security: 'security@oslonew.test', privacy: 'privacy@oslonew-legal.test' },
    });
    const after = allStacks(environmentOf([...base, newcomer]));
    expect(changedStacks(before, after)).toEqual([stackOf('oslo-new')]);
    expect(before.has(stackOf('oslo-new'))).toBe(false);
  });

  it('a new contact domain is admitted on the tenant project, not on the folder', () => {
    const after = allStacks(environmentOf(withTenant('leeds-climb', (t) => ({ ...t, contacts: { security: 'security@leeds-new-domain.test' } }))));
    expect(changedStacks(before, after)).toEqual([stackOf('leeds-climb')]);
    expect(after.get(stackOf('leeds-climb'))).toContain('@leeds-new-domain.test');
  });

  it('offboarding a tenant changes only its stack; confirming the removal removes only its stack', () => {
    const offboarding = (removalConfirmed: boolean) => (t: TenantInput): TenantInput => ({
      ...t,
      lifecycle: { state: 'offboarding', offboarding: { requested: '2026-11-20', removalConfirmed } },
    });
    const requested = allStacks(environmentOf(withTenant('perth-play', offboarding(false))));
    expect(changedStacks(before, requested)).toEqual([stackOf('perth-play')]);
    const removed = allStacks(environmentOf(withTenant('perth-play', offboarding(true))));
    expect(changedStacks(before, removed)).toEqual([stackOf('perth-play')]);
    expect(removed.has(stackOf('perth-play'))).toBe(false);
  });

  it.each(['handover-prepare', 'handover-transfer', 'handed-over'] as const)('handing a tenant over (%s) changes only its stack', (state) => {
    const after = allStacks(environmentOf(withTenant('bern-park', handingOver(state))));
    expect(changedStacks(before, after)).toEqual([stackOf('bern-park')]);
    expect(after.get(PLATFORM)).toBe(before.get(PLATFORM));
  });

  it("during the handover the customer's organization is admitted on that tenant's project, and after release nowhere", () => {
    const customer = `organizations/${handoverOf(1)!.customerOrganizationId}`;
    const prepare = tenantJson(environmentOf(withTenant('bern-park', handingOver('handover-prepare'))), 'bern-park');
    const project = JSON.parse(prepare).resource.google_org_policy_policy as Record<string, { name: string; spec: any }>;
    const admission = Object.values(project).find((p) => p.name === 'projects/bernpark-warehouse/policies/iam.managed.allowedPolicyMembers')!;
    expect(JSON.parse(admission.spec.rules[0].parameters).allowedPrincipalSets).toEqual([
      '//cloudresourcemanager.googleapis.com/organizations/210987654321',
      `//cloudresourcemanager.googleapis.com/${customer}`,
    ]);
    const released = environmentOf(withTenant('bern-park', handingOver('handed-over')));
    expect(tenantJson(released, 'bern-park')).not.toContain(customer);
    expect(platformJson(released)).not.toContain(customer);
  });
});
