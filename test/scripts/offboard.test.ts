/**
 * `npm run offboard` (DPA 10.1, 10.4; RET-3, DEL-1) against a temporary copy of the fixture
 * environment: request, certificate with dates checked against the synthesized retention settings,
 * confirmed removal; the refusals on the way; and a certificate that fails because a store would
 * keep data past the 14 days. The request step and `--help` (through npm) run as a user runs them
 * (a child process); the other steps call the script's main in this process, which runs the same code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing, type TerraformStack } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { loadAllEnvironments, loadEnvironment } from '../../config/loader';
import { buildApp, stackNamesOf } from '../../stacks/build-app';
import { TenantStack } from '../../stacks/tenant-stack';
import { main as offboardMain, synthesizeStackToTemp } from '../../scripts/offboard';
import type { DeletionCertificate } from '../../scripts/lib/deletion-certificate';
import { main as recordDestroyMain } from '../../scripts/record-destroy';
import { fixtureStack } from '../support/synth';
import { copyEnvironment } from '../support/temp-environment';
import { runCommand, runInProcess, runScript, sha256, tempDir, treeHashes } from './cli-harness';
import { recordEvidence, TEST_COMMIT } from './destroy-evidence-harness';

const ID = 'brightwave-leisure';
const STACK = `tenant-fixture-${ID}`;
const REQUESTED = '2025-01-10';
const DEPLOYED = '2025-01-12';
const DAY = 86400;
/** The certificates' generation clock. */
const CLOCK = new Date('2025-01-28T12:00:00Z');

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
  let work: ReturnType<typeof tempDir>;
  let evidenceDir: string;
  let certificateDir: string;
  let tenantFile: string;
  let original: string;
  let othersBefore: Map<string, string>;
  /** Every resource address of the tenant's synthesized stack: what its destroy reports destroyed. */
  let addresses: string[];
  const argv = (args: string[], dir = evidenceDir) => ['--env', 'fixture', '--tenant', ID, ...args, '--environments-dir', envs.dir, '--evidence-dir', dir];
  /**
   * The certificate's synthesis of the stack, the script's own (synthesizeStackToTemp, its default),
   * run once per configuration: the certificate steps and refusals synthesize the same unchanged
   * files several times, so a result is reused only while every file of the folder is byte for byte
   * the same (synthesis is deterministic).
   */
  const synthesized = new Map<string, ReturnType<typeof synthesizeStackToTemp>>();
  const synthesizeStack: typeof synthesizeStackToTemp = (request) => {
    const key = JSON.stringify([request.environmentsDir, request.stackName, [...treeHashes(request.environmentsDir)]]);
    let result = synthesized.get(key);
    if (!result) {
      result = synthesizeStackToTemp(request);
      synthesized.set(key, result);
    }
    return result;
  };
  /** As a user runs it: a child process (the request step, once: exit status and output as the shell sees them). */
  const offboard = (args: string[]) => runScript('offboard', argv(args));
  /** The same main in this process: the fast path for the other steps and the many refusals. */
  const offboardHere = (args: string[], dir = evidenceDir) => runInProcess((a, io) => offboardMain(a, { io, now: CLOCK, synthesizeStack }), argv(args, dir));
  const envHash = () => treeHashes(envs.dir);
  /** Destroy evidence of this tenant's stack (or another's), finished at `finished`. */
  const evidence = (finished: string, more: Partial<Parameters<typeof recordEvidence>[0]> = {}) => {
    const r = recordEvidence({
      environmentsDir: envs.dir, evidenceDir: path.join(work.dir, 'job'), stack: STACK, destroyed: addresses,
      started: finished.replace(/T\d{2}/, 'T00'), finished, workDir: work.dir, runId: String(++runs), ...more,
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return r.file;
  };
  let runs = 100;

  beforeAll(() => {
    envs = copyEnvironment();
    work = tempDir('ss-offboard-evidence-');
    evidenceDir = path.join(work.dir, 'evidence');
    certificateDir = path.join(evidenceDir, 'fixture');
    tenantFile = path.join(envs.envDir, 'tenants', `${ID}.yaml`);
    original = fs.readFileSync(tenantFile, 'utf8');
    othersBefore = treeHashes(envs.dir);
    othersBefore.delete(`fixture/tenants/${ID}.yaml`);
    // The copy is the fixture environment as it is, so its stack is the run's fixture synthesis.
    addresses = fixtureStack(STACK).resources.map((r) => r.address);
  });

  afterAll(() => {
    envs.remove();
    work.remove();
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
      [['--certificate', '--evidence', 'x.json'], /^error: --certificate: tenant "brightwave-leisure" is in lifecycle state active, not offboarding/],
      [['--confirm-removed'], /^error: --confirm-removed: tenant "brightwave-leisure" is in lifecycle state active/],
      [[], /^error: choose one step: --requested <YYYY-MM-DD>, --certificate or --confirm-removed$/],
      [['--requested', REQUESTED, '--certificate'], /^error: --requested and --certificate cannot be combined; choose one step$/],
      [['--requested', REQUESTED, '--evidence', 'x.json'], /^error: --evidence belongs to --certificate$/],
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
    expect(fs.existsSync(evidenceDir)).toBe(false);
  });

  it('--requested moves the tenant to offboarding, editing the file in place', async () => {
    const r = await offboard(['--requested', REQUESTED]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/Customer Data must be gone by 2025-01-24 \(DPA 10\.1\)/);
    expect(r.stdout).toContain(`npx cdktf deploy ${STACK}`);
    expect(r.stdout).toContain(`npx cdktf destroy ${STACK}`);
    expect(r.stdout).toContain('never held back by the date');
    expect(r.stdout).toContain(`--certificate --evidence evidence/fixture/destroy-${STACK}-<run>-<attempt>.json`);
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
    // A child process that synthesizes the stack twice (plan-check): slower than one test's budget on a busy machine.
  }, 600_000);

  it('refuses a second request, a removal without certificate, and the removed --deployed', () => {
    const before = envHash();
    const cases: Array<[string[], RegExp]> = [
      [['--requested', REQUESTED], /^error: --requested: tenant "brightwave-leisure" is already offboarding/],
      [['--confirm-removed'], /^error: --confirm-removed: no deletion certificate for this offboarding \(requested 2025-01-10\) at .*deletion-fixture-brightwave-leisure\.json; after the destroy, run --certificate first$/],
      [['--certificate', '--deployed', DEPLOYED], /^error: --deployed: removed; the day of deletion is taken from the evidence of the destroy, not typed in: --certificate --evidence/],
    ];
    const results = cases.map(([args]) => offboardHere(args));
    results.forEach((r, i) => {
      expect({ code: r.code, errors: r.errors.length }).toEqual({ code: 2, errors: 1 });
      expect(r.errors[0]).toMatch(cases[i][1]);
    });
    expect(envHash()).toEqual(before);
    expect(fs.existsSync(evidenceDir)).toBe(false);
  });

  it('issues no certificate without destroy evidence, nor from evidence of another tenant, stack or environment, or of a failed destroy', () => {
    const good = JSON.parse(fs.readFileSync(evidence(`${DEPLOYED}T09:30:00Z`), 'utf8'));
    const edited = (name: string, change: (e: any) => void) => {
      const copy = JSON.parse(JSON.stringify(good));
      change(copy);
      const file = path.join(work.dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(copy));
      return file;
    };
    const otherTenant = evidence(`${DEPLOYED}T09:30:00Z`, { stack: 'tenant-fixture-alpen-sport' });
    const failed = evidence(`${DEPLOYED}T09:30:00Z`, { exitCode: 1 });
    const cases: Array<[string[], RegExp[]]> = [
      [['--certificate'], [/^error: --evidence: missing; a certificate is issued only from the evidence of the destroy/]],
      [['--certificate', '--evidence', path.join(work.dir, 'absent.json')], [/^error: --evidence \S*absent\.json: cannot read the evidence file \(ENOENT\)/]],
      [['--certificate', '--evidence', otherTenant], [/^error: --evidence \S+: field stack is "tenant-fixture-alpen-sport", not "tenant-fixture-brightwave-leisure"/, /^error: --evidence \S+: field tenant is "alpen-sport", not "brightwave-leisure"; this evidence belongs to another tenant$/]],
      [['--certificate', '--evidence', edited('stack', (e) => (e.stack = 'tenant-fixture-brightwave-leisure-2'))], [/^error: --evidence \S+: field stack is "tenant-fixture-brightwave-leisure-2", not "tenant-fixture-brightwave-leisure"/]],
      [['--certificate', '--evidence', edited('environment', (e) => (e.environment = 'prod'))], [/^error: --evidence \S+: field environment is "prod", not "fixture"/]],
      [['--certificate', '--evidence', failed], [/^error: --evidence \S+: field exitCode is 1: that destroy failed/]],
      [['--certificate', '--evidence', edited('early', (e) => (e.finished = '2025-01-09T10:00:00Z', e.started = '2025-01-09T09:00:00Z'))], [/^error: --evidence \S+: field finished is 2025-01-09T10:00:00Z, before the deletion request of 2025-01-10/]],
      [['--certificate', '--evidence', edited('forged', (e) => delete e.run)], [/^error: --evidence \S+: field run: .*this is not destroy evidence written by npm run record-destroy$/]],
    ];
    const before = envHash();
    for (const [args, messages] of cases) {
      const r = offboardHere(args);
      expect({ args, code: r.code, errors: r.errors.length }).toEqual({ args, code: 2, errors: messages.length });
      messages.forEach((m, i) => expect(r.errors[i]).toMatch(m));
      expect(r.stderr).toMatch(/No certificate was written\.\n$|Nothing was written\.\n$/);
    }
    expect(envHash()).toEqual(before);
    expect(fs.existsSync(certificateDir)).toBe(false);
  });

  it('refuses a certificate when the evidence does not show a store destroyed', () => {
    const dataset = addresses.find((a) => a.startsWith('google_bigquery_dataset.'))!;
    const partial = evidence(`${DEPLOYED}T09:30:00Z`, { destroyed: addresses.filter((a) => a !== dataset), stateBefore: addresses });
    const r = offboardHere(['--certificate', '--evidence', partial]);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringContaining(`error: ${dataset} (BigQuery dataset): the destroy evidence `)]);
    expect(r.errors[0]).toMatch(/does not report it destroyed although it was in the state before the destroy/);
    expect(fs.existsSync(certificateDir)).toBe(false);
  });

  let certificate: DeletionCertificate;
  let inTimeEvidence: string;

  it('--certificate writes the report from the evidence, each date computed from the synthesized retention settings', () => {
    inTimeEvidence = evidence(`${DEPLOYED}T09:30:00Z`);
    const r = offboardHere(['--certificate', '--evidence', inTimeEvidence]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Commit them with a change request');
    expect(r.stdout).not.toContain('BREACH');
    expect(fs.readdirSync(certificateDir).sort()).toEqual([`deletion-fixture-${ID}.html`, `deletion-fixture-${ID}.json`, `deletion-fixture-${ID}.md`]);
    certificate = JSON.parse(fs.readFileSync(path.join(certificateDir, `deletion-fixture-${ID}.json`), 'utf8'));
    expect(certificate).toMatchObject({ control: 'DEL-1', environment: 'fixture', stack: STACK, requested: REQUESTED, deployed: DEPLOYED, deadline: '2025-01-24', breach: null });
    // The evidence is cited: its digest, the run and the times.
    expect(certificate.evidence).toMatchObject({
      sha256: sha256(fs.readFileSync(inTimeEvidence)),
      commit: TEST_COMMIT,
      finished: `${DEPLOYED}T09:30:00Z`,
      destroyedCount: addresses.length,
      run: { repository: 'smart-segments/platform', url: expect.stringMatching(/^https:\/\/github\.com\/smart-segments\/platform\/actions\/runs\/\d+\/attempts\/1$/) },
    });
    expect(certificate.generated).toMatchObject({ generatedAt: '2025-01-28T12:00:00Z', tool: 'smart-segments-platform@0.1.0' });
    expect(certificate.stores.every((st) => st.destroyEvidence === 'destroyed')).toBe(true);

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

    const md = fs.readFileSync(path.join(certificateDir, `deletion-fixture-${ID}.md`), 'utf8');
    expect(md).toContain('| Deletion requested | 2025-01-10 |');
    expect(md).toContain('| Deleted (the offboarding destroy finished) | 2025-01-12 |');
    expect(md).toContain('| Within the deadline | yes |');
    expect(md).toContain(`File \`${inTimeEvidence}\` (sha256 \`${certificate.evidence!.sha256}\`)`);
    expect(md).toContain(`Generated 2025-01-28T12:00:00Z (UTC) by \`npm run offboard -- --env fixture --tenant ${ID} --certificate\` with smart-segments-platform@0.1.0, from `);
    for (const st of certificate.stores) expect(md).toContain(`\`${st.address}\``);
    expect(md).toMatch(/backups may keep data longer: .*up to about 180 days/);
    expect(md).toMatch(/_Required bucket keeps admin activity and system event audit logs for 400 days/);
  });

  it('every headline date is the latest of its own rows, in the JSON and in the Markdown', () => {
    const md = fs.readFileSync(path.join(certificateDir, `deletion-fixture-${ID}.md`), 'utf8');
    const rows: Array<[keyof DeletionCertificate['latestCopies'], string, string]> = [
      ['customerData', 'customer-data', "Latest copy of Customer Data in Google's live systems"],
      ['systemLogs', 'system-logs', 'Latest copy of system logs'],
      ['keyMaterial', 'key-material', 'Encryption keys destroyed by (DEL-2)'],
    ];
    for (const [key, category, label] of rows) {
      const own = certificate.stores.filter((st) => st.category === category);
      const headline = certificate.latestCopies[key];
      if (own.length === 0) {
        expect(headline).toBeNull();
        continue;
      }
      const latest = own.map((st) => st.latestCopyDate).sort().at(-1)!;
      expect({ key, date: headline?.date }).toEqual({ key, date: latest });
      expect(own.find((st) => st.address === headline!.address)!.latestCopyDate).toBe(latest);
      // The Markdown row shows that date, and the store row with the same address shows it too.
      expect(md).toContain(`| ${label} | ${latest} (`);
      expect(md).toMatch(new RegExp(`\\| \`${headline!.address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` \\|[^\\n]*\\| ${latest} \\|`));
    }
    expect(certificate.latestCopies.systemLogs).not.toBeNull();
  });

  it('a destroy 10 days after the request is not held back, and its certificate states the breach of DPA 10.1', () => {
    // The job's preflight does not look at dates at all.
    const preflight = runInProcess((a, io) => recordDestroyMain(a, { io, env: {} }), ['--env', 'fixture', '--stack', STACK, '--preflight', '--environments-dir', envs.dir]);
    expect({ code: preflight.code, stdout: preflight.stdout }).toEqual({ code: 0, stdout: `${STACK} may be destroyed: tenant "${ID}" is offboarding (requested ${REQUESTED}).\n` });
    const lateDir = path.join(work.dir, 'late-evidence');
    const late = evidence('2025-01-20T16:05:00Z');
    const r = offboardHere(['--certificate', '--evidence', late], lateDir);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/BREACH of DPA 10\.1: \d+ stores keep a copy past the limit\./);
    expect(r.stdout).toMatch(/Notify the customer \(\S+@\S+\) without undue delay, by 2025-01-30T12:00:00Z UTC at the latest \(DPA 8\.1, 8\.2\)/);
    const c: DeletionCertificate = JSON.parse(fs.readFileSync(path.join(lateDir, 'fixture', `deletion-fixture-${ID}.json`), 'utf8'));
    expect(c.deployed).toBe('2025-01-20');
    expect(c.breach).not.toBeNull();
    const b = c.breach!;
    expect(b.clauses).toEqual(['10.1']);
    expect(b.deletedDaysLate).toBe(0);
    // Every Customer Data store whose windows reach past 2025-01-24 is listed, with its days late.
    const customerData = c.stores.filter((st) => st.category === 'customer-data');
    const lateStores = customerData.filter((st) => st.latestCopyDate > c.deadline);
    expect(lateStores.length).toBeGreaterThan(0);
    expect(b.stores.map((st) => st.address).sort()).toEqual(lateStores.map((st) => st.address).sort());
    for (const st of b.stores) {
      const row = c.stores.find((x) => x.address === st.address)!;
      expect(st.daysLate).toBe(Math.round((Date.parse(row.latestCopyDate) - Date.parse(c.deadline)) / (DAY * 1000)));
      expect(row.withinLimit).toBe(false);
    }
    expect(b.latestCopyDaysLate).toBe(Math.max(...b.stores.map((st) => st.daysLate)));
    expect(b.required.join('\n')).toMatch(/breach of DPA 10\.1: .* by 2025-01-24\. .*a copy can exist in \d+ stores until up to \d+ days after it/);
    expect(b.required.join('\n')).toMatch(/within 48 hours of becoming aware of it \(DPA 8\.1\)/);
    const md = fs.readFileSync(path.join(lateDir, 'fixture', `deletion-fixture-${ID}.md`), 'utf8');
    expect(md).toContain('| Within the deadline | **no: breach of DPA 10.1** (see "Breach") |');
    expect(md).toContain('## Breach');
    for (const st of b.stores) expect(md).toContain(`| \`${st.address}\` | ${st.latestCopyDate} | deleted 2025-01-20, then `);

    // Fourteen days and more: the destroy itself is late, and still not refused.
    const later = evidence('2025-01-27T08:00:00Z');
    const r2 = offboardHere(['--certificate', '--evidence', later], path.join(work.dir, 'later-evidence'));
    expect(r2.code).toBe(0);
    const c2: DeletionCertificate = JSON.parse(fs.readFileSync(path.join(work.dir, 'later-evidence', 'fixture', `deletion-fixture-${ID}.json`), 'utf8'));
    expect(c2.breach!.deletedDaysLate).toBe(3);
    expect(c2.breach!.stores.map((st) => st.address).sort()).toEqual(c2.stores.filter((st) => st.category === 'customer-data').map((st) => st.address).sort());
    expect(c2.breach!.required[0]).toMatch(/The destroy finished on 2025-01-27, 3 days after that deadline/);
  });

  it('--confirm-removed records the removal, and synthesis no longer produces the stack', () => {
    expect(stackNamesOf(loadAllEnvironments(envs.dir))).toContain(STACK);
    const r = offboardHere(['--confirm-removed']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain('commit them in the same change');
    const tenant = loadEnvironment('fixture', { environmentsDir: envs.dir }).tenants.find((t) => t.id === ID)!;
    expect(tenant.lifecycle.offboarding).toEqual({ requested: REQUESTED, removalConfirmed: true });
    expect(fs.readFileSync(tenantFile, 'utf8').startsWith(original)).toBe(true);
    expect(stackNamesOf(loadAllEnvironments(envs.dir))).not.toContain(STACK);

    const again = offboardHere(['--certificate', '--evidence', inTimeEvidence]);
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

describe('RET-3: a configuration that keeps data past the 14 days is certified as a breach', () => {
  it('issues the certificate, naming the store, its windows and the days past the deadline', () => {
    const envs = copyEnvironment();
    const work = tempDir('ss-evidence-ret3-');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    try {
      const common = ['--env', 'fixture', '--tenant', 'lisboa-parque', '--environments-dir', envs.dir, '--evidence-dir', work.dir];
      expect(offboardMain([...common, '--requested', REQUESTED], { io })).toBe(0);
      // The tenant's real stack (as now configured, in offboarding), plus a bucket whose soft delete
      // keeps objects 30 days: the escape hatch a careless change could add.
      const env = loadEnvironment('fixture', { environmentsDir: envs.dir });
      const tenant = env.tenants.find((t) => t.id === 'lisboa-parque')!;
      const stackName = 'tenant-fixture-lisboa-parque';
      const built = (() => {
        const stack = new TenantStack(Testing.app(), { environment: env, tenant });
        new StorageBucket(stack, 'exports', {
          name: 'ssx-lisboa-parque-exports', location: 'EU', forceDestroy: true,
          softDeletePolicy: { retentionDurationSeconds: 30 * DAY }, dependsOn: [stack.project.enableApi('storage.googleapis.com')!],
        });
        const text = Testing.synth(stack as TerraformStack);
        return { stack: SynthesizedStack.parse(stackName, text), text };
      })();
      // Built once: the evidence lists its addresses and the certificate step reads the same stack.
      const synthesizeStack = (request: { stackName: string }) => {
        if (request.stackName !== stackName) throw new Error(`the certificate asked for ${request.stackName}, not ${stackName}`);
        return built;
      };
      const destroyed = built.stack.resources.map((r) => r.address);
      const evidence = recordEvidence({ environmentsDir: envs.dir, evidenceDir: work.dir, stack: stackName, destroyed, started: `${DEPLOYED}T08:00:00Z`, finished: `${DEPLOYED}T08:20:00Z`, workDir: work.dir });
      expect(evidence.code).toBe(0);
      const code = offboardMain([...common, '--certificate', '--evidence', evidence.file], { io, synthesizeStack, now: CLOCK });
      expect({ code, err }).toEqual({ code: 0, err: [] });
      const c: DeletionCertificate = JSON.parse(fs.readFileSync(path.join(work.dir, 'fixture', 'deletion-fixture-lisboa-parque.json'), 'utf8'));
      expect(c.breach).toMatchObject({
        clauses: ['10.1'],
        deletedDaysLate: 0,
        latestCopyDaysLate: 18,
        stores: [
          {
            address: 'google_storage_bucket.exports', kind: 'Cloud Storage bucket', latestCopyDate: '2025-02-11', limit: '2025-01-24', daysLate: 18,
            because: 'deleted 2025-01-12, then soft delete 30 days', rule: '14 days after the request (DPA 10.1, RET-3)',
          },
        ],
      });
      expect(c.breach!.required[0]).toBe(
        'This is a breach of DPA 10.1: the customer asked for deletion on 2025-01-10, so Customer Data had to be gone within 14 days, by 2025-01-24. The destroy finished on 2025-01-12, in time, but the recovery windows of the stores below outlast the deadline; a copy can exist in 1 store until up to 18 days after it.',
      );
      expect(out.join('\n')).toContain('BREACH of DPA 10.1: 1 store keeps a copy past the limit.');
    } finally {
      envs.remove();
      work.remove();
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
      ['--env', '--tenant', '--requested', '--certificate', '--evidence', '--deployed', '--confirm-removed', '--evidence-dir', '--environments-dir', '--help'].sort(),
    );
    expect(r.stdout).toMatch(/--deployed <YYYY-MM-DD> +Removed: a typed date is no evidence\. Use --evidence <file>/);
    expect(r.stdout).toMatch(/Exit status: 0 done \(a certificate stating a breach included\); 1 .*\n.*\n2 invalid flags/);
  });
});
