/**
 * DEL-1: `npm run record-destroy`, the destroy job's evidence of an offboarding destroy: what it
 * records from the Terraform output, the state and the run; every bad flag refused by name with
 * nothing written; evidence never replaced; and the preflight that lets only an offboarding
 * tenant's stack be destroyed, whatever the date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main as offboardMain } from '../../scripts/offboard';
import { main as recordDestroyMain } from '../../scripts/record-destroy';
import { DestroyEvidenceSchema, parseDestroyLog } from '../../scripts/lib/destroy-evidence';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runCommand, runInProcess, sha256, tempDir, treeHashes } from './cli-harness';
import { destroyLog, recordEvidence, stateJson, TEST_COMMIT } from './destroy-evidence-harness';

const STACK = 'tenant-fixture-thames-bowl';
const ADDRESSES = ['google_bigquery_dataset.warehouse', 'google_pubsub_topic.events', 'google_project.project'];

describe('DEL-1: record-destroy writes the evidence of a destroy', () => {
  let envs: TempEnvironments;
  let work: ReturnType<typeof tempDir>;
  const record = (args: string[], vars: NodeJS.ProcessEnv = {}) =>
    runInProcess((a, io) => recordDestroyMain(a, { io, env: vars }), [...args, '--environments-dir', envs.dir, '--evidence-dir', path.join(work.dir, 'evidence')]);

  beforeAll(() => {
    envs = copyEnvironment();
    work = tempDir('ss-record-destroy-');
  });
  afterAll(() => {
    envs.remove();
    work.remove();
  });

  it('records the stack, the tenant, the resources destroyed and in the state before, the run, the commit and the times', () => {
    const r = recordEvidence({
      environmentsDir: envs.dir, evidenceDir: path.join(work.dir, 'evidence'), stack: STACK, destroyed: ADDRESSES, stateBefore: [...ADDRESSES, 'google_project_service.api'],
      started: '2026-03-05T09:12:03Z', finished: '2026-03-05T09:31:40Z', workDir: work.dir, runId: '987654', attempt: '2',
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.file).toBe(path.join(work.dir, 'evidence', 'fixture', `destroy-${STACK}-987654-2.json`));
    expect(r.stdout).toContain(`Next: npm run offboard -- --env fixture --tenant thames-bowl --certificate --evidence `);
    const e = DestroyEvidenceSchema.parse(JSON.parse(fs.readFileSync(r.file, 'utf8')));
    const log = fs.readFileSync(path.join(work.dir, 'destroy-987654-2.log'), 'utf8');
    expect(e).toEqual({
      kind: 'terraform-destroy',
      version: 1,
      environment: 'fixture',
      stack: STACK,
      tenant: 'thames-bowl',
      run: { repository: 'smart-segments/platform', id: '987654', attempt: '2', url: 'https://github.com/smart-segments/platform/actions/runs/987654/attempts/2' },
      commit: TEST_COMMIT,
      started: '2026-03-05T09:12:03Z',
      finished: '2026-03-05T09:31:40Z',
      exitCode: 0,
      stateBefore: [...ADDRESSES, 'google_project_service.api'].sort(),
      destroyed: ADDRESSES.map((address) => ({ address, after: '2s' })),
      summary: 'Destroy complete! Resources: 3 destroyed.',
      terraformLog: { file: 'destroy-987654-2.log', sha256: sha256(log), lines: log.split('\n').length - 1, text: log },
    });
  });

  it('takes the run from GitHub Actions variables when the flags are absent', () => {
    fs.writeFileSync(path.join(work.dir, 'gh.log'), destroyLog(ADDRESSES));
    const r = record(
      ['--env', 'fixture', '--stack', STACK, '--terraform-log', path.join(work.dir, 'gh.log'), '--exit-code', '0', '--started', '2026-03-05T09:00:00Z', '--finished', '2026-03-05T09:10:00Z'],
      { GITHUB_RUN_ID: '555', GITHUB_RUN_ATTEMPT: '1', GITHUB_REPOSITORY: 'acme/platform', GITHUB_SHA: 'a'.repeat(40), GITHUB_SERVER_URL: 'https://ghe.example' },
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const e = JSON.parse(fs.readFileSync(path.join(work.dir, 'evidence', 'fixture', `destroy-${STACK}-555-1.json`), 'utf8'));
    expect(e.run).toEqual({ repository: 'acme/platform', id: '555', attempt: '1', url: 'https://ghe.example/acme/platform/actions/runs/555/attempts/1' });
    expect(e.commit).toBe('a'.repeat(40));
    expect(e.stateBefore).toBeNull();
  });

  it('records a failed destroy as failed', () => {
    const r = recordEvidence({
      environmentsDir: envs.dir, evidenceDir: path.join(work.dir, 'evidence'), stack: STACK, destroyed: ADDRESSES, exitCode: 1,
      started: '2026-03-05T10:00:00Z', finished: '2026-03-05T10:02:00Z', workDir: work.dir, runId: '777',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The destroy failed: no certificate can be issued from this evidence.');
    const e = JSON.parse(fs.readFileSync(r.file, 'utf8'));
    expect({ exitCode: e.exitCode, summary: e.summary, destroyed: e.destroyed.length }).toEqual({ exitCode: 1, summary: null, destroyed: 1 });
  });

  it('refuses every bad flag by name, writing nothing; never replaces evidence', () => {
    const log = path.join(work.dir, 'ok.log');
    fs.writeFileSync(log, destroyLog(ADDRESSES));
    const noSummary = path.join(work.dir, 'cut.log');
    fs.writeFileSync(noSummary, destroyLog(ADDRESSES).split('Destroy complete!')[0]);
    const notState = path.join(work.dir, 'not-state.json');
    fs.writeFileSync(notState, '{"values": {}}');
    const base: Record<string, string> = {
      '--env': 'fixture', '--stack': STACK, '--terraform-log': log, '--exit-code': '0', '--started': '2026-03-05T09:00:00Z', '--finished': '2026-03-05T09:10:00Z',
      '--run-id': '1', '--run-attempt': '1', '--repository': 'acme/platform', '--commit': 'b'.repeat(40),
    };
    const args = (change: Record<string, string | null>) =>
      Object.entries({ ...base, ...change }).flatMap(([k, v]) => (v === null ? [] : [k, v]));
    const cases: Array<[Record<string, string | null>, RegExp]> = [
      [{ '--stack': 'platform-fixture' }, /^error: --stack: "platform-fixture" is not a tenant stack of environment "fixture"; expected tenant-fixture-<id>$/],
      [{ '--stack': 'tenant-fixture-nobody' }, /^error: --stack: tenant-fixture-nobody: environment "fixture" has no tenant "nobody"/],
      [{ '--env': 'prod', '--stack': 'tenant-prod-thames-bowl' }, /^error: --env: environment "prod" does not exist/],
      [{ '--terraform-log': null }, /^error: --terraform-log: missing; give the file holding the output of terraform destroy$/],
      [{ '--terraform-log': path.join(work.dir, 'absent.log') }, /^error: --terraform-log: cannot read \S*absent\.log \(ENOENT\)$/],
      [{ '--terraform-log': noSummary }, /^error: --terraform-log: \S*cut\.log has no "Destroy complete! Resources: N destroyed\." line although --exit-code is 0/],
      [{ '--state-json': notState }, /^error: --state-json: \S*not-state\.json is not terraform show -json output \(no format_version\)$/],
      [{ '--exit-code': '256' }, /^error: --exit-code: "256" is not an exit status \(0-255\)$/],
      [{ '--started': '2026-03-05 09:00' }, /^error: --started: "2026-03-05 09:00" is not a UTC time as YYYY-MM-DDTHH:MM:SSZ/],
      [{ '--started': '2026-02-30T09:00:00Z' }, /^error: --started: "2026-02-30T09:00:00Z" is not a UTC time/],
      [{ '--finished': '2999-01-01T00:00:00Z' }, /^error: --finished: 2999-01-01T00:00:00Z is in the future/],
      [{ '--finished': '2026-03-05T08:59:59Z' }, /^error: --finished: 2026-03-05T08:59:59Z is before --started 2026-03-05T09:00:00Z$/],
      [{ '--run-id': null }, /^error: --run-id: missing; give the GitHub Actions run id \(or set GITHUB_RUN_ID, as GitHub Actions does\)$/],
      [{ '--run-id': '12a' }, /^error: --run-id: "12a" is not a run id \(digits\)$/],
      [{ '--run-attempt': '0' }, /^error: --run-attempt: "0" is not a run attempt/],
      [{ '--repository': 'platform' }, /^error: --repository: "platform" is not owner\/name$/],
      [{ '--commit': 'abc123' }, /^error: --commit: "abc123" is not a full commit sha/],
      [{ '--preflight': '' }, /^error: /],
    ];
    const before = treeHashes(work.dir);
    for (const [change, message] of cases) {
      const argv = args(change).filter((a) => a !== '');
      const r = record(argv);
      expect({ change, code: r.code }).toEqual({ change, code: 2 });
      expect({ change, error: r.errors[0] }).toEqual({ change, error: expect.stringMatching(message) });
    }
    expect(treeHashes(work.dir)).toEqual(before);

    // The same run attempt twice: the first file stays.
    expect(record(args({ '--run-id': '31' })).code).toBe(0);
    const file = path.join(work.dir, 'evidence', 'fixture', `destroy-${STACK}-31-1.json`);
    const first = fs.readFileSync(file, 'utf8');
    const again = record(args({ '--run-id': '31', '--finished': '2026-03-05T09:20:00Z' }));
    expect(again.code).toBe(2);
    expect(again.errors).toEqual([expect.stringMatching(/^error: --run-attempt: \S+destroy-tenant-fixture-thames-bowl-31-1\.json already exists; evidence is never replaced/)]);
    expect(fs.readFileSync(file, 'utf8')).toBe(first);
  });

  it('reads the destroyed resources from the Terraform output, colours and ids included', () => {
    const text = '\u001b[0m\u001b[1mgoogle_storage_bucket.b: Destruction complete after 1m2s\u001b[0m\nmodule.m.google_pubsub_topic.t["a b"]: Destruction complete after 0s [id=projects/p/topics/t]\ngoogle_x.y: Still destroying... [10s elapsed]\n\u001b[1mDestroy complete! Resources: 2 destroyed.\u001b[0m\n';
    expect(parseDestroyLog(text)).toEqual({
      destroyed: [
        { address: 'google_storage_bucket.b', after: '1m2s' },
        { address: 'module.m.google_pubsub_topic.t["a b"]', after: '0s' },
      ],
      summary: 'Destroy complete! Resources: 2 destroyed.',
    });
    expect(JSON.parse(stateJson(['a.b'])).values.root_module.resources[0].address).toBe('a.b');
    // Applying a saved destroy plan (the canary's teardown) closes with Apply's line.
    expect(parseDestroyLog('a.b: Destruction complete after 1s\nApply complete! Resources: 0 added, 0 changed, 1 destroyed.\n').summary).toBe('Apply complete! Resources: 0 added, 0 changed, 1 destroyed.');
    expect(parseDestroyLog('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n').summary).toBeNull();
  });

  describe('--preflight: only an offboarding tenant is destroyed, never held back by a date', () => {
    const preflight = (stack: string) => record(['--env', 'fixture', '--stack', stack, '--preflight']);

    it('refuses an active tenant, passes an offboarding one however late, refuses one already removed', () => {
      const active = preflight(STACK);
      expect(active.code).toBe(2);
      expect(active.errors).toEqual([expect.stringMatching(/^error: --stack: tenant-fixture-thames-bowl: tenant "thames-bowl" is in lifecycle state active, not offboarding/)]);
      const io = { out: () => undefined, err: () => undefined };
      // Requested long ago: the deletion is years late, and the destroy still goes ahead.
      expect(offboardMain(['--env', 'fixture', '--tenant', 'thames-bowl', '--requested', '2020-01-01', '--environments-dir', envs.dir], { io })).toBe(0);
      const late = preflight(STACK);
      expect({ code: late.code, stdout: late.stdout }).toEqual({ code: 0, stdout: `${STACK} may be destroyed: tenant "thames-bowl" is offboarding (requested 2020-01-01).\n` });
      const file = path.join(envs.envDir, 'tenants', 'thames-bowl.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('removalConfirmed: false', 'removalConfirmed: true'));
      const removed = preflight(STACK);
      expect(removed.code).toBe(2);
      expect(removed.errors).toEqual([expect.stringMatching(/the removal of tenant "thames-bowl" is already confirmed/)]);
    });
  });

  it('--help documents every flag, through the npm script', async () => {
    const r = await runCommand('npm', ['run', '--silent', 'record-destroy', '--', '--help']);
    expect(r.code).toBe(0);
    const flags = [...r.stdout.slice(r.stdout.indexOf('Flags:')).matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((m) => m[1]).sort();
    expect(flags).toEqual(
      ['--env', '--stack', '--preflight', '--terraform-log', '--state-json', '--exit-code', '--started', '--finished', '--run-id', '--run-attempt', '--repository', '--commit', '--server-url', '--evidence-dir', '--environments-dir', '--help'].sort(),
    );
  });
});
