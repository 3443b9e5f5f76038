/**
 * The config schema and loader: valid files load, and every invalid file is rejected before
 * synthesis with a message that names the file, the field and what is allowed (RES-3 included).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ConfigError } from '../config/config-error';
import { loadEnvironment } from '../config/loader';
import { buildApp } from '../stacks/build-app';
import { copyEnvironment } from './support/temp-environment';
import { FIXTURE_ENVIRONMENTS_DIR, fixtureEnvironment } from './support/synth';
import { VALID_TENANT as validTenant } from './support/valid-tenant';


type Mutation = (t: Record<string, any>) => Record<string, any>;

/** Writes a tenant file into a temporary copy of the example environment and loads it. */
function loadWithTenant(tenant: Record<string, any>, fileName = `${tenant.id}.yaml`) {
  const tmp = copyEnvironment();
  try {
    fs.writeFileSync(path.join(tmp.envDir, 'tenants', fileName), stringify(tenant));
    return { env: loadEnvironment('fixture', { environmentsDir: tmp.dir }), dir: tmp.dir };
  } finally {
    tmp.remove();
  }
}

function problemsFor(tenant: Record<string, any>, fileName?: string): ConfigError {
  try {
    loadWithTenant(tenant, fileName);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('example environment', () => {
  it('loads six tenants covering every jurisdiction and warehouse mode', () => {
    const env = fixtureEnvironment();
    expect(env.tenants.map((t) => t.id)).toEqual([
      'alpen-sport',
      'brightwave-leisure',
      'harbour-play',
      'lisboa-parque',
      'nordic-climb',
      'thames-bowl',
    ]);
    expect(new Set(env.tenants.map((t) => t.jurisdiction))).toEqual(new Set(['EEA', 'UK', 'CH', 'AU']));
    const modes = env.tenants.map((t) => (t.warehouse.mode === 'customer' ? `customer/${t.warehouse.provisionedBy}` : t.warehouse.mode));
    expect(new Set(modes)).toEqual(new Set(['smart-segments', 'customer/customer', 'customer/smart-segments']));
  });

  it('covers conversion tracking to Meta and Google Ads with a marketing integration, and a POS integration', () => {
    const env = fixtureEnvironment();
    expect(
      env.tenants.some(
        (t) =>
          t.jurisdiction === 'EEA' &&
          t.conversionTracking.destinations.includes('meta') &&
          t.conversionTracking.destinations.includes('google-ads') &&
          t.integrations.includes('mailchimp'),
      ),
    ).toBe(true);
    expect(env.tenants.some((t) => t.integrations.includes('vendus'))).toBe(true);
  });

  it('accepts a fully specified valid tenant', () => {
    const { env } = loadWithTenant(validTenant);
    const t = env.tenants.find((x) => x.id === 'valid-tenant')!;
    expect(t.projectId).toBe('ssx-valid-tenant');
    expect(t.lifecycle.state).toBe('active');
  });
});

describe('invalid tenant files are rejected with file and field', () => {
  const cases: Array<[string, Mutation, string, RegExp]> = [
    ['bad id characters', (t) => ({ ...t, id: 'Bad_Id' }), 'id', /lowercase letters, digits and single hyphens/],
    ['trailing hyphen in id', (t) => ({ ...t, id: 'trailing-' }), 'id', /not ending with a hyphen/],
    ['path-like id', (t) => ({ ...t, id: '../escape' }), 'id', /expected a tenant id/],
    [
      'project id too long',
      (t) => ({ ...t, id: 'a-very-long-tenant-name-indeed' }),
      'id',
      /project id "ssx-a-very-long-tenant-name-indeed" \(34 characters\)/,
    ],
    ['EEA tenant in London', (t) => ({ ...t, region: 'europe-west2' }), 'region', /outside jurisdiction EEA \(RES-3\)/],
    ['EEA tenant in Zurich', (t) => ({ ...t, region: 'europe-west6' }), 'region', /outside jurisdiction EEA/],
    ['UK tenant in Belgium', (t) => ({ ...t, jurisdiction: 'UK', region: 'europe-west1' }), 'region', /allowed: europe-west2/],
    ['unknown jurisdiction', (t) => ({ ...t, jurisdiction: 'US' }), 'jurisdiction', /got "US"; allowed: EEA, UK, CH, AU/],
    ['unknown integration', (t) => ({ ...t, integrations: ['mailchimp', 'myspace'] }), 'integrations[1]', /allowed: mailchimp, klaviyo/],
    [
      'unknown conversion destination',
      (t) => ({ ...t, conversionTracking: { ...t.conversionTracking, destinations: ['tiktok'] } }),
      'conversionTracking.destinations[0]',
      /allowed: meta, google-ads/,
    ],
    [
      'google ads without the tenant election for denied consent',
      (t) => ({ ...t, conversionTracking: { enabled: true, destinations: ['google-ads'] } }),
      'conversionTracking.googleDeniedConsent',
      /allowed: drop, modeled/,
    ],
    [
      'conversion tracking without the ROLLER checkout',
      (t) => ({ ...t, sources: ['revsport'] }),
      'sources',
      /add "roller"/,
    ],
    ['missing security contact', (t) => ({ ...t, contacts: { privacy: 'p@valid.example' } }), 'contacts.security', /is required/],
    ['bad email', (t) => ({ ...t, contacts: { security: 'not-an-email' } }), 'contacts.security', /email address/],
    [
      'customer warehouse without project id',
      (t) => ({ ...t, warehouse: { mode: 'customer', provisionedBy: 'customer' } }),
      'warehouse.projectId',
      /is required/,
    ],
    [
      'customer warehouse with an invalid project id',
      (t) => ({ ...t, warehouse: { mode: 'customer', projectId: 'Bad_Project', provisionedBy: 'customer' } }),
      'warehouse.projectId',
      /valid|GCP project id/,
    ],
    ['unknown key', (t) => ({ ...t, colour: 'blue' }), '(top level)', /unknown key "colour".*allowed keys: id, displayName/],
    [
      'unknown nested key',
      (t) => ({ ...t, mcp: { enabled: true, public: true } }),
      'mcp',
      /unknown key "public".*allowed keys: enabled/,
    ],
    ['unknown llm support value', (t) => ({ ...t, llmSupport: 'sometimes' }), 'llmSupport', /allowed: allowed, restricted/],
    ['missing display name', (t) => ({ ...t, displayName: undefined }), 'displayName', /is required/],
    [
      'handover state without handover details',
      (t) => ({ ...t, lifecycle: { state: 'handover-prepare' } }),
      'lifecycle.handover',
      /needs the handover details/,
    ],
    [
      'offboarding without a request date',
      (t) => ({ ...t, lifecycle: { state: 'offboarding' } }),
      'lifecycle.offboarding',
      /offboarding.requested/,
    ],
    [
      'offboarding with an impossible date',
      (t) => ({ ...t, lifecycle: { state: 'offboarding', offboarding: { requested: '2026-02-30' } } }),
      'lifecycle.offboarding.requested',
      /real calendar date/,
    ],
    ['duplicate integrations', (t) => ({ ...t, integrations: ['xero', 'xero'] }), 'integrations', /unique/],
  ];

  it.each(cases)('%s', (_name, mutate, field, message) => {
    const tenant = JSON.parse(JSON.stringify(mutate({ ...validTenant })));
    const err = problemsFor(tenant, 'valid-tenant.yaml');
    const problem = err.problems.find((p) => p.field === field && message.test(p.message));
    expect({ problems: err.problems, found: problem !== undefined }).toMatchObject({ found: true });
    expect(problem!.file).toMatch(/tenants[\\/]valid-tenant\.yaml$/);
    expect(err.message).toContain(`valid-tenant.yaml: ${field}:`);
  });

  it('reports every problem of a file at once', () => {
    const err = problemsFor(
      { ...validTenant, region: 'europe-west2', integrations: ['myspace'], contacts: { security: 'x' }, colour: 1 },
      'valid-tenant.yaml',
    );
    expect(err.problems.map((p) => p.field).sort()).toEqual(['(top level)', 'contacts.security', 'integrations[0]', 'region']);
  });

  it('rejects a file whose name does not match its id', () => {
    const err = problemsFor(validTenant, 'other-name.yaml');
    expect(err.problems[0]).toMatchObject({ field: 'id', message: expect.stringMatching(/rename the file to valid-tenant.yaml/) });
  });

  it('rejects a duplicate project id within the environment', () => {
    const err = problemsFor(
      { ...validTenant, id: 'dupe-project', warehouse: { mode: 'customer', projectId: 'nordic-climb-dwh', provisionedBy: 'customer' } },
    );
    const problem = err.problems.find((p) => p.field === 'warehouse.projectId');
    expect(problem?.message).toMatch(/gives project id "nordic-climb-dwh", already used by tenant "(dupe-project|nordic-climb)"/);
  });

  it('rejects YAML that does not parse, naming the file', () => {
    const tmp = copyEnvironment();
    try {
      fs.writeFileSync(path.join(tmp.envDir, 'tenants', 'broken.yaml'), 'id: [unclosed\n');
      expect(() => loadEnvironment('fixture', { environmentsDir: tmp.dir })).toThrow(/broken\.yaml: \(file\): is not valid YAML/);
    } finally {
      tmp.remove();
    }
  });
});

/** Loads a copy of the example environment with its platform.yaml changed; returns the ConfigError. */
function platformProblems(mutate: (p: string) => string, tenants: Record<string, Record<string, any>> = {}): ConfigError {
  const tmp = copyEnvironment();
  try {
    const file = path.join(tmp.envDir, 'platform.yaml');
    const before = fs.readFileSync(file, 'utf8');
    const after = mutate(before);
    if (after === before && Object.keys(tenants).length === 0) throw new Error('the mutation changed nothing');
    fs.writeFileSync(file, after);
    for (const [name, t] of Object.entries(tenants)) fs.writeFileSync(path.join(tmp.envDir, 'tenants', name), stringify(t));
    loadEnvironment('fixture', { environmentsDir: tmp.dir });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  } finally {
    tmp.remove();
  }
  throw new Error('expected the config to be rejected');
}

describe('served jurisdictions: a tenant only where the platform serves and has recorded a folder', () => {
  const serveOnly = (list: string) => (p: string) =>
    p.replace('jurisdictions: [EEA, UK, CH, AU]', `jurisdictions: [${list}]`).replace(/  (UK|CH|AU): folders\/\d+\n/g, (line, j) => (list.includes(j) ? line : ''));

  it('refuses a tenant of a jurisdiction not served, naming the tenant file, the field and the fix', () => {
    const err = platformProblems(serveOnly('EEA, UK, CH'));
    const problem = err.problems.find((p) => /harbour-play\.yaml$/.test(p.file));
    expect(problem).toMatchObject({
      field: 'jurisdiction',
      message: expect.stringMatching(
        /is AU, which this environment does not serve; add AU to jurisdictions in .*platform\.yaml, deploy platform-fixture, record tenantFolders\.AU/,
      ),
    });
    // The other tenants are served and keep loading: only the AU tenant is refused.
    expect(err.problems.filter((p) => p.field === 'jurisdiction').map((p) => path.basename(p.file))).toEqual(['harbour-play.yaml']);
  });

  it('refuses a tenant of a served jurisdiction whose folder is not recorded yet, as before', () => {
    const err = platformProblems((p) => p.replace('  AU: folders/100000000004\n', ''));
    expect(err.problems).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/platform\.yaml$/),
        field: 'tenantFolders.AU',
        message: expect.stringMatching(/is missing, but tenant "harbour-play" needs its AU folder; deploy platform-fixture and record the folder id here/),
      }),
    ]);
  });

  it('accepts a served jurisdiction with no folder recorded and no tenant yet', () => {
    const tmp = copyEnvironment();
    try {
      const file = path.join(tmp.envDir, 'platform.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  AU: folders/100000000004\n', ''));
      fs.rmSync(path.join(tmp.envDir, 'tenants', 'harbour-play.yaml'));
      const env = loadEnvironment('fixture', { environmentsDir: tmp.dir });
      expect(env.platform.jurisdictions).toEqual(['EEA', 'UK', 'CH', 'AU']);
      expect(env.platform.tenantFolders.AU).toBeUndefined();
    } finally {
      tmp.remove();
    }
  });
});

