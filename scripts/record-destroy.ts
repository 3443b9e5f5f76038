/**
 * `npm run record-destroy`: the destroy job's record of an offboarding destroy (DEL-1, DPA 10.4).
 * It turns the job's `terraform destroy` output, the state before it and the run's metadata into
 * evidence/<env>/destroy-<stack>-<run id>-<attempt>.json, the file the deletion certificate reads
 * (scripts/lib/destroy-evidence.ts). With --preflight it only checks that the stack may be
 * destroyed: a tenant stack of the environment whose tenant is offboarding. See --help and
 * docs/tenant-lifecycle.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tenantStackName } from '../config/naming';
import { writeFileAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type CommandSpec, type Io } from './lib/cli';
import {
  UTC_TIMESTAMP,
  EVIDENCE_KIND,
  EVIDENCE_VERSION,
  evidencePath,
  parseDestroyLog,
  renderEvidenceJson,
  sha256Of,
  stateAddresses,
  type DestroyEvidence,
} from './lib/destroy-evidence';
import { evidenceDirFrom, EVIDENCE_DIR_FLAG } from './lib/evidence-dir';
import { displayPath, ENV_FLAG, ENVIRONMENTS_DIR_FLAG, environmentsDirFrom } from './lib/paths';
import { existingTenantFile, loadExistingTenant } from './lib/tenant-target';

/** Run metadata a flag may take from GitHub Actions' default variables instead. */
const FROM_GITHUB: Readonly<Record<string, string>> = {
  'run-id': 'GITHUB_RUN_ID',
  'run-attempt': 'GITHUB_RUN_ATTEMPT',
  repository: 'GITHUB_REPOSITORY',
  commit: 'GITHUB_SHA',
  'server-url': 'GITHUB_SERVER_URL',
};

export const RECORD_DESTROY_SPEC: CommandSpec = {
  usage: [
    'npm run record-destroy -- --env <env> --stack <stack> --preflight',
    'npm run record-destroy -- --env <env> --stack <stack> --terraform-log <file> [--state-json <file>] --exit-code <n>',
    '    --started <UTC time> --finished <UTC time> [--run-id <id> --run-attempt <n> --repository <owner/name> --commit <sha>]',
  ],
  summary: [
    "Records what the offboarding destroy job destroyed and when, as evidence/<env>/destroy-<stack>-<run id>-<attempt>.json:",
    'the stack, environment and tenant, the resources the Terraform output reports destroyed (and those in the state',
    'before), the run (repository, id, attempt, link), the commit, the UTC start and end and the exit code. The deletion',
    'certificate (npm run offboard -- --certificate --evidence <file>) takes the day of deletion from this file.',
    'A failed destroy is recorded too (the certificate refuses it). An existing evidence file is never replaced.',
    'With --preflight, only checks that the stack may be destroyed: a tenant stack of the environment whose tenant is',
    'offboarding (the destroy is never held back by dates: a late deletion is certified as late).',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    { name: 'stack', type: 'string', value: '<stack>', required: true, description: 'The tenant stack destroyed: tenant-<env>-<id>.' },
    { name: 'preflight', type: 'boolean', description: 'Only check that the stack may be destroyed; writes nothing.' },
    { name: 'terraform-log', type: 'string', value: '<file>', description: 'The output of terraform destroy (-no-color), as the job saved it.' },
    { name: 'state-json', type: 'string', value: '<file>', description: 'Optional: terraform show -json of the state before the destroy; its resource addresses are recorded.' },
    { name: 'exit-code', type: 'string', value: '<n>', description: "terraform destroy's exit status (0-255)." },
    { name: 'started', type: 'string', value: '<time>', description: 'When the destroy started, UTC: YYYY-MM-DDTHH:MM:SSZ (date -u +%Y-%m-%dT%H:%M:%SZ).' },
    { name: 'finished', type: 'string', value: '<time>', description: 'When it ended, UTC, same form; not before --started and not in the future.' },
    { name: 'run-id', type: 'string', value: '<id>', description: 'The GitHub Actions run id. Default: $GITHUB_RUN_ID.' },
    { name: 'run-attempt', type: 'string', value: '<n>', description: 'The run attempt. Default: $GITHUB_RUN_ATTEMPT.' },
    { name: 'repository', type: 'string', value: '<owner/name>', description: 'The repository. Default: $GITHUB_REPOSITORY.' },
    { name: 'commit', type: 'string', value: '<sha>', description: 'The commit the job ran (40 hex digits). Default: $GITHUB_SHA.' },
    { name: 'server-url', type: 'string', value: '<url>', description: 'Default: $GITHUB_SERVER_URL, else https://github.com.' },
    EVIDENCE_DIR_FLAG,
    ENVIRONMENTS_DIR_FLAG,
  ],
  footer: [
    'Environment: GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_SERVER_URL (set by GitHub Actions)',
    'are the defaults of the run flags; ENVIRONMENTS_DIR the default of --environments-dir.',
    '',
    'Exit status: 0 recorded (or the preflight passed); 1 the file cannot be written; 2 invalid flags, or for --preflight',
    'a stack that may not be destroyed (nothing written).',
    '',
    'Example (the destroy job of .github/workflows/deploy.yml):',
    '  npm run record-destroy -- --env example --stack tenant-example-thames-bowl --terraform-log destroy.log \\',
    '    --state-json state-before.json --exit-code 0 --started 2026-03-05T09:12:03Z --finished 2026-03-05T09:31:40Z',
  ].join('\n'),
};

