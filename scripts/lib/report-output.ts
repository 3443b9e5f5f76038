/** Where the report scripts write: --out-dir, else reports/ of this repository; a report is a .md and .json pair. */
import * as fs from 'fs';
import * as path from 'path';
import { writeFilesAtomic } from './atomic-write';
import { reportProblems, type Io } from './cli';
import { displayPath } from './paths';
import { REPO_ROOT } from './synth';

export function reportsDirFrom(flag: string | undefined): string {
  return path.resolve(flag ?? path.join(REPO_ROOT, 'reports'));
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}

/**
 * Writes `<outDir>/<baseName>.md` and `.json` (both or neither), then prints `summary` and their
 * paths. On failure prints one `error:` line naming `what` ("the report") and returns false.
 */
export function writeReportPair(
  io: Io,
  outDir: string,
  baseName: string,
  data: { readonly md: string; readonly json: string },
  what: string,
  summary: string,
): boolean {
  const md = path.join(outDir, `${baseName}.md`);
  const json = path.join(outDir, `${baseName}.json`);
  try {
    ensureDir(outDir);
    writeFilesAtomic([
      { path: md, data: data.md },
      { path: json, data: data.json },
    ]);
  } catch (e) {
    reportProblems(io, [`cannot write ${what}: ${(e as Error).message}`]);
    return false;
  }
  io.out(summary);
  io.out(`  ${displayPath(md)}\n  ${displayPath(json)}`);
  return true;
}
