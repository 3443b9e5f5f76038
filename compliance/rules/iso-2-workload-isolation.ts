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

export const iso2WorkloadIsolation = defineCheck({
  id: 'ISO-2/workload-isolation',
  explanation:
    "Workloads run as the tenant's own service accounts, which hold grants only on the tenant's own topics, secrets and datasets.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    // Workloads waiting for their secrets (populatedSecrets) are not declared yet, so not expected.
    const expected = runningAccountIds(tenant);
    const workloads = ctx.stack.ofType(...WORKLOAD_TYPES);
    if (!runsDataPlane(tenant)) return [notApplicable('handed over: Smart Segments runs no workload in the project (HAND-1)')];
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
    const findings: Finding[] = [];
    for (const w of workloads) {
      const identity = runtimeIdentityOf(ctx.stack, w);
      if (identity.project === tenant.projectId) {
        findings.push(compliant(w.address, `runs as ${identity.email}`));
      } else {
        findings.push(
          nonCompliant(
            w.address,
            identity.email
              ? `runs as ${identity.email}, which is not an account of the tenant's project ${tenant.projectId}.`
              : 'names no service account, so it runs as the default compute account.',
            `run it as its own WorkloadIdentity in ${tenant.projectId}.`,
          ),
        );
      }
    }
    for (const g of grantsOf(ctx.stack)) {
      const p = g.principal;
      if (p.kind !== 'serviceAccount' || p.isServiceAgent || p.serviceAccountProject !== tenant.projectId) continue;
      const onOwnProject = g.target.level === 'project' && g.target.id === tenant.projectId;
      const onOwnResource = g.target.level === 'resource' && (g.target.address !== undefined || g.target.id.includes(tenant.projectId));
      if (onOwnProject || onOwnResource) continue;
      findings.push(
        nonCompliant(
          g.address,
          `${p.email} holds ${g.role} on ${g.target.resourceType} ${g.target.id}, which is not one of this tenant's resources.`,
          "grant the tenant's workloads only on resources of the tenant's own stack and project.",
        ),
      );
    }
    return findings;
  },
});

/** The checks of ISO-2, in the order the report lists them. */
export const iso2WorkloadIsolationChecks = [iso2WorkloadIsolation] as const;
