/**
 * `npm run changed-stacks` on hand-written synthesized outputs (stacks/<name>/cdk.tf.json in a
 * temporary folder): what CI plans and applies is exactly what this reports (docs/ci.md).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { changedStacks, stackBatches, type ChangedStacks } from '../../scripts/lib/changed-stacks';
import { main } from '../../scripts/changed-stacks';

type Tree = Record<string, unknown>;

const PLATFORM = { resource: { google_folder: { eea: { display_name: 'EEA', parent: 'organizations/1' } } } };
const tenant = (id: string, extra: Tree = {}) => ({
  resource: { google_project: { project: { project_id: `ss-${id}`, name: id, labels: { tenant: id }, ...extra } } },
});

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-changed-stacks-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

/** Writes a synthesized output: one folder per stack holding its cdk.tf.json (as cdktf writes it). */
function output(stacks: Record<string, unknown>, raw: Record<string, string> = {}): string {
  const dir = path.join(scratch, `out-${++counter}`);
  fs.mkdirSync(path.join(dir, 'stacks'), { recursive: true });
  for (const [name, json] of Object.entries(stacks)) {
    if (json === undefined) continue;
    fs.mkdirSync(path.join(dir, 'stacks', name));
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  }
  for (const [name, text] of Object.entries(raw)) {
    fs.mkdirSync(path.join(dir, 'stacks', name));
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), text);
  }
  return dir;
}

const BASE: Record<string, unknown> = {
  'platform-prod': PLATFORM,
  'tenant-prod-acme': tenant('acme'),
  'tenant-prod-brio': tenant('brio'),
  'tenant-prod-cala': tenant('cala'),
};

function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

function cli(base: string, head: string, ...more: string[]): ChangedStacks & { jobs?: unknown } {
  const { code, out, err } = run(['--synth-dir-base', base, '--synth-dir-head', head, ...more]);
  expect([code, err.split('\n').filter((l) => l.startsWith('error'))]).toEqual([0, []]);
  return JSON.parse(out);
}

describe('changed-stacks on two synthesized outputs', () => {
  it('no change gives an empty list', () => {
    expect(cli(output(BASE), output(BASE), '--env', 'prod')).toEqual({ environment: 'prod', stacks: [] });
  });

  it('key order and layout do not count: the JSON is compared canonically', () => {
    const reordered = { resource: { google_project: { project: { labels: { tenant: 'acme' }, name: 'acme', project_id: 'ss-acme' } } } };
    const head = output({ ...BASE, 'tenant-prod-acme': undefined }, { 'tenant-prod-acme': JSON.stringify(reordered) });
    expect(cli(output(BASE), head).stacks).toEqual([]);
  });

  it("one tenant's file changed gives that tenant's stack", () => {
    const head = output({ ...BASE, 'tenant-prod-brio': tenant('brio', { labels: { tenant: 'brio', tier: 'gold' } }) });
    expect(cli(output(BASE), head, '--env', 'prod')).toEqual({
      environment: 'prod',
      stacks: [{ name: 'tenant-prod-brio', kind: 'tenant', change: 'changed' }],
    });
  });

  it('a platform change lists the platform first, then the tenants sorted', () => {
    const head = output({
      ...BASE,
      'tenant-prod-cala': tenant('cala', { name: 'Cala' }),
      'tenant-prod-acme': tenant('acme', { name: 'Acme' }),
      'platform-prod': { resource: { google_folder: { eea: { display_name: 'EEA (renamed)', parent: 'organizations/1' } } } },
    });
    expect(cli(output(BASE), head).stacks.map((s) => `${s.kind}:${s.name}:${s.change}`)).toEqual([
      'platform:platform-prod:changed',
      'tenant:tenant-prod-acme:changed',
      'tenant:tenant-prod-cala:changed',
    ]);
  });

  it('a new and a removed tenant are marked as such', () => {
    const head = output({ 'platform-prod': PLATFORM, 'tenant-prod-acme': tenant('acme'), 'tenant-prod-brio': tenant('brio'), 'tenant-prod-dune': tenant('dune') });
    expect(cli(output(BASE), head).stacks).toEqual([
      { name: 'tenant-prod-cala', kind: 'tenant', change: 'removed' },
      { name: 'tenant-prod-dune', kind: 'tenant', change: 'new' },
    ]);
  });

  it('--env keeps one environment; without it every environment counts, platforms first', () => {
    const base = output({ ...BASE, 'platform-staging': PLATFORM, 'tenant-staging-acme': tenant('acme') });
    const head = output({ ...BASE, 'platform-staging': { resource: {} }, 'tenant-staging-acme': tenant('acme', { name: 'x' }), 'tenant-prod-brio': tenant('brio', { name: 'y' }) });
    expect(cli(base, head, '--env', 'staging').stacks.map((s) => s.name)).toEqual(['platform-staging', 'tenant-staging-acme']);
    expect(cli(base, head, '--env', 'prod').stacks.map((s) => s.name)).toEqual(['tenant-prod-brio']);
    const all = cli(base, head);
    expect(all.environment).toBeNull();
    expect(all.stacks.map((s) => s.name)).toEqual(['platform-staging', 'tenant-prod-brio', 'tenant-staging-acme']);
  });

  it('a new environment has every stack new; an environment that is gone has every stack removed', () => {
    const empty = output({});
    expect(changedStacks(empty, output(BASE), 'prod').stacks.map((s) => s.change)).toEqual(['new', 'new', 'new', 'new']);
    expect(changedStacks(output(BASE), empty, 'prod').stacks.map((s) => `${s.name}:${s.change}`)).toEqual([
      'platform-prod:removed',
      'tenant-prod-acme:removed',
      'tenant-prod-brio:removed',
      'tenant-prod-cala:removed',
    ]);
  });

  it('--max-jobs: one job per stack to plan (never a removed one), platform on its own', () => {
    const head = output({ 'platform-prod': { resource: {} }, 'tenant-prod-acme': tenant('acme', { name: 'z' }), 'tenant-prod-brio': tenant('brio'), 'tenant-prod-dune': tenant('dune') });
    expect(cli(output(BASE), head, '--env', 'prod', '--max-jobs', '10').jobs).toEqual({
      platform: [{ key: 'platform-prod', stacks: 'platform-prod' }],
      tenants: [
        { key: 'tenant-prod-acme', stacks: 'tenant-prod-acme' },
        { key: 'tenant-prod-dune', stacks: 'tenant-prod-dune' },
      ],
    });
  });
});

