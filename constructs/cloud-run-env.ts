/**
 * The environment of a Cloud Run container, as RelayService and ScheduledJob build it: plain values
 * and secrets mounted by reference (their values never appear in Terraform, SEC-1), each in name
 * order so the synthesized output is stable, and every secret granted to the workload's own
 * identity and no one else (SEC-3).
 */
import type { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import type { IntegrationSecret } from './integration-secret';
import type { IGrantee } from './principal';

export type PlainEnv = Readonly<Record<string, string>>;
export type SecretEnv = Readonly<Record<string, IntegrationSecret>>;

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Throws unless every name is UPPER_SNAKE_CASE, not `reserved`, and either a value or a secret. */
export function assertEnvNames(what: string, env: PlainEnv, secrets: SecretEnv, reserved: ReadonlySet<string> = new Set()): void {
  for (const name of [...Object.keys(env), ...Object.keys(secrets)]) {
    if (!ENV_NAME.test(name) || reserved.has(name)) {
      const notReserved = reserved.size > 0 ? ` and not one Cloud Run reserves (${[...reserved].join(', ')})` : '';
      throw new Error(`${what}: env var "${name}" must be UPPER_SNAKE_CASE${notReserved}`);
    }
    if (name in env && name in secrets) throw new Error(`${what}: env var "${name}" is both a value and a secret; choose one`);
  }
}

/** The container's `env` list: the plain values, then the secrets by reference to their latest version. */
export function containerEnv(env: PlainEnv, secrets: SecretEnv) {
  return [
    ...Object.keys(env)
      .sort()
      .map((name) => ({ name, value: env[name] })),
    ...Object.keys(secrets)
      .sort()
      .map((name) => ({ name, valueSource: { secretKeyRef: { secret: secrets[name].secretName, version: 'latest' } } })),
  ];
}

/** Grants `identity` read access to every secret; a revision must wait for these grants. */
export function grantSecretAccess(secrets: SecretEnv, identity: IGrantee): SecretManagerSecretIamMember[] {
  return Object.keys(secrets)
    .sort()
    .map((envName) => secrets[envName].grantAccess(identity));
}
