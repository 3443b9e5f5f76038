/**
 * DEP-MOVE: the handover's transfer moves the project with resourcemanager.projects.move on the
 * tenant folder it leaves, held by the tenant deployer through the time-bound grant the tenant stack declares
 * in prepare and transfer, and by nothing else, before or after.
 */
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { makeTenant, synthTenant, fixtureEnvironment } from '../support/synth';
import { runDeployCheck, expectAccepted, expectRejected } from './support';

const handover = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-admins@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
  moverGrantExpires: '2026-12-01',
};
type State = 'active' | 'handover-prepare' | 'handover-transfer' | 'handed-over';
type Details = Omit<typeof handover, 'moverGrantExpires'> & { moverGrantExpires?: string };
const takeover = (state: State, h: Details = handover) =>
  makeTenant({
    id: 'takeover',
    warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' },
    lifecycle: state === 'active' ? { state } : { state, handover: state === 'handed-over' ? { ...h, effectiveDate: '2026-11-20' } : h },
  });
const run = (state: State, h?: Details) => {
  const tenant = takeover(state, h);
  const stack = synthTenant(tenant);
  return { stack, outcome: runDeployCheck('DEP-MOVE', stack, fixtureEnvironment(), tenant) };
};

describe('DEP-MOVE: the move permission only for the move', () => {
  it('transfer: the tenant deployer holds resourcemanager.projects.move on the tenant folder until the recorded expiry; the destination is the customer\'s to grant', () => {
    const { outcome } = run('handover-transfer');
    expectAccepted(outcome);
    expect(outcome.compliant.join('\n')).toMatch(/ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com holds resourcemanager\.projects\.move on folders\/100000000001 until 2026-12-01 \(for this move\)/);
    expect(outcome.findings.some((f) => f.status === 'not-applicable' && /customer grants .* resourcemanager\.projects\.create there/.test(f.reason))).toBe(true);
  });

  it('prepare: the grant is in place before the transfer is applied', () => {
    const { outcome } = run('handover-prepare');
    expectAccepted(outcome);
    expect(outcome.compliant.join('\n')).toMatch(/in place before the transfer/);
  });

  it('rejects a transfer whose move grant is missing (no expiry recorded)', () => {
    const { moverGrantExpires: _m, ...without } = handover;
    const { stack, outcome } = run('handover-transfer', without);
    expectRejected(outcome, 'DEP-MOVE', stack.name, /the apply moves the project out of folders\/100000000001, but .* holds resourcemanager\.projects\.move there through no grant of this stack/);
  });

  it('rejects a move grant without expiry, and any move grant once no move is under way', () => {
    const { stack } = run('handover-transfer');
    const json = JSON.parse(JSON.stringify(stack.json));
    for (const g of Object.values(json.resource.google_folder_iam_member) as Array<Record<string, unknown>>) delete g.condition;
    const tenant = takeover('handover-transfer');
    expectRejected(runDeployCheck('DEP-MOVE', new SynthesizedStack(stack.name, json), fixtureEnvironment(), tenant), 'DEP-MOVE', stack.name, /the move grant has no expiry condition/);
    const active = takeover('active');
    const activeStack = synthTenant(active);
    const withGrant = JSON.parse(JSON.stringify(activeStack.json));
    withGrant.resource.google_folder_iam_member = { stray: { folder: 'folders/100000000001', role: 'roles/resourcemanager.projectMover', member: 'serviceAccount:ci-tenant-eea@ssx-platform.iam.gserviceaccount.com' } };
    expectRejected(runDeployCheck('DEP-MOVE', new SynthesizedStack(activeStack.name, withGrant), fixtureEnvironment(), active), 'DEP-MOVE', activeStack.name, /still holds resourcemanager\.projects\.move .* while no move is under way/);
  });

  it('release and active stacks carry no move permission', () => {
    for (const state of ['active', 'handed-over'] as const) {
      const { outcome } = run(state);
      expect(outcome.violations).toEqual([]);
      expect(outcome.findings.map((f) => f.status)).toEqual(['not-applicable']);
    }
  });
});
