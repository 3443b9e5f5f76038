/** Temporary copies of an environment folder, so tests can break config without touching the repo. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS_DIR } from './synth';

export interface TempEnvironments {
  /** The temporary environments/ folder. */
  readonly dir: string;
  /** The copied environment's folder. */
  readonly envDir: string;
  remove(): void;
}

/** Copies environments/<env> into a new temporary environments/ folder. */
export function copyEnvironment(env = 'example'): TempEnvironments {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-envs-'));
  const envDir = path.join(dir, env);
  fs.cpSync(path.join(ENVIRONMENTS_DIR, env), envDir, { recursive: true });
  return { dir, envDir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
