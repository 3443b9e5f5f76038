/**
 * `npm run canary-environment` (docs/canary.md): valid flags write a canary environment that the
 * config loader reads and that synthesizes with every check; each bad flag is refused, named, and
 * nothing is written (an earlier canary folder stays exactly as it was). Also the canary teardown's
 * override, which lifts exactly the protections the synthesized platform carries.
 */
import { loadEnvironment } from '../../config/loader';
import { CONVERSION_DESTINATIONS, INTEGRATIONS, SOURCES } from '../../config/catalog';
import { main as canaryMain } from '../../scripts/canary-environment';
import { CANARY_IMAGES, CUSTOMER_TENANT_ID, FULL_TENANT_ID } from '../../scripts/lib/canary-environment';
import { teardownPlan } from '../../scripts/canary-teardown-override';
import { readSynthesizedStack, synthesize } from '../../scripts/lib/synth';
import { runInProcess, runCommand, tempDir, treeHashes } from './cli-harness';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const PREFIX = 'c123456701';

/** Flags of a valid run, without --out; `extra` replaces or adds flags. */
function flags(extra: Record<string, string | undefined> = {}): string[] {
  const base: Record<string, string | undefined> = {
    organization: '123456789012',
    domain: 'sandbox.example',
    'directory-customer': 'C01abcd2e',
    'billing-account': '01ABCD-23EF45-6789AB',
    'project-prefix': PREFIX,
    'state-bucket': `${PREFIX}-canary-tfstate`,
    repository: 'smart-segments/platform',
    'repository-id': '700000001',
    'repository-owner-id': '90000001',
    'customer-project': 'canary-customer-wh',
    'image-digest': DIGEST,
    'parent-folder': 'folders/777777777',
    ...extra,
  };
  return Object.entries(base).flatMap(([k, v]) => (v === undefined ? [] : [`--${k}`, v]));
}

const WITH_TENANTS = { 'tenant-folders': 'EEA=folders/123456789' };

