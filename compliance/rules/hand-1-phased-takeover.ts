/**
 * HAND-1 (DPA 10.2, A.7): a customer's takeover runs in phases that follow Google's project migration
 * guide, never delete data and never leave the project without an administrator (policy/handover.ts).
 * prepare and transfer: the customer's administrators hold non-basic administration roles on the
 * project; the tenant folder allows exports to the customer's organization and the deployer holds a
 * time-bound move grant on it. transfer: the project sits in the customer's organization and billing
 * account. release: the project, its warehouse, the keys that encrypt it and the customer's grants
 * leave Terraform state through `removed` blocks that do not destroy; nothing of Smart Segments
 * remains declared, and the last step removes the handover grants. prepare and transfer declare the
 * handover grants (policy/handover.ts): a read role to ci-plan and an apply role to the tenant
 * deployer and the platform administrators, custom roles of the tenant project, with the move
 * grant's expiry, so that they reach the project once it has left the tenant folder. In no phase is the project's deletion policy DELETE.
 */
import { handoverPhaseOf as handoffPhase } from '../../config/lifecycle';
import { serviceAccountEmail, sharedProjectId, tenantDeployerMember } from '../../config/naming';
import {
  CUSTOMER_ADMIN_ROLES,
  EXPORT_CONSTRAINT,
  HANDOVER_APPLY_ROLE_ID,
  HANDOVER_READ_ROLE_ID,
  MOVER_ROLE,
  expiryOf,
  grantLimitExpression,
  handoverExpiryOf,
  handoverRoleName,
  underOrganization,
} from '../../policy/handover';
import { isBasicRole } from '../../policy/iam-roles';
import { grantsOf, isHandoverOwnerGrant } from '../grants';
import { dependenciesOf, type SynthesizedResource } from '../synthesized-stack';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';

type Handover = NonNullable<RuleContext['tenant']>['lifecycle']['handover'] & object;
type Phase = 'prepare' | 'transfer' | 'release';

/** The tenant's handover phase and details, or the not-applicable reason when it is in none. */
function handoverOf(ctx: RuleContext): { phase: Phase; handover: Handover } | Finding[] {
  const tenant = ctx.tenant!;
  const phase = handoffPhase(tenant.lifecycle.state);
  const handover = tenant.lifecycle.handover;
  if (!phase || !handover) return [notApplicable(`the tenant is ${tenant.lifecycle.state}, not in a handover`)];
  return { phase, handover };
}

function tenantProject(ctx: RuleContext): SynthesizedResource | undefined {
  return ctx.stack.ofType('google_project').find((p) => p.values.project_id === ctx.tenant!.projectId);
}

const deployerMember = (ctx: RuleContext) => tenantDeployerMember(ctx.environment.platform, ctx.tenant!.jurisdiction);
/** The plan identity (constructs/ci-deployer-identity.ts), which the handover read role is granted to. */
const plannerMember = (ctx: RuleContext) => `serviceAccount:${serviceAccountEmail(sharedProjectId(ctx.environment.platform), 'ci-plan')}`;

/** The three handover grants: which role, to whom; the deployer's own is removed last (it carries the setIamPolicy the others' removals need). */
function handoverGrantSpecs(ctx: RuleContext) {
  const projectId = ctx.tenant!.projectId;
  const read = { kind: 'read', roleId: HANDOVER_READ_ROLE_ID, role: handoverRoleName(projectId, HANDOVER_READ_ROLE_ID) } as const;
  const apply = { kind: 'apply', roleId: HANDOVER_APPLY_ROLE_ID, role: handoverRoleName(projectId, HANDOVER_APPLY_ROLE_ID) } as const;
  return [
    { ...read, member: plannerMember(ctx), who: 'ci-plan', last: false },
    { ...apply, member: `group:${ctx.environment.platform.groups.platformAdmins}`, who: 'the organization administrator who applies the release (a platform administrator)', last: false },
    { ...apply, member: deployerMember(ctx), who: 'the tenant deployer', last: true },
  ];
}
const tenantFolder = (ctx: RuleContext) => ctx.environment.platform.tenantFolders[ctx.tenant!.jurisdiction];

