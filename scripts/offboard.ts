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
import { tenantStackName } from '../config/naming';
import { isoDate } from '../config/schema';
import { deletionDeadline } from '../policy/dpa';
import type { SynthesizedStack } from '../compliance/synthesized-stack';
import { writeFileAtomic, writeFilesAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import {
  buildDeletionCertificate,
  renderCertificateHtml,
  renderCertificateJson,
  renderCertificateMarkdown,
  todayUtc,
  type DeletionCertificate,
} from './lib/deletion-certificate';
import { existingTenantFile, loadExistingTenant } from './lib/tenant-target';
import { OFFBOARD_SPEC, offboardingRefusal, withOffboardingRequested, withRemovalConfirmed } from './lib/offboarding';
import { tenantTextProblems } from './lib/tenant-file';
import { REPO_ROOT, displayPath, environmentsDirFrom } from './lib/paths';
import { generationMetadata } from './lib/report-output';
import { citationOf, readDestroyEvidence } from './lib/destroy-evidence';
import { environmentEvidenceDir, evidenceDirFrom } from './lib/evidence-dir';
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
  /** The certificate's generation time; default $SOURCE_DATE_EPOCH, else now. */
  readonly now?: Date;
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

/** The certificate's files in one environment's evidence folder (evidence/<env>/). */
export function certificatePaths(dir: string, env: string, id: string): { md: string; json: string; html: string } {
  const base = path.join(dir, `deletion-${env}-${id}`);
  return { md: `${base}.md`, json: `${base}.json`, html: `${base}.html` };
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
  if (v.deployed !== undefined)
    problems.push(
      '--deployed: removed; the day of deletion is taken from the evidence of the destroy, not typed in: --certificate --evidence <file written by npm run record-destroy>',
    );
  if (v.evidence !== undefined && mode !== 'certificate') problems.push('--evidence belongs to --certificate');

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
  const evidenceDir = evidenceDirFrom(stringFlag(v, 'evidence-dir'));
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
      evidenceDir,
      stackName,
      evidenceFile: stringFlag(v, 'evidence'),
      synthesizeStack: options.synthesizeStack ?? synthesizeStackToTemp,
      now: options.now,
    });
  }
  return confirmRemoval(io, file!, tenant, env, environmentEvidenceDir(evidenceDir, env), stackName);
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
    // Only the tenant's stack: the platform stack reads no tenant, so offboarding cannot change it.
    refused = check.transitionOf({ environmentsDir: check.environmentsDir, stacks: [stackName], file, newText: after });
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
      `     The destroy job records what it destroyed and when (npm run record-destroy) and issues the certificate from that`,
      `     evidence; it is never held back by the date: a late deletion is certified as late, with the breach stated.`,
      `  2. Commit the evidence and the certificate the job uploads (evidence/${env}/), or issue the certificate yourself:`,
      `       npm run offboard -- --env ${env} --tenant ${tenant.id} --certificate --evidence evidence/${env}/destroy-${stackName}-<run>-<attempt>.json`,
      `  3. npm run offboard -- --env ${env} --tenant ${tenant.id} --confirm-removed`,
    ].join('\n'),
  );
  return EXIT_OK;
}