describe('npm run canary-environment', () => {
  it('without --tenant-folders writes platform.yaml only, which the loader reads', () => {
    const out = tempDir('ss-canary-');
    try {
      const result = runInProcess(canaryMain, ['--out', out.dir, ...flags()]);
      expect(result.errors).toEqual([]);
      expect(result.code).toBe(0);
      expect([...treeHashes(out.dir).keys()]).toEqual(['canary/', 'canary/platform.yaml']);
      const env = loadEnvironment('canary', { environmentsDir: out.dir });
      expect(env.tenants).toEqual([]);
      expect(env.platform).toMatchObject({
        environment: 'canary',
        organization: { id: '123456789012', domain: 'sandbox.example', directoryCustomerId: 'C01abcd2e' },
        projectPrefix: PREFIX,
        parentFolder: 'folders/777777777',
        tenantFolders: {},
        stateBucket: { name: `${PREFIX}-canary-tfstate` },
        ci: { repository: 'smart-segments/platform' },
      });
      expect(Object.keys(env.platform.images).sort()).toEqual(Object.keys(CANARY_IMAGES).sort());
      for (const [key, name] of Object.entries(CANARY_IMAGES)) {
        expect(env.platform.images[key as keyof typeof CANARY_IMAGES]).toBe(`europe-west1-docker.pkg.dev/${PREFIX}-platform/relay/${name}@${DIGEST}`);
      }
    } finally {
      out.remove();
    }
  });

  it('with --tenant-folders writes both tenants, replaces the earlier folder, and the environment synthesizes', async () => {
    const out = tempDir('ss-canary-');
    const cdktfOut = tempDir('ss-canary-out-');
    try {
      expect(runInProcess(canaryMain, ['--out', out.dir, ...flags()]).code).toBe(0);
      // As the workflow runs it: the npm script's command, in a child process.
      const result = await runCommand(process.execPath, [
        '-r', './scripts/register.js', 'scripts/canary-environment.ts', '--out', out.dir, ...flags({ ...WITH_TENANTS, region: 'europe-west3' }),
      ]);
      expect(result.errors).toEqual([]);
      expect(result.code).toBe(0);
      // The earlier folder was replaced whole; no temporary folder is left behind.
      expect([...treeHashes(out.dir).keys()]).toEqual([
        'canary/',
        'canary/platform.yaml',
        'canary/tenants/',
        `canary/tenants/${CUSTOMER_TENANT_ID}.yaml`,
        `canary/tenants/${FULL_TENANT_ID}.yaml`,
      ]);

      const env = loadEnvironment('canary', { environmentsDir: out.dir });
      expect(env.platform.tenantFolders).toEqual({ EEA: 'folders/123456789' });
      const full = env.tenants.find((t) => t.id === FULL_TENANT_ID)!;
      expect(full).toMatchObject({
        jurisdiction: 'EEA',
        region: 'europe-west3',
        sources: [...SOURCES],
        integrations: [...INTEGRATIONS],
        conversionTracking: { enabled: true, destinations: [...CONVERSION_DESTINATIONS], googleDeniedConsent: 'drop' },
        mcp: { enabled: true },
        warehouse: { mode: 'smart-segments' },
        lifecycle: { state: 'active' },
        projectId: `${PREFIX}-${FULL_TENANT_ID}`,
      });
      const customer = env.tenants.find((t) => t.id === CUSTOMER_TENANT_ID)!;
      expect(customer).toMatchObject({
        jurisdiction: 'EEA',
        region: 'europe-west3',
        warehouse: { mode: 'customer', provisionedBy: 'customer', projectId: 'canary-customer-wh' },
        projectId: 'canary-customer-wh',
      });

      const stacks = ['platform-canary', `tenant-canary-${FULL_TENANT_ID}`, `tenant-canary-${CUSTOMER_TENANT_ID}`];
      const synth = synthesize({ stacks, environmentsDir: out.dir, outdir: cdktfOut.dir });
      expect(synth.output).not.toMatch(/Invalid configuration|violat/i);
      expect(synth.ok).toBe(true);
      const tenant = readSynthesizedStack(cdktfOut.dir, `tenant-canary-${FULL_TENANT_ID}`).stack;
      expect(tenant.ofType('google_project').map((r) => r.values.project_id)).toEqual([`${PREFIX}-${FULL_TENANT_ID}`]);
      // The customer's own project is never created (HAND-2).
      expect(readSynthesizedStack(cdktfOut.dir, `tenant-canary-${CUSTOMER_TENANT_ID}`).stack.ofType('google_project')).toEqual([]);
    } finally {
      out.remove();
      cdktfOut.remove();
    }
  });

  it('--list-images prints the repositories of the platform registry and writes nothing', () => {
    const result = runInProcess(canaryMain, ['--list-images', '--project-prefix', PREFIX]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(Object.values(CANARY_IMAGES).map((n) => `europe-west1-docker.pkg.dev/${PREFIX}-platform/relay/${n}`));
    const bad = runInProcess(canaryMain, ['--list-images', '--project-prefix', 'Bad_Prefix']);
    expect(bad.code).toBe(2);
    expect(bad.errors).toEqual(['error: --project-prefix: got "Bad_Prefix"; expected 2-10 lowercase letters or digits, starting with a letter']);
  });

  it('--help documents every flag', async () => {
    const result = await runCommand(process.execPath, ['-r', './scripts/register.js', 'scripts/canary-environment.ts', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--out', '--organization', '--customer-project', '--tenant-folders', '--image-digest', '--list-images']) {
      expect(result.stdout).toContain(flag);
    }
  });

  // Each bad flag: the flag named in an error line, exit 2, and nothing written or changed.
  const BAD: ReadonlyArray<readonly [string, Record<string, string | undefined>, string]> = [
    ['--organization', { organization: '12x' }, '--organization: platform.yaml organization.id: expected the numeric organization id'],
    ['--domain', { domain: 'Bad Domain' }, '--domain: platform.yaml organization.domain: expected a DNS domain'],
    ['--directory-customer', { 'directory-customer': 'X' }, '--directory-customer: platform.yaml organization.directoryCustomerId'],
    ['--billing-account', { 'billing-account': 'nope' }, '--billing-account: platform.yaml billingAccount'],
    ['--project-prefix', { 'project-prefix': 'UPPER' }, '--project-prefix: platform.yaml projectPrefix'],
    ['--state-bucket', { 'state-bucket': '_x' }, '--state-bucket: platform.yaml stateBucket.name'],
    ['--repository', { repository: 'no-slash' }, '--repository: platform.yaml ci.repository'],
    ['--customer-project', { 'customer-project': 'X' }, '--customer-project: customer-owned.yaml warehouse.projectId'],
    ['--customer-project (the platform\'s own project)', { 'customer-project': `${PREFIX}-platform` }, 'already used by the platform'],
    ['--image-digest', { 'image-digest': 'sha256:123' }, '--image-digest: got "sha256:123"'],
    ['--parent-folder', { 'parent-folder': 'f/1' }, '--parent-folder: platform.yaml parentFolder'],
    ['--region', { region: 'europe-west2' }, '--region: eea-full.yaml region: region "europe-west2" is outside jurisdiction EEA'],
    ['--tenant-folders (bad id)', { 'tenant-folders': 'EEA=folder/1' }, '--tenant-folders: platform.yaml tenantFolders.EEA'],
    ['--tenant-folders (unknown jurisdiction)', { 'tenant-folders': 'XX=folders/1' }, '--tenant-folders: got "XX=folders/1"'],
    ['--tenant-folders (no EEA folder)', { 'tenant-folders': 'UK=folders/1' }, '--tenant-folders: names no EEA folder'],
    ['--organization (missing)', { organization: undefined }, '--organization is required'],
  ];

  describe.each(BAD)('refuses %s', (_title, extra, message) => {
    it('names the flag and leaves the earlier canary folder exactly as it was', () => {
      const out = tempDir('ss-canary-');
      try {
        expect(runInProcess(canaryMain, ['--out', out.dir, ...flags()]).code).toBe(0);
        const before = treeHashes(out.dir);
        const needsTenants = !('tenant-folders' in extra);
        const result = runInProcess(canaryMain, ['--out', out.dir, ...flags({ ...(needsTenants ? WITH_TENANTS : {}), ...extra })]);
        expect(result.code).toBe(2);
        expect(result.errors.some((e) => e.startsWith('error: --') && e.includes(message))).toBe(true);
        expect(result.stderr).toContain('Nothing was written.');
        expect(treeHashes(out.dir)).toEqual(before);
      } finally {
        out.remove();
      }
    });
  });

  it('an unknown flag is named, and nothing is written into an empty folder', () => {
    const out = tempDir('ss-canary-');
    try {
      const result = runInProcess(canaryMain, ['--out', out.dir, ...flags(), '--tenants', 'all']);
      expect(result.code).toBe(2);
      expect(result.errors[0]).toMatch(/^error: unknown flag --tenants=?.*; allowed flags: --out, /);
      expect(treeHashes(out.dir).size).toBe(0);
    } finally {
      out.remove();
    }
  });
});

describe('canary teardown override', () => {
  it('lifts every protection the platform stack carries and lists its locked log buckets', async () => {
    const out = tempDir('ss-canary-');
    const cdktfOut = tempDir('ss-canary-out-');
    try {
      expect(runInProcess(canaryMain, ['--out', out.dir, ...flags()]).code).toBe(0);
      expect(synthesize({ stacks: ['platform-canary'], environmentsDir: out.dir, outdir: cdktfOut.dir }).ok).toBe(true);
      const json = JSON.parse(readSynthesizedStack(cdktfOut.dir, 'platform-canary').text);
      const plan = teardownPlan(json);
      const protectedResources: string[] = [];
      for (const [type, blocks] of Object.entries(json.resource as Record<string, Record<string, Record<string, unknown>>>)) {
        for (const [name, b] of Object.entries(blocks)) {
          const lifecycle = b.lifecycle as { prevent_destroy?: boolean } | undefined;
          if (lifecycle?.prevent_destroy || b.deletion_protection === true || b.deletion_policy === 'PREVENT') protectedResources.push(`${type}.${name}`);
        }
      }
      const lifted = Object.entries(plan.override).flatMap(([type, blocks]) => Object.keys(blocks).map((n) => `${type}.${n}`));
      expect(protectedResources.length).toBeGreaterThan(0);
      expect(lifted.sort()).toEqual(protectedResources.sort());
      for (const [type, blocks] of Object.entries(plan.override)) {
        for (const lift of Object.values(blocks)) {
          if ('deletion_protection' in lift) expect(lift.deletion_protection).toBe(false);
          if ('deletion_policy' in lift) expect(lift.deletion_policy).toBe('DELETE');
          if ('lifecycle' in lift) expect(lift.lifecycle).toEqual({ prevent_destroy: false });
          if (type === 'google_storage_bucket') expect(lift.force_destroy).toBe(true);
        }
      }
      expect(plan.lockedLogBuckets).toHaveLength(1);
      expect(plan.lockedLogBuckets[0]).toMatch(/^google_logging_project_bucket_config\.audit-log-eea_bucket_/);
    } finally {
      out.remove();
      cdktfOut.remove();
    }
  });

  it('leaves an unprotected resource alone', () => {
    const plan = teardownPlan({ resource: { google_pubsub_topic: { t: { name: 'x' } }, google_folder: { f: { deletion_protection: false } } } });
    expect(plan).toEqual({ override: {}, lockedLogBuckets: [] });
  });
});

