/**
 * IAM-3 (DPA Annex II 2): no service account keys. No stack declares google_service_account_key;
 * the platform enforces iam.disableServiceAccountKeyCreation on every jurisdiction folder (or the
 * organization), and CI authenticates through a workload identity pool provider that admits only
 * this repository.
 */
import { enforcedConstraintFindings } from '../enforced-constraint';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, type Finding } from '../rule';

const CONSTRAINT = 'iam.disableServiceAccountKeyCreation';

/** Whether a provider's attribute condition admits only `repository` (assertion.repository == 'owner/name'). */
export function admitsOnlyRepository(condition: unknown, repository: string): boolean {
  if (typeof condition !== 'string') return false;
  const eq = new RegExp(`(assertion|attribute)\\.repository\\s*==\\s*["']${repository.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']`);
  // An `||` would let another clause admit other repositories.
  return eq.test(condition) && !condition.includes('||');
}

export const iam3NoServiceAccountKeys = defineCheck({
  id: 'IAM-3/no-service-account-keys',
  explanation:
    'No service account keys exist or can be created; CI deploys through workload identity federation restricted to this repository.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = ctx.stack
      .ofType('google_service_account_key')
      .map((k) =>
        nonCompliant(
          k.address,
          'declares a service account key, a long-lived credential that can leak.',
          'remove it; workloads use their attached service account and CI uses workload identity federation.',
        ),
      );
    if (ctx.kind === 'tenant') {
      if (findings.length === 0) findings.push(compliant(STACK_ADDRESS, 'no google_service_account_key in the stack'));
      return findings;
    }
    findings.push(
      ...enforcedConstraintFindings(ctx, CONSTRAINT, (j) => `enforce ${CONSTRAINT} on the ${j} folder (OrganizationPolicies) or the organization.`),
    );
    const repository = ctx.environment.platform.ci.repository;
    const providers = ctx.stack.ofType('google_iam_workload_identity_pool_provider');
    if (providers.length === 0) {
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          'no workload identity pool provider exists for CI, so CI has no keyless way to deploy.',
          `add the CI deployer identity with a provider restricted to ${repository}.`,
        ),
      );
    }
    for (const p of providers) {
      if (admitsOnlyRepository(p.values.attribute_condition, repository)) findings.push(compliant(p.address, `admits only ${repository}`));
      else
        findings.push(
          nonCompliant(
            p.address,
            `attribute_condition ${JSON.stringify(p.values.attribute_condition ?? null)} does not restrict the provider to ${repository}.`,
            `set attribute_condition to assertion.repository == '${repository}'.`,
          ),
        );
    }
    return findings;
  },
});

/** The checks of IAM-3, in the order the report lists them. */
export const iam3NoServiceAccountKeysChecks = [iam3NoServiceAccountKeys] as const;
