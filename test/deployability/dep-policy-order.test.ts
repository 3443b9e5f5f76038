/**
 * DEP-POLICY-ORDER: the creator's owner removal (and a handover's removals) never runs beside another
 * write of the same project's allow policy (compliance/deployability/checks/dep-policy-order.ts).
 */
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectIamMemberRemove } from '@cdktf/provider-google/lib/project-iam-member-remove';
import { Project } from '@cdktf/provider-google/lib/project';
import { bareTenantStack } from '../compliance/support';
import { DependencyGraph } from '../../compliance/deployability/graph';
import { FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack, fixtureTenantStackName } from '../support/synth';
import { checkStack, expectAccepted, expectRejected, runDeployCheck } from './support';

describe('DEP-POLICY-ORDER: a member removal waits for the other writes of its project policy', () => {
  const member = 'serviceAccount:ci-tenant-eea@ssx-platform.iam.gserviceaccount.com';

  it('refuses a removal that may run beside a grant in the same created project, naming the grant', () => {
    const bare = bareTenantStack();
    const project = new Project(bare.stack, 'p', { projectId: 'ssx-order-test', name: 'order test', folderId: '100000000001' });
    new ProjectIamMemberRemove(bare.stack, 'owner-removal', { project: project.projectId, role: 'roles/owner', member, dependsOn: [project] });
    new ProjectIamMember(bare.stack, 'grant', { project: project.projectId, role: 'roles/logging.viewer', member: 'group:ops@example.com' });
    expectRejected(checkStack('DEP-POLICY-ORDER', bare.stack, bare.env, bare.tenant), 'DEP-POLICY-ORDER', bare.stack.node.id, /nothing orders it after google_project_iam_member\.grant/);
  });

  it('refuses two removals of a moved project (a literal id) that may run together', () => {
    const bare = bareTenantStack();
    new ProjectIamMemberRemove(bare.stack, 'first', { project: 'takeover-dwh', role: 'roles/viewer', member });
    new ProjectIamMemberRemove(bare.stack, 'second', { project: 'takeover-dwh', role: 'roles/browser', member });
    const outcome = checkStack('DEP-POLICY-ORDER', bare.stack, bare.env, bare.tenant);
    expectRejected(outcome, 'DEP-POLICY-ORDER', bare.stack.node.id, /takeover-dwh's allow policy/);
  });

  it('accepts a removal ordered after the grant, and removals ordered one after the other', () => {
    const bare = bareTenantStack();
    const project = new Project(bare.stack, 'p', { projectId: 'ssx-order-test', name: 'order test', folderId: '100000000001' });
    const grant = new ProjectIamMember(bare.stack, 'grant', { project: project.projectId, role: 'roles/logging.viewer', member: 'group:ops@example.com' });
    const first = new ProjectIamMemberRemove(bare.stack, 'owner-removal', { project: project.projectId, role: 'roles/owner', member, dependsOn: [project, grant] });
    new ProjectIamMemberRemove(bare.stack, 'second', { project: project.projectId, role: 'roles/viewer', member, dependsOn: [first] });
    const outcome = checkStack('DEP-POLICY-ORDER', bare.stack, bare.env, bare.tenant);
    expectAccepted(outcome);
    expect(outcome.compliant.some((c) => /waits for the 2 other write\(s\)/.test(c))).toBe(true);
  });

  it("orders each platform project's owner removal after that project's writes only: no removal waits for another (Terraform refuses a cycle)", () => {
    const stack = fixtureStack(FIXTURE_PLATFORM_STACK);
    const removals = stack.ofType('google_project_iam_member_remove');
    expect(removals.length).toBeGreaterThan(1);
    const graph = DependencyGraph.of(stack);
    for (const r of removals) {
      for (const other of removals.filter((o) => o !== r)) expect({ from: r.address, to: other.address, waits: graph.dependsOn(r.address, other.address) }).toEqual({ from: r.address, to: other.address, waits: false });
      const deps = (r.values.depends_on as string[]).filter((d) => d.startsWith('google_project_iam'));
      expect(deps.length).toBeGreaterThan(0);
      for (const d of deps) expect(stack.resources.find((x) => x.address === d)!.values.project).toBe(r.values.project);
    }
    expectAccepted(runDeployCheck('DEP-POLICY-ORDER', stack, fixtureEnvironment()));
  });

  it("orders every fixture tenant's owner removal after the stack's other policy writes", () => {
    const env = fixtureEnvironment();
    for (const tenant of env.tenants.filter((t) => t.lifecycleView.ownsProject && !t.lifecycleView.released)) {
      const stack = fixtureStack(fixtureTenantStackName(tenant.id));
      const removal = stack.ofType('google_project_iam_member_remove').find((r) => r.values.role === 'roles/owner')!;
      const writers = ['google_project_iam_member', 'google_project_iam_audit_config', 'google_project_default_service_accounts'].flatMap((t) => stack.ofType(t));
      expect(writers.length).toBeGreaterThan(0);
      expect(removal.values.depends_on).toEqual(expect.arrayContaining(writers.map((w) => w.address)));
      expectAccepted(runDeployCheck('DEP-POLICY-ORDER', stack, env, tenant));
    }
  });
});