describe('invalid platform files are rejected with file and field', () => {
  const cases: Array<[string, (p: string) => string, string, RegExp]> = [
    ['bad billing account', (p) => p.replace('billingAccount: 01ABCD-23EF45-6789AB', 'billingAccount: ABC-123'), 'billingAccount', /billing account id/],
    ['organization id read as a number', (p) => p.replace('id: "123456789012"', 'id: 123456789012'), 'organization.id', /put it in quotes: "123456789012"/],
    ['environment name mismatch', (p) => p.replace('environment: fixture', 'environment: prod'), 'environment', /must match/],
    ['image not pinned by digest', (p) => p.replace(/ingest-webhook@sha256:1+/, 'ingest-webhook:latest'), 'images.ingestWebhook', /pinned by digest/],
    ['missing folder for a jurisdiction in use', (p) => p.replace('  UK: folders/100000000002\n', ''), 'tenantFolders.UK', /needs its UK folder/],
    ['unknown jurisdiction folder', (p) => p.replace('  AU: folders/100000000004', '  US: folders/100000000004'), 'tenantFolders', /unknown key "US".*allowed keys: EEA, UK, CH, AU/],
  ];

  it.each(cases)('%s', (_name, mutate, field, message) => {
    const tmp = copyEnvironment();
    try {
      const file = path.join(tmp.envDir, 'platform.yaml');
      const before = fs.readFileSync(file, 'utf8');
      const after = mutate(before);
      expect(after).not.toBe(before);
      fs.writeFileSync(file, after);
      let err: ConfigError | undefined;
      try {
        loadEnvironment('fixture', { environmentsDir: tmp.dir });
      } catch (e) {
        err = e as ConfigError;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const problem = err!.problems.find((p) => p.field === field);
      expect(problem).toBeDefined();
      expect(problem!.file).toMatch(/platform\.yaml$/);
      expect(problem!.message).toMatch(message);
    } finally {
      tmp.remove();
    }
  });

  it.each<[string, (p: string) => string, string, RegExp]>([
    ['jurisdictions missing', (p) => p.replace(/\njurisdictions: .*\n/, '\n'), 'jurisdictions', /expected array/],
    ['jurisdictions without EEA', (p) => p.replace('jurisdictions: [EEA, UK, CH, AU]', 'jurisdictions: [UK, CH, AU]'), 'jurisdictions', /must include EEA.*add EEA to jurisdictions/],
    [
      'jurisdictions without the platform jurisdiction',
      (p) => p.replace('platformJurisdiction: EEA', 'platformJurisdiction: UK').replace('jurisdictions: [EEA, UK, CH, AU]', 'jurisdictions: [EEA, CH, AU]'),
      'jurisdictions',
      /must include platformJurisdiction UK/,
    ],
    ['a jurisdiction twice', (p) => p.replace('jurisdictions: [EEA, UK, CH, AU]', 'jurisdictions: [EEA, UK, UK]'), 'jurisdictions', /unique/],
    ['an unknown jurisdiction', (p) => p.replace('jurisdictions: [EEA, UK, CH, AU]', 'jurisdictions: [EEA, US]'), 'jurisdictions[1]', /allowed: EEA, UK, CH, AU/],
  ])('rejects a platform.yaml with %s', (_name, mutate, field, message) => {
    const err = platformProblems(mutate);
    const problem = err.problems.find((p) => p.field === field);
    expect(problem).toMatchObject({ file: expect.stringMatching(/platform\.yaml$/), message: expect.stringMatching(message) });
  });

  it('rejects a folder recorded for a jurisdiction the environment does not serve', () => {
    // CH no longer served: its tenant is refused too, but the recorded folder is its own problem.
    const err = platformProblems((p) => p.replace('jurisdictions: [EEA, UK, CH, AU]', 'jurisdictions: [EEA, UK, AU]'));
    const problem = err.problems.find((p) => p.field === 'tenantFolders.CH');
    expect(problem).toMatchObject({
      file: expect.stringMatching(/platform\.yaml$/),
      message: expect.stringMatching(/records a folder for CH, which is not in jurisdictions.*add CH to jurisdictions/),
    });
  });

  it('names the unknown environment and the known ones', () => {
    expect(() => loadEnvironment('staging', { environmentsDir: FIXTURE_ENVIRONMENTS_DIR })).toThrow(/environment "staging" does not exist; known environments: fixture/);
  });
});

describe('invalid config synthesizes nothing', () => {
  it('fails before any output is written', () => {
    const tmp = copyEnvironment();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-out-'));
    fs.rmSync(outdir, { recursive: true });
    try {
      fs.writeFileSync(path.join(tmp.envDir, 'tenants', 'bad.yaml'), stringify({ ...validTenant, id: 'bad', region: 'europe-west2' }));
      expect(() => buildApp({ environmentsDir: tmp.dir, outdir }).synth()).toThrow(ConfigError);
      expect(fs.existsSync(outdir)).toBe(false);
    } finally {
      tmp.remove();
    }
  });
});
