/**
 * `npm run secrets`: lists a tenant's secrets and the commands that fill the missing ones, and with
 * --record records them as populated, so the workloads that mount them are declared on the next
 * deploy (see `--help` and docs/tenant-lifecycle.md). A thin command line over scripts/lib/secrets.ts
 * and scripts/lib/tenant-change.ts.
 */
import * as fs from 'fs';
import { tenantSecretIds, tenantStackName } from '../config/naming';
import { runningAccountIds } from '../config/workload-secrets';
import { EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { SECRETS_SPEC, secretsReport, secretsToRecord, withPopulatedSecrets } from './lib/secrets';
import { applyTenantChange, ONE_STEP, type TransitionCheck } from './lib/tenant-change';
import { tenantTextProblems } from './lib/tenant-file';
import { existingTenantFile, loadExistingTenant } from './lib/tenant-target';

export interface SecretsOptions {
  /** The transition check on the script's own change. Default: transitionProblems; tests inject a refusal. */
  readonly transitionOf?: TransitionCheck;
}

export function main(argv: readonly string[], io: Io = processIo, options: SecretsOptions = {}): number {
  const commandLine = readCommandLine(argv, SECRETS_SPEC, io, 'secrets');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const environmentsDir = environmentsDirFrom(stringFlag(v, 'environments-dir'));
  const env = stringFlag(v, 'env')!;
  const id = stringFlag(v, 'tenant')!;
  const { file, problems } = existingTenantFile(environmentsDir, env, id);
  if (!file) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }
  const tenant = loadExistingTenant(io, environmentsDir, env, id);
  if (!tenant) return EXIT_USAGE;

  const record = stringFlag(v, 'record');
  if (record === undefined) {
    io.out(secretsReport(tenant, env));
    return EXIT_OK;
  }

  const { ids, problems: recordProblems } = secretsToRecord(tenant, record);
  if (recordProblems.length > 0) {
    reportProblems(io, recordProblems);
    return EXIT_USAGE;
  }
  const fresh = ids.filter((s) => !tenant.populatedSecrets.includes(s));
  if (fresh.length === 0) {
    io.out(`Already recorded as populated: ${ids.join(', ')}. Nothing was written.`);
    return EXIT_OK;
  }
  const before = fs.readFileSync(file, 'utf8');
  const after = withPopulatedSecrets(before, tenant, fresh);
  const invalid = tenantTextProblems(after, file);
  if (invalid.length > 0) {
    reportProblems(io, invalid.map((p) => (p.startsWith('populatedSecrets') ? `--record: ${p}` : `${displayPath(file)}: ${p}`)));
    return EXIT_USAGE;
  }
  const result = applyTenantChange(io, { file, before, after, environmentsDir, env, tenantId: id, command: 'secrets', transitionOf: options.transitionOf });
  if (result.exitCode !== EXIT_OK) return result.exitCode;

  const populated = [...tenant.populatedSecrets, ...fresh];
  const nowRunning = runningAccountIds({ ...tenant, populatedSecrets: populated }).filter((a) => !runningAccountIds(tenant).includes(a));
  const stack = tenantStackName(env, id);
  io.out(
    [
      `Recorded as populated for tenant "${id}": ${fresh.join(', ')}; ${displayPath(file)} was updated.`,
      `  stack: ${stack} (synthesized to ${result.stackOutput})`,
      `  change: ${ONE_STEP}`,
      `  workloads declared by this change: ${nowRunning.join(', ') || '(none yet: other secrets are still missing)'}`,
      '',
      'Next: commit the file and open a change request. CI plans it and, after merge, deploys the stack;',
      'the workloads above then appear, reading the values you added:',
      `  npx cdktf deploy ${stack}`,
      ...(populated.length < tenantSecretIds(tenant).length ? [`Still missing: see npm run secrets -- --env ${env} --tenant ${id}`] : []),
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
