/**
 * IAM-7 (DPA Annex II 2): domain-restricted sharing. Every tenant jurisdiction folder (or the
 * organization) restricts who may be granted roles to Smart Segments' own organization, and nothing
 * else, whatever the tenants. A tenant in handover-prepare or handover-transfer admits its customer's
 * organization on its own project only (HandoverAdmission in the tenant stack): the project's policy
 * must exist and name exactly both organizations. Two forms are accepted:
 *
 * - the managed constraint `iam.managed.allowedPolicyMembers`, enforced, whose `allowedPrincipalSets`
 *   are those organizations' principal sets and whose `allowedMemberSubjects` name only Google service
 *   agents (the form the platform uses: it admits the organization's service agents, docs/domain-restricted-sharing.md);
 *   the legacy constraint may then allow all on the same resource, since the managed one restricts;
 * - the legacy constraint `iam.allowedPolicyMemberDomains` listing exactly those directories.
 */
import { listParameter, orgPoliciesOf, type OrgPolicy } from '../org-policies';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';
import { handoverDirectory, handoverOrganization, handoverOwnerGroup, tenantFolderJurisdictions } from '../scope';
import { dependsTransitivelyOn } from '../synthesized-stack';

const LEGACY = 'iam.allowedPolicyMemberDomains';
const MANAGED = 'iam.managed.allowedPolicyMembers';

/** The principal set of an organization's identities, as the managed constraint names it. */
const organizationSet = (id: string) => `//cloudresourcemanager.googleapis.com/organizations/${id}`;

/** A Google-managed service agent (`service-<n>@gcp-sa-*`, `service-<n>@serverless-robot-prod`, `bq-<n>@bigquery-encryption`, ...). */
const SERVICE_AGENT = /^serviceAccount:(service-(folder-|org-)?\d+|bq-\d+)@[a-z0-9-]+\.iam\.gserviceaccount\.com$/;

/** What both IAM-7 checks need: the admitted organizations and directories, the policies, and how to judge a parent. */
function sharingOf(ctx: RuleContext) {
  // The platform's folders admit no customer: a handover is admitted on the tenant's own project.
  const scope = ctx.tenant ? [ctx.tenant] : [];
  const ownDirectory = ctx.environment.platform.organization.directoryCustomerId;
  const handoverDirectories = scope.map(handoverDirectory).filter((d): d is string => d !== undefined);
  const admittedDirectories = new Set([ownDirectory, ...handoverDirectories]);
  const ownSet = organizationSet(ctx.environment.platform.organization.id);
  const handoverSets = scope
    .map(handoverOrganization)
    .filter((o): o is string => o !== undefined)
    .map(organizationSet);
  const admittedSets = new Set([ownSet, ...handoverSets]);
  const inHandover = handoverSets.length > 0 || handoverDirectories.length > 0;
  const whom = `Smart Segments' organization${inHandover ? ' and the organizations of customers in handover' : ''}`;

  // A tenant in handover whose project is still ours must admit its customer's organization there.
  const admitting = ctx.tenant && ctx.tenant.lifecycleView.ownsProject && handoverOrganization(ctx.tenant) !== undefined ? ctx.tenant : undefined;
  const requiredOnProject = admitting ? [ownSet, ...handoverSets] : [];

  const all = orgPoliciesOf(ctx);
  const managed = all.filter((p) => p.constraint === MANAGED);
  const legacy = all.filter((p) => p.constraint === LEGACY);

  const managedFinding = (p: OrgPolicy, where: string): Finding => {
    const sets = listParameter(p, 'allowedPrincipalSets');
    const subjects = listParameter(p, 'allowedMemberSubjects');
    const unreadable = p.unreadableParameters;
    const extraSets = sets.filter((s) => !admittedSets.has(s));
    const extraSubjects = subjects.filter((s) => !SERVICE_AGENT.test(s));
    const missingSets = p.parentKind === 'project' ? requiredOnProject.filter((x) => !sets.includes(x)) : [];
    if (
      p.enforced !== true ||
      p.conditional ||
      unreadable ||
      !sets.includes(ownSet) ||
      missingSets.length > 0 ||
      extraSets.length > 0 ||
      extraSubjects.length > 0
    ) {
      const what =
        p.enforced !== true
          ? 'is not enforced'
          : p.conditional
            ? 'is enforced only under a condition'
            : unreadable
              ? 'has parameters that are not readable JSON'
              : `admits principal sets ${JSON.stringify(sets)}${missingSets.length ? `, without ${missingSets.join(', ')}` : ''}${extraSubjects.length ? ` and members ${JSON.stringify(extraSubjects)}` : ''}`;
      return nonCompliant(
        p.address,
        `${MANAGED} on ${where} ${what}.`,
        `enforce it unconditionally with allowedPrincipalSets ${[...admittedSets].join(', ')} (${whom}) and, in allowedMemberSubjects, Google service agents only.`,
      );
    }
    return compliant(p.address, `${where} admits only ${sets.join(', ')}${subjects.length ? ` and the service agents ${subjects.join(', ')}` : ''}`);
  };

  const legacyFinding = (p: OrgPolicy, where: string, restrictedByManaged: boolean): Finding => {
    if (p.allowAll) {
      return restrictedByManaged
        ? compliant(p.address, `${where} lifts ${LEGACY}; ${MANAGED} restricts members there instead`)
        : nonCompliant(
            p.address,
            `${LEGACY} on ${where} allows every domain, and no compliant ${MANAGED} restricts members there.`,
            `enforce ${MANAGED} on ${where} with allowedPrincipalSets ${[...admittedSets].join(', ')} (OrganizationPolicies).`,
          );
    }
    const extra = p.allowedValues.filter((v) => !admittedDirectories.has(v));
    if (extra.length > 0 || !p.allowedValues.includes(ownDirectory)) {
      return nonCompliant(
        p.address,
        `${LEGACY} on ${where} allows ${JSON.stringify(p.allowedValues)}.`,
        `allow only ${[...admittedDirectories].join(', ')} (Smart Segments' directory${inHandover ? ' and the directories of customers in handover' : ''}).`,
      );
    }
    return compliant(p.address, `${where} admits only ${p.allowedValues.join(', ')}`);
  };

  /** Findings for every policy on one parent; empty when it has none. */
  const judgeParent = (parent: string, where: string): Finding[] => {
    const m = managed.filter((p) => p.parent === parent).map((p) => managedFinding(p, where));
    const restricted = m.length > 0 && m.every((f) => f.status === 'compliant');
    const l = legacy.filter((p) => p.parent === parent).map((p) => legacyFinding(p, where, restricted));
    return [...m, ...l];
  };

  const policies = [...managed, ...legacy];
  return { admitting, requiredOnProject, managed, policies, admittedSets, judgeParent };
}

