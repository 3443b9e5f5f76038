/**
 * Where the report scripts write (--out-dir, else reports/ of this repository; a report is a .md,
 * .json and, for the compliance report, .html set) and what every report states about its own
 * generation: the time, the commit and the tool version (compliance/report/generation.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { GenerationMetadata } from '../../compliance/report/generation';
import { writeFilesAtomic } from './atomic-write';
import { reportProblems, type Io } from './cli';
import { displayPath } from './paths';
import { REPO_ROOT } from './paths';

export function reportsDirFrom(flag: string | undefined): string {
  return path.resolve(flag ?? path.join(REPO_ROOT, 'reports'));
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

export interface GenerationOptions {
  /** The clock; default $SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention) when set, else now. */
  readonly now?: Date;
  /** The checkout to describe; default this repository. */
  readonly repoRoot?: string;
}

/** The generation time: `now`, else $SOURCE_DATE_EPOCH, else the current time; UTC to the second. */
export function generationTime(now?: Date): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  let date = now;
  if (!date && epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH: ${JSON.stringify(epoch)} is not a number of seconds since 1970-01-01 UTC`);
    date = new Date(Number(epoch) * 1000);
  }
  return (date ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function git(repoRoot: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim() };
}

/** What a report says of its own generation: when, from which commit, with which tool. */
export function generationMetadata(command: string, options: GenerationOptions = {}): GenerationMetadata {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const head = git(repoRoot, ['rev-parse', '--verify', 'HEAD']);
  const inside = git(repoRoot, ['rev-parse', '--is-inside-work-tree']);
  const commit = head.ok && inside.ok && inside.out === 'true' && /^[0-9a-f]{40}$/.test(head.out) ? head.out : null;
  // evidence/ is excluded: the destroy job writes its evidence there just before the certificate.
  const status = commit ? git(repoRoot, ['status', '--porcelain', '--', '.', ':(exclude)evidence']) : { ok: true, out: '' };
  return {
    generatedAt: generationTime(options.now),
    commit,
    uncommittedChanges: commit !== null && (!status.ok || status.out !== ''),
    tool: `${pkg.name}@${pkg.version}`,
    command,
  };
}

/**
 * Writes `<outDir>/<baseName>.md` and `.json`, and `.html` when given (all or none), then prints
 * `summary` and their paths. On failure prints one `error:` line naming `what` ("the report") and
 * returns false.
 */
export function writeReportPair(
  io: Io,
  outDir: string,
  baseName: string,
  data: { readonly md: string; readonly json: string; readonly html?: string },
  what: string,
  summary: string,
): boolean {
  const files = [
    { path: path.join(outDir, `${baseName}.md`), data: data.md },
    { path: path.join(outDir, `${baseName}.json`), data: data.json },
    ...(data.html !== undefined ? [{ path: path.join(outDir, `${baseName}.html`), data: data.html }] : []),
  ];
  try {
    ensureDir(outDir);
    writeFilesAtomic(files);
  } catch (e) {
    reportProblems(io, [`cannot write ${what}: ${(e as Error).message}`]);
    return false;
  }
  io.out(summary);
  io.out(files.map((f) => `  ${displayPath(f.path)}`).join('\n'));
  return true;
}
