/**
 * `npm run handover`: hands a tenant's provisioned project to its customer, one step per run (see
 * `--help` and docs/handover.md). A thin command line over scripts/lib/handover.ts, the stacks' own
 * synthesis and the handover record (scripts/lib/handover-record.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { loadEnvironment, resolveTenant, type EnvironmentConfig, type ResolvedTenant } from '../config/loader';
import { isoDate } from '../config/schema';
import { tenantStackName } from '../config/naming';
import { synthesizeStack } from '../compliance/synth-gate';
import { TenantStack } from '../stacks/tenant-stack';
import { writeFileAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type FlagValues, type Io } from './lib/cli';
import { todayUtc } from './lib/deletion-certificate';
import { existingTenantFile, loadExistingTenant } from './lib/tenant-target';
import {
  CONFIRMATIONS,
  DEFAULT_MOVER_GRANT_DAYS,
  HANDOVER_SPEC,
  HANDOVER_STEPS,
  PREPARE_FLAGS,
  STEP_TRANSITIONS,
  addDays,
  handoverRefusal,
  withHandoverStep,
  type HandoverStep,
} from './lib/handover';
import { buildHandoverRecord, renderHandoverRecord } from './lib/handover-record';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { generationMetadata, reportsDirFrom, writeReportPair } from './lib/report-output';
import { withoutTokenStackTraces } from './lib/token-stack-traces';
import { tenantTextProblems } from './lib/tenant-file';
import { transitionOfEdit } from './plan-check';

const NEXT_STEPS: Readonly<Record<HandoverStep, (env: string, id: string, stack: string) => string[]>> = {
  prepare: (env, id, stack) => [
    'An organization administrator applies this step, not CI: no deployer may grant administration roles or set folder IAM',
    '(it could grant them to itself; docs/security.md). CI plans it on the change request; after merge the administrator runs:',
    `  npx cdktf deploy ${stack}   (admits the customer's organization on the project, IAM-7; grants the customer's administrators`,
    "                                Project IAM Admin, BigQuery Admin and Cloud KMS Admin; sets the tenant folder's export policy;",
    "                                grants the deployer Project Mover on the folder until the recorded expiry; lifts workload protection)",
    "Then the customer, in its organization (exact commands: docs/handover.md, or the record's steps):",
    `  sets constraints/resourcemanager.allowedImportSources naming Smart Segments' organization, grants the deployer`,
    '  roles/resourcemanager.projectCreator on its organization and roles/billing.user on its billing account. Once it confirms:',
    `  npm run handover -- --env ${env} --tenant ${id} --phase transfer --customer-import-policy-confirmed --customer-billing-grant-confirmed`,
  ],
  transfer: (env, id, stack) => [
    `  npx cdktf deploy ${stack}   (moves the project to the customer's organization and links it to the customer's billing account;`,
    '                                nothing else changes)',
    "Then the customer's administrators check they administer the moved project. Once they confirm:",
    `  npm run handover -- --env ${env} --tenant ${id} --phase release --customer-admins-confirmed`,
  ],
  release: (env, id, stack) => [
    'An organization administrator applies this step too (it removes the folder grant of the move, folder IAM no deployer may change):',
    `  npx cdktf deploy ${stack}   (destroys Smart Segments' workloads, service accounts, grants, secrets, sinks and jobs, the export`,
    "                                policy, the move grant and the deployer's dataset access; releases the project, the warehouse, its",
    "                                keys and the customer's grants from state without destroying them)",
    'Commit the handover record with the tenant file. After that deploy, the last step:',
    `  npm run handover -- --env ${env} --tenant ${id} --phase relinquish`,
  ],
  relinquish: (env, id, stack) => [
    `  npx cdktf deploy ${stack}   (removes the time-bound handover grants: Smart Segments' last access to the project)`,
    'This is the last apply of the stack: afterwards the deployer cannot read the project, so a plan of it fails by design.',
    'After that deploy, stop synthesizing the stack:',
    `  npm run handover -- --env ${env} --tenant ${id} --phase close`,
  ],
  close: () => [
    '  nothing: npm run synth no longer produces the stack, and no plan or apply reads it again.',
    'From the effective date the customer alone is responsible for the data in the project (DPA 10.2).',
  ],
};

/** A date flag's problem: not a real date, or (unless `future`) after today; undefined when fine. */
function dateProblem(flag: string, value: string, today: string, future: 'refused' | 'required'): string | undefined {
  const parsed = isoDate.safeParse(value);
  if (!parsed.success) return `--${flag}: ${JSON.stringify(value)} is not a date; expected YYYY-MM-DD`;
  if (future === 'refused' && value > today) return `--${flag}: ${value} is in the future (today is ${today}, UTC); a handover takes effect when it is released`;
  if (future === 'required' && value <= today) return `--${flag}: ${value} is not after today (${today}, UTC); the move grant must still be valid when the transfer is applied`;
  return undefined;
}

