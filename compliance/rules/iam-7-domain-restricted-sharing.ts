/**
 * IAM-7 (DPA Annex II 2): domain-restricted sharing. iam.allowedPolicyMemberDomains on every tenant
 * jurisdiction folder (or the organization) admits Smart Segments' directory and, for a tenant in
 * handover, that customer's directory, and nothing else.
 */
import { orgPoliciesOf, type OrgPolicy } from '../org-policies';
import { STACK_ADDRESS, compliant, defineRule, nonCompliant, notApplicable, type Finding } from '../rule';
import { handoverDirectory, tenantFolderJurisdictions } from '../scope';

const CONSTRAINT = 'iam.allowedPolicyMemberDomains';

export const iam7DomainRestrictedSharing = defineRule({
  control: 'IAM-7',
  explanation: "Only Smart Segments' directory (and a customer's during its handover) may appear in IAM policies.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const own = ctx.environment.platform.organization.directoryCustomerId;
    const handovers = (ctx.tenant ? [ctx.tenant] : ctx.tenants).map(handoverDirectory).filter((d): d is string => d !== undefined);
    const admitted = new Set([own, ...handovers]);
    const judge = (p: OrgPolicy, where: string): Finding => {
      const extra = p.allowedValues.filter((v) => !admitted.has(v));
      if (p.allowAll || extra.length > 0 || !p.allowedValues.includes(own)) {
        return nonCompliant(
          p.address,
          `${CONSTRAINT} on ${where} ${p.allowAll ? 'allows every domain' : `allows ${JSON.stringify(p.allowedValues)}`}.`,
          `allow only ${[...admitted].join(', ')} (Smart Segments' directory${
            handovers.length ? ' and the directories of customers in handover' : ''
          }).`,
        );
      }
      return compliant(p.address, `${where} admits only ${p.allowedValues.join(', ')}`);
    };
    const policies = orgPoliciesOf(ctx).filter((p) => p.constraint === CONSTRAINT);
    if (ctx.kind === 'tenant') {
      return policies.length === 0
        ? [notApplicable('domain-restricted sharing is set on the folders by the platform stack')]
        : policies.map((p) => judge(p, p.parent));
    }
    const findings: Finding[] = [];
    const orgWide = policies.find((p) => p.parentKind === 'organization');
    if (orgWide) findings.push(judge(orgWide, 'the organization'));
    for (const j of tenantFolderJurisdictions(ctx)) {
      const p = policies.find((x) => x.folderJurisdiction === j);
      if (p) findings.push(judge(p, `the ${j} folder`));
      else if (!orgWide)
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `${CONSTRAINT} is not set on the ${j} tenant folder.`,
            `set it on the ${j} folder (OrganizationPolicies) to ${[...admitted].join(', ')}.`,
          ),
        );
    }
    for (const p of policies.filter((x) => x !== orgWide && x.folderJurisdiction === undefined)) findings.push(judge(p, p.parent));
    return findings;
  },
});
