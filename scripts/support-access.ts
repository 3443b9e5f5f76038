/**
 * `npm run support-access`: time-bound, least-privilege support access to one tenant (IAM-5, DPA
 * Annex II 2). See `--help` and docs/security.md. A thin command line over scripts/lib/support-access.ts
 * and scripts/lib/tenant-change.ts: every change is synthesized with both packs and must apply in one
 * step before the tenant file is written (atomically).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../config/config-error';
import { listEnvironments, loadEnvironment, type EnvironmentConfig, type ResolvedTenant } from '../config/loader';
import { tenantStackName } from '../config/naming';
import type { SupportGrant } from '../config/support-access';
import { EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { SUPPORT_ACCESS_SPEC, describeGrant, grantProblems, unexpired, utcSeconds, withSupportAccess } from './lib/support-access';
import { applyTenantChange, type TransitionCheck } from './lib/tenant-change';
import { tenantTextProblems } from './lib/tenant-file';
import { existingTenantFile, unknownEnvironmentProblem } from './lib/tenant-target';

export interface SupportAccessOptions {
  /** The clock; tests fix it. */
  readonly now?: Date;
  /** The transition check on the script's own change. Default: transitionProblems; tests inject a refusal. */
  readonly transitionOf?: TransitionCheck;
}

function loadOrReport(io: Io, environmentsDir: string, env: string): EnvironmentConfig | undefined {
  try {
    return loadEnvironment(env, { environmentsDir });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`Environment ${JSON.stringify(env)} has invalid configuration; fix it first:`);
    reportProblems(io, e.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`));
    return undefined;
  }
}

/** Writes `grants` as the tenant's support access through the one-step tenant change; EXIT_OK or why not. */
function writeGrants(io: Io, environment: EnvironmentConfig, environmentsDir: string, tenant: ResolvedTenant, grants: readonly SupportGrant[], options: SupportAccessOptions): number {
  const file = path.join(environmentsDir, environment.name, 'tenants', `${tenant.id}.yaml`);
  const before = fs.readFileSync(file, 'utf8');
  const after = withSupportAccess(before, grants);
  const invalid = tenantTextProblems(after, file);
  if (invalid.length > 0) {
    reportProblems(io, invalid.map((p) => `${displayPath(file)}: ${p}`));
    return EXIT_USAGE;
  }
  const result = applyTenantChange(io, { file, before, after, environmentsDir, env: environment.name, tenantId: tenant.id, command: 'support-access', transitionOf: options.transitionOf });
  return result.exitCode;
}

export function main(argv: readonly string[], io: Io = processIo, options: SupportAccessOptions = {}): number {
  const commandLine = readCommandLine(argv, SUPPORT_ACCESS_SPEC, io, 'support-access');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const now = options.now ?? new Date();
  const environmentsDir = environmentsDirFrom(stringFlag(v, 'environments-dir'));
  const env = stringFlag(v, 'env')!;
  const id = stringFlag(v, 'tenant');
  const scope = stringFlag(v, 'scope');
  const until = stringFlag(v, 'until');
  const reason = stringFlag(v, 'reason');
  const revoke = stringFlag(v, 'revoke');
  const granting = scope !== undefined || until !== undefined || reason !== undefined;

  const usage: string[] = [];
  if (granting && revoke !== undefined) usage.push('--revoke: revoke a grant or make one, not both in one run');
  if ((granting || revoke !== undefined) && id === undefined) usage.push(`--tenant: ${granting ? '--scope, --until and --reason grant' : '--revoke revokes'} on one tenant; name it`);
  if (id === undefined) {
    const envProblem = unknownEnvironmentProblem(environmentsDir, env, listEnvironments(environmentsDir));
    if (envProblem) usage.push(envProblem);
  }
  const target = id !== undefined ? existingTenantFile(environmentsDir, env, id) : undefined;
  if (target && !target.file) usage.push(...target.problems);
  if (usage.length > 0) {
    reportProblems(io, usage);
    return EXIT_USAGE;
  }
  const environment = loadOrReport(io, environmentsDir, env);
  if (!environment) return EXIT_USAGE;
  const tenants = id === undefined ? environment.tenants : environment.tenants.filter((t) => t.id === id);
  const tenant = id === undefined ? undefined : tenants[0];

  if (tenant && granting) {
    const { grant, problems } = grantProblems(tenant, environment.platform, { scope, until, reason }, now);
    if (!grant) {
      reportProblems(io, problems);
      return EXIT_USAGE;
    }
    const replaced = unexpired(tenant.supportAccess, now).find((g) => g.scope === grant.scope);
    const grants = [...unexpired(tenant.supportAccess, now).filter((g) => g.scope !== grant.scope), grant];
    const code = writeGrants(io, environment, environmentsDir, tenant, grants, options);
    if (code !== EXIT_OK) return code;
    const stack = tenantStackName(env, tenant.id);
    io.out(
      [
        `Support access for tenant "${tenant.id}": ${describeGrant(grant)}${replaced ? ` (replaces the grant until ${replaced.until})` : ''}.`,
        `  group: ${environment.platform.groups.support}; on project ${tenant.projectId}; the IAM condition ends it at ${grant.until}.`,
        ...expiredNote(tenant, now),
        '',
        'Next: commit the tenant file and open a change request (its reviewer approves the access). After merge CI deploys:',
        `  npx cdktf deploy ${stack}`,
      ].join('\n'),
    );
    return EXIT_OK;
  }

  if (tenant && revoke !== undefined) {
    const current = unexpired(tenant.supportAccess, now);
    if (!current.some((g) => g.scope === revoke)) {
      reportProblems(io, [`--revoke: tenant "${tenant.id}" has no current ${JSON.stringify(revoke)} grant; current: ${current.map((g) => g.scope).join(', ') || '(none)'}`]);
      return EXIT_USAGE;
    }
    const code = writeGrants(io, environment, environmentsDir, tenant, current.filter((g) => g.scope !== revoke), options);
    if (code !== EXIT_OK) return code;
    io.out([`Revoked ${revoke} for tenant "${tenant.id}".`, ...expiredNote(tenant, now), '', `Next: commit, review and deploy: npx cdktf deploy ${tenantStackName(env, tenant.id)}`].join('\n'));
    return EXIT_OK;
  }

  // Listing: the grants in force, after taking the expired ones out of each tenant file.
  const lines: string[] = [`Support access in environment "${env}" at ${utcSeconds(now)} (group ${environment.platform.groups.support}):`];
  for (const t of tenants) {
    const current = unexpired(t.supportAccess, now);
    if (current.length < t.supportAccess.length) {
      const code = writeGrants(io, environment, environmentsDir, t, current, options);
      if (code !== EXIT_OK) return code;
      lines.push(`  ${t.id}: removed ${t.supportAccess.length - current.length} expired grant(s) from ${displayPath(t.sourceFile)}`);
    }
    for (const g of current) lines.push(`  ${t.id}: ${describeGrant(g)}`);
  }
  if (lines.length === 1) lines.push('  (no grant)');
  io.out(lines.join('\n'));
  return EXIT_OK;
}

/** What the run also removed from the tenant file: grants that had expired. */
function expiredNote(tenant: ResolvedTenant, now: Date): string[] {
  const expired = tenant.supportAccess.filter((g) => unexpired([g], now).length === 0);
  return expired.length ? [`  removed expired: ${expired.map((g) => `${g.scope} (until ${g.until})`).join(', ')}`] : [];
}

if (require.main === module) runCli((argv) => main(argv));