/** The fields the step records, or its problems (each naming the flag). */
function recordedFields(step: HandoverStep, v: FlagValues, tenant: ResolvedTenant, today: string): { fields: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const fields: Record<string, string> = {};
  const h = tenant.lifecycle.handover;
  if (step === 'prepare') {
    for (const [flag, field] of Object.entries(PREPARE_FLAGS)) fields[field] = stringFlag(v, flag)!;
    fields.prepared = today;
  }
  const mover = stringFlag(v, 'mover-expires');
  if (mover !== undefined) {
    const bad = dateProblem('mover-expires', mover, today, 'required');
    if (bad) problems.push(bad);
    else fields.moverGrantExpires = mover;
  } else if (step === 'prepare') {
    fields.moverGrantExpires = addDays(today, DEFAULT_MOVER_GRANT_DAYS);
  } else if (step === 'transfer' && h?.moverGrantExpires !== undefined && h.moverGrantExpires <= today) {
    problems.push(
      `--mover-expires: the deployer's move grant expired on ${h.moverGrantExpires} (today is ${today}, UTC), so the move would be refused; give a new expiry with --mover-expires <YYYY-MM-DD>`,
    );
  }
  for (const c of CONFIRMATIONS[step]) {
    if (v[c.flag] === true) fields[c.field] = today;
    else problems.push(`--${c.flag} is required with --phase ${step}: it records that ${c.what} (docs/handover.md lists the customer's commands)`);
  }
  if (step === 'release') {
    const effective = stringFlag(v, 'effective-date') ?? today;
    const bad = dateProblem('effective-date', effective, today, 'refused');
    if (bad) problems.push(bad);
    else if (h?.customerImportPolicyConfirmed && effective < h.customerImportPolicyConfirmed)
      problems.push(`--effective-date: ${effective} is before the transfer was confirmed (${h.customerImportPolicyConfirmed}); the handover cannot take effect before the move`);
    else fields.effectiveDate = effective;
  }
  if (step === 'relinquish') fields.ownAccessRemoved = today;
  if (step === 'close') fields.closed = today;
  return { fields, problems };
}

/** Flags given that the step does not take. */
function misplacedFlags(step: HandoverStep, v: FlagValues): string[] {
  const own = new Set<string>([
    ...(step === 'prepare' ? Object.keys(PREPARE_FLAGS) : []),
    ...(step === 'prepare' || step === 'transfer' ? ['mover-expires'] : []),
    ...CONFIRMATIONS[step].map((c) => c.flag),
    ...(step === 'release' ? ['effective-date'] : []),
  ]);
  const stepFlags = [...Object.keys(PREPARE_FLAGS), 'mover-expires', 'effective-date', ...HANDOVER_STEPS.flatMap((s) => CONFIRMATIONS[s].map((c) => c.flag))];
  return stepFlags.filter((f) => v[f] !== undefined && !own.has(f)).map((f) => `--${f} does not belong to --phase ${step}`);
}

