/**
 * `npm run secrets` against temporary copies of the example environment: the listing with the exact
 * command per missing secret, recording (file updated atomically, stack synthesized with the rule
 * pack, workloads appear), and every refusal: exit 2 naming the flag, the environment folder left
 * byte-identical.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { loadEnvironment } from '../../config/loader';
import { main as secretsMain } from '../../scripts/secrets';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runInProcess, runScript, tempDir, treeHashes, withEnv } from './cli-harness';

const ID = 'lisboa-parque';
const STACK = `tenant-fixture-${ID}`;

describe('listing', () => {
  let envs: TempEnvironments;
  beforeAll(() => (envs = copyEnvironment()));
  afterAll(() => envs.remove());

  it('lists every secret, missing ones with the exact gcloud command, and writes nothing', () => {
    const before = treeHashes(envs.dir);
    const r = runInProcess(secretsMain, ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+source-roller\s+missing\s+mounted by ingest-webhook$/m);
    expect(r.stdout).toMatch(/^\s+integration-vendus\s+missing\s+mounted by sync-vendus$/m);
    for (const id of ['integration-brevo', 'integration-vendus', 'source-roller']) {
      expect(r.stdout).toContain(`printf '%s' "$VALUE" | gcloud secrets versions add ${id} --project=ssx-lisboa-parque --data-file=-`);
    }
    expect(r.stdout).toContain(`npm run secrets -- --env fixture --tenant ${ID} --record all`);
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  it('shows recorded secrets as populated and prints no command for them', () => {
    const r = runInProcess(secretsMain, ['--env', 'fixture', '--tenant', 'thames-bowl', '--environments-dir', envs.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+conversion-meta\s+populated\s+mounted by conversion-relay$/m);
    expect(r.stdout).not.toContain('gcloud secrets versions add');
    expect(r.stdout).toContain('Every secret is recorded as populated');
  });

  it('has --help', () => {
    const r = runInProcess(secretsMain, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:\n {2}npm run secrets -- --env <env> --tenant <id> \[--record <id,id\|all>\]/);
    expect(r.stdout).toContain('--record <id,id|all>');
  });
});

describe('recording', () => {
  let envs: TempEnvironments;
  let out: { dir: string; remove: () => void };
  beforeAll(() => {
    envs = copyEnvironment();
    out = tempDir('ss-secrets-out-');
  });
  afterAll(() => {
    envs.remove();
    out.remove();
  });

  it('records one secret, synthesizes the stack with the rule pack, and the workload that needed only it appears', async () => {
    const file = path.join(envs.envDir, 'tenants', `${ID}.yaml`);
    const before = treeHashes(envs.dir);
    const r = await runScript('secrets', ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--record', 'source-roller'], {
      CDKTF_OUTDIR: out.dir,
    });
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Recorded as populated for tenant "lisboa-parque": source-roller');
    expect(r.stdout).toContain('workloads declared by this change: ingest-webhook');
    expect(r.stdout).toContain(`npx cdktf deploy ${STACK}`);
    expect(r.stdout).toContain('Still missing');
    expect(r.stdout).toContain('change: applies in one step (plan-check');

    // Only the tenant's file changed, by that one field, and it loads.
    const after = treeHashes(envs.dir);
    expect([...after.keys()].filter((k) => before.get(k) !== after.get(k))).toEqual([`fixture/tenants/${ID}.yaml`]);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/\npopulatedSecrets: \[source-roller\]\n$/);
    expect(loadEnvironment('fixture', { environmentsDir: envs.dir }).tenants.find((t) => t.id === ID)!.populatedSecrets).toEqual(['source-roller']);

    const s = SynthesizedStack.parse(STACK, fs.readFileSync(path.join(out.dir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
    expect(s.ofType('google_cloud_run_v2_service').map((w) => w.values.name)).toEqual(['ingest-webhook']);
    expect(s.ofType('google_cloud_run_v2_job')).toEqual([]);
    expect(s.ofType('google_compute_global_forwarding_rule')).toHaveLength(1);
    // A child process that itself spawns the synthesis: slower than one test's budget on a busy machine.
  }, 600_000);

  // The first recording ran as a user runs it (a child process); this one calls the same main here.
  it('records the rest with all, and every workload appears', () => {
    const r = withEnv({ CDKTF_OUTDIR: out.dir }, () => runInProcess(secretsMain, ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--record', 'all']));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Recorded as populated for tenant "lisboa-parque": integration-brevo, integration-vendus');
    expect(r.stdout).not.toContain('Still missing');
    expect(fs.readFileSync(path.join(envs.envDir, 'tenants', `${ID}.yaml`), 'utf8')).toMatch(
      /\npopulatedSecrets: \[integration-brevo, integration-vendus, source-roller\]\n$/,
    );
    const s = SynthesizedStack.parse(STACK, fs.readFileSync(path.join(out.dir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
    expect(s.ofType('google_cloud_run_v2_job').map((w) => w.values.name).sort()).toEqual(['sync-brevo', 'sync-vendus']);
  });

  it('recording what is recorded already writes nothing and succeeds', () => {
    const before = treeHashes(envs.dir);
    const r = runInProcess(secretsMain, ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--record', 'source-roller']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Already recorded as populated: source-roller. Nothing was written.');
    expect(treeHashes(envs.dir)).toEqual(before);
  });
});

describe('refusals: exit 2, the flag named, nothing written', () => {
  let envs: TempEnvironments;
  beforeAll(() => (envs = copyEnvironment()));
  afterAll(() => envs.remove());

  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown secret id, with a suggestion', ['--tenant', ID, '--record', 'source-rolle'], /^error: --record: "source-rolle" is not a secret of tenant "lisboa-parque"; did you mean source-roller\?; its secrets: integration-brevo, integration-vendus, source-roller$/],
    ['a secret of a feature the tenant does not have', ['--tenant', ID, '--record', 'conversion-meta'], /^error: --record: "conversion-meta" is not a secret of tenant "lisboa-parque"/],
    ['all mixed with ids', ['--tenant', ID, '--record', 'all,source-roller'], /^error: --record: "all" cannot be combined with secret ids/],
    ['an empty list', ['--tenant', ID, '--record', ''], /^error: --record: names no secret/],
    ['an unknown tenant, listing the known ones', ['--tenant', 'nobody'], /^error: --tenant: environment "fixture" has no tenant "nobody" .*; known tenants: alpen-sport, brightwave-leisure, harbour-play, lisboa-parque, nordic-climb, thames-bowl$/],
    ['a malformed tenant id', ['--tenant', '../x'], /^error: --tenant: "..\/x" is not a tenant id/],
    ['an unknown flag', ['--tenant', ID, '--recrod', 'all'], /^error: unknown flag --recrod; allowed flags: --env, --tenant, --record/],
  ];

  it.each(cases)('%s', (_title, args, error) => {
    const before = treeHashes(envs.dir);
    const r = runInProcess(secretsMain, ['--env', 'fixture', '--environments-dir', envs.dir, ...args]);
    expect(r.code).toBe(2);
    expect(r.errors[0]).toMatch(error);
    expect(r.stderr).toMatch(/Nothing was written\./);
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  it('an unknown environment and a missing --tenant', () => {
    const before = treeHashes(envs.dir);
    const r = runInProcess(secretsMain, ['--env', 'nowhere', '--tenant', ID, '--environments-dir', envs.dir]);
    expect(r.code).toBe(2);
    expect(r.errors[0]).toMatch(/^error: --env: environment "nowhere" does not exist .*; known environments: fixture$/);
    const missing = runInProcess(secretsMain, ['--env', 'fixture', '--environments-dir', envs.dir]);
    expect(missing.code).toBe(2);
    expect(missing.errors).toEqual(['error: --tenant is required: --tenant <id>']);
    expect(treeHashes(envs.dir)).toEqual(before);
  });
});

describe('a synthesis failure writes nothing', () => {
  it('exits 1 and leaves the tenant file, the environment and the output folder as they were', () => {
    const envs = copyEnvironment();
    const out = tempDir('ss-secrets-fail-');
    // A second, broken environment: the edit is valid, but the synthesis of the change (which loads
    // every environment) fails, before anything is written.
    fs.mkdirSync(path.join(envs.dir, 'broken'));
    fs.writeFileSync(path.join(envs.dir, 'broken', 'platform.yaml'), 'environment: broken\n');
    try {
      const before = treeHashes(envs.dir);
      const r = withEnv({ CDKTF_OUTDIR: path.join(out.dir, 'cdktf.out') }, () =>
        runInProcess(secretsMain, ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--record', 'all']),
      );
      expect(r.code).toBe(1);
      expect(r.errors).toEqual([`error: synthesis of ${STACK} failed (output above)`]);
      expect(r.stderr).toMatch(/Nothing was written; .*lisboa-parque\.yaml is as it was\./);
      expect(treeHashes(envs.dir)).toEqual(before);
      expect(fs.readdirSync(out.dir)).toEqual([]);
    } finally {
      envs.remove();
      out.remove();
    }
  });
});
