/** Where the report scripts write: --out-dir, else reports/ of this repository. */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './synth';

export function reportsDirFrom(flag: string | undefined): string {
  return path.resolve(flag ?? path.join(REPO_ROOT, 'reports'));
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
}
