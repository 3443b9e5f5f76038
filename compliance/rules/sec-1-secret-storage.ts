/**
 * SEC-1 (DPA Annex II 2): every credential is a Secret Manager secret with user-managed replicas in
 * the tenant's jurisdiction, and no secret value appears in the Terraform config or state (no
 * google_secret_manager_secret_version carrying data, write-only or not).
 */
import { isLocationAllowed } from '../../config/jurisdictions';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { jurisdictionOf, needsCredentials } from '../scope';

const VERSION_DATA_KEYS = ['secret_data', 'secret_data_wo', 'payload'];

export const sec1NoValueInConfig = defineCheck({
  id: 'SEC-1/no-value-in-config',
  explanation: 'No secret version carries its value in the Terraform config (write-only or not), so no credential is in config or state.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const versions = ctx.stack.ofType('google_secret_manager_secret_version', 'google_secret_manager_regional_secret_version');
    if (versions.length === 0) return [notApplicable('the stack declares no secret version')];
    return versions.map((v) => {
      const keys = VERSION_DATA_KEYS.filter((k) => v.values[k] !== undefined);
      if (keys.length === 0) return compliant(v.address, 'secret version without data in the config');
      return nonCompliant(
        v.address,
        `the secret version carries its value in ${keys.join(', ')}, so the credential is in the Terraform config${
          keys.includes('secret_data') ? ' and state' : ''
        }.`,
        'remove the version; add the value out of band (gcloud secrets versions add), as IntegrationSecret does.',
      );
    });
  },
});

export const sec1ReplicaLocation = defineCheck({
  id: 'SEC-1/replica-location',
  explanation: "Every secret has user-managed replicas (or a regional location) in the jurisdiction, never automatic worldwide replication.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    for (const s of ctx.stack.ofType('google_secret_manager_secret')) {
      const j = jurisdictionOf(ctx, s);
      const replication = (s.values.replication ?? {}) as Record<string, unknown>;
      const userManaged = replication.user_managed as { replicas?: Array<{ location?: unknown }> } | undefined;
      const replicas = (userManaged?.replicas ?? []).map((r) => r.location);
      if (replication.auto !== undefined || !userManaged || replicas.length === 0) {
        findings.push(
          nonCompliant(
            s.address,
            'replication is automatic (or names no replica), so Google places copies of the credential worldwide.',
            `use replication.user_managed with replicas in ${j}.`,
          ),
        );
        continue;
      }
      const outside = replicas.filter((l) => typeof l !== 'string' || !isLocationAllowed(j, l));
      if (outside.length > 0)
        findings.push(
          nonCompliant(s.address, `replicas ${JSON.stringify(outside)} are outside ${j}.`, `keep replicas in regions of ${j}.`),
        );
      else findings.push(compliant(s.address, `user-managed replicas in ${replicas.join(', ')}`));
    }
    for (const s of ctx.stack.ofType('google_secret_manager_regional_secret')) {
      const j = jurisdictionOf(ctx, s);
      const loc = s.values.location;
      if (typeof loc === 'string' && isLocationAllowed(j, loc)) findings.push(compliant(s.address, `regional secret in ${loc}`));
      else
        findings.push(nonCompliant(s.address, `regional secret in ${JSON.stringify(loc)}, outside ${j}.`, `place it in a region of ${j}.`));
    }
    return findings.length > 0 ? findings : [notApplicable('the stack holds no secret')];
  },
});

export const sec1SecretStorage = defineCheck({
  id: 'SEC-1/secret-storage',
  explanation: "The credentials a tenant's integrations and conversion destinations need are kept as Secret Manager secrets of its stack.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (!needsCredentials(tenant)) return [notApplicable('the tenant activates nothing that needs a credential')];
    const secrets = ctx.stack.ofType('google_secret_manager_secret', 'google_secret_manager_regional_secret');
    if (secrets.length === 0)
      return [
        nonCompliant(
          STACK_ADDRESS,
          "the tenant's integrations or conversion destinations need credentials, but the stack holds no Secret Manager secret for them.",
          'keep each credential in an IntegrationSecret.',
        ),
      ];
    return [compliant(STACK_ADDRESS, `${secrets.length} Secret Manager secrets hold the tenant's credentials`)];
  },
});

/** The checks of SEC-1, in the order the report lists them. */
export const sec1SecretStorageChecks = [sec1NoValueInConfig, sec1ReplicaLocation, sec1SecretStorage] as const;
