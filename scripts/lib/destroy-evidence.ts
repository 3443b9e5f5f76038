/**
 * The evidence of an offboarding destroy (DEL-1, DPA 10.4): what the CI destroy job destroyed and
 * when, recorded by `npm run record-destroy` from the job's own Terraform output and run metadata,
 * and read by `npm run offboard -- --certificate --evidence <file>`. The day of deletion in a
 * certificate comes from here, never from a date typed in.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';

export const EVIDENCE_KIND = 'terraform-destroy';
export const EVIDENCE_VERSION = 1;

/** A UTC timestamp as the job writes it: `date -u +%Y-%m-%dT%H:%M:%SZ`. */
export const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export const DestroyEvidenceSchema = z
  .object({
    kind: z.literal(EVIDENCE_KIND),
    version: z.literal(EVIDENCE_VERSION),
    environment: z.string().min(1),
    stack: z.string().min(1),
    tenant: z.string().min(1),
    run: z.object({
      repository: z.string().min(1),
      id: z.string().regex(/^\d+$/),
      attempt: z.string().regex(/^\d+$/),
      url: z.string().min(1),
    }),
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    started: z.string().regex(UTC_TIMESTAMP),
    finished: z.string().regex(UTC_TIMESTAMP),
    exitCode: z.number().int().min(0).max(255),
    /** Resource addresses in the state before the destroy (`terraform show -json`), when recorded. */
    stateBefore: z.array(z.string()).nullable(),
    /** Every resource the destroy output reports as destroyed, with the time Terraform took. */
    destroyed: z.array(z.object({ address: z.string(), after: z.string() })),
    /**
     * Terraform's closing line, "Destroy complete! Resources: 41 destroyed." (or, applying a destroy
     * plan, "Apply complete! Resources: 0 added, 0 changed, 41 destroyed."); null when absent.
     */
    summary: z.string().nullable(),
    terraformLog: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), lines: z.number().int().min(0), text: z.string() }),
  })
  .strict();

export type DestroyEvidence = z.infer<typeof DestroyEvidenceSchema>;

/** What a certificate cites of the evidence it was computed from. */
export interface EvidenceCitation {
  /** The evidence file, relative to the repository when it lies inside it. */
  readonly file: string;
  readonly sha256: string;
  readonly run: DestroyEvidence['run'];
  readonly commit: string;
  readonly started: string;
  readonly finished: string;
  readonly destroyedCount: number;
  readonly summary: string | null;
}

/** ANSI colour codes, in case the log was written without -no-color. */
const ANSI = /\u001b\[[0-9;]*m/g;

/** The resources a `terraform destroy` output reports destroyed, and its closing line. */
export function parseDestroyLog(text: string): { destroyed: Array<{ address: string; after: string }>; summary: string | null } {
  const destroyed: Array<{ address: string; after: string }> = [];
  let summary: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(ANSI, '').trim();
    // terraform/internal/command/views/hook_ui.go: "<addr>: Destruction complete after <duration>"
    // (newer versions may append " [id=...]").
    const done = /^(.+?): Destruction complete after (\S+)(?: \[.*\])?$/.exec(line);
    if (done) destroyed.push({ address: done[1], after: done[2] });
    // `terraform destroy`, or `terraform apply` of a `plan -destroy` (the canary's teardown).
    if (/^Destroy complete! Resources: \d+ destroyed\.$/.test(line) || /^Apply complete! Resources: 0 added, 0 changed, \d+ destroyed\.$/.test(line)) summary = line;
  }
  return { destroyed, summary };
}

/** Resource addresses of a `terraform show -json` document (root and child modules). */
export function stateAddresses(show: unknown): string[] {
  const out: string[] = [];
  const walk = (module: unknown) => {
    if (!module || typeof module !== 'object') return;
    const m = module as { resources?: Array<{ address?: unknown; mode?: unknown }>; child_modules?: unknown[] };
    for (const r of m.resources ?? []) if (typeof r.address === 'string' && r.mode !== 'data') out.push(r.address);
    for (const c of m.child_modules ?? []) walk(c);
  };
  const values = (show as { values?: { root_module?: unknown } } | null)?.values;
  walk(values?.root_module);
  return out.sort();
}

export function sha256Of(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The evidence file of one destroy run: evidence/<env>/destroy-<stack>-<run id>-<attempt>.json. */
export function evidencePath(evidenceDir: string, env: string, stack: string, runId: string, attempt: string): string {
  return path.join(evidenceDir, env, `destroy-${stack}-${runId}-${attempt}.json`);
}

export function renderEvidenceJson(e: DestroyEvidence): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}

/** What the certificate needs from the evidence it is given: which tenant, stack and environment. */
export interface EvidenceExpectation {
  readonly flag: string;
  readonly environment: string;
  readonly stack: string;
  readonly tenant: string;
  /** The deletion request: a destroy before it cannot be this offboarding's. */
  readonly requested: string;
}

/**
 * Reads and checks an evidence file against the offboarding it is to prove. Returns the evidence
 * and its citation, or the problems, each naming the flag, the field and what to do.
 */
export function readDestroyEvidence(
  file: string,
  expect: EvidenceExpectation,
  shownPath: string,
): { evidence: DestroyEvidence; sha256: string } | { problems: string[] } {
  const where = `--${expect.flag} ${shownPath}`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [`${where}: cannot read the evidence file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the file npm run record-destroy wrote in the destroy job`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { problems: [`${where}: not JSON (${(e as Error).message}); give the file npm run record-destroy wrote`] };
  }
  const parsed = DestroyEvidenceSchema.safeParse(json);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map(
        (i) => `${where}: field ${i.path.join('.') || '(top level)'}: ${i.message}; this is not destroy evidence written by npm run record-destroy`,
      ),
    };
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.environment !== expect.environment)
    problems.push(`${where}: field environment is ${JSON.stringify(e.environment)}, not ${JSON.stringify(expect.environment)}; give the evidence of this environment's destroy`);
  if (e.stack !== expect.stack) problems.push(`${where}: field stack is ${JSON.stringify(e.stack)}, not ${JSON.stringify(expect.stack)}; give the evidence of the destroy of ${expect.stack}`);
  if (e.tenant !== expect.tenant) problems.push(`${where}: field tenant is ${JSON.stringify(e.tenant)}, not ${JSON.stringify(expect.tenant)}; this evidence belongs to another tenant`);
  if (e.exitCode !== 0)
    problems.push(`${where}: field exitCode is ${e.exitCode}: that destroy failed, so it deleted nothing certain; fix the failure, run the destroy job again and certify its evidence`);
  else if (e.summary === null)
    problems.push(`${where}: field summary is null: the Terraform output has no "Destroy complete!" line, so the destroy is not shown to have finished; run the destroy job again`);
  if (e.finished < e.started) problems.push(`${where}: field finished (${e.finished}) is before started (${e.started})`);
  if (e.finished.slice(0, 10) < expect.requested)
    problems.push(`${where}: field finished is ${e.finished}, before the deletion request of ${expect.requested}; this destroy is not this offboarding's`);
  if (problems.length > 0) return { problems };
  return { evidence: e, sha256: sha256Of(text) };
}

export function citationOf(evidence: DestroyEvidence, file: string, sha256: string): EvidenceCitation {
  return {
    file,
    sha256,
    run: evidence.run,
    commit: evidence.commit,
    started: evidence.started,
    finished: evidence.finished,
    destroyedCount: evidence.destroyed.length,
    summary: evidence.summary,
  };
}
