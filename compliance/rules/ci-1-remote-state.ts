/**
 * CI-1 (DPA Annex II 3): deployments are automated, auditable and can roll back. Every stack keeps
 * its own remote state (GCS backend, prefix per stack) in the environment's state bucket, which is
 * versioned (roll back), in the platform's jurisdiction, private and uniformly access-controlled.
 * CI plans through an identity limited to the repository and applies through one limited to its
 * main branch. (That plans run on change requests and applies on main is the CI workflow's job.)
 */
import { isLocationAllowed } from '../../config/jurisdictions';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';
import { admitsOnlyRepository } from './iam-3-no-service-account-keys';

/** A first-deployment synthesis of the platform stack, before the state bucket exists: CI-1 is judged on CI's synthesis. */
function firstDeployment(ctx: RuleContext): Finding[] | undefined {
  const backend = ctx.stack.json.terraform?.backend as Record<string, unknown> | undefined;
  if (ctx.kind !== 'platform' || !backend?.local) return undefined;
  return [
    notApplicable(
      'first-deployment synthesis with a local backend (PLATFORM_STATE_BACKEND=local), before the state bucket exists; CI synthesizes with the gcs backend',
    ),
  ];
}

export const ci1RemoteState = defineCheck({
  id: 'CI-1/remote-state',
  explanation: "Each stack keeps its remote state under its own prefix in the environment's state bucket (GCS backend).",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const first = firstDeployment(ctx);
    if (first) return first;
    const platform = ctx.environment.platform;
    const backend = (ctx.stack.json.terraform?.backend ?? {}) as Record<string, Record<string, unknown>>;
    const gcs = backend.gcs;
    const expectedPrefix = `stacks/${ctx.stack.name}`;
    if (!gcs)
      return [
        nonCompliant(
          'terraform.backend',
          `the stack's state is not in the state bucket (backend: ${Object.keys(backend).join(', ') || 'local default'}).`,
          `use GcsBackend with bucket ${platform.stateBucket.name} and prefix ${expectedPrefix}.`,
        ),
      ];
    if (gcs.bucket !== platform.stateBucket.name || gcs.prefix !== expectedPrefix)
      return [
        nonCompliant(
          'terraform.backend',
          `state is in gs://${String(gcs.bucket)}/${String(gcs.prefix)}, not gs://${platform.stateBucket.name}/${expectedPrefix}.`,
          `use bucket ${platform.stateBucket.name} with prefix ${expectedPrefix}, one prefix per stack.`,
        ),
      ];
    return [compliant('terraform.backend', `state in gs://${platform.stateBucket.name}/${expectedPrefix}`)];
  },
});

export const ci1StateBucket = defineCheck({
  id: 'CI-1/state-bucket',
  explanation: "The platform stack declares the state bucket versioned (roll back), in the platform's jurisdiction and private.",
  appliesTo: ['platform'],
  check(ctx) {
    const first = firstDeployment(ctx);
    if (first) return first;
    const platform = ctx.environment.platform;
    const bucket = ctx.stack.ofType('google_storage_bucket').find((b) => b.values.name === platform.stateBucket.name);
    if (!bucket) return [nonCompliant(STACK_ADDRESS, `the state bucket ${platform.stateBucket.name} is not declared.`, 'add TerraformStateBucket.')];
    const v = bucket.values;
    const problems: string[] = [];
    if ((v.versioning as { enabled?: unknown } | undefined)?.enabled !== true) problems.push('versioning is off, so a bad state cannot be rolled back');
    if (typeof v.location !== 'string' || !isLocationAllowed(platform.platformJurisdiction, v.location))
      problems.push(`location ${JSON.stringify(v.location)} is outside ${platform.platformJurisdiction}`);
    if (v.uniform_bucket_level_access !== true) problems.push('uniform bucket-level access is off');
    if (v.public_access_prevention !== 'enforced') problems.push('public access prevention is not enforced');
    return [
      problems.length
        ? nonCompliant(bucket.address, `${problems.join('; ')}.`, 'use TerraformStateBucket.')
        : compliant(bucket.address, `versioned, private state bucket in ${String(v.location)}`),
    ];
  },
});

export const ci1ApplyFromMain = defineCheck({
  id: 'CI-1/apply-from-main',
  explanation: "A CI identity of the platform stack admits only this repository's main branch, so applies follow review.",
  appliesTo: ['platform'],
  check(ctx) {
    const first = firstDeployment(ctx);
    if (first) return first;
    const platform = ctx.environment.platform;
    const main = `refs/heads/${platform.ci.mainBranch}`;
    const apply = ctx.stack
      .ofType('google_iam_workload_identity_pool_provider')
      .filter(
        (p) =>
          admitsOnlyRepository(p.values.attribute_condition, platform.ci.repository) &&
          String(p.values.attribute_condition).includes(`assertion.ref == '${main}'`),
      );
    if (apply.length === 0)
      return [
        nonCompliant(
          STACK_ADDRESS,
          `no CI identity is limited to ${platform.ci.repository} at ${main}, so applies are not tied to the reviewed main branch.`,
          'add the apply provider of CiDeployerIdentity.',
        ),
      ];
    return apply.map((p) => compliant(p.address, `applies only from ${platform.ci.repository} ${main}`));
  },
});

/** The checks of CI-1, in the order the report lists them. */
export const ci1RemoteStateChecks = [ci1RemoteState, ci1StateBucket, ci1ApplyFromMain] as const;
