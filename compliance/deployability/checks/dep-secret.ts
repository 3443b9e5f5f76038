/**
 * DEP-SECRET: no Cloud Run service or job mounts a secret (an env var's
 * value_source.secret_key_ref, or a secret volume) that the tenant file does not record as populated
 * (`populatedSecrets`). Secret values are added out of band, after the first apply; a revision that
 * reads `latest` of a secret with no version never becomes ready, the provider keeps the service in
 * state as tainted (it stores the id before waiting for the operation), and the replacement is
 * refused while deletion_protection is true.
 *
 * Sources: terraform-provider-google v6.50.0 google/services/cloudrunv2/resource_cloud_run_v2_service.go
 * (Create sets the id before waiting; Delete refuses "without setting deletion_protection=false");
 * https://cloud.google.com/run/docs/configuring/services/secrets (the secret must exist with a version).
 */
import { compliant, nonCompliant, type Finding } from '../../rule';
import { referencesIn, walkStrings, type SynthesizedStack } from '../../synthesized-stack';
import { defineCheck } from '../check';

const WORKLOADS = ['google_cloud_run_v2_service', 'google_cloud_run_v2_job'];

/** The secret id a mount names: a reference to a google_secret_manager_secret, a full name, or an id. */
function secretIdOf(stack: SynthesizedStack, value: string): string | undefined {
  const ref = referencesIn(value)[0];
  if (ref) {
    if (ref.mode !== 'resource' || ref.type !== 'google_secret_manager_secret') return undefined;
    const secret = stack.resources.find((r) => r.type === ref.type && r.name === ref.name);
    const id = secret?.values.secret_id;
    return typeof id === 'string' && !id.includes('${') ? id : undefined;
  }
  return value.replace(/^projects\/[^/]+\/secrets\//, '');
}

/** Every secret a workload mounts, with the JSON path it is mounted at. */
function mountedSecrets(values: Readonly<Record<string, unknown>>): { path: string; value: string }[] {
  return [...walkStrings(values)].filter(
    ({ path }) => /secret_key_ref(\[\d+\])?\.secret$/.test(path) || /volumes\[\d+\]\.secret(\[\d+\])?\.secret$/.test(path),
  );
}

export const depSecret = defineCheck({
  id: 'DEP-SECRET',
  explanation:
    'A Cloud Run service or job mounts only secrets the tenant file records as populated, so its first revision does not fail on a secret without a version and leave a tainted, delete-protected service.',
  sources: [
    'terraform-provider-google v6.50.0 google/services/cloudrunv2/resource_cloud_run_v2_service.go',
    'https://cloud.google.com/run/docs/configuring/services/secrets',
  ],
  appliesTo: ['tenant'],
  check({ stack, tenant, environment }) {
    const populated = new Set(tenant?.populatedSecrets ?? []);
    const findings: Finding[] = [];
    for (const workload of stack.ofType(...WORKLOADS)) {
      for (const mount of mountedSecrets(workload.values)) {
        const id = secretIdOf(stack, mount.value);
        if (id === undefined) {
          findings.push(
            nonCompliant(
              workload.address,
              `mounts a secret at ${mount.path} (${mount.value}) whose secret id the stack does not give, so whether it holds a version cannot be checked.`,
              'mount a google_secret_manager_secret of the stack (reference its secret_id) or a literal secret id.',
            ),
          );
        } else if (!populated.has(id)) {
          findings.push(
            nonCompliant(
              workload.address,
              `mounts secret "${id}" (${mount.path}), which the tenant file does not record in populatedSecrets; before a version is added the revision cannot start and the service is left tainted and delete-protected.`,
              `create the workload only once its secrets hold a value: add the values and record them with \`npm run secrets -- --env ${environment.name} --tenant ${tenant?.id ?? '<id>'}\`.`,
            ),
          );
        } else {
          findings.push(compliant(workload.address, `mounts secret "${id}", recorded as populated`));
        }
      }
    }
    return findings;
  },
});
