/**
 * The lifecycle scripts run the transition checks on their own change: a refused change exits 1 and
 * leaves the tenant file as it was; a passing one is written. (The transition is injected here; the
 * default, transitionOfEdit, synthesizes the stacks before and after the edit.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { main as offboardMain, type OffboardOptions } from '../../scripts/offboard';
import { copyEnvironment } from '../support/temp-environment';
import { runInProcess } from '../scripts/cli-harness';

const ID = 'brightwave-leisure';

describe('offboard --requested checks its own transition', () => {
  let envs: ReturnType<typeof copyEnvironment>;
  let file: string;
  beforeEach(() => {
    envs = copyEnvironment();
    file = path.join(envs.envDir, 'tenants', `${ID}.yaml`);
  });
  afterEach(() => envs.remove());

  const run = (transitionOf: NonNullable<OffboardOptions['transitionOf']>) =>
    runInProcess((a, io) => offboardMain(a, { io, transitionOf }), ['--env', 'example', '--tenant', ID, '--requested', '2025-01-10', '--environments-dir', envs.dir]);

  it('refuses (exit 1, file unchanged) when the change would remove something protected', () => {
    const before = fs.readFileSync(file, 'utf8');
    const seen: { stacks: readonly string[]; newText: string }[] = [];
    const r = run((request) => {
      seen.push(request);
      return ['[tenant-example-brightwave-leisure] google_secret_manager_secret.x breaks DEP-REMOVE-PROTECTED (src): leaves ... Fix: retire first.'];
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('breaks DEP-REMOVE-PROTECTED');
    expect(r.stderr).toContain('cannot be applied in one step');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(seen[0].stacks).toEqual(['tenant-example-brightwave-leisure', 'platform-example']);
    expect(seen[0].newText).toContain('state: offboarding');
  });

  it('writes the request when the transition passes', () => {
    const r = run(() => []);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('state: offboarding');
  });
});