describe('CI jobs beyond the matrix limit', () => {
  const many: ChangedStacks = {
    environment: 'prod',
    stacks: Array.from({ length: 7 }, (_, i) => ({ name: `tenant-prod-t${i}`, kind: 'tenant' as const, change: 'changed' as const })),
  };

  it('stacks share jobs once they outnumber maxJobs, each stack in exactly one job', () => {
    const { platform, tenants } = stackBatches(many, 3);
    expect(platform).toEqual([]);
    expect(tenants).toEqual([
      { key: 'batch-prod-1-of-3', stacks: 'tenant-prod-t0 tenant-prod-t1 tenant-prod-t2' },
      { key: 'batch-prod-2-of-3', stacks: 'tenant-prod-t3 tenant-prod-t4 tenant-prod-t5' },
      { key: 'batch-prod-3-of-3', stacks: 'tenant-prod-t6' },
    ]);
    expect(stackBatches(many, 7).tenants.map((b) => b.key)).toEqual(many.stacks.map((s) => s.name));
  });
});

describe('changed-stacks refuses bad input', () => {
  it('exits 2 naming the flag: missing base, both forms, bad env, bad max-jobs, no output folder', () => {
    const out = output(BASE);
    const cases: Array<[string[], RegExp]> = [
      [['--synth-dir-head', out], /give --base <git revision> or --synth-dir-base <dir>/],
      [['--base', 'HEAD', '--synth-dir-base', out, '--synth-dir-head', out], /--base cannot be combined with --synth-dir-base/],
      [['--synth-dir-base', out, '--synth-dir-head', out, '--env', 'Prod!'], /--env: "Prod!" is not an environment name/],
      [['--synth-dir-base', out, '--synth-dir-head', out, '--max-jobs', '300'], /--max-jobs: "300" is not a whole number from 1 to 256/],
      [['--synth-dir-base', path.join(scratch, 'nowhere'), '--synth-dir-head', out], /--synth-dir-base: .*nowhere holds no synthesized output/],
      [['--synth-dir-base', out, '--synth-dir-head', out, '--env', 'prdo'], /--env: neither .* has the stack platform-prdo/],
      [['--base', 'no-such-revision-of-this-repo', '--synth-dir-head', out], /--base: "no-such-revision-of-this-repo" is not a revision of this repository/],
      [['--synth-dir-base', out, '--synth-dir-head', out, '--bogus'], /unknown flag --bogus/],
      [['--synth-dir-base', out, '--synth-dir-head', out, '--save-base', path.join(scratch, 'saved')], /--save-base needs --base <git revision>/],
      [['--base', 'HEAD', '--synth-dir-head', out, '--save-base', out], /--save-base: .* exists already; name a new folder/],
    ];
    for (const [argv, message] of cases) {
      const { code, out: printed, err } = run(argv);
      expect([argv.join(' '), code, printed]).toEqual([argv.join(' '), 2, '']);
      expect(err).toMatch(message);
    }
  });

  it('exits 1 for an output it cannot read: a stack folder without its JSON, or broken JSON', () => {
    const noJson = output(BASE);
    fs.rmSync(path.join(noJson, 'stacks', 'tenant-prod-acme', 'cdk.tf.json'));
    const broken = output({ ...BASE, 'tenant-prod-acme': undefined }, { 'tenant-prod-acme': '{"resource": ' });
    for (const [head, message] of [
      [noJson, /tenant-prod-acme[/\\]cdk\.tf\.json is missing/],
      [broken, /tenant-prod-acme[/\\]cdk\.tf\.json is not valid JSON/],
    ] as const) {
      const { code, out, err } = run(['--synth-dir-base', output(BASE), '--synth-dir-head', head]);
      expect([code, out]).toEqual([1, '']);
      expect(err).toMatch(message);
    }
  });
});
