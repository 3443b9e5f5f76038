/**
 * IAM-1 (DPA Annex II 2): no basic role (owner, editor, viewer) is granted to anyone, on anything.
 * The one exception is the customer's own owner group taking ownership of its project during a
 * handover (DPA 10.2).
 */
import { grantsOf, isHandoverOwnerGrant } from '../grants';
import { isBasicRole } from '../../policy/iam-roles';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { handoverOwnerGroup } from '../scope';

export const iam1NoBasicRoles = defineCheck({
  id: 'IAM-1/no-basic-roles',
  explanation: "No basic role is granted, except ownership to the customer's own group during a handover.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const grants = grantsOf(ctx.stack);
    if (grants.length === 0) return [notApplicable('the stack grants nothing')];
    const owner = handoverOwnerGroup(ctx.tenant);
    const findings: Finding[] = [];
    const predefined = grants.filter((g) => !isBasicRole(g.role));
    if (predefined.length > 0)
      findings.push(
        compliant(
          STACK_ADDRESS,
          `${predefined.length} grant${predefined.length === 1 ? '' : 's'} of predefined or custom roles, none basic`,
        ),
      );
    for (const g of grants) {
      if (!isBasicRole(g.role)) {
        continue;
      } else if (g.role === 'roles/owner' && isHandoverOwnerGrant(g, owner) && g.target.id === ctx.tenant?.projectId) {
        findings.push(compliant(g.address, `roles/owner to the customer's owner group ${owner} for the handover (DPA 10.2)`));
      } else {
        findings.push(
          nonCompliant(
            g.address,
            `basic role ${g.role} is granted to ${g.principal.member} on ${g.target.resourceType} ${g.target.id}.`,
            'grant the predefined role the task needs, on the resource it needs it on.',
          ),
        );
      }
    }
    return findings;
  },
});

/** The checks of IAM-1, in the order the report lists them. */
export const iam1NoBasicRolesChecks = [iam1NoBasicRoles] as const;