export interface RecordDestroyOptions {
  readonly io?: Io;
  /** Where the run flags' defaults are read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** The current time, for "not in the future"; default now. */
  readonly now?: Date;
}

/** The tenant id a tenant stack name of `env` names, or undefined. */
function tenantOfStack(env: string, stack: string): string | undefined {
  const prefix = tenantStackName(env, '');
  return stack.startsWith(prefix) && stack.length > prefix.length ? stack.slice(prefix.length) : undefined;
}

export function main(argv: readonly string[], options: RecordDestroyOptions = {}): number {
  const io = options.io ?? processIo;
  const vars = options.env ?? process.env;
  const now = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const commandLine = readCommandLine(argv, RECORD_DESTROY_SPEC, io, 'record-destroy');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const env = stringFlag(v, 'env')!;
  const stack = stringFlag(v, 'stack')!;
  const environmentsDir = environmentsDirFrom(stringFlag(v, 'environments-dir'));
  const preflight = v.preflight === true;
  const problems: string[] = [];

  const tenantId = tenantOfStack(env, stack);
  let tenantFile: string | undefined;
  if (tenantId === undefined) {
    problems.push(`--stack: ${JSON.stringify(stack)} is not a tenant stack of environment ${JSON.stringify(env)}; expected ${tenantStackName(env, '<id>')}`);
  } else {
    const target = existingTenantFile(environmentsDir, env, tenantId);
    problems.push(...target.problems.map((p) => p.replace(/^--tenant: /, `--stack: ${stack}: `)));
    tenantFile = target.file;
  }
  const recordFlags = ['terraform-log', 'state-json', 'exit-code', 'started', 'finished', 'run-id', 'run-attempt', 'repository', 'commit', 'server-url'];
  if (preflight) {
    const given = recordFlags.filter((f) => v[f] !== undefined);
    if (given.length > 0) problems.push(`${given.map((f) => `--${f}`).join(', ')}: not used with --preflight, which records nothing`);
  }
  if (problems.length > 0 || !tenantFile) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }
  if (preflight) return checkDestroyable(io, environmentsDir, env, tenantId!, stack);

  const flagOrVar = (name: string) => stringFlag(v, name) ?? (FROM_GITHUB[name] ? vars[FROM_GITHUB[name]] || undefined : undefined);
  const required = (name: string, what: string): string | undefined => {
    const value = flagOrVar(name);
    if (value === undefined || value === '') {
      problems.push(`--${name}: missing; give ${what}${FROM_GITHUB[name] ? ` (or set ${FROM_GITHUB[name]}, as GitHub Actions does)` : ''}`);
      return undefined;
    }
    return value;
  };
  const logFile = required('terraform-log', 'the file holding the output of terraform destroy');
  const exitText = required('exit-code', "terraform destroy's exit status");
  const started = required('started', 'the UTC time the destroy started, YYYY-MM-DDTHH:MM:SSZ');
  const finished = required('finished', 'the UTC time the destroy ended, YYYY-MM-DDTHH:MM:SSZ');
  const runId = required('run-id', 'the GitHub Actions run id');
  const attempt = required('run-attempt', 'the run attempt');
  const repository = required('repository', 'the repository as owner/name');
  const commit = required('commit', 'the commit the job ran');
  const serverUrl = flagOrVar('server-url') ?? 'https://github.com';

  if (exitText !== undefined && !/^(\d|[1-9]\d|1\d\d|2[0-4]\d|25[0-5])$/.test(exitText)) problems.push(`--exit-code: ${JSON.stringify(exitText)} is not an exit status (0-255)`);
  for (const [flag, value] of [['started', started], ['finished', finished]] as const) {
    if (value === undefined) continue;
    if (!UTC_TIMESTAMP.test(value) || Number.isNaN(Date.parse(value)) || new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z') !== value)
      problems.push(`--${flag}: ${JSON.stringify(value)} is not a UTC time as YYYY-MM-DDTHH:MM:SSZ (date -u +%Y-%m-%dT%H:%M:%SZ)`);
    else if (value > now) problems.push(`--${flag}: ${value} is in the future (now is ${now})`);
  }
  if (started && finished && UTC_TIMESTAMP.test(started) && UTC_TIMESTAMP.test(finished) && finished < started)
    problems.push(`--finished: ${finished} is before --started ${started}`);
  if (runId !== undefined && !/^\d+$/.test(runId)) problems.push(`--run-id: ${JSON.stringify(runId)} is not a run id (digits)`);
  if (attempt !== undefined && !/^[1-9]\d*$/.test(attempt)) problems.push(`--run-attempt: ${JSON.stringify(attempt)} is not a run attempt (1, 2, ...)`);
  if (repository !== undefined && !/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/.test(repository))
    problems.push(`--repository: ${JSON.stringify(repository)} is not owner/name`);
  if (commit !== undefined && !/^[0-9a-f]{40}$/.test(commit)) problems.push(`--commit: ${JSON.stringify(commit)} is not a full commit sha (40 lowercase hex digits)`);
  if (!/^https:\/\/[^\s/]+$/.test(serverUrl)) problems.push(`--server-url: ${JSON.stringify(serverUrl)} is not an https:// origin`);

  let logText: string | undefined;
  if (logFile !== undefined) {
    try {
      logText = fs.readFileSync(logFile, 'utf8');
    } catch (e) {
      problems.push(`--terraform-log: cannot read ${displayPath(path.resolve(logFile))} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const parsed = logText !== undefined ? parseDestroyLog(logText) : undefined;
  if (parsed && exitText === '0' && parsed.summary === null)
    problems.push(
      `--terraform-log: ${displayPath(path.resolve(logFile!))} has no "Destroy complete! Resources: N destroyed." line although --exit-code is 0; give the whole output of terraform destroy`,
    );
  let stateBefore: string[] | null = null;
  const stateFile = stringFlag(v, 'state-json');
  if (stateFile !== undefined) {
    try {
      const show = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as unknown;
      if (!show || typeof show !== 'object' || !('format_version' in show))
        problems.push(`--state-json: ${displayPath(path.resolve(stateFile))} is not terraform show -json output (no format_version)`);
      else stateBefore = stateAddresses(show);
    } catch (e) {
      problems.push(`--state-json: cannot read ${displayPath(path.resolve(stateFile))} as JSON (${(e as Error).message})`);
    }
  }
  if (problems.length > 0) {
    reportProblems(io, problems, `Nothing was written. See npm run record-destroy -- --help.`);
    return EXIT_USAGE;
  }

  const evidence: DestroyEvidence = {
    kind: EVIDENCE_KIND,
    version: EVIDENCE_VERSION,
    environment: env,
    stack,
    tenant: tenantId!,
    run: { repository: repository!, id: runId!, attempt: attempt!, url: `${serverUrl}/${repository}/actions/runs/${runId}/attempts/${attempt}` },
    commit: commit!,
    started: started!,
    finished: finished!,
    exitCode: Number(exitText),
    stateBefore,
    destroyed: parsed!.destroyed,
    summary: parsed!.summary,
    terraformLog: { file: path.basename(logFile!), sha256: sha256Of(logText!), lines: logText!.split('\n').length - (logText!.endsWith('\n') ? 1 : 0), text: logText! },
  };
  const evidenceDir = evidenceDirFrom(stringFlag(v, 'evidence-dir'));
  const file = evidencePath(evidenceDir, env, stack, runId!, attempt!);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, renderEvidenceJson(evidence), { overwrite: false });
  } catch (e) {
    const exists = (e as NodeJS.ErrnoException).code === 'EEXIST';
    reportProblems(io, [
      exists
        ? `--run-attempt: ${displayPath(file)} already exists; evidence is never replaced (each run attempt records its own file)`
        : `cannot write ${displayPath(file)}: ${(e as Error).message}`,
    ]);
    return exists ? EXIT_USAGE : EXIT_FAILED;
  }
  const ok = evidence.exitCode === 0;
  io.out(
    [
      `Destroy evidence for ${stack} written: ${displayPath(file)}`,
      `  run ${evidence.run.url}, commit ${commit}, ${started} to ${finished}, exit code ${evidence.exitCode}; ${evidence.destroyed.length} resources reported destroyed${
        stateBefore ? ` of ${stateBefore.length} in the state before` : ''
      }.`,
      ok
        ? `Next: npm run offboard -- --env ${env} --tenant ${tenantId} --certificate --evidence ${displayPath(file)}`
        : 'The destroy failed: no certificate can be issued from this evidence. Fix the failure and run the destroy job again; keep this file with the others.',
      'Keep the file: commit it under evidence/ (docs/tenant-lifecycle.md, "Where the evidence is kept").',
    ].join('\n'),
  );
  return EXIT_OK;
}

/** --preflight: the tenant of the stack is offboarding and its removal not yet confirmed. */
function checkDestroyable(io: Io, environmentsDir: string, env: string, id: string, stack: string): number {
  const tenant = loadExistingTenant(io, environmentsDir, env, id);
  if (!tenant) return EXIT_USAGE;
  const offboarding = tenant.lifecycle.offboarding;
  if (tenant.lifecycle.state !== 'offboarding' || !offboarding) {
    reportProblems(io, [`--stack: ${stack}: tenant "${id}" is in lifecycle state ${tenant.lifecycle.state}, not offboarding; only an offboarding tenant's stack is destroyed (npm run offboard -- --requested first)`]);
    return EXIT_USAGE;
  }
  if (offboarding.removalConfirmed) {
    reportProblems(io, [`--stack: ${stack}: the removal of tenant "${id}" is already confirmed; its stack is no longer synthesized, there is nothing to destroy`]);
    return EXIT_USAGE;
  }
  io.out(`${stack} may be destroyed: tenant "${id}" is offboarding (requested ${offboarding.requested}).`);
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