function removedBlocks(ctx: RuleContext): Array<{ from?: unknown; lifecycle?: { destroy?: unknown } }> {
  const raw = ctx.stack.json.removed;
  return (Array.isArray(raw) ? raw : raw ? [raw] : []) as Array<{ from?: unknown; lifecycle?: { destroy?: unknown } }>;
}

export const hand1AdminGrants = defineCheck({
  id: 'HAND-1/admin-grants',
  explanation: `Until the release, the project stays in the stack and the customer's administrators' group holds ${CUSTOMER_ADMIN_ROLES.join(', ')} on it (never a basic role), so the project is never without someone who can administer it.`,
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    const { phase, handover } = h;
    if (phase === 'release') return [notApplicable("the release hands the project and the customer's grants to the customer (HAND-1/release-from-state)")];
    const tenant = ctx.tenant!;
    if (!tenantProject(ctx))
      return [nonCompliant(STACK_ADDRESS, `the ${phase} phase needs the tenant project in the stack.`, 'keep the google_project until release.')];
    const group = handover.customerOwnerGroup;
    const theirs = grantsOf(ctx.stack).filter((g) => isHandoverOwnerGrant(g, group) && g.target.id === tenant.projectId);
    const findings: Finding[] = [];
    for (const g of theirs.filter((x) => isBasicRole(x.role))) {
      findings.push(
        nonCompliant(
          g.address,
          `basic role ${g.role} to the customer's group ${group}: setIamPolicy grants roles/owner only to principals of the project's own organization, so the apply fails.`,
          `grant the customer's administrators ${CUSTOMER_ADMIN_ROLES.join(', ')} instead (ProjectHandoff).`,
        ),
      );
    }
    const missing = CUSTOMER_ADMIN_ROLES.filter((role) => !theirs.some((g) => g.role === role));
    if (missing.length > 0)
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          `the ${phase} phase does not grant the customer's administrators' group ${group} ${missing.join(', ')} on ${tenant.projectId}, so the project could be left without the customer as administrator.`,
          'keep ProjectHandoff in every handover phase before the release.',
        ),
      );
    if (findings.length === 0) findings.push(compliant(theirs[0].address, `${group} administers ${tenant.projectId}: ${CUSTOMER_ADMIN_ROLES.join(', ')}`));
    return findings;
  },
});

export const hand1MovePrerequisites = defineCheck({
  id: 'HAND-1/move-prerequisites',
  explanation:
    "In prepare and transfer, the tenant folder allows exports to the customer's organization (resourcemanager.allowedExportDestinations) and the deployer holds roles/resourcemanager.projectMover on it under an expiring IAM condition; from the release on, neither exists.",
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    const { phase, handover } = h;
    const folder = tenantFolder(ctx);
    const exports = ctx.stack.ofType('google_org_policy_policy').filter((p) => String(p.values.name ?? '').endsWith(`/policies/${EXPORT_CONSTRAINT}`));
    const movers = ctx.stack.ofType('google_folder_iam_member').filter((g) => g.values.role === MOVER_ROLE);
    if (phase === 'release') {
      const left = [...exports, ...movers];
      return left.length > 0
        ? left.map((r) => nonCompliant(r.address, 'the release still declares a move prerequisite, so Smart Segments could still move projects to the customer.', 'declare it only in prepare and transfer (ProjectHandoff).'))
        : [compliant(STACK_ADDRESS, 'the release declares no export policy and no move grant: the apply removes them')];
    }
    const findings: Finding[] = [];
    const wanted = underOrganization(handover.customerOrganizationId);
    const policy = exports.find((p) => p.values.parent === folder);
    const allowed = (policy?.values.spec as { rules?: Array<{ values?: { allowed_values?: unknown } }> } | undefined)?.rules?.flatMap((r) =>
      Array.isArray(r.values?.allowed_values) ? (r.values!.allowed_values as unknown[]) : [],
    );
    if (!policy || !allowed?.includes(wanted))
      findings.push(
        nonCompliant(
          policy?.address ?? STACK_ADDRESS,
          `no ${EXPORT_CONSTRAINT} policy on the tenant folder ${folder} allows ${wanted}, so the move fails with FAILED_PRECONDITION (cloud.google.com/resource-manager/docs/configure-org-policy).`,
          "set it on the project's parent folder naming the customer's organization (ProjectHandoff).",
        ),
      );
    else findings.push(compliant(policy.address, `${folder} allows exports to ${wanted}`));
    const mover = movers.find((g) => g.values.folder === folder && g.values.member === deployerMember(ctx));
    const expires = expiryOf((mover?.values.condition as { expression?: unknown } | undefined)?.expression);
    if (!mover || !expires)
      findings.push(
        nonCompliant(
          mover?.address ?? STACK_ADDRESS,
          mover
            ? `the move grant to ${deployerMember(ctx)} on ${folder} has no expiry condition request.time < timestamp("<day>T00:00:00Z"), so it would outlive the handover.`
            : `the deployer ${deployerMember(ctx)} holds no ${MOVER_ROLE} on the tenant folder ${folder}, so it cannot move the project (resourcemanager.projects.move on the current parent)${
                handover.moverGrantExpires ? '' : '; lifecycle.handover.moverGrantExpires is not recorded'
              }.`,
          'record the expiry with `npm run handover -- --phase prepare` (--mover-expires) and keep ProjectHandoff.',
        ),
      );
    else if (handover.moverGrantExpires !== expires)
      findings.push(nonCompliant(mover.address, `the move grant expires ${expires}, but the tenant file records ${String(handover.moverGrantExpires)}.`, 'derive the condition from lifecycle.handover.moverGrantExpires.'));
    else findings.push(compliant(mover.address, `${MOVER_ROLE} on ${folder} until ${expires}`));
    return findings;
  },
});

