/**
 * IAM-3 (DPA Annex II 2): no service account keys. No stack declares google_service_account_key;
 * the platform enforces iam.disableServiceAccountKeyCreation on every jurisdiction folder (or the
 * organization), and CI authenticates through a workload identity pool provider that admits only
 * this repository.
 */
import { enforcedConstraintFindings } from '../enforced-constraint';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant } from '../rule';

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
  explanation: 'No stack declares a service account key, a long-lived credential that can leak.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const keys = ctx.stack.ofType('google_service_account_key');
    if (keys.length === 0) return [compliant(STACK_ADDRESS, 'no google_service_account_key in the stack')];
    return keys.map((k) =>
      nonCompliant(
        k.address,
        'declares a service account key, a long-lived credential that can leak.',
        'remove it; workloads use their attached service account and CI uses workload identity federation.',
      ),
    );
  },
});

export const iam3KeyCreationDisabled = defineCheck({
  id: 'IAM-3/key-creation-disabled',
  explanation: `The platform enforces ${CONSTRAINT} on the organization or every tenant folder, so no key can be created.`,
  appliesTo: ['platform'],
  check(ctx) {
    return enforcedConstraintFindings(ctx, CONSTRAINT, (j) => `enforce ${CONSTRAINT} on the ${j} folder (OrganizationPolicies) or the organization.`);
  },
});

export const iam3CiFederation = defineCheck({
  id: 'IAM-3/ci-federation',
  explanation: 'CI deploys without keys, through workload identity pool providers that admit only this repository.',
  appliesTo: ['platform'],
  check(ctx) {
    const repository = ctx.environment.platform.ci.repository;
    const providers = ctx.stack.ofType('google_iam_workload_identity_pool_provider');
    if (providers.length === 0) {
      return [
        nonCompliant(
          STACK_ADDRESS,
          'no workload identity pool provider exists for CI, so CI has no keyless way to deploy.',
          `add the CI deployer identity with a provider restricted to ${repository}.`,
        ),
      ];
    }
    return providers.map((p) =>
      admitsOnlyRepository(p.values.attribute_condition, repository)
        ? compliant(p.address, `admits only ${repository}`)
        : nonCompliant(
            p.address,
            `attribute_condition ${JSON.stringify(p.values.attribute_condition ?? null)} does not restrict the provider to ${repository}.`,
            `set attribute_condition to assertion.repository == '${repository}'.`,
          ),
    );
  },
});

/** The checks of IAM-3, in the order the report lists them. */
export const iam3NoServiceAccountKeysChecks = [iam3NoServiceAccountKeys, iam3KeyCreationDisabled, iam3CiFederation] as const;