export const iam7DomainRestrictedSharing = defineCheck({
  id: 'IAM-7/domain-restricted-sharing',
  explanation:
    "Only Smart Segments' organization (and a customer's during its handover) may be granted roles, through iam.managed.allowedPolicyMembers or the legacy iam.allowedPolicyMemberDomains.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const { policies, admittedSets, judgeParent } = sharingOf(ctx);
    if (ctx.kind === 'tenant') {
      if (policies.length === 0) return [notApplicable('domain-restricted sharing is set on the folders by the platform stack')];
      return [...new Set(policies.map((p) => p.parent))].flatMap((parent) => judgeParent(parent, parent));
    }
    const findings: Finding[] = [];
    const judged = new Set<string>();
    const orgWide = policies.find((p) => p.parentKind === 'organization');
    if (orgWide) {
      findings.push(...judgeParent(orgWide.parent, 'the organization'));
      judged.add(orgWide.parent);
    }
    for (const j of tenantFolderJurisdictions(ctx)) {
      const onFolder = policies.filter((x) => x.folderJurisdiction === j);
      if (onFolder.length > 0) {
        for (const parent of new Set(onFolder.map((p) => p.parent))) {
          findings.push(...judgeParent(parent, `the ${j} folder`));
          judged.add(parent);
        }
      } else if (!orgWide) {
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `neither ${MANAGED} nor ${LEGACY} is set on the ${j} tenant folder.`,
            `set ${MANAGED} on the ${j} folder (OrganizationPolicies) with allowedPrincipalSets ${[...admittedSets].join(', ')}.`,
          ),
        );
      }
    }
    for (const parent of new Set(policies.map((p) => p.parent))) {
      if (!judged.has(parent)) findings.push(...judgeParent(parent, parent));
    }
    return findings;
  },
});

export const iam7HandoverAdmission = defineCheck({
  id: 'IAM-7/handover-admission',
  explanation:
    "A tenant in handover admits its customer's organization on its own project (never the folder), and every grant to the customer's administrators' group waits for that admission.",
  appliesTo: ['tenant'],
  check(ctx) {
    const { admitting, requiredOnProject, managed } = sharingOf(ctx);
    if (!admitting) return [notApplicable(`the tenant is ${ctx.tenant!.lifecycle.state}: no customer organization to admit on a project Smart Segments owns`)];
    const project = `projects/${admitting.projectId}`;
    const findings: Finding[] = [];
    if (!managed.some((p) => p.parent === project)) {
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          `${admitting.id} is in ${admitting.lifecycle.state}, but ${project} has no ${MANAGED} admitting its customer's organization; the folder admits only Smart Segments', so the grants to the customer's administrators' group are refused.`,
          `set ${MANAGED} on ${project} with allowedPrincipalSets ${requiredOnProject.join(', ')} (HandoverAdmission), never on the folder.`,
        ),
      );
    }
    // The customer's administrators' grants must wait for the project's admission, or the first apply can be refused.
    const owner = handoverOwnerGroup(admitting);
    const admission = managed.filter((p) => p.parent === project);
    for (const p of admission) findings.push(compliant(p.address, `${project} has its own ${MANAGED} for its customer's organization (its members are judged by IAM-7/domain-restricted-sharing)`));
    if (owner && admission.length > 0) {
      for (const g of ctx.stack.resources.filter((r) => /_iam_(member|binding)$/.test(r.type) && [r.values.member, ...((r.values.members as unknown[]) ?? [])].includes(`group:${owner}`))) {
        const missing = admission.filter((p) => !dependsTransitivelyOn(ctx.stack, g, p.address));
        findings.push(
          missing.length > 0
            ? nonCompliant(
                g.address,
                `grants the customer's group ${owner} without waiting for ${missing.map((p) => p.address).join(', ')}, which admits its organization on ${project}; on the first apply the folder's policy may still refuse it.`,
                'make the grant depend on the project policy (HandoverAdmission.admit).',
              )
            : compliant(g.address, `the grant to ${owner} waits for ${project}'s admission of its organization`),
        );
      }
    }
    return findings;
  },
});

/** The checks of IAM-7, in the order the report lists them. */
export const iam7DomainRestrictedSharingChecks = [iam7DomainRestrictedSharing, iam7HandoverAdmission] as const;