export const hand1NoDeletion = defineCheck({
  id: 'HAND-1/no-deletion',
  explanation: "During a handover the tenant project's deletion policy is never DELETE, so no phase can delete the customer's data.",
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    const project = tenantProject(ctx);
    if (!project) return [notApplicable(`the ${h.phase} phase manages no tenant project here`)];
    return project.values.deletion_policy === 'DELETE'
      ? [nonCompliant(project.address, 'deletion_policy is DELETE during a handover.', 'keep PREVENT until release (ABANDON).')]
      : [compliant(project.address, `deletion_policy is ${String(project.values.deletion_policy ?? 'PREVENT (the default)')} during the ${h.phase} phase`)];
  },
});

export const hand1TransferTarget = defineCheck({
  id: 'HAND-1/transfer-target',
  explanation: "In the transfer phase the project sits in the customer's organization, in no folder of ours, and is billed to the customer's billing account.",
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    const { phase, handover } = h;
    if (phase !== 'transfer') return [notApplicable(`the ${phase} phase does not move the project`)];
    const project = tenantProject(ctx);
    if (!project) return [notApplicable('the transfer phase manages no tenant project here (HAND-1/admin-grants requires it)')];
    const problems: string[] = [];
    if (project.values.org_id !== handover.customerOrganizationId)
      problems.push(`org_id is ${JSON.stringify(project.values.org_id)}, not the customer's ${handover.customerOrganizationId}`);
    if (project.values.folder_id !== undefined) problems.push(`it still names folder ${String(project.values.folder_id)}`);
    if (project.values.billing_account !== handover.customerBillingAccount)
      problems.push(`billing_account is ${JSON.stringify(project.values.billing_account)}, not the customer's ${handover.customerBillingAccount}`);
    return [
      problems.length
        ? nonCompliant(project.address, `${problems.join('; ')}.`, "move the project to the customer's organization and billing account.")
        : compliant(project.address, `in organization ${handover.customerOrganizationId}, billed to ${handover.customerBillingAccount}`),
    ];
  },
});

