/**
 * IAM-5 (DPA Annex II 2): people get access through groups only; no grant names a `user:`
 * (BigQuery `user_by_email` of a person and Cloud Storage `user-` ACL entities count as users).
 * Support access is least-privilege and time-bound: every grant to the support group carries an
 * expiry condition, matches a grant recorded in the tenant file, lasts no longer than the cap and
 * holds only its scope's roles (config/support-access.ts).
 */
import { SUPPORT_SCOPES, expiryOf, grantHours, scopeRoles, supportAccessCapHours, supportCondition, type SupportGrant, type SupportRoleGrant } from '../../config/support-access';
import { grantsOf, type Grant } from '../grants';
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

/** The grants to the platform's support group in the stack. */
function supportGrantsOf(grants: readonly Grant[], supportGroup: string): Grant[] {
  const support = supportGroup.toLowerCase();
  return grants.filter((g) => g.principal.kind === 'group' && g.principal.email?.toLowerCase() === support);
}

/** The tenant file's grant that a binding implements: the one whose expiry its condition sets. */
function recordedGrantOf(g: Grant, recorded: readonly SupportGrant[]): SupportGrant | undefined {
  const until = expiryOf(g.condition?.expression);
  return until === undefined ? undefined : recorded.find((r) => r.until === until && scopeRoles(r.scope).includes(g.role));
}

export const iam5SupportTimeBound = defineCheck({
  id: 'IAM-5/support-time-bound',
  explanation:
    'Every grant to the support group expires: its IAM condition starts with `request.time < timestamp(...)` and has no `||`, the tenant file records it, and it lasts no longer than the cap.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const support = supportGrantsOf(grantsOf(ctx.stack), ctx.environment.platform.groups.support);
    if (support.length === 0) return [notApplicable('the stack grants the support group nothing')];
    const recorded = ctx.tenant?.supportAccess ?? [];
    const cap = supportAccessCapHours(ctx.environment.platform);
    const fix = 'grant support access only with npm run support-access (a scope, --until within the cap and a --reason), which writes the grant and its expiry condition';
    return support.map((g): Finding => {
      const until = expiryOf(g.condition?.expression);
      if (until === undefined) {
        return nonCompliant(g.address, `${g.role} is granted to the support group ${g.principal.written} without an expiry condition.`, fix);
      }
      const grant = recordedGrantOf(g, recorded);
      if (!grant) {
        return nonCompliant(g.address, `${g.role} is granted to the support group until ${until}, but no grant of the tenant file records it.`, fix);
      }
      const hours = grantHours(grant);
      if (hours > cap) {
        return nonCompliant(g.address, `the ${grant.scope} grant lasts ${Math.ceil(hours)} hours (granted ${grant.granted}, until ${grant.until}), over the cap of ${cap} hours.`, fix);
      }
      return compliant(g.address, `support ${grant.scope}: ${g.role} until ${grant.until} (${Math.ceil(hours)} h of at most ${cap} h): ${grant.reason}`);
    });
  },
});

export const iam5SupportLeastPrivilege = defineCheck({
  id: 'IAM-5/support-least-privilege',
  explanation: "The support group holds only the roles of the scopes granted to it, on the tenant's own project.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const support = supportGrantsOf(grantsOf(ctx.stack), ctx.environment.platform.groups.support);
    if (support.length === 0) return [notApplicable('the stack grants the support group nothing')];
    const recorded = ctx.tenant?.supportAccess ?? [];
    const project = ctx.tenant?.projectId ?? '';
    return support.map((g): Finding => {
      const grant = recordedGrantOf(g, recorded);
      if (!grant) {
        const allowed = [...new Set(recorded.flatMap((r) => scopeRoles(r.scope)))];
        return nonCompliant(
          g.address,
          `${g.role} is granted to the support group, but no scope granted to it holds that role${allowed.length ? ` (its scopes hold ${allowed.join(', ')})` : ''}.`,
          'grant a named scope with npm run support-access; a scope that needs another role is added to config/support-access.ts, reviewed',
        );
      }
      // A recorded grant means a tenant stack: the tenant file recorded it.
      const on = `${g.target.resourceType} ${g.target.id}`;
      if (g.target.level !== 'project' || g.target.id.replace(/^projects\//, '') !== project) {
        return nonCompliant(g.address, `the ${grant.scope} grant is bound on ${on}, not on the tenant's project ${project}.`, 'bind support scopes on the tenant project only (SupportAccess)');
      }
      const roleGrant: SupportRoleGrant = SUPPORT_SCOPES[grant.scope].grants.find((r) => r.role === g.role)!;
      const expected = supportCondition(grant, roleGrant, ctx.tenant!).expression;
      if (g.condition?.expression !== expected) {
        return nonCompliant(
          g.address,
          `the ${grant.scope} grant of ${g.role} has the condition ${JSON.stringify(g.condition?.expression)}, not the scope's ${JSON.stringify(expected)}.`,
          "grant scopes only through SupportAccess, whose condition limits each role to the tenant's own resource",
        );
      }
      return compliant(g.address, `support ${grant.scope}: ${g.role} on project ${project}${roleGrant.resource ? `, limited to ${roleGrant.resource(ctx.tenant!)}` : ''}`);
    });
  },
});

/** The checks of IAM-5, in the order the report lists them. */
export const iam5GroupsNotUsersChecks = [iam5GroupsNotUsers, iam5SupportTimeBound, iam5SupportLeastPrivilege] as const;
