/**
 * SEC-3 (DPA Annex II 2): a secret's value is readable per secret, by exactly one service account:
 * the one workload that mounts it. No role that can read secret versions is granted on a project,
 * folder or organization (the customer's administrators' group on its own project during a handover
 * excepted; the administration roles it gets, policy/handover.ts, read no secret version).
 */
import { grantsOf, isHandoverOwnerGrant } from '../grants';
import { rolePermissions } from '../../policy/iam-roles';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { handoverOwnerGroup, needsCredentials } from '../scope';
import { WORKLOAD_TYPES, mountedSecretsOf, runtimeIdentityOf } from '../workloads';

const READ_PERMISSION = 'secretmanager.versions.access';

function readsSecrets(role: string): boolean {
  return role === 'roles/secretmanager.secretAccessor' || rolePermissions(role).includes(READ_PERMISSION);
}

export const sec3NoProjectWideReader = defineCheck({
  id: 'SEC-3/no-project-wide-reader',
  explanation: "No role that reads secret versions is granted on a project, folder or organization (the customer's administrators' group on its project during a handover excepted).",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const owner = handoverOwnerGroup(ctx.tenant);
    const grants = grantsOf(ctx.stack).filter((g) => readsSecrets(g.role));
    if (grants.length === 0) return [notApplicable('the stack grants no role that reads secrets')];
    return grants.map((g) => {
      if (g.target.level === 'resource') return compliant(g.address, `${g.role} on one secret, ${g.target.id}`);
      if (isHandoverOwnerGrant(g, owner)) return compliant(g.address, `${g.role} to the customer's owner group during the handover`);
      return nonCompliant(
        g.address,
        `${g.role} lets ${g.principal.member} read every secret of ${g.target.level} ${g.target.id}.`,
        'grant roles/secretmanager.secretAccessor on the one secret the workload uses (IntegrationSecret.grantAccess).',
      );
    });
  },
});

export const sec3SecretAccessorPerSecret = defineCheck({
  id: 'SEC-3/secret-accessor-per-secret',
  explanation: 'Each secret is readable by exactly one service account, the one workload that mounts it.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const grants = grantsOf(ctx.stack).filter((g) => readsSecrets(g.role));
    const secrets = ctx.stack.ofType('google_secret_manager_secret', 'google_secret_manager_regional_secret');
    const mounts = new Map<string, string[]>();
    for (const w of ctx.stack.ofType(...WORKLOAD_TYPES)) {
      const identity = runtimeIdentityOf(ctx.stack, w);
      for (const s of mountedSecretsOf(ctx.stack, w))
        mounts.set(s.address, [...(mounts.get(s.address) ?? []), identity.email ?? identity.written ?? '(default account)']);
    }
    for (const s of secrets) {
      const readers = grants.filter((g) => g.target.level === 'resource' && g.target.address === s.address);
      const members = [...new Set(readers.map((g) => g.principal.member))];
      const users = [...new Set(mounts.get(s.address) ?? [])];
      const problems: string[] = [];
      if (members.length > 1) problems.push(`${members.length} principals can read it (${members.join(', ')})`);
      const notSa = readers.filter((g) => g.principal.kind !== 'serviceAccount' || g.principal.isServiceAgent);
      if (notSa.length > 0) problems.push(`${notSa.map((g) => g.principal.member).join(', ')} is not a workload's service account`);
      if (users.length > 1) problems.push(`${users.length} workloads mount it (${users.join(', ')})`);
      const reader = readers[0]?.principal.email;
      if (users.length === 1 && reader !== undefined && users[0] !== reader)
        problems.push(`it is mounted by ${users[0]} but readable by ${reader}`);
      if (problems.length > 0) {
        findings.push(
          nonCompliant(
            readers[0]?.address ?? s.address,
            `secret ${String(s.values.secret_id)}: ${problems.join('; ')}.`,
            "give each workload its own secret and grant secretAccessor on it to that workload's account only.",
          ),
        );
      } else {
        findings.push(
          compliant(
            readers[0]?.address ?? s.address,
            members.length === 1
              ? `secret ${String(s.values.secret_id)} readable only by ${members[0]}`
              : `secret ${String(s.values.secret_id)} readable by no one yet`,
          ),
        );
      }
    }
    if (secrets.length === 0) {
      const tenant = ctx.tenant;
      if (tenant && needsCredentials(tenant))
        return [
          nonCompliant(
            STACK_ADDRESS,
            "the tenant's credentials are not Secret Manager secrets of the stack, so no per-secret reader can be granted.",
            'keep each credential in an IntegrationSecret and grant it to its one workload.',
          ),
        ];
      return [notApplicable('the stack holds no secret')];
    }
    return findings;
  },
});

/** The checks of SEC-3, in the order the report lists them. */
export const sec3SecretAccessorPerSecretChecks = [sec3NoProjectWideReader, sec3SecretAccessorPerSecret] as const;
