/**
 * HAND-1 (DPA 10.2, A.7): a customer's takeover runs in phases that never delete data and never
 * leave the project without an owner. prepare: the customer's owner group holds roles/owner on the
 * project. transfer: the project sits in the customer's organization and billing account, the owner
 * grant kept. release: the project, the owner grant and the data leave Terraform state through
 * `removed` blocks that do not destroy. In no phase is the project's deletion policy DELETE.
 */
import { handoverPhaseOf as handoffPhase } from '../../config/lifecycle';
import { grantsOf, isHandoverOwnerGrant } from '../grants';
import type { SynthesizedResource } from '../synthesized-stack';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';

type Handover = NonNullable<RuleContext['tenant']>['lifecycle']['handover'] & object;

/** The tenant's handover phase and details, or the not-applicable reason when it is in none. */
function handoverOf(ctx: RuleContext): { phase: 'prepare' | 'transfer' | 'release'; handover: Handover } | Finding[] {
  const tenant = ctx.tenant!;
  const phase = handoffPhase(tenant.lifecycle.state);
  const handover = tenant.lifecycle.handover;
  if (!phase || !handover) return [notApplicable(`the tenant is ${tenant.lifecycle.state}, not in a handover`)];
  return { phase, handover };
}

function tenantProject(ctx: RuleContext): SynthesizedResource | undefined {
  return ctx.stack.ofType('google_project').find((p) => p.values.project_id === ctx.tenant!.projectId);
}

export const hand1OwnerGrant = defineCheck({
  id: 'HAND-1/owner-grant',
  explanation: "Until the release, the project stays in the stack and the customer's owner group holds roles/owner on it, so it is never left without the customer as owner.",
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    const { phase, handover } = h;
    if (phase === 'release') return [notApplicable('the release phase hands the project and its owner grant to the customer (HAND-1/release-from-state)')];
    const tenant = ctx.tenant!;
    if (!tenantProject(ctx))
      return [nonCompliant(STACK_ADDRESS, `the ${phase} phase needs the tenant project in the stack.`, 'keep the google_project until release.')];
    const ownerGrants = grantsOf(ctx.stack).filter(
      (g) => g.role === 'roles/owner' && isHandoverOwnerGrant(g, handover.customerOwnerGroup) && g.target.id === tenant.projectId,
    );
    return ownerGrants.length === 0
      ? [
          nonCompliant(
            STACK_ADDRESS,
            `the ${phase} phase has no roles/owner grant to the customer's owner group ${handover.customerOwnerGroup}, so the project could be left without the customer as owner.`,
            'keep ProjectHandoff in every handover phase.',
          ),
        ]
      : [compliant(ownerGrants[0].address, `${handover.customerOwnerGroup} owns ${tenant.projectId}`)];
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
    if (!project) return [notApplicable('the transfer phase manages no tenant project here (HAND-1/owner-grant requires it)')];
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

export const hand1ReleaseFromState = defineCheck({
  id: 'HAND-1/release-from-state',
  explanation: 'In the release phase the project, its owner grant and its data leave Terraform state through removed blocks that destroy nothing.',
  appliesTo: ['tenant'],
  check(ctx) {
    const h = handoverOf(ctx);
    if (Array.isArray(h)) return h;
    if (h.phase !== 'release') return [notApplicable(`the ${h.phase} phase keeps the project in state`)];
    const findings: Finding[] = [];
    const project = tenantProject(ctx);
    const removed = (Array.isArray(ctx.stack.json.removed) ? ctx.stack.json.removed : []) as Array<{
      from?: string;
      lifecycle?: { destroy?: boolean };
    }>;
    if (removed.length === 0)
      return [
        nonCompliant(
          STACK_ADDRESS,
          'the release phase has no removed blocks, so the project and its data would be destroyed or left in our state.',
          'release the project, its owner grant and its data stores from state with destroy = false (releaseFromState).',
        ),
      ];
    for (const r of removed) {
      if (r.lifecycle?.destroy !== false)
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `removed block for ${String(r.from)} does not set lifecycle.destroy = false, so Terraform would destroy it.`,
            'release it with destroy = false (releaseFromState).',
          ),
        );
    }
    for (const kind of ['google_project.', 'google_project_iam_member.']) {
      if (!removed.some((r) => String(r.from).startsWith(kind)))
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `no removed block releases a ${kind.slice(0, -1)}: the project and the customer's owner grant must leave state without being destroyed.`,
            'release the project and its owner grant with releaseFromState.',
          ),
        );
    }
    if (project)
      findings.push(nonCompliant(project.address, 'the handed-over project is still managed by this stack.', 'release it from state (releaseFromState).'));
    if (findings.length === 0)
      findings.push(compliant(STACK_ADDRESS, `released from state without destroying: ${removed.map((r) => r.from).join(', ')}`));
    return findings;
  },
});

/** The checks of HAND-1, in the order the report lists them. */
export const hand1PhasedTakeoverChecks = [hand1OwnerGrant, hand1NoDeletion, hand1TransferTarget, hand1ReleaseFromState] as const;
