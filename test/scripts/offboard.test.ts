/**
 * `npm run offboard` (DPA 10.1, 10.4; RET-3, DEL-1), run as a user would against a temporary copy
 * of the example environment: request, certificate with dates checked against the synthesized
 * retention settings, confirmed removal; the refusals on the way; and a certificate that fails
 * because a store would keep data past the 14 days.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing, type TerraformStack } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { loadAllEnvironments, loadEnvironment } from '../../config/loader';
import { buildApp, stackNamesOf } from '../../stacks/build-app';
import { TenantStack } from '../../stacks/tenant-stack';
import { main as offboardMain } from '../../scripts/offboard';
import type { DeletionCertificate } from '../../scripts/lib/deletion-certificate';
import { copyEnvironment } from '../support/temp-environment';
import { runCommand, runInProcess, runScript, sha256, tempDir, treeHashes } from './cli-harness';

const ID = 'brightwave-leisure';
const STACK = `tenant-fixture-${ID}`;
const REQUESTED = '2025-01-10';
const DEPLOYED = '2025-01-12';
const DAY = 86400;

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Seconds in a duration attribute ("604800s") or a number; undefined when absent. */
function secondsOf(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'number' ? v : Number(String(v).replace(/s$/, ''));
}

/**
 * The test's own reading of Google's retention windows, per store type, straight from the
 * synthesized attributes (an independent check of compliance/deletion-horizon.ts).
 */
function expectedRetentionSeconds(s: SynthesizedStack, type: string, v: Record<string, any>): number {
  const bigquery = (d?: Record<string, any>) => Number(d?.max_time_travel_hours ?? 168) * 3600 + 7 * DAY;
  switch (type) {
    case 'google_bigquery_dataset':
      return bigquery(v);
    case 'google_bigquery_table':
      return bigquery((s.resolveReference(v.dataset_id) ?? s.ofType('google_bigquery_dataset').find((d) => d.values.dataset_id === v.dataset_id))?.values as Record<string, any>);
    case 'google_storage_bucket':
      return (v.soft_delete_policy?.retention_duration_seconds as number | undefined) ?? 7 * DAY;
    case 'google_pubsub_topic':
      return secondsOf(v.message_retention_duration) ?? 0;
    case 'google_pubsub_subscription':
      return secondsOf(v.message_retention_duration) ?? 7 * DAY;
    case 'google_firestore_database':
      return v.point_in_time_recovery_enablement === 'POINT_IN_TIME_RECOVERY_ENABLED' ? 7 * DAY : 3600;
    case 'google_firestore_backup_schedule':
      return secondsOf(v.retention)!;
    case 'google_secret_manager_secret':
    case 'google_secret_manager_regional_secret':
      return secondsOf(v.version_destroy_ttl) ?? 0;
    case 'google_logging_project_bucket_config':
      return Number(v.retention_days ?? 30) * DAY;
    case 'google_kms_crypto_key':
      return secondsOf(v.destroy_scheduled_duration) ?? 30 * DAY;
    default:
      return -1;
  }
}
const STORE_TYPES = [
  'google_bigquery_dataset', 'google_bigquery_table', 'google_storage_bucket', 'google_pubsub_topic', 'google_pubsub_subscription',
  'google_firestore_database', 'google_firestore_backup_schedule', 'google_secret_manager_secret', 'google_secret_manager_regional_secret',
  'google_logging_project_bucket_config', 'google_kms_crypto_key',
];

