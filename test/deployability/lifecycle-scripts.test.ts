/**
 * The lifecycle scripts run the transition checks on their own change: a refused change exits 1 and
 * leaves the tenant file as it was; a passing one is written. (The check is injected here to force a
 * refusal; by default the scripts synthesize the stacks before and after the edit and compare them.
 * The last block runs the real check on a one-step removal.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { RETIRE_FIX } from '../../compliance/deployability/transitions';
import { main as featureMain } from '../../scripts/feature';
import type { TransitionCheck } from '../../scripts/lib/tenant-change';
import { main as offboardMain, type OffboardOptions } from '../../scripts/offboard';
import { main as onboardMain } from '../../scripts/onboard';
import { transitionOfEdit } from '../../scripts/plan-check';
import { main as secretsMain } from '../../scripts/secrets';
import { copyEnvironment } from '../support/temp-environment';
import { runInProcess, tempDir, treeHashes } from '../scripts/cli-harness';

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
    runInProcess((a, io) => offboardMain(a, { io, transitionOf }), ['--env', 'fixture', '--tenant', ID, '--requested', '2025-01-10', '--environments-dir', envs.dir]);

  it('refuses (exit 1, file unchanged) when the change would remove something protected', () => {
    const before = fs.readFileSync(file, 'utf8');
    const seen: { stacks: readonly string[]; newText: string }[] = [];
    const r = run((request) => {
      seen.push(request);
      return ['[tenant-fixture-brightwave-leisure] google_secret_manager_secret.x breaks DEP-REMOVE-PROTECTED (src): leaves ... Fix: retire first.'];
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('breaks DEP-REMOVE-PROTECTED');
    expect(r.stderr).toContain('cannot be applied in one step');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(seen[0].stacks).toEqual(['tenant-fixture-brightwave-leisure']);
    expect(seen[0].newText).toContain('state: offboarding');
  });

  it('writes the request when the transition passes', () => {
    const r = run(() => []);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('state: offboarding');
  });
});

/**
 * Onboarding, `secrets --record` and `feature --retire/--remove` check the transition of their own
 * change before writing anything: the tenant's stack synthesized before (for onboarding: none) and
 * after the edit is handed to the check. The platform stack reads no tenant, so it is not compared. A refusal exits 1, prints the problems and
 * leaves the environment folder and the output folder byte-identical.
 */
