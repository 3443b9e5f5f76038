/**
 * CI-1 (DPA Annex II 3): deployments are automated, auditable and can roll back. Every stack keeps
 * its own remote state (GCS backend, prefix per stack) in the environment's state bucket, which is
 * versioned (roll back), in the platform's jurisdiction, private and uniformly access-controlled.
 * CI plans through an identity limited to the repository and applies through one limited to its
 * main branch. (That plans run on change requests and applies on main is the CI workflow's job.)
 */
import { isLocationAllowed } from '../../config/jurisdictions';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { admitsOnlyRepository } from './iam-3-no-service-account-keys';

export const ci1RemoteState = defineCheck({
  id: 'CI-1/remote-state',
  explanation: 'Each stack keeps remote state under its own prefix in the versioned EU state bucket; CI applies only from the main branch.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const platform = ctx.environment.platform;
    const backend = (ctx.stack.json.terraform?.backend ?? {}) as Record<string, Record<string, unknown>>;
    const gcs = backend.gcs;
    const expectedPrefix = `stacks/${ctx.stack.name}`;
    if (ctx.kind === 'platform' && backend.local) {
      return [
        notApplicable(
          'first-deployment synthesis with a local backend (PLATFORM_STATE_BACKEND=local), before the state bucket exists; CI synthesizes with the gcs backend',
        ),
      ];
    }
    if (!gcs)
      findings.push(
        nonCompliant(
          'terraform.backend',
          `the stack's state is not in the state bucket (backend: ${Object.keys(backend).join(', ') || 'local default'}).`,
          `use GcsBackend with bucket ${platform.stateBucket.name} and prefix ${expectedPrefix}.`,
        ),
      );
    else if (gcs.bucket !== platform.stateBucket.name || gcs.prefix !== expectedPrefix)
      findings.push(
        nonCompliant(
          'terraform.backend',
          `state is in gs://${String(gcs.bucket)}/${String(gcs.prefix)}, not gs://${platform.stateBucket.name}/${expectedPrefix}.`,
          `use bucket ${platform.stateBucket.name} with prefix ${expectedPrefix}, one prefix per stack.`,
        ),
      );
    else findings.push(compliant('terraform.backend', `state in gs://${platform.stateBucket.name}/${expectedPrefix}`));
    if (ctx.kind === 'tenant') return findings;

    const bucket = ctx.stack.ofType('google_storage_bucket').find((b) => b.values.name === platform.stateBucket.name);
    if (!bucket) {
      findings.push(
        nonCompliant(STACK_ADDRESS, `the state bucket ${platform.stateBucket.name} is not declared.`, 'add TerraformStateBucket.'),
      );
    } else {
      const v = bucket.values;
      const problems: string[] = [];
      if ((v.versioning as { enabled?: unknown } | undefined)?.enabled !== true)
        problems.push('versioning is off, so a bad state cannot be rolled back');
      if (typeof v.location !== 'string' || !isLocationAllowed(platform.platformJurisdiction, v.location))
        problems.push(`location ${JSON.stringify(v.location)} is outside ${platform.platformJurisdiction}`);
      if (v.uniform_bucket_level_access !== true) problems.push('uniform bucket-level access is off');
      if (v.public_access_prevention !== 'enforced') problems.push('public access prevention is not enforced');
      findings.push(
        problems.length
          ? nonCompliant(bucket.address, `${problems.join('; ')}.`, 'use TerraformStateBucket.')
          : compliant(bucket.address, `versioned, private state bucket in ${String(v.location)}`),
      );
    }
    const providers = ctx.stack.ofType('google_iam_workload_identity_pool_provider');
    const main = `refs/heads/${platform.ci.mainBranch}`;
    const apply = providers.filter(
      (p) =>
        admitsOnlyRepository(p.values.attribute_condition, platform.ci.repository) &&
        String(p.values.attribute_condition).includes(`assertion.ref == '${main}'`),
    );
    if (apply.length === 0)
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          `no CI identity is limited to ${platform.ci.repository} at ${main}, so applies are not tied to the reviewed main branch.`,
          'add the apply provider of CiDeployerIdentity.',
        ),
      );
    else findings.push(...apply.map((p) => compliant(p.address, `applies only from ${platform.ci.repository} ${main}`)));
    return findings;
  },
});

/** The checks of CI-1, in the order the report lists them. */
export const ci1RemoteStateChecks = [ci1RemoteState] as const;