describe('DEL-1: offboarding from request to certificate to confirmed removal', () => {
  let envs: ReturnType<typeof copyEnvironment>;
  let reports: ReturnType<typeof tempDir>;
  let reportsDir: string;
  let tenantFile: string;
  let original: string;
  let othersBefore: Map<string, string>;
  const argv = (args: string[]) => ['--env', 'fixture', '--tenant', ID, ...args, '--environments-dir', envs.dir, '--reports-dir', reportsDir];
  /** As a user runs it: a child process (the request step, once: exit status and output as the shell sees them). */
  const offboard = (args: string[]) => runScript('offboard', argv(args));
  /** The same main in this process: the fast path for the other steps and the many refusals. */
  const offboardHere = (args: string[]) => runInProcess((a, io) => offboardMain(a, { io }), argv(args));
  const envHash = () => treeHashes(envs.dir);

  beforeAll(() => {
    envs = copyEnvironment();
    reports = tempDir('ss-reports-');
    reportsDir = path.join(reports.dir, 'reports');
    tenantFile = path.join(envs.envDir, 'tenants', `${ID}.yaml`);
    original = fs.readFileSync(tenantFile, 'utf8');
    othersBefore = treeHashes(envs.dir);
    othersBefore.delete(`fixture/tenants/${ID}.yaml`);
  });

  afterAll(() => {
    envs.remove();
    reports.remove();
  });

  afterEach(() => {
    // No step ever touches another tenant's file or leaves a temporary file.
    const now = treeHashes(envs.dir);
    now.delete(`fixture/tenants/${ID}.yaml`);
    expect(now).toEqual(othersBefore);
  });

  it('refuses bad steps before the request, changing nothing', () => {
    const before = envHash();
    const cases: Array<[string[], RegExp]> = [
      [['--requested', '2999-01-01'], /^error: --requested: 2999-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}, UTC\)$/],
      [['--requested', '2025-02-30'], /^error: --requested: expected a real calendar date as YYYY-MM-DD; got "2025-02-30"$/],
      [['--requested', '10/01/2025'], /^error: --requested: expected a date as YYYY-MM-DD; got "10\/01\/2025"$/],
      [['--certificate'], /^error: --certificate: tenant "brightwave-leisure" is in lifecycle state active, not offboarding/],
      [['--confirm-removed'], /^error: --confirm-removed: tenant "brightwave-leisure" is in lifecycle state active/],
      [[], /^error: choose one step: --requested <YYYY-MM-DD>, --certificate or --confirm-removed$/],
      [['--requested', REQUESTED, '--certificate'], /^error: --requested and --certificate cannot be combined; choose one step$/],
      [['--requested', REQUESTED, '--deployed', DEPLOYED], /^error: --deployed belongs to --certificate$/],
      [['--requested', REQUESTED, '--force'], /^error: unknown flag --force; allowed flags: /],
    ];
    const results = cases.map(([args]) => offboardHere(args));
    results.forEach((r, i) => {
      expect({ args: cases[i][0], code: r.code, errors: r.errors.length }).toEqual({ args: cases[i][0], code: 2, errors: 1 });
      expect(r.errors[0]).toMatch(cases[i][1]);
    });
    const wrongTenant = runInProcess((a, io) => offboardMain(a, { io }), ['--env', 'fixture', '--tenant', '../x', '--requested', REQUESTED, '--environments-dir', envs.dir]);
    expect(wrongTenant.errors).toEqual([expect.stringMatching(/^error: --tenant: "\.\.\/x" is not a tenant id/)]);
    expect(envHash()).toEqual(before);
    expect(fs.existsSync(reportsDir)).toBe(false);
  });

  it('--requested moves the tenant to offboarding, editing the file in place', async () => {
    const r = await offboard(['--requested', REQUESTED]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/Customer Data must be gone by 2025-01-24 \(DPA 10\.1\)/);
    expect(r.stdout).toContain(`npx cdktf deploy ${STACK}`);
    expect(r.stdout).toContain(`npx cdktf destroy ${STACK}`);
    const text = fs.readFileSync(tenantFile, 'utf8');
    // Everything that was there stays, comments included; the lifecycle is added.
    expect(text.startsWith(original)).toBe(true);
    expect(text.slice(original.length)).toBe(
      [
        'lifecycle:',
        '  # Offboarding requested 2025-01-10 (npm run offboard); Customer Data must be gone by 2025-01-24 (DPA 10.1).',
        '  state: offboarding',
        '  offboarding:',
        '    requested: 2025-01-10',
        '    removalConfirmed: false',
        '',
      ].join('\n'),
    );
    const tenant = loadEnvironment('fixture', { environmentsDir: envs.dir }).tenants.find((t) => t.id === ID)!;
    expect(tenant.lifecycle).toEqual({ state: 'offboarding', offboarding: { requested: REQUESTED, removalConfirmed: false } });
    // A child process that itself spawns the synthesis: slower than one test's budget on a busy machine.
  }, 600_000);

  it('refuses a second request, a removal without certificate, and impossible deploy dates', () => {
    const before = envHash();
    const cases: Array<[string[], RegExp]> = [
      [['--requested', REQUESTED], /^error: --requested: tenant "brightwave-leisure" is already offboarding/],
      [['--confirm-removed'], /^error: --confirm-removed: no deletion certificate for this offboarding \(requested 2025-01-10\) at .*deletion-fixture-brightwave-leisure\.json; after the destroy, run --certificate first$/],
      [['--certificate', '--deployed', '2025-01-09'], /^error: --deployed: 2025-01-09 is before the deletion request of 2025-01-10/],
      [['--certificate', '--deployed', '2999-01-01'], /^error: --deployed: 2999-01-01 is in the future/],
    ];
    const results = cases.map(([args]) => offboardHere(args));
    results.forEach((r, i) => {
      expect({ code: r.code, errors: r.errors.length }).toEqual({ code: 2, errors: 1 });
      expect(r.errors[0]).toMatch(cases[i][1]);
    });
    expect(envHash()).toEqual(before);
    expect(fs.existsSync(reportsDir)).toBe(false);
  });

  let certificate: DeletionCertificate;

  it('--certificate writes the report, each date computed from the synthesized retention settings', () => {
    const r = offboardHere(['--certificate', '--deployed', DEPLOYED]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(fs.readdirSync(reportsDir).sort()).toEqual([`deletion-fixture-${ID}.json`, `deletion-fixture-${ID}.md`]);
    certificate = JSON.parse(fs.readFileSync(path.join(reportsDir, `deletion-fixture-${ID}.json`), 'utf8'));
    expect(certificate).toMatchObject({ control: 'DEL-1', environment: 'fixture', stack: STACK, requested: REQUESTED, deployed: DEPLOYED, deadline: '2025-01-24' });

    // Synthesize the same configuration here and check the certificate against it.
    const out = tempDir('ss-offboard-check-');
    try {
      buildApp({ environmentsDir: envs.dir, stacks: [STACK], outdir: out.dir }).synth();
      const text = fs.readFileSync(path.join(out.dir, 'stacks', STACK, 'cdk.tf.json'), 'utf8');
      expect(certificate.source.sha256).toBe(sha256(text));
      const stack = SynthesizedStack.parse(STACK, text);
      const stores = stack.resources.filter((res) => STORE_TYPES.includes(res.type));
      expect(stores.length).toBeGreaterThan(0);
      expect(certificate.stores.map((st) => st.address)).toEqual(stores.map((res) => res.address).sort());
      for (const res of stores) {
        const seconds = expectedRetentionSeconds(stack, res.type, res.values as Record<string, any>);
        const entry = certificate.stores.find((st) => st.address === res.address)!;
        expect({ address: res.address, latest: entry.latestCopyDate }).toEqual({ address: res.address, latest: addDays(DEPLOYED, Math.ceil(seconds / DAY)) });
        if (entry.category === 'customer-data') expect(entry.latestCopyDate <= certificate.deadline).toBe(true);
      }
    } finally {
      out.remove();
    }

    const md = fs.readFileSync(path.join(reportsDir, `deletion-fixture-${ID}.md`), 'utf8');
    expect(md).toContain('| Deletion requested | 2025-01-10 |');
    expect(md).toContain('| Deleted (offboarding deploy and destroy) | 2025-01-12 |');
    for (const st of certificate.stores) expect(md).toContain(`\`${st.address}\``);
    expect(md).toMatch(/backups may keep data longer: .*up to about 180 days/);
    expect(md).toMatch(/_Required bucket keeps admin activity and system event audit logs for 400 days/);
  });

  it('refuses to certify a deletion that ran too late, keeping the certificate already written', () => {
    // 15 days after the request every Customer Data store misses the deadline, whatever its windows.
    const before = treeHashes(reportsDir);
    const r = offboardHere(['--certificate', '--deployed', '2025-01-25']);
    expect(r.code).toBe(1);
    const customerData = certificate.stores.filter((st) => st.category === 'customer-data');
    expect(r.errors).toHaveLength(customerData.length);
    for (const st of customerData) expect(r.stderr).toContain(`error: ${st.address} (${st.kind}): a copy can exist until`);
    expect(r.stderr).toMatch(/No certificate was written\.\n$/);
    expect(treeHashes(reportsDir)).toEqual(before);
  });

  it('--confirm-removed records the removal, and synthesis no longer produces the stack', () => {
    expect(stackNamesOf(loadAllEnvironments(envs.dir))).toContain(STACK);
    const r = offboardHere(['--confirm-removed']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const tenant = loadEnvironment('fixture', { environmentsDir: envs.dir }).tenants.find((t) => t.id === ID)!;
    expect(tenant.lifecycle.offboarding).toEqual({ requested: REQUESTED, removalConfirmed: true });
    expect(fs.readFileSync(tenantFile, 'utf8').startsWith(original)).toBe(true);
    expect(stackNamesOf(loadAllEnvironments(envs.dir))).not.toContain(STACK);

    const again = offboardHere(['--certificate', '--deployed', DEPLOYED]);
    expect(again.code).toBe(2);
    expect(again.errors).toEqual([expect.stringMatching(/^error: --certificate: the removal of tenant "brightwave-leisure" is already confirmed/)]);
  });
});

