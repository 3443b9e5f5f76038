/**
 * HAND-1: a customer's takeover of the project Smart Segments provisioned for it, phase by phase.
 * No phase deletes data or leaves the project without an owner.
 */
import { Testing, TerraformStack } from 'cdktf';
import { makeTenant, synthTenant } from './support/synth';
import { TenantProject } from '../constructs/tenant-project';
import { ProjectHandoff } from '../constructs/project-handoff';

const handover = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-owners@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
};
const takeoverTenant = (state: 'active' | 'handover-prepare' | 'handover-transfer') =>
  makeTenant({
    id: 'takeover',
    warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' },
    lifecycle: state === 'active' ? { state } : { state, handover },
  });

describe('HAND-1: phased customer takeover', () => {
  it('active: no customer ownership yet', () => {
    const stack = synthTenant(takeoverTenant('active'));
    expect(stack.ofType('google_project_iam_member').filter((m) => m.values.role === 'roles/owner')).toEqual([]);
  });

  it('prepare: the customer owner group is granted roles/owner; the project stays in our folder', () => {
    const stack = synthTenant(takeoverTenant('handover-prepare'));
    const owners = stack.ofType('google_project_iam_member').filter((m) => m.values.role === 'roles/owner');
    expect(owners.map((o) => o.values)).toEqual([
      { project: 'takeover-dwh', role: 'roles/owner', member: 'group:gcp-owners@customer.example' },
    ]);
    expect(stack.ofType('google_project')[0].values).toMatchObject({
      folder_id: 'folders/100000000001',
      billing_account: '01ABCD-23EF45-6789AB',
      deletion_policy: 'PREVENT',
    });
  });

  it("transfer: the project moves to the customer's organization and billing, keeping the owner grant", () => {
    const stack = synthTenant(takeoverTenant('handover-transfer'));
    const project = stack.ofType('google_project')[0].values;
    expect(project).toMatchObject({ org_id: '998877665544', billing_account: '0A0A0A-1B1B1B-2C2C2C', deletion_policy: 'PREVENT' });
    expect(project.folder_id).toBeUndefined();
    expect(stack.ofType('google_project_iam_member').some((m) => m.values.role === 'roles/owner')).toBe(true);
  });

  it("refuses to hand over a customer's own project", () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    const project = new TenantProject(stack, 'p', { projectId: 'their-own', ownership: 'customer' });
    expect(() => new ProjectHandoff(stack, 'h', { project, phase: 'prepare', customerOwnerGroup: 'g@c.example' })).toThrow(
      /only a project Smart Segments provisioned can be handed over/,
    );
  });

  it('a handover state needs a project provisioned for takeover (config)', () => {
    expect(() =>
      makeTenant({ id: 'wrong', warehouse: { mode: 'smart-segments' }, lifecycle: { state: 'handover-prepare', handover } }),
    ).toThrow(/only a dedicated project that Smart Segments provisioned/);
  });
});
