/**
 * The --env and --tenant of the lifecycle commands, checked against the environments folder: the
 * environment must exist (onboard, offboard, handover), and for offboard and handover the tenant
 * too, which is then loaded with its environment.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../config/config-error';
import { didYouMean } from '../../config/did-you-mean';
import { listEnvironments, loadEnvironment, type ResolvedTenant } from '../../config/loader';
import { TENANT_ID_PATTERN } from '../../config/schema';
import { reportProblems, type Io } from './cli';
import { displayPath } from './paths';

/** The --env problem when `env` is not one of the `known` environments, or undefined. */
export function unknownEnvironmentProblem(environmentsDir: string, env: string, known: readonly string[]): string | undefined {
  if (known.includes(env)) return undefined;
  return `--env: environment ${JSON.stringify(env)} does not exist in ${displayPath(environmentsDir)} (npm run new-environment creates one)${didYouMean(env, known)}; known environments: ${known.join(', ') || '(none)'}`;
}

/** The tenant's file, when --env and --tenant name one that exists; otherwise one problem per flag. */
export function existingTenantFile(environmentsDir: string, env: string, id: string): { file?: string; problems: string[] } {
  const problems: string[] = [];
  const known = listEnvironments(environmentsDir);
  const envProblem = unknownEnvironmentProblem(environmentsDir, env, known);
  if (envProblem) problems.push(envProblem);
  // Only a well-formed id may become part of a path.
  const file = TENANT_ID_PATTERN.test(id) ? path.join(environmentsDir, env, 'tenants', `${id}.yaml`) : undefined;
  if (!file) problems.push(`--tenant: ${JSON.stringify(id)} is not a tenant id (lowercase letters, digits and single hyphens)`);
  else if (!envProblem && !fs.existsSync(file)) {
    const tenantsDir = path.dirname(file);
    const known = fs.existsSync(tenantsDir)
      ? fs.readdirSync(tenantsDir).filter((f) => !f.startsWith('.') && f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort()
      : [];
    problems.push(
      `--tenant: environment ${JSON.stringify(env)} has no tenant ${JSON.stringify(id)} (${displayPath(file)} does not exist)${didYouMean(id, known)}; known tenants: ${known.join(', ') || '(none)'}`,
    );
  }
  return { file: problems.length === 0 ? file : undefined, problems };
}

/** The tenant, loaded with its environment; undefined after printing the config problems when the environment is invalid. */
export function loadExistingTenant(io: Io, environmentsDir: string, env: string, id: string): ResolvedTenant | undefined {
  try {
    return loadEnvironment(env, { environmentsDir }).tenants.find((t) => t.id === id)!;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`Environment ${JSON.stringify(env)} has invalid configuration; fix it first:`);
    reportProblems(io, e.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`));
    return undefined;
  }
}
