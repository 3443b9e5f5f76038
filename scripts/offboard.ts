/**
 * `npm run offboard`: deletes a tenant's data within the DPA's 14 days and proves it (see `--help`
 * and docs/tenant-lifecycle.md). A thin command line over scripts/lib/offboarding.ts,
 * scripts/lib/deletion-certificate.ts and compliance/deletion-horizon.ts.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ResolvedTenant } from '../config/loader';
import { platformStackName, tenantStackName } from '../config/naming';
import { isoDate } from '../config/schema';
import { deletionDeadline } from '../policy/dpa';
import type { SynthesizedStack } from '../compliance/synthesized-stack';
import { writeFileAtomic, writeFilesAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import {
  buildDeletionCertificate,
  renderCertificateJson,
  renderCertificateMarkdown,
  todayUtc,
  type DeletionCertificate,
} from './lib/deletion-certificate';
import { existingTenantFile, loadExistingTenant } from './lib/tenant-target';
import { OFFBOARD_SPEC, offboardingRefusal, withOffboardingRequested, withRemovalConfirmed } from './lib/offboarding';
import { tenantTextProblems } from './lib/tenant-file';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { reportsDirFrom } from './lib/report-output';
import { readSynthesizedStack, synthesize } from './lib/synth';
import { transitionOfEdit } from './plan-check';

export interface OffboardOptions {
  readonly io?: Io;
  /**
   * How the certificate obtains the tenant's synthesized stack. Default: synthesize it with main.ts
   * into a temporary folder. Tests replace it to certify a stack built in memory.
   */
  readonly synthesizeStack?: (request: { environmentsDir: string; stackName: string }) => { stack: SynthesizedStack; text: string };
  /**
   * The transition problems of the --requested edit (plan-check on the script's own change). Default:
   * transitionOfEdit, which synthesizes the stacks before and after the edit.
   */
  readonly transitionOf?: typeof transitionOfEdit;
}