/** The tenant as it stood before the release (state handover-transfer): what the release destroys is read from its stack. */
function beforeRelease(environment: EnvironmentConfig, tenant: ResolvedTenant) {
  const { effectiveDate: _e, ownAccessRemoved: _o, ...handover } = tenant.lifecycle.handover!;
  const pre = resolveTenant(environment.platform, { ...tenant, lifecycle: { state: 'handover-transfer', handover } }, tenant.sourceFile);
  // In memory: the App only needs a folder it may create (never the user's cdktf.out/).
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-handover-before-'));
  try {
    // As the pipeline does: no token creation traces (scripts/lib/token-stack-traces.ts).
    return withoutTokenStackTraces(() => synthesizeStack(new TenantStack(new App({ outdir }), { environment, tenant: pre })));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The close: like offboarding's --confirm-removed, it stops the synthesis of a stack nobody may plan
 * again, so it needs the record of the relinquish (written by that step) and runs no synthesis.
 */
function closeHandover(io: Io, file: string, after: string, tenant: ResolvedTenant, env: string, reportsFlag: string | undefined): number {
  const json = `${reportsDirFrom(reportsFlag)}/handover-${env}-${tenant.id}.json`;
  let record: { tenant?: unknown; ownAccessRemoved?: unknown } | undefined;
  try {
    record = JSON.parse(fs.readFileSync(json, 'utf8')) as typeof record;
  } catch {
    record = undefined;
  }
  if (!record || record.tenant !== tenant.id || record.ownAccessRemoved !== tenant.lifecycle.handover?.ownAccessRemoved) {
    reportProblems(io, [`--phase: no handover record of the relinquish (ownAccessRemoved ${String(tenant.lifecycle.handover?.ownAccessRemoved)}) at ${displayPath(json)}; run --phase relinquish with the same --reports-dir first`]);
    return EXIT_USAGE;
  }
  writeFileAtomic(file, after);
  io.out(
    [
      `Handover of tenant "${tenant.id}" closed in ${displayPath(file)}; npm run synth no longer produces ${tenantStackName(env, tenant.id)}.`,
      'The file and the handover record stay as the record of the handover (DPA 10.2).',
      ...NEXT_STEPS.close(env, tenant.id, ''),
    ].join('\n'),
  );
  return EXIT_OK;
}

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, HANDOVER_SPEC, io, 'handover');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const problems: string[] = [];
  const env = stringFlag(v, 'env')!;
  const id = stringFlag(v, 'tenant')!;
  const stepValue = stringFlag(v, 'phase')!;
  const step = (HANDOVER_STEPS as readonly string[]).includes(stepValue) ? (stepValue as HandoverStep) : undefined;
  if (!step) problems.push(`--phase: got ${JSON.stringify(stepValue)}; allowed: ${HANDOVER_STEPS.join(', ')}`);
  if (step === 'prepare') {
    for (const f of Object.keys(PREPARE_FLAGS)) if (v[f] === undefined) problems.push(`--${f} is required with --phase prepare`);
  }
  if (step) problems.push(...misplacedFlags(step, v));
  const environmentsDir = environmentsDirFrom(stringFlag(v, 'environments-dir'));
  const { file, problems: targetProblems } = existingTenantFile(environmentsDir, env, id);
  problems.push(...targetProblems);
  if (problems.length > 0 || !step || !file) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }

  const tenant = loadExistingTenant(io, environmentsDir, env, id);
  if (!tenant) return EXIT_USAGE;
  const environment = loadEnvironment(env, { environmentsDir });
  const refusal = handoverRefusal(tenant, step, environment.tenants);
  if (refusal) {
    reportProblems(io, [`--phase: ${refusal}`]);
    return EXIT_USAGE;
  }
  const today = todayUtc();
  const { fields, problems: fieldProblems } = recordedFields(step, v, tenant, today);
  if (fieldProblems.length > 0) {
    reportProblems(io, fieldProblems);
    return EXIT_USAGE;
  }

  const before = fs.readFileSync(file, 'utf8');
  const after = withHandoverStep(before, step, fields);
  const invalid = tenantTextProblems(after, file);
  if (invalid.length > 0) {
    // Map schema fields back to the flags that set them.
    const flagOf = (line: string) => Object.entries(PREPARE_FLAGS).find(([, field]) => line.startsWith(`lifecycle.handover.${field}:`))?.[0];
    reportProblems(io, invalid.map((p) => (flagOf(p) ? `--${flagOf(p)}: ${p}` : `${displayPath(file)}: ${p}`)));
    return EXIT_USAGE;
  }

  const stack = tenantStackName(env, id);
  if (step === 'close') return closeHandover(io, file, after, tenant, env, stringFlag(v, 'reports-dir'));
  // Before writing, prove the step synthesizes with every rule of both packs and that its change
  // applies in one step (the transition checks of compliance/deployability/transitions.ts).
  let refused: string[];
  try {
    // Only the tenant's stack: the platform stack reads no tenant, so no handover step changes it.
    refused = transitionOfEdit({ environmentsDir, stacks: [stack], file, newText: after });
  } catch (e) {
    io.err((e as Error).message);
    reportProblems(io, [`synthesis of ${stack} failed in step ${step}; ${displayPath(file)} was not changed`], '');
    return EXIT_FAILED;
  }
  if (refused.length > 0) {
    reportProblems(io, [...refused, `step ${step} cannot be applied in one step; ${displayPath(file)} was not changed`], '');
    return EXIT_FAILED;
  }

  // The release and its last step leave the customer a record (written before the tenant file, so a
  // failure leaves the file as it was).
  if (step === 'release' || step === 'relinquish') {
    const released = resolveTenant(environment.platform, { ...tenant, lifecycle: { state: 'handed-over', handover: { ...tenant.lifecycle.handover!, ...fields } } as typeof tenant.lifecycle }, tenant.sourceFile);
    const record = buildHandoverRecord(environment, released, beforeRelease(environment, released), generationMetadata(`npm run handover -- --phase ${step}`));
    const reportsDir = reportsDirFrom(stringFlag(v, 'reports-dir'));
    const base = `handover-${env}-${id}`;
    if (!writeReportPair(io, reportsDir, base, { md: renderHandoverRecord(record), json: `${JSON.stringify(record, null, 2)}\n` }, 'the handover record', 'Handover record (commit it with the tenant file):')) {
      return EXIT_FAILED;
    }
  }
  writeFileAtomic(file, after);
  io.out(
    [
      `Tenant "${id}" is in lifecycle state ${STEP_TRANSITIONS[step].to} (step ${step}); ${displayPath(file)} was updated and ${stack} synthesizes with every compliance rule and applies in one step (plan-check).`,
      step === 'prepare' || step === 'release' ? 'Next: commit the file and open a change request.' : 'Next: commit the file and open a change request. After merge CI deploys:',
      ...NEXT_STEPS[step](env, id, stack),
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