export const hand1HandoverGrants = defineCheck({
  id: 'HAND-1/handover-grants',
  explanation:
    "In prepare and transfer, the tenant project holds the handover's two custom roles, ci-plan holds the read role and the tenant deployer and the platform administrators' group the apply role on the project, each until the move grant's expiry, the apply grants changing no binding but the handover roles' (so they reach the project after the move out of the tenant folder, and no longer).",
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    const { phase, handover } = h;
    if (phase === 'release') return [notApplicable('the release keeps the handover grants out of state until the last step removes them (HAND-1/release-from-state, HAND-1/own-access-removed)')];
    if (!handover.moverGrantExpires) return [notApplicable('no move-grant expiry is recorded, so there is no move grant either (HAND-1/move-prerequisites refuses the stack)')];
    const projectId = ctx.tenant!.projectId;
    const roles = ctx.stack.ofType('google_project_iam_custom_role');
    const grants = grantsOf(ctx.stack).filter((g) => g.type === 'google_project_iam_member' && g.target.id === projectId);
    const findings: Finding[] = [];
    const specs = handoverGrantSpecs(ctx);
    const handoverRoles = [...new Set(specs.map((x) => x.role))].sort();
    for (const spec of specs) {
      const role = roles.find((r) => r.values.project === projectId && r.values.role_id === spec.roleId);
      if (!role) {
        findings.push(nonCompliant(STACK_ADDRESS, `no custom role ${spec.roleId} in ${projectId}: after the move ${spec.who} reaches the project through nothing, so the ${phase === 'prepare' ? 'transfer' : 'release'} cannot be ${spec.kind === 'read' ? 'planned' : 'applied'}.`, 'keep ProjectHandoff with a recorded move-grant expiry; the stack sets the role from the permission table.'));
        continue;
      }
      const grant = grants.find((g) => g.role === spec.role && g.principal.member === spec.member);
      const expires = handoverExpiryOf(grant?.condition?.expression);
      if (!grant) findings.push(nonCompliant(role.address, `${spec.member} is not granted ${spec.role} on ${projectId}, so after the move it cannot reach the project.`, "grant the handover role with the move grant's expiry (ProjectHandoff)."));
      else if (!expires) findings.push(nonCompliant(grant.address, `the handover grant of ${spec.role} to ${spec.member} has no expiry condition request.time < timestamp("<day>T00:00:00Z"), so it would outlive the handover in the customer's project.`, 'derive the condition from lifecycle.handover.moverGrantExpires (ProjectHandoff).'));
      else if (expires !== handover.moverGrantExpires)
        findings.push(nonCompliant(grant.address, `the handover grant of ${spec.role} expires ${expires}, but the move grant, recorded in the tenant file, ${handover.moverGrantExpires}.`, 'derive the condition from lifecycle.handover.moverGrantExpires.'));
      else if (spec.kind === 'apply' && !grant.condition!.expression!.endsWith(` && ${grantLimitExpression(handoverRoles)}`))
        findings.push(nonCompliant(grant.address, `the apply grant's condition does not limit its IAM policy changes to the handover roles' bindings, so ${spec.member} could grant itself any role in a project no deny policy of ours reaches after the move.`, `end the condition with && ${grantLimitExpression(handoverRoles)} (ProjectHandoff).`));
      else findings.push(compliant(grant.address, `${spec.member} holds ${spec.role} on ${projectId} until ${expires}${spec.kind === 'apply' ? ', changing only the handover roles\' bindings' : ''}`));
    }
    return findings;
  },
});

/** What the release must hand over by resource type, and why (constructs/state-release.ts builds the blocks). */
const MUST_RELEASE: ReadonlyArray<readonly [string, string]> = [
  ['google_project', 'the project'],
  ['google_bigquery_dataset', 'the warehouse dataset'],
  ['google_kms_crypto_key', 'the key that encrypts the warehouse'],
  ['google_project_iam_member', "the customer's administration grants and the handover grants"],
];

export const hand1ReleaseFromState = defineCheck({
  id: 'HAND-1/release-from-state',
  explanation:
    "In the release phase the project, its warehouse, the keys that encrypt it and the customer's grants leave Terraform state through removed blocks that destroy nothing, and no resource of Smart Segments stays declared.",
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    if (h.phase !== 'release') return [notApplicable(`the ${h.phase} phase keeps the project in state`)];
    const findings: Finding[] = [];
    const removed = removedBlocks(ctx);
    if (removed.length === 0)
      return [
        nonCompliant(
          STACK_ADDRESS,
          'the release phase has no removed blocks, so the project and its data would be destroyed or left in our state.',
          'release the project, its warehouse and keys and the customer\'s grants from state with destroy = false (constructs/state-release.ts).',
        ),
      ];
    for (const r of removed) {
      if (r.lifecycle?.destroy !== false)
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `removed block for ${String(r.from)} does not set lifecycle.destroy = false, so Terraform would destroy it.`,
            'release it with destroy = false (constructs/state-release.ts declareReleased).',
          ),
        );
    }
    for (const [type, what] of MUST_RELEASE) {
      if (!removed.some((r) => String(r.from).startsWith(`${type}.`)))
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `no removed block releases a ${type} (${what}): the customer keeps it, so it must leave state without being destroyed.`,
            'add it to releasedResources (constructs/state-release.ts).',
          ),
        );
    }
    for (const r of ctx.stack.resources.filter((x) => x.type !== 'google_project_iam_member_remove'))
      findings.push(
        nonCompliant(
          r.address,
          r.type === 'google_project'
            ? 'the handed-over project is still managed by this stack.'
            : `${r.type} is still declared in the release, in a project Smart Segments no longer processes data in.`,
          'build only what remains in the release: removed blocks and the removal of the deployer\'s own access (TenantStack).',
        ),
      );
    if (findings.length === 0)
      findings.push(compliant(STACK_ADDRESS, `released from state without destroying: ${removed.map((r) => String(r.from)).join(', ')}`));
    return findings;
  },
});

