/**
 * AUD-1 and the records of processing for a handed-over tenant (HAND-1, DPA 10.2): its record says
 * that Smart Segments has processed nothing since the effective date, and AUD-1 accepts it; any other
 * record still needs its stores, transfers and measures, and AUD-1 names what is missing.
 */
import { contextFor, evaluateStack } from '../../compliance/engine';
import { aud1RecordsOfProcessing } from '../../compliance/environment-checks/aud-1-records-of-processing';
import type { EnvironmentCheckContext } from '../../compliance/environment-checks/environment-check';
import { buildRopaRecord, renderRopaMarkdown } from '../../compliance/report/ropa';
import type { RopaRecord } from '../../compliance/report/ropa-record';
import type { ResolvedTenant } from '../../config/loader';
import { fixtureEnvironment, makeTenant, synthTenant } from '../support/synth';

const handover = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-admins@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
};
const takeover = (lifecycle: ResolvedTenant['lifecycle']) =>
  makeTenant({ id: 'takeover', warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' }, lifecycle });

function recordOf(tenant: ResolvedTenant) {
  const env = { ...fixtureEnvironment(), tenants: [tenant] };
  const stack = synthTenant(tenant, env);
  const evaluation = evaluateStack(contextFor(stack, [env]));
  return { env, evaluation, record: buildRopaRecord(tenant, stack, evaluation) };
}

function aud1(records: RopaRecord[], r: ReturnType<typeof recordOf>) {
  return aud1RecordsOfProcessing.check({ environment: r.env, stacks: [], evaluations: [r.evaluation], records, catalogue: undefined as never, tests: new Map() } as EnvironmentCheckContext);
}

describe('AUD-1: a handed-over tenant is a record of processing that ended on the effective date', () => {
  it('passes for a released tenant, whose record states no processing since the effective date', () => {
    const r = recordOf(takeover({ state: 'handed-over', handover: { ...handover, effectiveDate: '2026-11-20' } }));
    expect(r.record.handedOver).toEqual({
      effectiveDate: '2026-11-20',
      statement: 'No processing by Smart Segments since 2026-11-20: the customer took over the project takeover-dwh and is solely responsible for the data retained in it (DPA 10.2).',
    });
    expect(r.record.retention).toEqual([]);
    expect(r.record.duration).toMatch(/ended on 2026-11-20/);
    const result = aud1([r.record], r);
    expect(result.status).toBe('pass');
    expect(result.detail).toMatch(/handed over, no processing by Smart Segments since: takeover 2026-11-20/);
    expect(renderRopaMarkdown('fixture', [r.record])).toContain('- **Handed over:** No processing by Smart Segments since 2026-11-20');
  });

  it('still judges a served tenant by its stores and measures, naming what a record misses', () => {
    const r = recordOf(takeover({ state: 'handover-transfer', handover: { ...handover, moverGrantExpires: '2026-12-01' } }));
    expect(r.record.handedOver).toBeUndefined();
    expect(aud1([r.record], r).status).toBe('pass');
    const stripped: RopaRecord = { ...r.record, retention: [], measures: [] };
    const failed = aud1([stripped], r);
    expect(failed).toMatchObject({ status: 'fail', detail: 'incomplete records: takeover (no measures, retention per store)' });
    // A released record without stores passes only because it is handed over.
    const released = recordOf(takeover({ state: 'handed-over', handover: { ...handover, effectiveDate: '2026-11-20' } }));
    const { handedOver: _h, ...notHandedOver } = released.record;
    expect(aud1([notHandedOver as RopaRecord], released).detail).toMatch(/incomplete records: takeover \(no .*retention per store\)/);
  });
});