/** Synthesizes one stack into a temporary folder (removed again) and reads it. */
export function synthesizeStackToTemp(request: { environmentsDir: string; stackName: string }): { stack: SynthesizedStack; text: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-offboard-'));
  try {
    const result = synthesize({ stacks: [request.stackName], environmentsDir: request.environmentsDir, outdir });
    if (!result.ok) throw new Error(`synthesis of ${request.stackName} failed:\n${result.output}`);
    return readSynthesizedStack(outdir, request.stackName);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function certificatePaths(reportsDir: string, env: string, id: string): { md: string; json: string } {
  const base = path.join(reportsDir, `deletion-${env}-${id}`);
  return { md: `${base}.md`, json: `${base}.json` };
}

/** A date flag's problem, or undefined when it is a real date no later than today. */
function dateProblem(flag: string, value: string, today: string): string | undefined {
  const parsed = isoDate.safeParse(value);
  if (!parsed.success) return `--${flag}: ${parsed.error.issues[0].message}; got ${JSON.stringify(value)}`;
  if (value > today) return `--${flag}: ${value} is in the future (today is ${today}, UTC)`;
  return undefined;
}

export function main(argv: readonly string[], options: OffboardOptions = {}): number {
  const io = options.io ?? processIo;
  const commandLine = readCommandLine(argv, OFFBOARD_SPEC, io, 'offboard');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const problems: string[] = [];
  const modes = (['requested', 'certificate', 'confirm-removed'] as const).filter((m) => v[m] !== undefined);
  if (modes.length !== 1) {
    problems.push(
      modes.length === 0
        ? 'choose one step: --requested <YYYY-MM-DD>, --certificate or --confirm-removed'
        : `${modes.map((m) => `--${m}`).join(' and ')} cannot be combined; choose one step`,
    );
  }
  const mode = modes[0];
  if (v.deployed !== undefined && mode !== 'certificate') problems.push('--deployed belongs to --certificate');

  const environmentsDir = environmentsDirFrom(stringFlag(v, 'environments-dir'));
  const env = stringFlag(v, 'env')!;
  const id = stringFlag(v, 'tenant')!;
  const { file, problems: targetProblems } = existingTenantFile(environmentsDir, env, id);
  problems.push(...targetProblems);
  if (problems.length > 0) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }

  const tenant = loadExistingTenant(io, environmentsDir, env, id);
  if (!tenant) return EXIT_USAGE;
  const reportsDir = reportsDirFrom(stringFlag(v, 'reports-dir'));
  const today = todayUtc();
  const stackName = tenantStackName(env, id);

  if (mode === 'requested') {
    return requestOffboarding(io, file!, tenant, env, stringFlag(v, 'requested')!, today, stackName, {
      environmentsDir,
      transitionOf: options.transitionOf ?? transitionOfEdit,
    });
  }
  if (mode === 'certificate') {
    return writeCertificate(io, {
      env,
      tenant,
      environmentsDir,
      reportsDir,
      stackName,
      deployed: stringFlag(v, 'deployed') ?? today,
      today,
      synthesizeStack: options.synthesizeStack ?? synthesizeStackToTemp,
    });
  }
  return confirmRemoval(io, file!, tenant, env, reportsDir, stackName);
}

function requestOffboarding(
  io: Io,
  file: string,
  tenant: ResolvedTenant,
  env: string,
  requested: string,
  today: string,
  stackName: string,
  check: { environmentsDir: string; transitionOf: typeof transitionOfEdit },
): number {
  const problems: string[] = [];
  const bad = dateProblem('requested', requested, today);
  if (bad) problems.push(bad);
  const refusal = offboardingRefusal(tenant.lifecycle.state, tenant.id);
  if (refusal) problems.push(`--requested: ${refusal}`);
  if (problems.length > 0) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }
  const before = fs.readFileSync(file, 'utf8');
  const after = withOffboardingRequested(before, requested);
  const invalid = tenantTextProblems(after, file);
  if (invalid.length > 0) {
    reportProblems(io, invalid.map((p) => (p.startsWith('lifecycle.offboarding.requested') ? `--requested: ${p}` : `${displayPath(file)}: ${p}`)));
    return EXIT_USAGE;
  }
  // The request's deploy must apply in one step: it lifts protection and removes nothing protected.
  let refused: string[];
  try {
    refused = check.transitionOf({ environmentsDir: check.environmentsDir, stacks: [stackName, platformStackName(env)], file, newText: after });
  } catch (e) {
    reportProblems(io, [(e as Error).message]);
    return EXIT_FAILED;
  }
  if (refused.length > 0) {
    reportProblems(io, [...refused, `the offboarding deploy of ${stackName} cannot be applied in one step`]);
    return EXIT_FAILED;
  }
  writeFileAtomic(file, after);
  const deadline = deletionDeadline(requested);
  io.out(
    [
      `Tenant "${tenant.id}" is now offboarding (requested ${requested}); ${displayPath(file)} was updated.`,
      `Customer Data must be gone by ${deadline} (DPA 10.1).${deadline < today ? ' That date has passed: deploy and destroy now.' : ''}`,
      '',
      'Next:',
      `  1. Commit the file. CI deploys the change (lifting delete protection, project deletion policy DELETE):`,
      `       npx cdktf deploy ${stackName}`,
      `     and then destroys the stack, deleting the data stores first and shutting the project down last:`,
      `       npx cdktf destroy ${stackName}`,
      `  2. npm run offboard -- --env ${env} --tenant ${tenant.id} --certificate --deployed <day of the destroy>`,
    ].join('\n'),
  );
  return EXIT_OK;
}

interface CertificateRequest {
  readonly env: string;
  readonly tenant: ResolvedTenant;
  readonly environmentsDir: string;
  readonly reportsDir: string;
  readonly stackName: string;
  readonly deployed: string;
  readonly today: string;
  readonly synthesizeStack: NonNullable<OffboardOptions['synthesizeStack']>;
}

