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
const takeoverTenant = (state: 'active' | 'handover-prepare' | 'handover-transfer' | 'handed-over') =>
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
      {
        project: 'takeover-dwh',
        role: 'roles/owner',
        member: 'group:gcp-owners@customer.example',
        // The grant waits for the project and for the project's admission of the customer's organization (IAM-7).
        depends_on: ['google_project.project_22F52B9F', 'google_org_policy_policy.handover-admission_allowed-policy-members_04D93AC1'],
      },
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

  it('transfer: lifts protection on our workloads so the release can remove them, keeps the warehouse protected', () => {
    const stack = synthTenant(takeoverTenant('handover-transfer'));
    for (const s of stack.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job')) {
      expect({ address: s.address, deletion_protection: s.values.deletion_protection }).toEqual({ address: s.address, deletion_protection: false });
    }
    const dataset = stack.ofType('google_bigquery_dataset')[0].values;
    expect(dataset).toMatchObject({ delete_contents_on_destroy: false, lifecycle: { prevent_destroy: true } });
    for (const t of stack.ofType('google_bigquery_table')) expect(t.values.deletion_protection).toBe(true);
  });

  it('release: the project, owner grant and warehouse leave our state undestroyed; our workloads are no longer declared', () => {
    const transfer = synthTenant(takeoverTenant('handover-transfer'));
    const release = synthTenant(takeoverTenant('handed-over'));
    const removed = (release.json as any).removed as Array<{ from: string; lifecycle: { destroy: boolean } }>;
    expect(removed.length).toBeGreaterThan(0);
    for (const r of removed) expect(r.lifecycle).toEqual({ destroy: false });
    const released = new Set(removed.map((r) => r.from));
    const addressOf = (type: string, pick: (v: Record<string, unknown>) => boolean = () => true) =>
      transfer.ofType(type).filter((r) => pick(r.values)).map((r) => r.address);
    // Released (kept in GCP), by the same addresses they had in the transfer phase:
    for (const a of [
      ...addressOf('google_project'),
      ...addressOf('google_project_iam_member', (v) => v.role === 'roles/owner'),
      ...addressOf('google_bigquery_dataset'),
      ...addressOf('google_bigquery_table'),
      ...addressOf('google_project_default_service_accounts'),
      ...addressOf('google_logging_project_bucket_config'),
    ]) {
      expect(released).toContain(a);
    }
    // Nothing of Smart Segments' is released: no service account, grant (other than the owner), secret or service.
    for (const a of [
      ...addressOf('google_service_account'),
      ...addressOf('google_bigquery_dataset_iam_member'),
      ...addressOf('google_secret_manager_secret'),
      ...addressOf('google_cloud_run_v2_service'),
      ...addressOf('google_project_iam_member', (v) => v.role !== 'roles/owner'),
      ...addressOf('google_essential_contacts_contact'),
    ]) {
      expect(released).not.toContain(a);
    }
    // And none of it is declared any more, so the apply destroys it.
    expect(release.resources).toEqual([]);
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
