/**
 * Issue 11 item 3: the implicit ownership Google gives a creator is taken back on the synthesized
 * stacks. BigQuery makes the creator of a dataset created without an access list its OWNER, so every
 * warehouse declares its list at creation (projectOwners only) and leaves later entries to the grant
 * methods' dataset IAM members.
 */
import { fixtureTenantStacks, makeTenant, synthTenant } from '../support/synth';
import { grantsOf } from '../../compliance/grants';

const CI_ACCOUNT = /^serviceAccount:ci-[a-z-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com$/;

describe('IAM-1: no deployer is ever OWNER of a dataset', () => {
  const stacks = [...fixtureTenantStacks().values()].filter((s) => s.ofType('google_bigquery_dataset').length > 0);

  it('the fixture environment has warehouses to judge', () => {
    expect(stacks.length).toBeGreaterThan(0);
  });

  it('every dataset is created with the one projectOwners entry and ignores later changes to its list', () => {
    for (const stack of stacks) {
      for (const d of stack.ofType('google_bigquery_dataset')) {
        expect({ stack: stack.name, access: d.values.access }).toEqual({ stack: stack.name, access: [{ role: 'OWNER', special_group: 'projectOwners' }] });
        expect((d.values.lifecycle as { ignore_changes?: unknown }).ignore_changes).toEqual(['access']);
      }
    }
  });

  it('no grant on a dataset names a CI account, in any phase of a handover either', () => {
    const handover = (state: 'handover-prepare' | 'handover-transfer') =>
      makeTenant({
        id: 'takeover',
        warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' },
        lifecycle: {
          state,
          handover: { customerOrganizationId: '998877665544', customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C', customerOwnerGroup: 'gcp-admins@customer.example', customerDirectoryCustomerId: 'C09cust01', moverGrantExpires: '2026-12-01' },
        },
      });
    for (const stack of [...stacks, synthTenant(handover('handover-prepare')), synthTenant(handover('handover-transfer'))]) {
      const onDatasets = grantsOf(stack).filter((g) => g.target.resourceType === 'google_bigquery_dataset');
      expect(onDatasets.length).toBeGreaterThan(0);
      expect(onDatasets.filter((g) => CI_ACCOUNT.test(g.principal.member)).map((g) => `${stack.name} ${g.address}`)).toEqual([]);
    }
  });
});