interface CertificateRequest {
  readonly env: string;
  readonly tenant: ResolvedTenant;
  readonly environmentsDir: string;
  readonly evidenceDir: string;
  readonly stackName: string;
  /** --evidence: the destroy evidence file; undefined when not given. */
  readonly evidenceFile: string | undefined;
  readonly synthesizeStack: NonNullable<OffboardOptions['synthesizeStack']>;
  readonly now?: Date;
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
  if (r.evidenceFile === undefined) {
    problems.push(
      `--evidence: missing; a certificate is issued only from the evidence of the destroy (evidence/${r.env}/destroy-${r.stackName}-<run>-<attempt>.json, written by npm run record-destroy in the destroy job)`,
    );
  }
  if (problems.length > 0 || !offboarding || r.evidenceFile === undefined) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }
  const evidenceFile = path.resolve(r.evidenceFile);
  const read = readDestroyEvidence(
    evidenceFile,
    { flag: 'evidence', environment: r.env, stack: r.stackName, tenant: tenant.id, requested: offboarding.requested },
    displayPath(evidenceFile),
  );
  if ('problems' in read) {
    reportProblems(io, read.problems, 'No certificate was written.');
    return EXIT_USAGE;
  }
  const { evidence } = read;
  const deployed = evidence.finished.slice(0, 10);
  const generated = generationMetadata(`npm run offboard -- --env ${r.env} --tenant ${tenant.id} --certificate`, { now: r.now });
  if (generated.generatedAt < evidence.finished) {
    // A certificate dated before the deletion it certifies would contradict itself.
    reportProblems(
      io,
      [`--evidence: the destroy finished ${evidence.finished}, after the certificate's generation time ${generated.generatedAt}; check the clock (and SOURCE_DATE_EPOCH, when set)`],
      'No certificate was written.',
    );
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
    deployed,
    evidence: {
      citation: citationOf(evidence, repositoryPath(evidenceFile), read.sha256),
      destroyed: evidence.destroyed.map((d) => d.address),
      stateBefore: evidence.stateBefore,
    },
    generated,
  });
  if (refusals.length > 0) {
    io.err(`The deletion certificate for "${tenant.id}" cannot be issued:`);
    reportProblems(io, refusals, 'No certificate was written.');
    return EXIT_FAILED;
  }
  const paths = certificatePaths(environmentEvidenceDir(r.evidenceDir, r.env), r.env, tenant.id);
  try {
    fs.mkdirSync(path.dirname(paths.json), { recursive: true });
    writeFilesAtomic([
      { path: paths.json, data: renderCertificateJson(certificate) },
      { path: paths.md, data: renderCertificateMarkdown(certificate) },
      { path: paths.html, data: renderCertificateHtml(certificate) },
    ]);
  } catch (e) {
    reportProblems(io, [`cannot write the certificate: ${(e as Error).message}`], 'No certificate was written.');
    return EXIT_FAILED;
  }
  const b = certificate.breach;
  const latest = certificate.latestCopies.customerData;
  io.out(
    [
      `Deletion certificate for "${tenant.id}" written:`,
      `  ${displayPath(paths.md)}`,
      `  ${displayPath(paths.json)}`,
      `  ${displayPath(paths.html)}`,
      `Requested ${certificate.requested}, deleted ${certificate.deployed} (destroy run ${evidence.run.url}), deadline ${certificate.deadline}; latest copy of Customer Data in live systems: ${
        latest ? `${latest.date} (${latest.address})` : 'none (no Customer Data store)'
      }.`,
      ...(b
        ? [
            '',
            `BREACH of DPA ${b.clauses.join(' and ')}: ${b.stores.length} store${b.stores.length === 1 ? '' : 's'} keep${b.stores.length === 1 ? 's' : ''} a copy past the limit${
              b.deletedDaysLate > 0 ? `; the destroy finished ${b.deletedDaysLate} day${b.deletedDaysLate === 1 ? '' : 's'} after the deadline` : ''
            }.`,
            `Notify the customer (${tenant.contacts.security}) without undue delay${b.notifyBy ? `, by ${b.notifyBy} UTC at the latest` : ''} (DPA 8.1, 8.2); the certificate lists the stores and what the notice must say.`,
          ]
        : []),
      '',
      'Keep it: the certificate and its evidence are records of the offboarding (DPA 10.4). Commit them with a change request:',
      `  git add ${displayPath(path.dirname(paths.json))} && git commit   (the destroy job also uploads them as a workflow artifact)`,
      `Next, in the same change: npm run offboard -- --env ${r.env} --tenant ${tenant.id} --confirm-removed`,
    ].join('\n'),
  );
  return EXIT_OK;
}

/** A file path relative to this repository when it lies inside it (as committed evidence is cited), else absolute. */
function repositoryPath(file: string): string {
  const rel = path.relative(REPO_ROOT, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

function confirmRemoval(io: Io, file: string, tenant: ResolvedTenant, env: string, certificateDir: string, stackName: string): number {
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
  const { json } = certificatePaths(certificateDir, env, tenant.id);
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
      `The file stays as the record of the offboarding; the certificate (${displayPath(json.replace(/\.json$/, '.md'))}) and the destroy evidence next to it are the proof of deletion (DPA 10.4): commit them in the same change.`,
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
