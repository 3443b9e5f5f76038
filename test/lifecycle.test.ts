/**
 * The lifecycle is decided once (config/lifecycle.ts) and every layer reads that answer: what each
 * state means for the project, the data plane, the handover admission and synthesis.
 */
import { tenantLifecycle } from '../config/lifecycle';
import { tenantSchema, type TenantConfig } from '../config/schema';
import { VALID_TENANT } from './support/valid-tenant';

const handover = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-owners@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
};
const takeover = { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' } as const;

function tenant(lifecycle: unknown, warehouse: unknown = takeover): TenantConfig {
  return tenantSchema.parse({ ...VALID_TENANT, populatedSecrets: [], warehouse, lifecycle });
}

describe('TenantLifecycle: one answer per state', () => {
  const cases = [
    ['active', tenant({ state: 'active' }), { handoverPhase: undefined, transferred: false, managesProject: true, runsDataPlane: true, inTenantFolder: true, admits: false, owner: false, synthesized: true, offboarding: false }],
    ['handover-prepare', tenant({ state: 'handover-prepare', handover }), { handoverPhase: 'prepare', transferred: false, managesProject: true, runsDataPlane: true, inTenantFolder: true, admits: true, owner: true, synthesized: true, offboarding: false }],
    ['handover-transfer', tenant({ state: 'handover-transfer', handover }), { handoverPhase: 'transfer', transferred: true, managesProject: true, runsDataPlane: true, inTenantFolder: true, admits: true, owner: true, synthesized: true, offboarding: false }],
    ['handed-over', tenant({ state: 'handed-over', handover }), { handoverPhase: 'release', transferred: true, managesProject: false, runsDataPlane: false, inTenantFolder: false, admits: false, owner: true, synthesized: true, offboarding: false }],
    ['offboarding', tenant({ state: 'offboarding', offboarding: { requested: '2026-11-01' } }), { handoverPhase: undefined, transferred: false, managesProject: true, runsDataPlane: true, inTenantFolder: true, admits: false, owner: false, synthesized: true, offboarding: true }],
    ['removed', tenant({ state: 'offboarding', offboarding: { requested: '2026-11-01', removalConfirmed: true } }), { handoverPhase: undefined, transferred: false, managesProject: true, runsDataPlane: true, inTenantFolder: false, admits: false, owner: false, synthesized: false, offboarding: false }],
  ] as const;

  it.each(cases)('%s', (_name, t, expected) => {
    const l = tenantLifecycle(t);
    expect({
      handoverPhase: l.handoverPhase,
      transferred: l.transferred,
      managesProject: l.managesProject,
      runsDataPlane: l.runsDataPlane,
      inTenantFolder: l.inTenantFolder,
      admits: l.admittedDirectory !== undefined && l.admittedOrganization !== undefined,
      owner: l.customerOwnerGroup !== undefined,
      synthesized: l.synthesized,
      offboarding: l.offboarding,
    }).toEqual(expected);
  });

  it("admits the customer's organization and directory only while the handover prepares and transfers, never after the release", () => {
    expect(tenantLifecycle(tenant({ state: 'handover-transfer', handover }))).toMatchObject({
      admittedOrganization: '998877665544',
      admittedDirectory: 'C09cust01',
    });
    const released = tenantLifecycle(tenant({ state: 'handed-over', handover }));
    expect(released.admittedOrganization).toBeUndefined();
    expect(released.admittedDirectory).toBeUndefined();
  });

  it("a customer's own project is never ours to manage, in any state", () => {
    const own = tenantLifecycle(tenant({ state: 'active' }, { mode: 'customer', projectId: 'their-own', provisionedBy: 'customer' }));
    expect(own).toMatchObject({ ownsProject: false, managesProject: false, inTenantFolder: false, runsDataPlane: true });
  });

  it("records the handover's steps in the view: the move grant's expiry until the release, the effective date and the last step after it", () => {
    const withSteps = { ...handover, moverGrantExpires: '2026-12-01' };
    expect(tenantLifecycle(tenant({ state: 'handover-prepare', handover: withSteps }))).toMatchObject({ moverGrantExpires: '2026-12-01', ownAccessRemoved: false });
    expect(tenantLifecycle(tenant({ state: 'handover-transfer', handover: withSteps })).moverGrantExpires).toBe('2026-12-01');
    const released = tenantLifecycle(tenant({ state: 'handed-over', handover: { ...withSteps, effectiveDate: '2026-11-20' } }));
    expect(released).toMatchObject({ effectiveDate: '2026-11-20', ownAccessRemoved: false });
    expect(released.moverGrantExpires).toBeUndefined();
    const relinquished = { ...withSteps, effectiveDate: '2026-11-20', ownAccessRemoved: '2026-11-21' };
    expect(tenantLifecycle(tenant({ state: 'handed-over', handover: relinquished }))).toMatchObject({ ownAccessRemoved: true, synthesized: true });
    // Closed: nobody may plan the stack again (the deployer cannot read the project), so it is not synthesized.
    expect(tenantLifecycle(tenant({ state: 'handed-over', handover: { ...relinquished, closed: '2026-11-22' } })).synthesized).toBe(false);
    expect(() => tenant({ state: 'handed-over', handover: { ...withSteps, effectiveDate: '2026-11-20', closed: '2026-11-22' } })).toThrow(/closed needs ownAccessRemoved/);
  });

  it('refuses release details outside the release, and the last step before the release (schema)', () => {
    expect(() => tenant({ state: 'handover-transfer', handover: { ...handover, effectiveDate: '2026-11-20' } })).toThrow(/only allowed in state .{0,4}handed-over.{0,4}, not .{0,4}handover-transfer/);
    expect(() => tenant({ state: 'handed-over', handover: { ...handover, ownAccessRemoved: '2026-11-21' } })).toThrow(/ownAccessRemoved needs the effectiveDate/);
  });

  it('lifts workload protection from prepare on, so the transfer changes only the parent and billing', () => {
    for (const state of ['handover-prepare', 'handover-transfer'] as const) {
      expect(tenantLifecycle(tenant({ state, handover })).protection).toEqual({ protectData: true, protectWorkloads: false, projectDeletionPolicy: 'PREVENT' });
    }
  });

  it('lifts protection by state: data stays protected through the handover, everything is lifted when offboarding', () => {
    expect(tenantLifecycle(tenant({ state: 'handed-over', handover })).protection).toEqual({
      protectData: true,
      protectWorkloads: false,
      projectDeletionPolicy: 'ABANDON',
    });
    expect(tenantLifecycle(tenant({ state: 'offboarding', offboarding: { requested: '2026-11-01' } })).protection).toEqual({
      protectData: false,
      protectWorkloads: false,
      projectDeletionPolicy: 'DELETE',
    });
  });
});
