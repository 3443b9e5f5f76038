/**
 * `npm run handover` (HAND-1, DPA 10.2), against a temporary copy of the fixture environment: the
 * four steps in order on the tenant whose project was provisioned for takeover, each leaving a file
 * the loader accepts and a stack that synthesizes with both packs, the handover record; and the
 * refusals, each with exit 2, the flag named and the environment folder byte-identical.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { loadEnvironment } from '../../config/loader';
import { main as handoverMain } from '../../scripts/handover';
import { todayUtc } from '../../scripts/lib/deletion-certificate';
import { addDays } from '../../scripts/lib/handover';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runInProcess, runScript, treeHashes } from './cli-harness';

const PREPARE = [
  '--customer-org',
  '998877665544',
  '--customer-billing',
  '0A0A0A-1B1B1B-2C2C2C',
  '--admin-group',
  'gcp-admins@alpensport.example',
  '--customer-directory',
  'C09alpen1',
];
const TRANSFER = ['--customer-import-policy-confirmed', '--customer-billing-grant-confirmed'];
const alpen = (dir: string) => loadEnvironment('fixture', { environmentsDir: dir }).tenants.find((t) => t.id === 'alpen-sport')!;

/** Puts alpen-sport straight into a handover state (the refusal tests start from there). */
function inState(tmp: TempEnvironments, state: string, extra: Record<string, string> = {}): void {
  const file = path.join(tmp.envDir, 'tenants', 'alpen-sport.yaml');
  const fields = {
    customerOrganizationId: '"998877665544"',
    customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
    customerOwnerGroup: 'gcp-admins@alpensport.example',
    customerDirectoryCustomerId: 'C09alpen1',
    moverGrantExpires: addDays(todayUtc(), 20),
    ...extra,
  };
  fs.appendFileSync(file, `lifecycle:\n  state: ${state}\n  handover:\n${Object.entries(fields).map(([k, v]) => `    ${k}: ${v}`).join('\n')}\n`);
}

