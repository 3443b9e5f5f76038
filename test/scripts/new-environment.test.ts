/**
 * `npm run new-environment` against a temporary environments/ folder holding a copy of the fixture
 * environment: a valid call writes a platform.yaml that loads and whose platform stack synthesizes
 * with both packs; every bad input exits 2 naming the flag and leaves the folder byte for byte as
 * it was; an existing environment is refused. One valid call runs as a user would (a child
 * process), the rest call main in this process; the same valid call in this process lets the test
 * read the platform stack the script itself synthesized.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { loadEnvironment } from '../../config/loader';
import { platformStackName } from '../../config/naming';
import { formatHelp, parseFlags } from '../../scripts/lib/cli';
import { IMAGE_DIGEST_FLAGS, NEW_ENVIRONMENT_SPEC } from '../../scripts/lib/new-environment';
import { synthesize } from '../../scripts/lib/synth';
import { main } from '../../scripts/new-environment';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runCommand, runInProcess, treeHashes } from './cli-harness';

const hex = (c: string) => c.repeat(64);

/** Every required flag with a valid value, images from the fixture environment. */
const BASE: Readonly<Record<string, string>> = {
  '--env': 'prod',
  '--organization-id': '210987654321',
  '--organization-domain': 'smartsegments.example',
  '--directory-customer-id': 'C02prod01',
  '--billing-account': '02ABCD-23EF45-6789AB',
  '--project-prefix': 'ssp',
  '--jurisdictions': 'EEA,UK',
  '--state-bucket': 'ssp-prod-tfstate',
  '--repository': 'smart-segments/platform',
  '--repository-id': '812345678',
  '--repository-owner-id': '91234567',
  '--platform-admins': 'platform-admins@smartsegments.example',
  '--security-responders': 'security-responders@smartsegments.example',
  '--support': 'support-engineers@smartsegments.example',
  '--security-contact': 'security@smartsegments.example',
  '--legal-contact': 'legal@smartsegments.example',
  '--edge-domain': 'hooks.smartsegments.example',
  '--images-from': 'fixture',
};

/** The command line of BASE with `change` applied (undefined removes a flag). */
function argsOf(envs: TempEnvironments, change: Readonly<Record<string, string | undefined>> = {}): string[] {
  const flags: Record<string, string | undefined> = { ...BASE, '--environments-dir': envs.dir, ...change };
  return Object.entries(flags).flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));
}