describe('tenants that cannot start offboarding', () => {
  const handover = [
    'lifecycle:',
    '  state: STATE',
    '  handover:',
    '    customerOrganizationId: "987654321098"',
    '    customerBillingAccount: 01ABCD-23EF45-6789AC',
    '    customerOwnerGroup: owners@alpensport.example',
    '    customerDirectoryCustomerId: C02alpen9',
    '',
  ].join('\n');

  it.each([
    ['handover-prepare', /is mid-handover \(lifecycle state handover-prepare\)/],
    ['handover-transfer', /is mid-handover \(lifecycle state handover-transfer\)/],
    ['handed-over', /was handed over to the customer \(DPA 10\.2\)/],
  ])('refuses a tenant in %s', (state, message) => {
    const envs = copyEnvironment();
    try {
      fs.appendFileSync(path.join(envs.envDir, 'tenants', 'alpen-sport.yaml'), handover.replace('STATE', state));
      expect(loadEnvironment('fixture', { environmentsDir: envs.dir }).tenants.find((t) => t.id === 'alpen-sport')!.lifecycle.state).toBe(state);
      const before = treeHashes(envs.dir);
      const r = runInProcess((a, io) => offboardMain(a, { io }), ['--env', 'fixture', '--tenant', 'alpen-sport', '--requested', '2025-01-10', '--environments-dir', envs.dir]);
      expect(r.code).toBe(2);
      expect(r.errors).toEqual([expect.stringMatching(new RegExp(`^error: --requested: tenant "alpen-sport" ${message.source}`))]);
      expect(treeHashes(envs.dir)).toEqual(before);
    } finally {
      envs.remove();
    }
  });
});

