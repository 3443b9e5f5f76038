/**
 * DEP-POLICY-ORDER: a `google_project_iam_member_remove` (the creator's implicit roles/owner, taken
 * back at creation; a handover's last step) waits for every other resource of the stack that writes
 * the same project's allow policy, or another removal waits for it. The remove resource reads the policy and sets
 * it back without the provider's per-project lock and without a retry
 * (google/services/resourcemanager/resource_google_project_iam_member_remove.go v6.50.0, Create:
 * GetIamPolicy then SetIamPolicy with its etag), so a grant, audit config or default-account change
 * written in between makes it fail with 409 ("concurrent policy changes"), and a first apply that
 * runs them in parallel fails half-way. Ordered last, it also removes the owner role only once the
 * first apply's other policy writes are done.
 */
import { compliant, nonCompliant, type Finding } from '../../rule';
import { defineCheck } from '../check';
import { DependencyGraph, type GraphNode } from '../graph';
import { ProjectPlacement } from '../placement';
import { PROJECT_MEMBER_REMOVAL as REMOVER, PROJECT_POLICY_WRITERS } from '../../../policy/project-policy-writers';

const SOURCE = 'google/services/resourcemanager/resource_google_project_iam_member_remove.go (v6.50.0)';

export const depPolicyOrder = defineCheck({
  id: 'DEP-POLICY-ORDER',
  explanation:
    "A google_project_iam_member_remove in a project the stack creates depends on every other resource of the stack that writes that project's allow policy: it sets the policy without the provider's lock or a retry, so a concurrent write fails the apply.",
  sources: [SOURCE, 'https://cloud.google.com/resource-manager/reference/rest/v1/projects/setIamPolicy'],
  appliesTo: ['platform', 'tenant'],
  check({ stack }) {
    if (stack.ofType(REMOVER).length === 0) return [];
    const graph = DependencyGraph.of(stack);
    const placement = ProjectPlacement.of(graph);
    const writers = [...graph.nodes.values()].filter((n) => n.mode === 'resource' && PROJECT_POLICY_WRITERS.has(n.type));
    const findings: Finding[] = [];
    // The project a write targets: one the stack creates, else the literal id it names (a moved project).
    const projectKey = (n: GraphNode): string | undefined => placement.projectOf(n)?.address ?? (typeof n.values.project === 'string' && !n.values.project.includes('${') ? n.values.project : undefined);
    for (const remover of writers.filter((n) => n.type === REMOVER)) {
      const project = projectKey(remover);
      if (!project) continue;
      const others = writers.filter((w) => w.address !== remover.address && projectKey(w) === project);
      // Two removals ordered either way do not race; anything else must come first.
      const unordered = others.filter((w) => !graph.dependsOn(remover.address, w.address) && !(w.type === REMOVER && graph.dependsOn(w.address, remover.address)));
      if (unordered.length === 0) {
        findings.push(compliant(remover.address, `waits for the ${others.length} other write(s) of ${project}'s allow policy`));
      } else {
        findings.push(
          nonCompliant(
            remover.address,
            `removes a member from ${project}'s allow policy without the provider's lock or a retry (${SOURCE}), but nothing orders it after ${unordered.map((w) => w.address).join(', ')}, which write the same policy: applied in parallel, one of them fails with 409.`,
            `add ${unordered.map((w) => w.address).join(', ')} to its depends_on (TenantProject orders the creator's owner removal after its project's other policy writes).`,
          ),
        );
      }
    }
    return findings;
  },
});
