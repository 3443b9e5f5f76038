/**
 * IAM-1 (DPA Annex II 2): no basic role (owner, editor, viewer) is granted to anyone, on anything.
 * No exception: a handover gives the customer's administrators non-basic administration roles
 * (HAND-1, policy/handover.ts), because Resource Manager cannot grant roles/owner to a principal
 * outside the project's organization.
 */
import { grantsOf } from '../grants';
import { isBasicRole } from '../../policy/iam-roles';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

export const iam1NoBasicRoles = defineCheck({
  id: 'IAM-1/no-basic-roles',
  explanation: 'No basic role is granted, to anyone, on anything (a handover customer included).',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const grants = grantsOf(ctx.stack);
    if (grants.length === 0) return [notApplicable('the stack grants nothing')];
    const findings: Finding[] = [];
    const predefined = grants.filter((g) => !isBasicRole(g.role));
    if (predefined.length > 0)
      findings.push(
        compliant(
          STACK_ADDRESS,
          `${predefined.length} grant${predefined.length === 1 ? '' : 's'} of predefined or custom roles, none basic`,
        ),
      );
    for (const g of grants.filter((x) => isBasicRole(x.role))) {
      findings.push(
        nonCompliant(
          g.address,
          `basic role ${g.role} is granted to ${g.principal.member} on ${g.target.resourceType} ${g.target.id}.`,
          'grant the predefined role the task needs, on the resource it needs it on (a handover customer: the administration roles of policy/handover.ts).',
        ),
      );
    }
    return findings;
  },
});

/** The checks of IAM-1, in the order the report lists them. */
export const iam1NoBasicRolesChecks = [iam1NoBasicRoles] as const;