export const hand1OwnAccessRemoved = defineCheck({
  id: 'HAND-1/own-access-removed',
  explanation:
    "In the release no Smart Segments principal keeps a grant declared in the customer's project, and its last step removes the three handover grants with one google_project_iam_member_remove each, the tenant deployer's own, which carries the setIamPolicy the others need, last.",
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    if (h.phase !== 'release') return [notApplicable(`the ${h.phase} phase still runs Smart Segments' deploys in the project`)];
    const findings: Finding[] = [];
    for (const g of grantsOf(ctx.stack))
      findings.push(nonCompliant(g.address, `${g.principal.member} is still granted ${g.role} after the release.`, 'release the customer\'s grants from state and let the apply destroy ours.'));
    const projectId = ctx.tenant!.projectId;
    const removals = ctx.stack.ofType('google_project_iam_member_remove');
    const all = handoverGrantSpecs(ctx).map((spec) => ({
      spec,
      removal: removals.find((r) => r.values.role === spec.role && r.values.member === spec.member && r.values.project === projectId),
    }));
    const apply = all.find((x) => x.spec.last)!;
    const others = all.filter((x) => !x.spec.last);
    if (h.handover.ownAccessRemoved !== undefined) {
      for (const { spec, removal } of all)
        if (!removal)
          findings.push(
            nonCompliant(
              STACK_ADDRESS,
              `the release's last step (recorded ${h.handover.ownAccessRemoved}) does not remove ${spec.member} from ${spec.role}: ${spec.who} would keep reaching the customer's project until the grant expires.`,
              'declare google_project_iam_member_remove for each handover grant (ProjectHandoff removeOwnAccess).',
            ),
          );
      for (const o of others)
        if (o.removal && apply.removal && !dependenciesOf(apply.removal).has(o.removal.address))
          findings.push(
            nonCompliant(
              apply.removal.address,
              `the deployer's own removal does not wait for the removal of ${o.spec.member} (${o.removal.address}): if it runs first, the deployer has lost the setIamPolicy the other removal needs.`,
              "make the deployer's removal depend on the others' (ProjectHandoff).",
            ),
          );
    } else {
      for (const r of [...all.map((x) => x.removal), ...removals.filter((x) => x.values.role === 'roles/owner')].filter((x) => x !== undefined))
        findings.push(
          nonCompliant(
            r!.address,
            "a handover grant is removed in the same apply that destroys Smart Segments' resources, which then fail for want of permission.",
            'remove them in the last step only (`npm run handover -- --phase relinquish`), after the release is applied.',
          ),
        );
    }
    if (findings.length === 0)
      findings.push(
        apply.removal
          ? compliant(apply.removal.address, `the handover grants of ${all.map((x) => x.spec.member).join(', ')} are removed, the deployer's last; no other Smart Segments grant remains`)
          : compliant(STACK_ADDRESS, 'no Smart Segments grant is declared; the handover grants are removed in the last step'),
      );
    return findings;
  },
});

/** The checks of HAND-1, in the order the report lists them. */
export const hand1PhasedTakeoverChecks = [
  hand1AdminGrants,
  hand1MovePrerequisites,
  hand1HandoverGrants,
  hand1NoDeletion,
  hand1TransferTarget,
  hand1ReleaseFromState,
  hand1OwnAccessRemoved,
] as const;