describe('HAND-1: npm run handover', () => {
  it('takes alpen-sport through prepare, transfer, release and relinquish, keeping the rest of its file and writing the handover record', () => {
    const tmp = copyEnvironment();
    const reports = path.join(tmp.dir, 'reports');
    try {
      const file = path.join(tmp.envDir, 'tenants', 'alpen-sport.yaml');
      const original = fs.readFileSync(file, 'utf8');
      const base = ['--env', 'fixture', '--tenant', 'alpen-sport', '--environments-dir', tmp.dir, '--reports-dir', reports];
      const today = todayUtc();

      const prepare = runInProcess(handoverMain, [...base, '--phase', 'prepare', ...PREPARE]);
      expect({ code: prepare.code, stderr: prepare.stderr }).toEqual({ code: 0, stderr: '' });
      expect(prepare.stdout).toMatch(/npx cdktf deploy tenant-fixture-alpen-sport/);
      expect(prepare.stdout).toMatch(/--phase transfer --customer-import-policy-confirmed --customer-billing-grant-confirmed/);
      expect(prepare.stdout).not.toContain('deploy platform-fixture');
      expect(alpen(tmp.dir).lifecycle).toEqual({
        state: 'handover-prepare',
        handover: {
          customerOrganizationId: '998877665544',
          customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
          customerOwnerGroup: 'gcp-admins@alpensport.example',
          customerDirectoryCustomerId: 'C09alpen1',
          prepared: today,
          moverGrantExpires: addDays(today, 30),
        },
      });
      // The header comment and every other field survive the edit.
      expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(original.split('\n')[0]);
      const { lifecycle: _l, ...rest } = parseDocument(fs.readFileSync(file, 'utf8')).toJS();
      const { lifecycle: _o, ...originalRest } = parseDocument(original).toJS();
      expect(rest).toEqual(originalRest);
      expect(fs.existsSync(reports)).toBe(false);

      const transfer = runInProcess(handoverMain, [...base, '--phase', 'transfer', ...TRANSFER]);
      expect({ code: transfer.code, stderr: transfer.stderr }).toEqual({ code: 0, stderr: '' });
      expect(alpen(tmp.dir).lifecycle.handover).toMatchObject({ customerImportPolicyConfirmed: today, customerBillingGrantConfirmed: today });

      const release = runInProcess(handoverMain, [...base, '--phase', 'release', '--customer-admins-confirmed']);
      expect({ code: release.code, stderr: release.stderr }).toEqual({ code: 0, stderr: '' });
      expect(release.stdout).toMatch(/releases the project, the warehouse, its\s+keys and the customer's grants from state/);
      expect(release.stdout).toMatch(/--phase relinquish/);
      expect(alpen(tmp.dir).lifecycle).toMatchObject({ state: 'handed-over', handover: { effectiveDate: today, customerAdminsConfirmed: today } });
      const record = JSON.parse(fs.readFileSync(path.join(reports, 'handover-fixture-alpen-sport.json'), 'utf8'));
      expect(record).toMatchObject({ tenant: 'alpen-sport', project: 'alpensport-warehouse', effectiveDate: today, ownAccessRemoved: null });
      // Stated as every report states it: when, from which commit, with which tool and command.
      expect(record.generation.generatedAt.startsWith(today)).toBe(true);
      expect(record.generation.commit === null || /^[0-9a-f]{40}$/.test(record.generation.commit)).toBe(true);
      expect(record.generation).toMatchObject({ tool: 'smart-segments-platform@0.1.0', command: 'npm run handover -- --phase release' });
      expect(record.customerOwns.map((o: { what: string }) => o.what)).toEqual(
        expect.arrayContaining(['project', 'BigQuery dataset', 'BigQuery table', 'Cloud KMS key (encrypts the warehouse)']),
      );
      const steps = record.customerSteps.flatMap((s: { steps: Array<{ command: string }> }) => s.steps.map((x) => x.command)).join('\n');
      expect(steps).toContain('name: organizations/998877665544/policies/resourcemanager.allowedImportSources');
      expect(steps).toContain('- under:organizations/123456789012');
      expect(steps).toContain('gcloud billing accounts add-iam-policy-binding 0A0A0A-1B1B1B-2C2C2C --member=serviceAccount:ci-tenant-ch@ssx-platform.iam.gserviceaccount.com --role=roles/billing.user');
      expect(steps).toMatch(/--role=roles\/resourcemanager\.projectCreator --condition='expression=request\.time < timestamp\("\d{4}-\d{2}-\d{2}T00:00:00Z"\)/);
      expect(record.removedBySmartSegments.join('\n')).toMatch(/google_service_account\./);
      expect(record.removedBySmartSegments.join('\n')).toMatch(/still pending/);
      expect(record.releasedFromState).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project\.project_/), expect.stringMatching(/^google_bigquery_dataset\./)]));
      const md = fs.readFileSync(path.join(reports, 'handover-fixture-alpen-sport.md'), 'utf8');
      expect(md).toContain(`No processing by Smart Segments since ${today}.`);
      expect(md).toContain('DPA 10.2 (Customer-Owned Infrastructure Option)');

      const relinquish = runInProcess(handoverMain, [...base, '--phase', 'relinquish']);
      expect({ code: relinquish.code, stderr: relinquish.stderr }).toEqual({ code: 0, stderr: '' });
      expect(relinquish.stdout).toMatch(/removes the time-bound handover grants/);
      expect(alpen(tmp.dir).lifecycle.handover?.ownAccessRemoved).toBe(today);
      const final = JSON.parse(fs.readFileSync(path.join(reports, 'handover-fixture-alpen-sport.json'), 'utf8'));
      expect(final.ownAccessRemoved).toBe(today);
      expect(final.removedBySmartSegments.join('\n')).toMatch(new RegExp(`smartSegmentsHandoverApply to serviceAccount:ci-tenant-ch@ssx-platform\\.iam\\.gserviceaccount\\.com, removed ${today}`));
      expect(final.removedBySmartSegments.join('\n')).toMatch(new RegExp(`smartSegmentsHandoverRead to serviceAccount:ci-plan@ssx-platform\\.iam\\.gserviceaccount\\.com, removed ${today}`));
      // Every grant left state without being destroyed, the handover grants among them.
      expect(final.releasedFromState).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project_iam_member\.handoff_handover-apply-deployer_/), expect.stringMatching(/^google_secret_manager_secret_iam_member\./)]));

      const again = runInProcess(handoverMain, [...base, '--phase', 'relinquish']);
      expect(again.code).toBe(2);
      expect(again.errors.join('\n')).toMatch(/is relinquished already .* close it with --phase close/);

      // After the relinquish deploy: the stack is no longer synthesized (nobody may plan it again).
      const close = runInProcess(handoverMain, [...base, '--phase', 'close']);
      expect({ code: close.code, stderr: close.stderr }).toEqual({ code: 0, stderr: '' });
      expect(close.stdout).toMatch(/npm run synth no longer produces tenant-fixture-alpen-sport/);
      const closed = loadEnvironment('fixture', { environmentsDir: tmp.dir }).tenants.find((t) => t.id === 'alpen-sport')!;
      expect(closed.lifecycle.handover?.closed).toBe(today);
      expect(closed.lifecycleView.synthesized).toBe(false);
      const done = runInProcess(handoverMain, [...base, '--phase', 'close']);
      expect(done.errors.join('\n')).toMatch(/is closed already .* the handover is complete/);
    } finally {
      tmp.remove();
    }
  }, 120_000);

  type Refusal = [string, string[], RegExp, ((tmp: TempEnvironments) => void)?];
  const refusals: Refusal[] = [
    ['a tenant whose project Smart Segments owns', ['--tenant', 'brightwave-leisure', '--phase', 'prepare', ...PREPARE], /--phase: tenant "brightwave-leisure" has no project provisioned for takeover .*a project Smart Segments owns and hosts/],
    ["a customer's own project", ['--tenant', 'nordic-climb', '--phase', 'prepare', ...PREPARE], /already the customer's \(HAND-2/],
    ['an unknown tenant', ['--tenant', 'nobody-here', '--phase', 'prepare', ...PREPARE], /--tenant: .*nobody-here/],
    ['a phase out of order (release before transfer)', ['--tenant', 'alpen-sport', '--phase', 'release', '--customer-admins-confirmed'], /--phase: tenant "alpen-sport" is in lifecycle state active; --phase release moves handover-transfer to handed-over/],
    ['a phase out of order (relinquish before release)', ['--tenant', 'alpen-sport', '--phase', 'relinquish'], /lifecycle state active; --phase relinquish moves handed-over to handed-over/],
    ['an unknown phase', ['--tenant', 'alpen-sport', '--phase', 'finish'], /--phase: got "finish"; allowed: prepare, transfer, release, relinquish, close/],
    ['a close before the relinquish', ['--tenant', 'alpen-sport', '--phase', 'close'], /has no recorded relinquish .* run --phase relinquish and its deploy first/, (t) => inState(t, 'handed-over', { effectiveDate: '2022-05-05' })],
    ['a close without the relinquish record', ['--tenant', 'alpen-sport', '--phase', 'close'], /no handover record of the relinquish \(ownAccessRemoved 2022-05-06\)/, (t) => inState(t, 'handed-over', { effectiveDate: '2022-05-05', ownAccessRemoved: '2022-05-06' })],
    ['prepare without the customer details', ['--tenant', 'alpen-sport', '--phase', 'prepare'], /--customer-org is required with --phase prepare/],
    ['prepare details on another phase', ['--tenant', 'alpen-sport', '--phase', 'transfer', ...TRANSFER, '--customer-org', '1234567'], /--customer-org does not belong to --phase transfer/],
    ['a malformed organization', ['--tenant', 'alpen-sport', '--phase', 'prepare', '--customer-org', 'org-1', ...PREPARE.slice(2)], /--customer-org: lifecycle\.handover\.customerOrganizationId: expected the numeric organization id/],
    ['a malformed billing account', ['--tenant', 'alpen-sport', '--phase', 'prepare', ...PREPARE.slice(0, 2), '--customer-billing', 'x', ...PREPARE.slice(4)], /--customer-billing: lifecycle\.handover\.customerBillingAccount: .*billing account/],
    ['a malformed group', ['--tenant', 'alpen-sport', '--phase', 'prepare', ...PREPARE.slice(0, 4), '--admin-group', 'nobody', ...PREPARE.slice(6)], /--admin-group: lifecycle\.handover\.customerOwnerGroup/],
    ['a move grant that would already have expired', ['--tenant', 'alpen-sport', '--phase', 'prepare', ...PREPARE, '--mover-expires', todayUtc()], /--mover-expires: .* is not after today/],
    ['a transfer without the customer\'s confirmations', ['--tenant', 'alpen-sport', '--phase', 'transfer'], /--customer-import-policy-confirmed is required with --phase transfer[\s\S]*--customer-billing-grant-confirmed is required/, (t) => inState(t, 'handover-prepare')],
    ['a transfer whose move grant expired', ['--tenant', 'alpen-sport', '--phase', 'transfer', ...TRANSFER], /--mover-expires: the deployer's move grant expired on 2020-01-01/, (t) => inState(t, 'handover-prepare', { moverGrantExpires: '2020-01-01' })],
    ['a release without the administrators\' confirmation', ['--tenant', 'alpen-sport', '--phase', 'release'], /--customer-admins-confirmed is required with --phase release/, (t) => inState(t, 'handover-transfer')],
    ['a future effective date', ['--tenant', 'alpen-sport', '--phase', 'release', '--customer-admins-confirmed', '--effective-date', '2999-01-01'], /--effective-date: 2999-01-01 is in the future/, (t) => inState(t, 'handover-transfer')],
    ['an effective date that is not a date', ['--tenant', 'alpen-sport', '--phase', 'release', '--customer-admins-confirmed', '--effective-date', '2026-02-30'], /--effective-date: "2026-02-30" is not a date/, (t) => inState(t, 'handover-transfer')],
    ['an effective date before the transfer', ['--tenant', 'alpen-sport', '--phase', 'release', '--customer-admins-confirmed', '--effective-date', '2021-01-01'], /--effective-date: 2021-01-01 is before the transfer was confirmed \(2022-05-05\)/, (t) => inState(t, 'handover-transfer', { customerImportPolicyConfirmed: '2022-05-05' })],
    ['a second handover from the same folder', ['--tenant', 'alpen-sport', '--phase', 'prepare', ...PREPARE], /tenant "other-ch" of the same CH folder is mid-handover \(handover-transfer\)/, (t) => {
      const other = fs.readFileSync(path.join(t.envDir, 'tenants', 'alpen-sport.yaml'), 'utf8').replace('id: alpen-sport', 'id: other-ch').replace('projectId: alpensport-warehouse', 'projectId: other-ch-warehouse');
      fs.writeFileSync(path.join(t.envDir, 'tenants', 'other-ch.yaml'), `${other}lifecycle:\n  state: handover-transfer\n  handover:\n    customerOrganizationId: "998877665599"\n    customerBillingAccount: 0A0A0A-1B1B1B-2C2C2D\n    customerOwnerGroup: admins@other.example\n    customerDirectoryCustomerId: C09other1\n`);
    }],
    ['a path-like tenant id', ['--tenant', '../x', '--phase', 'prepare', ...PREPARE], /--tenant: "..\/x" is not a tenant id/],
    ['an unknown flag', ['--tenant', 'alpen-sport', '--phase', 'transfer', '--force'], /unknown flag --force/],
  ];

  // The rows without a setup share one copy of the fixture (each compares the folder before and after
  // itself, so a refusal that wrote would still fail); a row with a setup changes its own copy.
  let unchanged: TempEnvironments;
  beforeAll(() => (unchanged = copyEnvironment()));
  afterAll(() => unchanged.remove());

  // Every row has its setup slot (null when none): a missing last argument would be jest's done callback.
  it.each(refusals.map(([name, args, message, setup]) => [name, args, message, setup ?? null] as const))('refuses %s, exit 2, changing nothing', (_name, args, message, setup) => {
    const tmp = setup ? copyEnvironment() : unchanged;
    try {
      setup?.(tmp);
      const before = treeHashes(tmp.dir);
      const result = runInProcess(handoverMain, ['--env', 'fixture', '--environments-dir', tmp.dir, '--reports-dir', path.join(tmp.dir, 'reports'), ...args]);
      expect({ code: result.code, errors: result.errors.join('\n') }).toEqual({ code: 2, errors: expect.stringMatching(message) });
      expect(treeHashes(tmp.dir)).toEqual(before);
    } finally {
      if (tmp !== unchanged) tmp.remove();
    }
  });

  it('documents every flag in --help, run as a user would', async () => {
    const result = await runScript('handover', ['--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--env',
      '--tenant',
      '--phase',
      '--customer-org',
      '--customer-billing',
      '--admin-group',
      '--customer-directory',
      '--mover-expires',
      '--customer-import-policy-confirmed',
      '--customer-billing-grant-confirmed',
      '--customer-admins-confirmed',
      '--effective-date',
      '--reports-dir',
      '--environments-dir',
      '--help',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });
});
