/**
 * DEP-MOVE: a move between organizations (HAND-1's transfer) needs `resourcemanager.projects.move` on
 * the project's current parent for the identity that applies it, and `resourcemanager.projects.create`
 * on the destination organization (cloud.google.com/resource-manager/docs/assign-iam-roles); REST
 * projects.move checks the move permission "on the project's current and proposed new parent". DEP-PERM
 * does not count conditional grants, and the tenant deployer holds the permission nowhere unconditionally, so
 * this check follows the one grant that carries it: the handover's time-bound grant on the tenant
 * folder, declared by the tenant stack.
 *
 * - transfer (the project's `org_id` is not Smart Segments' organization): the tenant deployer of the jurisdiction holds a role
 *   carrying the permission on the tenant folder the project leaves, under an expiry condition; the
 *   create permission on the customer's organization is the customer's to grant (not applicable).
 * - prepare: the grant is already there, so it has propagated before the transfer is applied.
 * - every other stack (active, release, platform): no grant in the stack carries the permission, and
 *   the platform grants it to no deployer without a condition.
 */
import { tenantDeployerMember } from '../../../config/naming';
import { MOVE_PERMISSION, expiryOf } from '../../../policy/handover';
import { rolePermissions } from '../../../policy/iam-roles';
import { grantsOf, type Grant } from '../../grants';
import { STACK_ADDRESS, compliant, nonCompliant, notApplicable, type Finding } from '../../rule';
import { defineCheck, type DeployContext } from '../check';

const carriesMove = (g: Grant) => rolePermissions(g.role).includes(MOVE_PERMISSION);

function folderOf(context: DeployContext, g: Grant): string | undefined {
  const r = context.stack.resources.find((x) => x.address === g.address);
  return r?.type === 'google_folder_iam_member' && typeof r.values.folder === 'string' ? r.values.folder : undefined;
}

function check(context: DeployContext): Finding[] {
  const movers = grantsOf(context.stack).filter(carriesMove);
  if (context.kind === 'platform') {
    const standing = movers.filter((g) => !g.condition);
    return standing.length > 0
      ? standing.map((g) => nonCompliant(g.address, `${g.principal.member} holds ${MOVE_PERMISSION} through ${g.role} with no condition, so it could move any project at any time.`, 'grant it only for a handover, time-bound, from the tenant stack (ProjectHandoff).'))
      : [compliant(STACK_ADDRESS, `no standing grant of ${MOVE_PERMISSION}: projects move only through a handover's time-bound grant`)];
  }
  const tenant = context.tenant!;
  const phase = tenant.lifecycleView.handoverPhase;
  const project = context.stack.ofType('google_project').find((p) => p.values.project_id === tenant.projectId);
  const ours = context.environment.platform.organization.id;
  const moving = project !== undefined && typeof project.values.org_id === 'string' && project.values.org_id !== ours;
  if (!moving && phase !== 'prepare') {
    return movers.length > 0
      ? movers.map((g) => nonCompliant(g.address, `${g.principal.member} still holds ${MOVE_PERMISSION} (${g.role}) while no move is under way${phase === 'release' ? ' (the release)' : ''}.`, 'declare the move grant only in the handover\'s prepare and transfer (ProjectHandoff).'))
      : [notApplicable('no project moves in this stack, and no grant carries the move permission')];
  }
  const deployer = tenantDeployerMember(context.environment.platform, tenant.jurisdiction);
  const source = context.environment.platform.tenantFolders[tenant.jurisdiction];
  const grant = movers.find((g) => g.principal.member === deployer && folderOf(context, g) === source);
  const findings: Finding[] = [];
  if (!grant) {
    findings.push(
      nonCompliant(
        project?.address ?? STACK_ADDRESS,
        `${moving ? 'the apply moves the project out of' : 'the transfer will move the project out of'} ${source ?? 'its tenant folder'}, but ${deployer} holds ${MOVE_PERMISSION} there through no grant of this stack, so projects.move is refused.`,
        'grant it roles/resourcemanager.projectMover on the tenant folder until an expiry (ProjectHandoff; record --mover-expires with `npm run handover -- --phase prepare`).',
      ),
    );
  } else if (!expiryOf(grant.condition?.expression)) {
    findings.push(nonCompliant(grant.address, `the move grant has no expiry condition, so ${deployer} could move projects after the handover.`, 'add request.time < timestamp("<day>T00:00:00Z") (ProjectHandoff).'));
  } else {
    findings.push(compliant(grant.address, `${deployer} holds ${MOVE_PERMISSION} on ${source} until ${expiryOf(grant.condition!.expression)} (${phase === 'prepare' ? 'in place before the transfer' : 'for this move'})`));
  }
  if (moving)
    findings.push(
      notApplicable(
        `organizations/${String(project!.values.org_id)} is the customer's organization: the customer grants ${deployer} resourcemanager.projects.create there (roles/resourcemanager.projectCreator) before the transfer (docs/handover.md).`,
      ),
    );
  return findings;
}

export const depMove = defineCheck({
  id: 'DEP-MOVE',
  explanation:
    "The identity that moves a project to the customer's organization holds resourcemanager.projects.move on the project's current parent through the handover's time-bound grant, in prepare and transfer only; no other stack or phase carries that permission.",
  sources: [
    'https://cloud.google.com/resource-manager/docs/assign-iam-roles',
    'https://cloud.google.com/resource-manager/reference/rest/v3/projects/move',
    'google/services/resourcemanager/resource_google_project.go',
  ],
  appliesTo: ['platform', 'tenant'],
  check,
});
