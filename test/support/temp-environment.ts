/** Temporary copies of the fixture environment, so tests can break config without touching the repo. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURE_ENV, FIXTURE_ENVIRONMENTS_DIR } from './fixture-synthesis';

export interface TempEnvironments {
  /** The temporary environments/ folder. */
  readonly dir: string;
  /** The copied environment's folder. */
  readonly envDir: string;
  remove(): void;
}

/** Copies test/fixtures/environments/fixture into a new temporary environments/ folder. */
export function copyEnvironment(): TempEnvironments {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-envs-'));
  const envDir = path.join(dir, FIXTURE_ENV);
  fs.cpSync(path.join(FIXTURE_ENVIRONMENTS_DIR, FIXTURE_ENV), envDir, { recursive: true });
  return { dir, envDir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
