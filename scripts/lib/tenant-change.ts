/**
 * Applying an edit to an existing tenant file the way onboarding applies a new one: the new text is
 * written atomically, the tenant's stack is synthesized with the platform stack (every check wired
 * into synthesis runs, the DPA rule pack included), only the tenant's output is installed, and if
 * anything fails the file gets its old text back. Used by `npm run secrets` and `npm run feature`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { platformStackName, tenantStackName } from '../../config/naming';
import { writeFileAtomic } from './atomic-write';
import { EXIT_FAILED, EXIT_OK, reportProblems, type Io } from './cli';
import { displayPath, outdirFromEnv } from './paths';
import { installStack, makeStagingDir, synthesize } from './synth';

export interface TenantChange {
  readonly file: string;
  /** The file's text as read before the edit; the write is refused if the file changed meanwhile. */
  readonly before: string;
  readonly after: string;
  readonly environmentsDir: string;
  readonly env: string;
  readonly tenantId: string;
  /** The npm script, for messages. */
  readonly command: string;
}

/** Writes, synthesizes and installs; returns EXIT_OK with `stackOutput` set, or an exit code after printing why. */
export function applyTenantChange(io: Io, change: TenantChange): { exitCode: number; stackOutput?: string } {
  const { file, before, after, environmentsDir, env, tenantId } = change;
  const stack = tenantStackName(env, tenantId);
  const platform = platformStackName(env);
  if (fs.readFileSync(file, 'utf8') !== before) {
    reportProblems(io, [`${displayPath(file)} changed while ${change.command} ran; run it again`]);
    return { exitCode: EXIT_FAILED };
  }
  try {
    writeFileAtomic(file, after);
  } catch (e) {
    reportProblems(io, [`cannot write ${displayPath(file)}: ${(e as Error).message}`]);
    return { exitCode: EXIT_FAILED };
  }
  // From here on every failure puts the old text back (if the file is still ours).
  const undo = () => {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === after) writeFileAtomic(file, before);
  };
  const rolledBack = `${displayPath(file)} was restored; nothing was changed.`;
  const outdir = outdirFromEnv();
  const outdirExisted = fs.existsSync(outdir);
  let staging: string | undefined;
  let installed = false;
  try {
    staging = makeStagingDir(outdir, change.command);
    const result = synthesize({ stacks: [stack, platform], environmentsDir, outdir: staging });
    if (!result.ok) {
      undo();
      io.err(result.output);
      reportProblems(io, [`synthesis of ${stack} and ${platform} failed (output above)`], rolledBack);
      return { exitCode: EXIT_FAILED };
    }
    installStack(staging, outdir, stack);
    installed = true;
  } catch (e) {
    undo();
    reportProblems(io, [(e as Error).message], rolledBack);
    return { exitCode: EXIT_FAILED };
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    if (!installed && !outdirExisted && fs.existsSync(outdir) && fs.readdirSync(outdir).length === 0) fs.rmdirSync(outdir);
  }
  return { exitCode: EXIT_OK, stackOutput: displayPath(path.join(outdir, 'stacks', stack, 'cdk.tf.json')) };
}

/** The closest of `candidates` to `word` when it is a likely typo (edit distance at most a third of its length). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance > 0 && best.distance <= Math.max(2, Math.floor(word.length / 3)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** ` (did you mean "x"?)` or nothing. */
export function suggestion(word: string, candidates: readonly string[]): string {
  const s = didYouMean(word, candidates);
  return s ? ` (did you mean ${JSON.stringify(s)}?)` : '';
}
