import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../scripts/plan-check';

/** A synthesized output folder holding `stacks` (name -> cdk.tf.json content). */
function outputFolder(stacks: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-check-'));
  for (const [name, json] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, 'stacks', name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
  }
  return dir;
}

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const secret = (protect: boolean) => ({
  '//': { metadata: { path: 'tenant-fixture-acme/conversion-relay/secret-meta/secret' } },
  project: 'ssx-acme',
  secret_id: 'meta-capi',
  deletion_protection: protect,
  replication: { auto: {} },
});
const dataset = { project: 'ssx-acme', dataset_id: 'smart_segments', location: 'EU' };
const stack = (resource: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ terraform: { required_version: '>= 1.7' }, resource, ...extra });

describe('npm run plan-check -- --before <dir> --after <dir>', () => {
  const dirs: string[] = [];
  const folder = (stacks: Record<string, unknown>) => {
    const d = outputFolder(stacks);
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('exits 1 naming the stack, the resource, the check and the fix when a protected secret is removed', () => {
    const before = folder({ 'tenant-fixture-acme': stack({ google_secret_manager_secret: { meta: secret(true) } }) });
    const after = folder({ 'tenant-fixture-acme': stack({}) });
    const r = run(['--before', before, '--after', after]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /\[tenant-fixture-acme\] google_secret_manager_secret\.meta \(tenant-fixture-acme\/conversion-relay\/secret-meta\/secret\) breaks DEP-REMOVE-PROTECTED .* Fix: retire the feature first/,
    );
  });

  it('exits 0 once the protection was lifted in the earlier output', () => {
    const before = folder({ 'tenant-fixture-acme': stack({ google_secret_manager_secret: { meta: secret(false) } }) });
    const after = folder({ 'tenant-fixture-acme': stack({}) });
    const r = run(['--before', before, '--after', after]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no protected resource leaves');
  });

  it('exits 1 for a renamed dataset without moved, 0 with it; --env limits the stacks compared', () => {
    const before = folder({ 'tenant-fixture-acme': stack({ google_bigquery_dataset: { warehouse: dataset } }) });
    const renamed = folder({ 'tenant-fixture-acme': stack({ google_bigquery_dataset: { 'warehouse-v2': dataset } }) });
    const moved = folder({
      'tenant-fixture-acme': stack({ google_bigquery_dataset: { 'warehouse-v2': dataset } }, { moved: [{ from: 'google_bigquery_dataset.warehouse', to: 'google_bigquery_dataset.warehouse-v2' }] }),
    });
    expect(run(['--before', before, '--after', renamed]).err).toMatch(/google_bigquery_dataset\.warehouse breaks DEP-MOVED/);
    expect(run(['--before', before, '--after', renamed]).code).toBe(1);
    expect(run(['--before', before, '--after', moved]).code).toBe(0);
    expect(run(['--before', before, '--after', renamed, '--env', 'other']).code).toBe(0);
  });

  it('exits 2 naming the flag for bad command lines', () => {
    const ok = folder({ 'tenant-fixture-acme': stack({}) });
    const cases: [string[], RegExp][] = [
      [[], /give --base <git revision>, or --before <dir> and --after <dir>/],
      [['--before', ok], /--after <dir> is required with --before/],
      [['--base', 'HEAD', '--before', ok, '--after', ok], /--base cannot be combined with --before\/--after/],
      [['--before', ok, '--after', path.join(ok, 'missing')], /--after: .* holds no synthesized output/],
      [['--base', 'no-such-revision-xyz'], /--base: "no-such-revision-xyz" is not a revision/],
      [['--before', ok, '--after', ok, '--env', 'Bad Env'], /--env: "Bad Env" is not an environment name/],
      [['--bogus'], /bogus/],
    ];
    for (const [argv, message] of cases) {
      const r = run(argv);
      expect([argv, r.code]).toEqual([argv, 2]);
      expect(r.err).toMatch(message);
    }
  });
});