describe('onboard, secrets --record and feature check their own transition before writing', () => {
  const REFUSAL = '[tenant-fixture-x] google_cloud_run_v2_service.relay breaks DEP-REMOVE-PROTECTED (src): leaves the configuration ... Fix: retire the feature first.';
  let envs: ReturnType<typeof copyEnvironment>;
  let out: ReturnType<typeof tempDir>;
  beforeEach(() => {
    envs = copyEnvironment();
    out = tempDir('ss-lifecycle-out-');
  });
  afterEach(() => {
    envs.remove();
    out.remove();
  });

  type Seen = { before: string[]; after: string[] };
  /** A check that records the stacks it was given and refuses (or passes with `refuse` false). */
  const checker = (seen: Seen[], refuse = true): TransitionCheck => (before, after) => {
    seen.push({ before: [...before.keys()].sort(), after: [...after.keys()].sort() });
    return refuse ? [REFUSAL] : [];
  };
  const withOutdir = <T>(f: () => T): T => {
    const saved = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = path.join(out.dir, 'cdktf.out');
    try {
      return f();
    } finally {
      if (saved === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = saved;
    }
  };
  const expectRefused = (r: ReturnType<typeof runInProcess>, before: Map<string, string>, file: string) => {
    expect(r.code).toBe(1);
    expect(r.errors[0]).toBe(`error: ${REFUSAL}`);
    expect(r.errors[1]).toMatch(/^error: this change to tenant-fixture-[a-z-]+ cannot be applied in one step \(npm run plan-check\)$/);
    expect(r.stderr).toContain(`Nothing was written; ${file}`);
    expect(r.stdout).toBe('');
    expect(treeHashes(envs.dir)).toEqual(before);
    // Not even the output folder made for staging is left.
    expect(fs.readdirSync(out.dir)).toEqual([]);
  };

  it('onboard: compares nothing with the new tenant stack; a refusal writes no file', () => {
    const before = treeHashes(envs.dir);
    const seen: Seen[] = [];
    const r = withOutdir(() =>
      runInProcess((a, io) => onboardMain(a, io, { transitionOf: checker(seen) }), [
        '--env', 'fixture', '--tenant', 'refused-park', '--name', 'Refused Park', '--jurisdiction', 'EEA',
        '--security-contact', 'security@refused.example', '--environments-dir', envs.dir,
      ]),
    );
    expectRefused(r, before, path.join(envs.envDir, 'tenants', 'refused-park.yaml'));
    expect(r.stderr).toContain('refused-park.yaml was not created');
    expect(seen).toEqual([{ before: [], after: ['tenant-fixture-refused-park'] }]);
  });

  it('secrets --record: a refusal leaves the tenant file as it was; a pass writes it', () => {
    const before = treeHashes(envs.dir);
    const args = ['--env', 'fixture', '--tenant', 'lisboa-parque', '--environments-dir', envs.dir, '--record', 'source-roller'];
    const seen: Seen[] = [];
    const refused = withOutdir(() => runInProcess((a, io) => secretsMain(a, io, { transitionOf: checker(seen) }), args));
    expectRefused(refused, before, path.join(envs.envDir, 'tenants', 'lisboa-parque.yaml'));
    expect(seen).toEqual([{ before: ['tenant-fixture-lisboa-parque'], after: ['tenant-fixture-lisboa-parque'] }]);

    const passed = withOutdir(() => runInProcess((a, io) => secretsMain(a, io, { transitionOf: checker(seen, false) }), args));
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('change: applies in one step');
    expect(fs.readFileSync(path.join(envs.envDir, 'tenants', 'lisboa-parque.yaml'), 'utf8')).toMatch(/\npopulatedSecrets: \[source-roller\]\n$/);
  });

  it('feature --retire and --remove: a refusal leaves the tenant file as it was', () => {
    const file = path.join(envs.envDir, 'tenants', 'thames-bowl.yaml');
    const seen: Seen[] = [];
    const run = (step: string) =>
      withOutdir(() =>
        runInProcess((a, io) => featureMain(a, io, { transitionOf: checker(seen) }), ['--env', 'fixture', '--tenant', 'thames-bowl', '--environments-dir', envs.dir, step, 'conversion-tracking']),
      );
    const before = treeHashes(envs.dir);
    expectRefused(run('--retire'), before, file);
    // --remove once the feature is retiring (as after a deployed --retire).
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}retiringFeatures: [conversion-tracking]\n`);
    const retiring = treeHashes(envs.dir);
    expectRefused(run('--remove'), retiring, file);
    expect(seen).toHaveLength(2);
  });
});

describe('dropping a protected feature by hand, in one step, is refused by the transition check', () => {
  let envs: ReturnType<typeof copyEnvironment>;
  beforeAll(() => (envs = copyEnvironment()));
  afterAll(() => envs.remove());

  it('conversion tracking turned off in the tenant file without retiring it first: DEP-REMOVE-PROTECTED, with the fix', () => {
    const file = path.join(envs.envDir, 'tenants', 'thames-bowl.yaml');
    const text = fs.readFileSync(file, 'utf8');
    // The edit a user might make by hand: the feature off and its secret out of populatedSecrets, in one change.
    const handEdited = text
      .replace('conversionTracking:\n  enabled: true\n  destinations: [meta]\n', 'conversionTracking:\n  enabled: false\n')
      .replace('populatedSecrets: [conversion-meta, integration-klaviyo, source-roller]', 'populatedSecrets: [integration-klaviyo, source-roller]');
    expect(handEdited).not.toBe(text);
    const problems = transitionOfEdit({ environmentsDir: envs.dir, stacks: ['tenant-fixture-thames-bowl'], file, newText: handEdited });
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    const removed = problems.filter((p) => p.includes('breaks DEP-REMOVE-PROTECTED'));
    // The relay service, the conversion Firestore database and the conversion secret, each named with the fix.
    expect(removed.some((p) => p.startsWith('[tenant-fixture-thames-bowl] google_cloud_run_v2_service.'))).toBe(true);
    expect(removed.some((p) => p.includes('google_secret_manager_secret.'))).toBe(true);
    for (const p of removed) expect(p).toContain(`Fix: ${RETIRE_FIX}.`);
    expect(problems).toEqual(removed);
  });
});
