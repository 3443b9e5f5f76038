/**
 * Issue 11 item 3: the implicit ownership Google gives a creator is taken back on the synthesized
 * stacks. BigQuery makes the creator of a dataset created without an access list its OWNER, so every
 * warehouse declares its list at creation (projectOwners only) and leaves later entries to the grant
 * methods' dataset IAM members.
 */
import { fixtureEnvironment, fixtureTenantStacks, makeTenant, synthTenant } from '../support/synth';
import { tenantDeployerMember, tenantStackName } from '../../config/naming';
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

describe("IAM-1: the tenant deployer gives back the owner role Google gives a project's creator", () => {
  const env = fixtureEnvironment();
  const stacks = [...fixtureTenantStacks().values()];
  const tenantOf = (name: string) => env.tenants.find((t) => tenantStackName(env.name, t.id) === name)!;

  it("every stack that creates its project removes its jurisdiction's deployer from roles/owner there, after the project exists and last of its policy writes", () => {
    const creating = stacks.filter((s) => s.ofType('google_project').length > 0);
    expect(creating.length).toBeGreaterThan(1);
    expect(new Set(creating.map((s) => tenantOf(s.name).jurisdiction)).size).toBeGreaterThan(1);
    for (const stack of creating) {
      const [project] = stack.ofType('google_project');
      expect({ stack: stack.name, removals: stack.ofType('google_project_iam_member_remove').map((r) => r.values) }).toEqual({
        stack: stack.name,
        removals: [
          {
            project: project.values.project_id,
            role: 'roles/owner',
            member: tenantDeployerMember(env.platform, tenantOf(stack.name).jurisdiction),
            // After the project, and after every other write of its allow policy (DEP-POLICY-ORDER).
            depends_on: expect.arrayContaining([project.address, ...stack.ofType('google_project_iam_audit_config').map((a) => a.address)]),
          },
        ],
      });
    }
  });

  it("a customer's own project (HAND-2) is not ours to change: no removal", () => {
    const customers = stacks.filter((s) => s.ofType('google_project').length === 0);
    expect(customers.length).toBeGreaterThan(0);
    for (const stack of customers) expect(stack.ofType('google_project_iam_member_remove')).toEqual([]);
  });
});
