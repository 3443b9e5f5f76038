/**
 * IAM-5 support access through `npm run support-access`, against temporary copies of the fixture
 * environment with a fixed clock: a grant is written with its reason and expiry and synthesized as
 * bindings whose condition ends at the expiry and limits each role to the tenant's resource; an
 * expired grant leaves the tenant file on the next run; a revoke removes one; every bad input exits
 * 2 naming its flag and leaves the environment folder byte-identical.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { ConfigError } from '../../config/config-error';
import { loadEnvironment } from '../../config/loader';
import { main as supportAccessMain } from '../../scripts/support-access';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runInProcess, tempDir, treeHashes, withEnv } from './cli-harness';
import { loadControlCatalogue } from '../../compliance/controls';
import { buildComplianceReport, renderComplianceMarkdown } from '../../compliance/report/compliance-report';
import { renderComplianceHtml } from '../../compliance/report/compliance-html';
import { renderRopaMarkdown } from '../../compliance/report/ropa';
import { evaluateEnvironment } from '../../scripts/lib/evaluate-environment';

const ID = 'lisboa-parque';
const STACK = `tenant-fixture-${ID}`;
const NOW = new Date('2026-12-03T09:30:00Z');
const REASON = 'SUP-1042: webhook retries fail since 2026-12-02';

describe('granting, expiring and revoking support access', () => {
  let envs: TempEnvironments;
  let out: ReturnType<typeof tempDir>;
  beforeAll(() => {
    envs = copyEnvironment();
    out = tempDir('ss-support-out-');
  });
  afterAll(() => {
    envs.remove();
    out.remove();
  });
  const file = () => path.join(envs.envDir, 'tenants', `${ID}.yaml`);
  const run = (args: readonly string[], now: Date = NOW) =>
    withEnv({ CDKTF_OUTDIR: path.join(out.dir, 'cdktf.out') }, () =>
      runInProcess((a, io) => supportAccessMain(a, io, { now }), ['--env', 'fixture', '--environments-dir', envs.dir, ...args]),
    );
  const stack = () => SynthesizedStack.parse(STACK, fs.readFileSync(path.join(out.dir, 'cdktf.out', 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
  const supportBindings = () =>
    stack()
      .ofType('google_project_iam_member')
      .filter((r) => r.values.member === 'group:support-engineers@smartsegments.example')
      .map((r) => ({ role: r.values.role, expression: (r.values.condition as { expression: string }).expression }))
      .sort((a, b) => String(a.role).localeCompare(String(b.role)));

  it('grants a scope until a time: the tenant file records it and the stack binds its roles until then, on the tenant resource only', () => {
    const r = run(['--tenant', ID, '--scope', 'read-warehouse', '--until', '2026-12-04T18:00:00Z', '--reason', REASON]);
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('read-warehouse (roles/bigquery.dataViewer, roles/bigquery.jobUser) from 2026-12-03T09:30:00Z until 2026-12-04T18:00:00Z');
    expect(loadEnvironment('fixture', { environmentsDir: envs.dir }).tenants.find((t) => t.id === ID)!.supportAccess).toEqual([
      { scope: 'read-warehouse', granted: '2026-12-03T09:30:00Z', until: '2026-12-04T18:00:00Z', reason: REASON },
    ]);
    expect(supportBindings()).toEqual([
      {
        role: 'roles/bigquery.dataViewer',
        expression: 'request.time < timestamp("2026-12-04T18:00:00Z") && resource.name.startsWith("projects/ssx-lisboa-parque/datasets/smart_segments")',
      },
      { role: 'roles/bigquery.jobUser', expression: 'request.time < timestamp("2026-12-04T18:00:00Z")' },
    ]);
  });

  it('adds a second scope in hours from now; the first stays', () => {
    const r = run(['--tenant', ID, '--scope', 'read-relay-logs', '--until', '2h', '--reason', REASON]);
    expect(r.code).toBe(0);
    expect(supportBindings().map((b) => b.role)).toEqual(['roles/bigquery.dataViewer', 'roles/bigquery.jobUser', 'roles/logging.viewAccessor']);
    expect(supportBindings()[2].expression).toBe(
      'request.time < timestamp("2026-12-03T11:30:00Z") && resource.name == "projects/ssx-lisboa-parque/locations/eu/buckets/_Default/views/_AllLogs"',
    );
  });

  it('the compliance report and the records of processing list every grant with its reason, scope and expiry', () => {
    const evaluation = evaluateEnvironment('fixture', envs.dir);
    const catalogue = loadControlCatalogue();
    const generated = { generatedAt: '2026-12-03T12:00:00Z', commit: null, uncommittedChanges: false, tool: 't', command: 'c' };
    const report = buildComplianceReport({ ...evaluation, catalogue, tests: new Map(), generated });
    expect(report.supportAccess).toEqual([
      { tenant: ID, scope: 'read-warehouse', roles: ['roles/bigquery.dataViewer', 'roles/bigquery.jobUser'], granted: '2026-12-03T09:30:00Z', until: '2026-12-04T18:00:00Z', reason: REASON, state: 'in force' },
      { tenant: ID, scope: 'read-relay-logs', roles: ['roles/logging.viewAccessor'], granted: '2026-12-03T09:30:00Z', until: '2026-12-03T11:30:00Z', reason: REASON, state: 'expired' },
    ]);
    expect(renderComplianceMarkdown(report)).toContain(`| ${ID} | read-relay-logs | roles/logging.viewAccessor | 2026-12-03T09:30:00Z | 2026-12-03T11:30:00Z | expired | ${REASON} |`);
    expect(renderComplianceHtml(report)).toContain('<h2 id="support-access">Support access (IAM-5)</h2>');
    expect(report.controls.find((c) => c.id === 'IAM-5')!.status).toBe('pass');
    const ropa = renderRopaMarkdown('fixture', evaluation.records);
    expect(ropa).toContain(`| read-warehouse | roles/bigquery.dataViewer, roles/bigquery.jobUser | 2026-12-03T09:30:00Z | 2026-12-04T18:00:00Z | ${REASON} |`);
    expect(ropa).toContain("None: no support engineer holds access to this customer's data");
  });

  it('takes an expired grant out of the tenant file on the next run, and lists what is left', () => {
    const later = new Date('2026-12-03T12:00:00Z');
    const r = run(['--tenant', ID], later);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ID}: removed 1 expired grant(s)`);
    expect(r.stdout).toContain(`${ID}: read-warehouse (roles/bigquery.dataViewer, roles/bigquery.jobUser) from 2026-12-03T09:30:00Z until 2026-12-04T18:00:00Z: ${REASON}`);
    expect(fs.readFileSync(file(), 'utf8')).not.toContain('read-relay-logs');
    expect(supportBindings().map((b) => b.role)).toEqual(['roles/bigquery.dataViewer', 'roles/bigquery.jobUser']);
  });

  it('revokes a grant before it expires; the field leaves the file with the last grant', () => {
    const r = run(['--tenant', ID, '--revoke', 'read-warehouse']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(file(), 'utf8')).not.toContain('supportAccess');
    expect(supportBindings()).toEqual([]);
  });
});

describe('refusals: exit 2 naming the flag, nothing written', () => {
  let envs: TempEnvironments;
  beforeAll(() => {
    envs = copyEnvironment();
    // A platform with a lower cap than the 72 hours of config/support-access.ts.
    const platformFile = path.join(envs.envDir, 'platform.yaml');
    fs.appendFileSync(platformFile, 'support:\n  maxAccessHours: 24\n');
  });
  afterAll(() => envs.remove());
  const grant = (overrides: Record<string, string | undefined>) => {
    const flags = { tenant: ID, scope: 'read-relay-logs', until: '2026-12-03T20:00:00Z', reason: REASON, ...overrides };
    return Object.entries(flags).flatMap(([k, v]) => (v === undefined ? [] : [`--${k}`, v]));
  };

  it.each([
    ['an unknown tenant', grant({ tenant: 'nobody' }), /^error: --tenant: environment "fixture" has no tenant "nobody"/],
    ['an unknown scope', grant({ scope: 'read-everything' }), /^error: --scope: "read-everything" is not a scope; known: read-warehouse, read-relay-logs, inspect-services$/],
    ['a past --until', grant({ until: '2026-12-03T09:00:00Z' }), /^error: --until: 2026-12-03T09:00:00Z is not in the future \(now 2026-12-03T09:30:00Z\)$/],
    ['an --until past the cap', grant({ until: '2026-12-05T09:30:00Z' }), /^error: --until: 2026-12-05T09:30:00Z is 48 hours from now; support access lasts at most 24 hours \(support\.maxAccessHours of platform\.yaml\)$/],
    ['an --until that is not a time', grant({ until: 'tomorrow' }), /^error: --until: "tomorrow" is not a UTC time/],
    ['an empty reason', grant({ reason: '  ' }), /^error: --reason: give the ticket and why/],
    ['no --until', grant({ until: undefined }), /^error: --until: say when access ends/],
    ['a grant without --tenant', grant({ tenant: undefined }), /^error: --tenant: --scope, --until and --reason grant on one tenant; name it$/],
    ['a grant and a revoke at once', [...grant({}), '--revoke', 'read-warehouse'], /^error: --revoke: revoke a grant or make one, not both in one run$/],
    ['a revoke of a scope not granted', ['--tenant', ID, '--revoke', 'read-warehouse'], /^error: --revoke: tenant "lisboa-parque" has no current "read-warehouse" grant; current: \(none\)$/],
    ['the warehouse of a customer-owned project', grant({ tenant: 'nordic-climb', scope: 'read-warehouse' }), /^error: --scope: read-warehouse needs the warehouse in the tenant's Smart Segments project/],
  ])('%s', (_name, args, message) => {
    const before = treeHashes(envs.dir);
    const r = runInProcess((a, io) => supportAccessMain(a, io, { now: NOW }), ['--env', 'fixture', '--environments-dir', envs.dir, ...args]);
    expect(r.code).toBe(2);
    expect(r.errors.some((e) => message.test(e))).toBe(true);
    expect(r.stderr).toContain('Nothing was written.');
    expect(treeHashes(envs.dir)).toEqual(before);
  });
});

describe('the tenant file cannot hold a grant beyond the cap', () => {
  it('refuses a grant longer than 72 hours, and one longer than the platform cap, naming the field', () => {
    const envs = copyEnvironment();
    try {
      const file = path.join(envs.envDir, 'tenants', `${ID}.yaml`);
      const write = (until: string) =>
        fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8').replace(/\nsupportAccess:[\s\S]*$/, '\n')}supportAccess:\n  - scope: read-relay-logs\n    granted: 2026-12-01T00:00:00Z\n    until: ${until}\n    reason: "${REASON}"\n`);
      const problems = () => {
        try {
          loadEnvironment('fixture', { environmentsDir: envs.dir });
          return [];
        } catch (e) {
          return (e as ConfigError).problems.map((p) => `${p.field}: ${p.message}`);
        }
      };
      write('2026-12-04T01:00:00Z');
      expect(problems()).toEqual(['supportAccess[0].until: the grant lasts 73 hours; support access lasts at most 72 hours from when it is granted (IAM-5)']);
      fs.appendFileSync(path.join(envs.envDir, 'platform.yaml'), 'support:\n  maxAccessHours: 12\n');
      write('2026-12-01T13:00:00Z');
      expect(problems()).toEqual([expect.stringMatching(/^supportAccess\[0\]\.until: the read-relay-logs grant lasts 13 hours, over this environment's cap of 12/)]);
      write('2026-12-01T12:00:00Z');
      expect(problems()).toEqual([]);
    } finally {
      envs.remove();
    }
  });
});
