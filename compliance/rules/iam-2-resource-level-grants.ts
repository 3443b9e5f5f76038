/**
 * IAM-2 (DPA Annex II 2): each workload runs as its own service account, and roles are granted on
 * the resource. A project-level grant is allowed only for a role without a resource-level form
 * (PROJECT_LEVEL_ONLY_ROLES, the list the grant methods enforce, with its reasons), with the IAM
 * condition that role needs; tenant stacks grant nothing on folders or the organization.
 */
import { runningAccountIds } from '../../config/workload-secrets';
import { PROJECT_LEVEL_ONLY_ROLES } from '../../policy/iam-roles';
import { deployerAccounts, grantsOf, isHandoverOwnerGrant } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { handoverOwnerGroup, runsDataPlane } from '../scope';
import { WORKLOAD_TYPES, runtimeIdentityOf } from '../workloads';

export const iam2ResourceLevelGrants = defineCheck({
  id: 'IAM-2/resource-level-grants',
  explanation:
    'Roles are bound on resources, on the project only when no resource-level form exists, and never on folders or the organization for a workload.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const owner = handoverOwnerGroup(ctx.tenant);
    const grants = grantsOf(ctx.stack);
    const deployers = deployerAccounts(ctx.stack, grants);
    for (const g of grants) {
      if (g.target.level === 'resource') {
        findings.push(compliant(g.address, `${g.role} on ${g.target.resourceType} ${g.target.id}`));
        continue;
      }
      if (isHandoverOwnerGrant(g, owner)) {
        findings.push(compliant(g.address, `project ownership for the customer's handover (DPA 10.2)`));
        continue;
      }
      if (g.principal.email !== undefined && deployers.has(g.principal.email)) {
        findings.push(
          compliant(
            g.address,
            `CI deployer ${g.principal.email} (CI-1): ${g.role} on ${g.target.level} ${g.target.id}, where the resources it deploys are created`,
          ),
        );
        continue;
      }
      if (ctx.kind === 'platform' && g.principal.kind !== 'serviceAccount') {
        // Folder and organization grants to groups of people are the platform's administration, not workloads.
        findings.push(compliant(g.address, `${g.role} for ${g.principal.member} on ${g.target.level} ${g.target.id}`));
        continue;
      }
      if (/\bresource\.name\b/.test(g.condition?.expression ?? '')) {
        findings.push(
          compliant(g.address, `${g.role} on ${g.target.level} ${g.target.id}, limited by condition to ${g.condition!.expression}`),
        );
        continue;
      }
      if (g.target.level !== 'project') {
        findings.push(
          nonCompliant(
            g.address,
            `${g.role} is granted to ${g.principal.member} on ${g.target.level} ${g.target.id}, which reaches every project below it.`,
            'grant the role on the resource the workload uses.',
          ),
        );
        continue;
      }
      const allowed = PROJECT_LEVEL_ONLY_ROLES[g.role];
      if (!allowed) {
        findings.push(
          nonCompliant(
            g.address,
            `${g.role} is granted to ${g.principal.member} on the whole project ${g.target.id}, but it has a resource-level form.`,
            `grant it on the topic, subscription, secret, dataset or service instead, or narrow it with an IAM condition on resource.name (project-level roles: ${Object.keys(
              PROJECT_LEVEL_ONLY_ROLES,
            ).join(', ')}).`,
          ),
        );
      } else if (allowed.conditionRequired && !g.condition?.expression) {
        findings.push(
          nonCompliant(
            g.address,
            `${g.role} on project ${g.target.id} has no IAM condition (${allowed.reason}).`,
            'add a condition on resource.name limiting it to the one resource.',
          ),
        );
      } else {
        findings.push(compliant(g.address, `${g.role} on project ${g.target.id}: ${allowed.reason}`));
      }
    }

    return findings.length > 0 ? findings : [notApplicable('the stack grants nothing')];
  },
});

export const iam2OwnServiceAccount = defineCheck({
  id: 'IAM-2/own-service-account',
  explanation: 'Each workload runs as its own service account, never the default compute account or one shared with another workload.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const workloads = ctx.stack.ofType(...WORKLOAD_TYPES);
    const byAccount = new Map<string, string[]>();
    for (const w of workloads) {
      const identity = runtimeIdentityOf(ctx.stack, w);
      if (!identity.written) {
        findings.push(
          nonCompliant(
            w.address,
            'names no service account, so it runs as the default compute account shared by everything in the project.',
            'run it as its own WorkloadIdentity.',
          ),
        );
        continue;
      }
      const key = identity.email ?? identity.written;
      byAccount.set(key, [...(byAccount.get(key) ?? []), w.address]);
    }
    for (const [account, users] of byAccount) {
      if (users.length === 1) findings.push(compliant(users[0], `runs as its own account ${account}`));
      else
        for (const u of users)
          findings.push(
            nonCompliant(
              u,
              `shares service account ${account} with ${users.filter((x) => x !== u).join(', ')}.`,
              'give each workload its own WorkloadIdentity.',
            ),
          );
    }
    // Workloads waiting for their secrets (populatedSecrets) are not declared yet, so not expected.
    if (ctx.tenant && runsDataPlane(ctx.tenant) && workloads.length === 0 && runningAccountIds(ctx.tenant).length > 0) {
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          `the tenant config implies workloads (${runningAccountIds(ctx.tenant).join(
            ', ',
          )}) but the stack runs none, each on its own account.`,
          'build the tenant data plane (TenantDataPlane).',
        ),
      );
    }
    return findings.length > 0 ? findings : [notApplicable('the stack runs no workload')];
  },
});

/** The checks of IAM-2, in the order the report lists them. */
export const iam2ResourceLevelGrantsChecks = [iam2ResourceLevelGrants, iam2OwnServiceAccount] as const;
