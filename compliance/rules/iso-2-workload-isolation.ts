/**
 * ISO-2 (DPA C.4): a tenant's workloads run as service accounts of the tenant's own project, and
 * those accounts hold grants only on the tenant's own resources (declared in its stack, or its
 * project).
 */
import { runsDataPlane } from '../scope';
import { describeWaitingWorkloads, runningAccountIds } from '../../config/workload-secrets';
import { grantsOf } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { runtimeIdentityOf, WORKLOAD_TYPES } from '../workloads';

const HANDED_OVER = 'handed over: Smart Segments runs no workload in the project (HAND-1)';

export const iso2WorkloadIdentity = defineCheck({
  id: 'ISO-2/workload-identity',
  explanation: "Every workload of a tenant stack runs as a service account of the tenant's own project.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    // Workloads waiting for their secrets (populatedSecrets) are not declared yet, so not expected.
    const expected = runningAccountIds(tenant);
    const workloads = ctx.stack.ofType(...WORKLOAD_TYPES);
    if (!runsDataPlane(tenant)) return [notApplicable(HANDED_OVER)];
    if (expected.length === 0 && workloads.length === 0) {
      const waiting = describeWaitingWorkloads(tenant);
      return [notApplicable(waiting ? `no workload runs yet: ${waiting} (populatedSecrets)` : 'the tenant runs no workloads')];
    }
    if (workloads.length === 0) {
      return [
        nonCompliant(
          STACK_ADDRESS,
          `the tenant config implies workloads (${expected.join(', ')}) but the stack runs none, so none runs as the tenant's own account.`,
          'build the tenant data plane (TenantDataPlane).',
        ),
      ];
    }
    return workloads.map((w) => {
      const identity = runtimeIdentityOf(ctx.stack, w);
      if (identity.project === tenant.projectId) return compliant(w.address, `runs as ${identity.email}`);
      return nonCompliant(
        w.address,
        identity.email
          ? `runs as ${identity.email}, which is not an account of the tenant's project ${tenant.projectId}.`
          : 'names no service account, so it runs as the default compute account.',
        `run it as its own WorkloadIdentity in ${tenant.projectId}.`,
      );
    });
  },
});

export const iso2GrantsOnOwnResources = defineCheck({
  id: 'ISO-2/grants-on-own-resources',
  explanation: "The tenant's service accounts hold grants only on the tenant's own project and the resources of its stack.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (!runsDataPlane(tenant)) return [notApplicable(HANDED_OVER)];
    const findings: Finding[] = [];
    let own = 0;
    for (const g of grantsOf(ctx.stack)) {
      const p = g.principal;
      if (p.kind !== 'serviceAccount' || p.isServiceAgent || p.serviceAccountProject !== tenant.projectId) continue;
      const onOwnProject = g.target.level === 'project' && g.target.id === tenant.projectId;
      const onOwnResource = g.target.level === 'resource' && (g.target.address !== undefined || g.target.id.includes(tenant.projectId));
      if (onOwnProject || onOwnResource) {
        own += 1;
        continue;
      }
      findings.push(
        nonCompliant(
          g.address,
          `${p.email} holds ${g.role} on ${g.target.resourceType} ${g.target.id}, which is not one of this tenant's resources.`,
          "grant the tenant's workloads only on resources of the tenant's own stack and project.",
        ),
      );
    }
    if (findings.length === 0 && own === 0) return [notApplicable("the stack grants nothing to the tenant's service accounts")];
    if (findings.length === 0) findings.push(compliant(STACK_ADDRESS, `${own} grants to the tenant's service accounts, all on its own project or resources`));
    return findings;
  },
});

/** The checks of ISO-2, in the order the report lists them. */
export const iso2WorkloadIsolationChecks = [iso2WorkloadIdentity, iso2GrantsOnOwnResources] as const;