function writeCertificate(io: Io, r: CertificateRequest): number {
  const { tenant } = r;
  const offboarding = tenant.lifecycle.offboarding;
  const problems: string[] = [];
  if (tenant.lifecycle.state !== 'offboarding' || !offboarding) {
    problems.push(`--certificate: tenant "${tenant.id}" is in lifecycle state ${tenant.lifecycle.state}, not offboarding; start with --requested <YYYY-MM-DD>`);
  } else if (offboarding.removalConfirmed) {
    problems.push(`--certificate: the removal of tenant "${tenant.id}" is already confirmed, so its stack is no longer synthesized; the certificate is issued before --confirm-removed`);
  }
  const bad = dateProblem('deployed', r.deployed, r.today);
  if (bad) problems.push(bad);
  else if (offboarding && r.deployed < offboarding.requested) {
    problems.push(`--deployed: ${r.deployed} is before the deletion request of ${offboarding.requested}; give the day the offboarding destroy ran`);
  }
  if (problems.length > 0 || !offboarding) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }

  let synthesized: { stack: SynthesizedStack; text: string };
  try {
    synthesized = r.synthesizeStack({ environmentsDir: r.environmentsDir, stackName: r.stackName });
  } catch (e) {
    reportProblems(io, [(e as Error).message]);
    return EXIT_FAILED;
  }
  const { certificate, problems: refusals } = buildDeletionCertificate({
    environment: r.env,
    tenant,
    stack: synthesized.stack,
    stackSha256: crypto.createHash('sha256').update(synthesized.text).digest('hex'),
    requested: offboarding.requested,
    deployed: r.deployed,
  });
  if (refusals.length > 0) {
    io.err(`The deletion certificate for "${tenant.id}" cannot be issued:`);
    reportProblems(io, refusals, 'No certificate was written.');
    return EXIT_FAILED;
  }
  const paths = certificatePaths(r.reportsDir, r.env, tenant.id);
  try {
    fs.mkdirSync(r.reportsDir, { recursive: true });
    writeFilesAtomic([
      { path: paths.json, data: renderCertificateJson(certificate) },
      { path: paths.md, data: renderCertificateMarkdown(certificate) },
    ]);
  } catch (e) {
    reportProblems(io, [`cannot write the certificate: ${(e as Error).message}`], 'No certificate was written.');
    return EXIT_FAILED;
  }
  io.out(
    [
      `Deletion certificate for "${tenant.id}" written:`,
      `  ${displayPath(paths.md)}`,
      `  ${displayPath(paths.json)}`,
      `Requested ${certificate.requested}, deleted ${certificate.deployed}, deadline ${certificate.deadline}; latest copy of Customer Data in live systems: ${
        certificate.latestCustomerDataCopy ?? 'none (no Customer Data store)'
      }.`,
      '',
      `Next: npm run offboard -- --env ${r.env} --tenant ${tenant.id} --confirm-removed`,
    ].join('\n'),
  );
  return EXIT_OK;
}

function confirmRemoval(io: Io, file: string, tenant: ResolvedTenant, env: string, reportsDir: string, stackName: string): number {
  const offboarding = tenant.lifecycle.offboarding;
  if (tenant.lifecycle.state !== 'offboarding' || !offboarding) {
    reportProblems(io, [`--confirm-removed: tenant "${tenant.id}" is in lifecycle state ${tenant.lifecycle.state}, not offboarding; start with --requested <YYYY-MM-DD>`]);
    return EXIT_USAGE;
  }
  if (offboarding.removalConfirmed) {
    reportProblems(io, [`--confirm-removed: the removal of tenant "${tenant.id}" is already confirmed`]);
    return EXIT_USAGE;
  }
  // Confirming before the stack is destroyed would orphan live resources: demand the certificate.
  const { json } = certificatePaths(reportsDir, env, tenant.id);
  let certificate: Partial<DeletionCertificate> | undefined;
  try {
    certificate = JSON.parse(fs.readFileSync(json, 'utf8')) as Partial<DeletionCertificate>;
  } catch {
    certificate = undefined;
  }
  if (!certificate || certificate.environment !== env || certificate.tenant?.id !== tenant.id || certificate.requested !== offboarding.requested) {
    reportProblems(io, [
      `--confirm-removed: no deletion certificate for this offboarding (requested ${offboarding.requested}) at ${displayPath(json)}; after the destroy, run --certificate first`,
    ]);
    return EXIT_USAGE;
  }
  const after = withRemovalConfirmed(fs.readFileSync(file, 'utf8'));
  const invalid = tenantTextProblems(after, file);
  if (invalid.length > 0) {
    reportProblems(io, invalid.map((p) => `${displayPath(file)}: ${p}`));
    return EXIT_USAGE;
  }
  writeFileAtomic(file, after);
  io.out(
    [
      `Removal of tenant "${tenant.id}" confirmed in ${displayPath(file)}; npm run synth no longer produces ${stackName}.`,
      'The file stays as the record of the offboarding; the certificate is the proof of deletion (DPA 10.4).',
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