describe('RET-3: a configuration that keeps data past the 14 days makes the certificate fail', () => {
  it('exits 1, names the store and the dates, and writes no certificate', () => {
    const envs = copyEnvironment();
    const reports = tempDir('ss-reports-fail-');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    try {
      const common = ['--env', 'fixture', '--tenant', 'lisboa-parque', '--environments-dir', envs.dir, '--reports-dir', reports.dir];
      expect(offboardMain([...common, '--requested', REQUESTED], { io })).toBe(0);
      // The tenant's real stack (as now configured, in offboarding), plus a bucket whose soft delete
      // keeps objects 30 days: the escape hatch a careless change could add.
      const env = loadEnvironment('fixture', { environmentsDir: envs.dir });
      const tenant = env.tenants.find((t) => t.id === 'lisboa-parque')!;
      const synthesizeStack = ({ stackName }: { stackName: string }) => {
        const stack = new TenantStack(Testing.app(), { environment: env, tenant });
        new StorageBucket(stack, 'exports', {
          name: 'ssx-lisboa-parque-exports', location: 'EU', forceDestroy: true,
          softDeletePolicy: { retentionDurationSeconds: 30 * DAY }, dependsOn: [stack.project.enableApi('storage.googleapis.com')!],
        });
        const text = Testing.synth(stack as TerraformStack);
        return { stack: SynthesizedStack.parse(stackName, text), text };
      };
      const code = offboardMain([...common, '--certificate', '--deployed', DEPLOYED], { io, synthesizeStack });
      expect(code).toBe(1);
      expect(err.join('\n')).toMatch(
        /^The deletion certificate for "lisboa-parque" cannot be issued:\nerror: google_storage_bucket\.exports \(Cloud Storage bucket\): a copy can exist until 2025-02-11 \(deleted 2025-01-12, then soft delete 30 days\), after 2025-01-24, the limit of 14 days after the request \(DPA 10\.1, RET-3\)\nNo certificate was written\.$/,
      );
      expect(fs.readdirSync(reports.dir)).toEqual([]);
    } finally {
      envs.remove();
      reports.remove();
    }
  });
});

describe('--help', () => {
  it('documents every flag, through the npm script', async () => {
    const r = await runCommand('npm', ['run', '--silent', 'offboard', '--', '--help']);
    expect(r.code).toBe(0);
    const flagSection = r.stdout.slice(r.stdout.indexOf('Flags:'), r.stdout.indexOf('Environment:'));
    const documented = [...flagSection.matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(
      ['--env', '--tenant', '--requested', '--certificate', '--deployed', '--confirm-removed', '--reports-dir', '--environments-dir', '--help'].sort(),
    );
    expect(r.stdout).toMatch(/_?Exit status: 0 done; 1 .*\n2 invalid flags/);
  });
});