describe('npm run new-environment', () => {
  let envs: TempEnvironments;
  beforeEach(() => {
    envs = copyEnvironment();
  });
  afterEach(() => envs.remove());

  it('writes platform.yaml and an empty tenants/ that load, and whose platform stack synthesizes with both packs (as a user runs it)', async () => {
    const result = await runCommand(process.execPath, ['-r', './scripts/register.js', 'scripts/new-environment.ts', ...argsOf(envs)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created environment "prod"');
    expect(result.stdout).toContain('platform-prod synthesizes and passes the DPA and deployability packs');
    expect(result.stdout).toContain('PLATFORM_STATE_BACKEND=local STACKS=platform-prod npm run synth');

    const dir = path.join(envs.dir, 'prod');
    expect(fs.readdirSync(envs.dir).sort()).toEqual(['fixture', 'prod']);
    expect(fs.readdirSync(path.join(dir, 'tenants'))).toEqual(['.gitkeep']);
    const text = fs.readFileSync(path.join(dir, 'platform.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/platform.schema.json');

    const env = loadEnvironment('prod', { environmentsDir: envs.dir });
    expect(env.tenants).toEqual([]);
    expect(env.platform).toEqual({
      environment: 'prod',
      organization: { id: '210987654321', domain: 'smartsegments.example', directoryCustomerId: 'C02prod01' },
      billingAccount: '02ABCD-23EF45-6789AB',
      projectPrefix: 'ssp',
      platformJurisdiction: 'EEA',
      jurisdictions: ['EEA', 'UK'],
      tenantFolders: {},
      stateBucket: { name: 'ssp-prod-tfstate' },
      ci: { provider: 'github', repository: 'smart-segments/platform', repositoryId: '812345678', repositoryOwnerId: '91234567', mainBranch: 'main', githubEnvironment: 'production' },
      groups: {
        platformAdmins: 'platform-admins@smartsegments.example',
        securityResponders: 'security-responders@smartsegments.example',
        support: 'support-engineers@smartsegments.example',
      },
      contacts: { security: 'security@smartsegments.example', legal: 'legal@smartsegments.example' },
      // The fixture's digests, in the new environment's own registry (its prefix, its platform region).
      images: {
        ingestWebhook: `europe-west1-docker.pkg.dev/ssp-platform/relay/ingest-webhook@sha256:${hex('1')}`,
        conversionRelay: `europe-west1-docker.pkg.dev/ssp-platform/relay/conversion-relay@sha256:${hex('2')}`,
        mcpEndpoint: `europe-west1-docker.pkg.dev/ssp-platform/relay/mcp-endpoint@sha256:${hex('3')}`,
        integrationSync: `europe-west1-docker.pkg.dev/ssp-platform/relay/integration-sync@sha256:${hex('4')}`,
      },
      edgeDomain: 'hooks.smartsegments.example',
      // The schema's default: the WAF enforces at sensitivity 1 (edit platform.yaml to change it).
      edge: { waf: { mode: 'enforce', sensitivity: 1 } },
    });
    // The folders of the stack it synthesized: checked on a call in this process (at the end of the file).
  });

  it('takes a digest per image, a platform jurisdiction, a parent folder and a main branch', () => {
    const digests = Object.fromEntries(IMAGE_DIGEST_FLAGS.map(({ flag }, i) => [`--${flag}`, `sha256:${hex('abcd'[i])}`]));
    const result = runInProcess(main, argsOf(envs, {
      '--images-from': undefined,
      ...digests,
      '--platform-jurisdiction': 'UK',
      '--parent-folder': 'folders/555',
      '--main-branch': 'release',
    }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const platform = loadEnvironment('prod', { environmentsDir: envs.dir }).platform;
    expect(platform.images.mcpEndpoint).toBe(`europe-west2-docker.pkg.dev/ssp-platform/relay/mcp-endpoint@sha256:${hex('c')}`);
    expect(platform.images.ingestWebhook).toBe(`europe-west2-docker.pkg.dev/ssp-platform/relay/ingest-webhook@sha256:${hex('a')}`);
    expect(platform.platformJurisdiction).toBe('UK');
    expect(platform.parentFolder).toBe('folders/555');
    expect(platform.ci.mainBranch).toBe('release');
  });

  const BAD: ReadonlyArray<{ title: string; change: Record<string, string | undefined>; errors: RegExp[] }> = [
    { title: 'an existing environment', change: { '--env': 'fixture' }, errors: [/^error: --env: .*fixture already exists; new-environment never changes an existing environment/] },
    { title: 'an environment name that is not a folder name', change: { '--env': '../x' }, errors: [/^error: --env: platform.yaml environment: expected a short lowercase name/] },
    { title: 'a required flag missing', change: { '--billing-account': undefined }, errors: [/^error: --billing-account is required: --billing-account <id>$/] },
    { title: 'a bad organization id', change: { '--organization-id': 'org-1' }, errors: [/^error: --organization-id: platform.yaml organization.id: expected the numeric organization id/] },
    { title: 'a bad directory customer id', change: { '--directory-customer-id': 'D123' }, errors: [/^error: --directory-customer-id: /] },
    { title: 'a bad billing account', change: { '--billing-account': '01abcd-23ef45-6789ab' }, errors: [/^error: --billing-account: platform.yaml billingAccount: /] },
    { title: 'a bad project prefix', change: { '--project-prefix': 'SSP' }, errors: [/^error: --project-prefix: platform.yaml projectPrefix: /] },
    { title: 'an unknown jurisdiction', change: { '--jurisdictions': 'EEA,US' }, errors: [/^error: --jurisdictions: platform.yaml jurisdictions\[1\]: got "US"; allowed: EEA, UK, CH, AU$/] },
    { title: 'EEA not served', change: { '--jurisdictions': 'UK', '--platform-jurisdiction': 'UK' }, errors: [/^error: --jurisdictions: platform.yaml jurisdictions: must include EEA/] },
    { title: 'the platform jurisdiction not served', change: { '--platform-jurisdiction': 'CH' }, errors: [/^error: --jurisdictions: platform.yaml jurisdictions: must include platformJurisdiction CH/] },
    { title: 'a bad parent folder', change: { '--parent-folder': '555' }, errors: [/^error: --parent-folder: platform.yaml parentFolder: expected "folders\/<number>"/] },
    { title: 'a bad repository', change: { '--repository': 'platform' }, errors: [/^error: --repository: platform.yaml ci.repository: expected "owner\/name"/] },
    { title: 'a repository id that is not a number', change: { '--repository-id': 'smart-segments' }, errors: [/^error: --repository-id: platform.yaml ci.repositoryId: expected the numeric repository id/] },
    { title: 'a group that is not an address', change: { '--support': 'support' }, errors: [/^error: --support: platform.yaml groups.support: expected an email address/] },
    { title: 'a bad edge domain', change: { '--edge-domain': 'hooks' }, errors: [/^error: --edge-domain: platform.yaml edgeDomain: /] },
    { title: 'no images', change: { '--images-from': undefined }, errors: [/^error: the relay images: give --images-from <env> .*; missing --ingest-webhook-digest, --conversion-relay-digest, --mcp-endpoint-digest, --integration-sync-digest$/] },
    { title: 'a misspelled --images-from', change: { '--images-from': 'fixtrue' }, errors: [/^error: --images-from: environment "fixtrue" does not exist in .*; did you mean fixture\? \(known environments: fixture\)/] },
    { title: '--images-from the new environment itself', change: { '--images-from': 'prod' }, errors: [/^error: --images-from: is the new environment itself/] },
    { title: 'a digest that is not one', change: { '--mcp-endpoint-digest': 'latest' }, errors: [/^error: --mcp-endpoint-digest: got "latest"; expected sha256: and 64 lowercase hex digits/] },
    { title: 'a misspelled flag, with the closest', change: { '--edge-domian': 'x' }, errors: [/^error: unknown flag --edge-domian; allowed flags: .*; did you mean --edge-domain\?$/] },
    {
      title: 'several problems at once, in the order of --help',
      change: { '--organization-id': 'x', '--support': 'y', '--images-from': 'nowhere' },
      errors: [/^error: --organization-id: /, /^error: --support: /, /^error: --images-from: /],
    },
  ];

  it.each(BAD)('refuses $title: exit 2, the flag named, nothing written', ({ change, errors }) => {
    const before = treeHashes(envs.dir);
    const result = runInProcess(main, argsOf(envs, change));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.errors).toHaveLength(errors.length);
    errors.forEach((e, i) => expect(result.errors[i]).toMatch(e));
    expect(result.stderr).toContain('Nothing was written.');
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  it('writes nothing when the new platform stack does not synthesize, and says so (exit 1)', () => {
    const before = treeHashes(envs.dir);
    const seen: Array<{ stacks: readonly string[]; environmentsDir: string }> = [];
    let stdout = '';
    let stderr = '';
    const code = main(argsOf(envs), { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) }, {
      synthesizeWith: (o) => {
        seen.push(o);
        // The staged environment is complete when it is synthesized.
        expect(fs.existsSync(path.join(o.environmentsDir, 'prod', 'platform.yaml'))).toBe(true);
        return { ok: false, output: 'DPA control RES-2 violated (stand-in)' };
      },
    });
    expect(code).toBe(1);
    expect(seen.map((o) => o.stacks)).toEqual([['platform-prod']]);
    expect(stdout).toBe('');
    expect(stderr).toContain('DPA control RES-2 violated (stand-in)');
    expect(stderr).toMatch(/^error: the platform stack platform-prod of the new environment does not synthesize/m);
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  it('refuses an --environments-dir that does not exist, and creates nothing', () => {
    const missing = path.join(envs.dir, 'no-such-folder');
    const result = runInProcess(main, argsOf(envs, { '--environments-dir': missing }));
    expect(result.code).toBe(2);
    expect(result.errors).toContainEqual(expect.stringMatching(/^error: --environments-dir: .*no-such-folder is not a folder/));
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('--help documents every flag, marks the required ones, and writes nothing', () => {
    const before = treeHashes(envs.dir);
    const result = runInProcess(main, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(formatHelp(NEW_ENVIRONMENT_SPEC));
    for (const flag of NEW_ENVIRONMENT_SPEC.flags) expect(result.stdout).toContain(`--${flag.name}`);
    expect(result.stdout).toMatch(/--billing-account <id> +Billing account .* \(required\)/);
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  it("the example in --help is a command line the spec accepts", () => {
    const example = NEW_ENVIRONMENT_SPEC.footer!.split('Example:\n')[1].replace(/\\\n/g, ' ').trim();
    const words = example.replace(/^npm run new-environment -- /, '').split(/\s+/);
    expect(parseFlags(words, NEW_ENVIRONMENT_SPEC).problems).toEqual([]);
  });

  describe('a valid call in this process, a digest flag beside --images-from', () => {
    // One call serves the tests of what it writes: its synthesis of the new platform stack is most of
    // a call's cost, and neither test depends on which digest the conversion relay has.
    let own: TempEnvironments;
    let result: ReturnType<typeof runInProcess>;
    /** The platform stack as the script itself synthesized it (its default, synthesize), read before it removes its staging folder. */
    let json: { resource: { google_folder: Record<string, { display_name: string }> } } | undefined;
    beforeAll(() => {
      own = copyEnvironment();
      const synthesizeWith: typeof synthesize = (o) => {
        const r = synthesize(o);
        if (r.ok) json = JSON.parse(fs.readFileSync(path.join(o.outdir, 'stacks', platformStackName('prod'), 'cdk.tf.json'), 'utf8'));
        return r;
      };
      result = runInProcess((argv, io) => main(argv, io, { synthesizeWith }), argsOf(own, { '--conversion-relay-digest': `sha256:${hex('e')}` }));
    });
    afterAll(() => own.remove());

    it('a digest flag overrides the one --images-from takes', () => {
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      const images = loadEnvironment('prod', { environmentsDir: own.dir }).platform.images;
      expect(images.conversionRelay).toMatch(new RegExp(`@sha256:${hex('e')}$`));
      expect(images.ingestWebhook).toMatch(new RegExp(`@sha256:${hex('1')}$`));
    });

    it('writes the document the loader reads back, keys in the schema order, and its platform stack has a folder per served jurisdiction', () => {
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain('platform-prod synthesizes and passes the DPA and deployability packs');
      // A folder for each served jurisdiction, none for the others.
      const folders = Object.values(json!.resource.google_folder).map((f) => f.display_name);
      expect(folders.some((n) => /EEA/i.test(n))).toBe(true);
      expect(folders.some((n) => /UK/i.test(n))).toBe(true);
      expect(folders.some((n) => /AU|CH/.test(n))).toBe(false);
      const raw = parse(fs.readFileSync(path.join(own.dir, 'prod', 'platform.yaml'), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(raw)).toEqual([
        'environment', 'organization', 'billingAccount', 'projectPrefix', 'platformJurisdiction', 'jurisdictions',
        'tenantFolders', 'stateBucket', 'ci', 'groups', 'contacts', 'images', 'edgeDomain',
      ]);
      // No temporary folder or file is left behind.
      expect(fs.readdirSync(own.dir).filter((f) => f.startsWith('.'))).toEqual([]);
    });
  });
});
