/**
 * IAM-5 (DPA Annex II 2): people get access through groups only; no grant names a `user:`
 * (BigQuery `user_by_email` of a person and Cloud Storage `user-` ACL entities count as users).
 * Grants to the support group are shown with their IAM condition, so time-bound access is visible.
 */
import { grantsOf } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

export const iam5GroupsNotUsers = defineCheck({
  id: 'IAM-5/groups-not-users',
  explanation: 'No grant names an individual user; people get access through groups.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const grants = grantsOf(ctx.stack);
    if (grants.length === 0) return [notApplicable('the stack grants nothing')];
    const support = ctx.environment.platform.groups.support.toLowerCase();
    const findings: Finding[] = [];
    for (const g of grants) {
      if (g.principal.kind === 'user') {
        findings.push(
          nonCompliant(
            g.address,
            `${g.role} is granted to the person ${g.principal.written}.`,
            'grant it to a group the person is a member of (platform.yaml groups), never to the person.',
          ),
        );
      } else if (g.principal.kind === 'group' && g.principal.email?.toLowerCase() === support) {
        const expiry = g.condition?.expression?.match(/request\.time\s*<\s*timestamp\(["']([^"']+)["']\)/)?.[1];
        findings.push(compliant(g.address, `support group ${support}: ${g.role}${expiry ? `, expires ${expiry}` : ', no expiry'}`));
      }
    }
    const others = grants.filter((g) => g.principal.kind !== 'user');
    const groups = [...new Set(others.filter((g) => g.principal.kind === 'group').map((g) => g.principal.member))].sort();
    if (others.length > 0)
      findings.push(
        compliant(
          STACK_ADDRESS,
          `${others.length} grants, none to a person${groups.length ? `; people through ${groups.join(', ')}` : ''}`,
        ),
      );
    return findings;
  },
});

/** The checks of IAM-5, in the order the report lists them. */
export const iam5GroupsNotUsersChecks = [iam5GroupsNotUsers] as const;
