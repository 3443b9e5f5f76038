/**
 * The JSON Schemas editors use for the config files (scripts/lib/config-schema-files.ts): the
 * committed files are the generated ones, a JSON Schema validator accepts every fixture file and
 * rejects the invalid cases of test/config.test.ts that a JSON Schema can express, and every
 * config file (and every writer of one) carries the `yaml-language-server` line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { main, staleSchemaFiles } from '../scripts/config-schemas';
import { renderCanaryYaml } from '../scripts/lib/canary-environment';
import type { Io } from '../scripts/lib/cli';
import {
  CONFIG_FILE_KINDS,
  CONFIG_SCHEMA_FILES,
  SCHEMAS_DIR,
  configSchemaText,
  schemaModeline,
  type ConfigFileKind,
} from '../scripts/lib/config-schema-files';
import { renderTenantYaml } from '../scripts/lib/onboarding';
import { editTenantText } from '../scripts/lib/tenant-file';
import { FIXTURE_ENV, FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT } from './support/synth';
import { VALID_TENANT as validTenant } from './support/valid-tenant';
import Ajv, { type ValidateFunction } from 'ajv';

// ajv: a JSON Schema validator, draft-07 by default, like the editors.
type Validate = ValidateFunction;

/** The committed schema of a kind, compiled; formats off: zod also emits a `pattern` for emails. */
function committedValidator(kind: ConfigFileKind): Validate {
  const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, CONFIG_SCHEMA_FILES[kind].fileName), 'utf8'));
  return new Ajv({ strict: true, allErrors: true, validateFormats: false }).compile(schema);
}

/** Where each error points: the JSON pointer, plus the key a required/unknown-key error names. */
function errorLocations(validate: Validate): string[] {
  return (validate.errors ?? []).map((e) => {
    const key = e.params.missingProperty ?? e.params.additionalProperty;
    return key === undefined ? e.instancePath : `${e.instancePath}/${key}`;
  });
}

function collector(): Io & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (t) => out.push(t), err: (t) => err.push(t), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

/** Where users keep their environments: only used to compute the paths a writer's schema line resolves from, never read. */
const ENVIRONMENTS_DIR = path.join(REPO_ROOT, 'environments');
const FIXTURE_DIR = path.join(FIXTURE_ENVIRONMENTS_DIR, FIXTURE_ENV);
const fixturePlatformText = fs.readFileSync(path.join(FIXTURE_DIR, 'platform.yaml'), 'utf8');
const fixtureTenantFiles = fs
  .readdirSync(path.join(FIXTURE_DIR, 'tenants'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(FIXTURE_DIR, 'tenants', f));

describe('committed schemas', () => {
  it('equal the schemas generated from config/schema.ts (run npm run config-schemas after a schema change)', () => {
    expect(staleSchemaFiles(SCHEMAS_DIR)).toEqual([]);
    for (const kind of CONFIG_FILE_KINDS) {
      expect(fs.readFileSync(path.join(SCHEMAS_DIR, CONFIG_SCHEMA_FILES[kind].fileName), 'utf8')).toBe(configSchemaText(kind));
    }
  });

  it('name their source file and are draft-07, which the YAML language server validates', () => {
    for (const kind of CONFIG_FILE_KINDS) {
      const schema = JSON.parse(configSchemaText(kind));
      expect(schema).toMatchObject({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: CONFIG_SCHEMA_FILES[kind].fileName,
        title: CONFIG_SCHEMA_FILES[kind].title,
        description: expect.stringContaining(`${CONFIG_SCHEMA_FILES[kind].source} in config/schema.ts`),
        additionalProperties: false,
      });
    }
  });
});

describe('npm run config-schemas', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-schemas-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--check fails naming every missing schema and writes nothing', () => {
    const io = collector();
    expect(main(['--check'], io, dir)).toBe(1);
    for (const kind of CONFIG_FILE_KINDS) expect(io.errText()).toContain(`${CONFIG_SCHEMA_FILES[kind].fileName} differs`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('writes both schemas, after which --check passes; a changed schema fails --check, naming only that file', () => {
    expect(main([], collector(), dir)).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['platform.schema.json', 'tenant.schema.json']);
    const ok = collector();
    expect(main(['--check'], ok, dir)).toBe(0);
    expect(ok.errText()).toBe('');

    const tenantFile = path.join(dir, 'tenant.schema.json');
    fs.writeFileSync(tenantFile, fs.readFileSync(tenantFile, 'utf8').replace('"maxLength": 100', '"maxLength": 99'));
    const stale = collector();
    expect(main(['--check'], stale, dir)).toBe(1);
    expect(stale.errText()).toMatch(/^error: .*tenant\.schema\.json differs from the schema generated from config\/schema\.ts; run npm run config-schemas/);
    expect(stale.errText()).not.toContain('platform.schema.json');
  });

  it('rejects an unknown flag', () => {
    const io = collector();
    expect(main(['--write'], io, dir)).toBe(2);
    expect(io.errText()).toContain('unknown flag --write');
  });
});

describe('a JSON Schema validator with the committed schemas', () => {
  let platform: Validate;
  let tenant: Validate;
  beforeAll(() => {
    platform = committedValidator('platform');
    tenant = committedValidator('tenant');
  });

  it('accepts the fixture platform.yaml and every fixture tenant file', () => {
    expect({ ok: platform(parse(fixturePlatformText)), errors: platform.errors }).toEqual({ ok: true, errors: null });
    expect(fixtureTenantFiles.length).toBeGreaterThan(0);
    for (const file of fixtureTenantFiles) {
      expect({ file, ok: tenant(parse(fs.readFileSync(file, 'utf8'))), errors: tenant.errors }).toEqual({ file, ok: true, errors: null });
    }
  });

  // The same valid tenant (test/support/valid-tenant.ts) and mutations as test/config.test.ts.
  type Tenant = Record<string, any>;

  it('accepts the valid tenant, and a minimal one that leaves every defaulted field out', () => {
    expect(tenant(validTenant)).toBe(true);
    const { sources: _s, integrations: _i, conversionTracking: _c, mcp: _m, ...minimal } = validTenant;
    expect({ ok: tenant(minimal), errors: tenant.errors }).toEqual({ ok: true, errors: null });
  });

  it.each<[string, (t: Tenant) => Tenant, string]>([
    ['bad id characters', (t) => ({ ...t, id: 'Bad_Id' }), '/id'],
    ['trailing hyphen in id', (t) => ({ ...t, id: 'trailing-' }), '/id'],
    ['path-like id', (t) => ({ ...t, id: '../escape' }), '/id'],
    ['unknown jurisdiction', (t) => ({ ...t, jurisdiction: 'US' }), '/jurisdiction'],
    ['unknown integration', (t) => ({ ...t, integrations: ['mailchimp', 'myspace'] }), '/integrations/1'],
    ['unknown conversion destination', (t) => ({ ...t, conversionTracking: { ...t.conversionTracking, destinations: ['tiktok'] } }), '/conversionTracking/destinations/0'],
    ['missing security contact', (t) => ({ ...t, contacts: { privacy: 'p@valid.example' } }), '/contacts/security'],
    ['bad email', (t) => ({ ...t, contacts: { security: 'not-an-email' } }), '/contacts/security'],
    ['customer warehouse without project id', (t) => ({ ...t, warehouse: { mode: 'customer', provisionedBy: 'customer' } }), '/warehouse/projectId'],
    ['customer warehouse with an invalid project id', (t) => ({ ...t, warehouse: { mode: 'customer', projectId: 'Bad_Project', provisionedBy: 'customer' } }), '/warehouse/projectId'],
    ['unknown key', (t) => ({ ...t, colour: 'blue' }), '/colour'],
    ['unknown nested key', (t) => ({ ...t, mcp: { enabled: true, public: true } }), '/mcp/public'],
    ['unknown llm support value', (t) => ({ ...t, llmSupport: 'sometimes' }), '/llmSupport'],
    ['missing display name', ({ displayName: _d, ...t }) => t, '/displayName'],
    ['a boolean where a string belongs', (t) => ({ ...t, region: true }), '/region'],
    ['a string where a list belongs', (t) => ({ ...t, sources: 'roller' }), '/sources'],
    ['offboarding date not as YYYY-MM-DD', (t) => ({ ...t, lifecycle: { state: 'offboarding', offboarding: { requested: '2 Feb 2026' } } }), '/lifecycle/offboarding/requested'],
  ])('rejects a tenant with %s', (_name, mutate, location) => {
    expect(tenant(mutate(structuredClone(validTenant)))).toBe(false);
    expect(errorLocations(tenant)).toContain(location);
  });

  it.each<[string, (p: string) => string, string]>([
    ['bad billing account', (p) => p.replace('billingAccount: 01ABCD-23EF45-6789AB', 'billingAccount: ABC-123'), '/billingAccount'],
    ['organization id read as a number', (p) => p.replace('id: "123456789012"', 'id: 123456789012'), '/organization/id'],
    ['image not pinned by digest', (p) => p.replace(/ingest-webhook@sha256:1+/, 'ingest-webhook:latest'), '/images/ingestWebhook'],
    ['unknown jurisdiction folder', (p) => p.replace('  AU: folders/100000000004', '  US: folders/100000000004'), '/tenantFolders'],
    ['jurisdictions missing', (p) => p.replace(/\njurisdictions: .*\n/, '\n'), '/jurisdictions'],
    ['an unknown jurisdiction', (p) => p.replace('jurisdictions: [EEA, UK, CH, AU]', 'jurisdictions: [EEA, US]'), '/jurisdictions/1'],
  ])('rejects a platform.yaml with %s', (_name, mutate, location) => {
    const text = mutate(fixturePlatformText);
    expect(text).not.toBe(fixturePlatformText);
    expect(platform(parse(text))).toBe(false);
    expect(errorLocations(platform)).toContain(location);
  });

  // Refinements have no JSON Schema form: the loader alone rejects these (test/config.test.ts).
  it.each<[string, (t: Tenant) => Tenant]>([
    ['EEA tenant in London (RES-3)', (t) => ({ ...t, region: 'europe-west2' })],
    ['duplicate integrations', (t) => ({ ...t, integrations: ['xero', 'xero'] })],
    ['an impossible calendar date', (t) => ({ ...t, lifecycle: { state: 'offboarding', offboarding: { requested: '2026-02-30' } } })],
  ])('leaves %s to the loader', (_name, mutate) => {
    expect({ ok: tenant(mutate(structuredClone(validTenant))), errors: tenant.errors }).toEqual({ ok: true, errors: null });
  });
});

describe('the yaml-language-server line', () => {
  const lineFor = (kind: ConfigFileKind) => `#${schemaModeline(kind)}`;
  /** The file the line's relative path names, seen from `file`. */
  const schemaNamedBy = (file: string, text: string) => {
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(text.split('\n')[0]);
    return m ? path.resolve(path.dirname(file), m[1]) : undefined;
  };

  function yamlFilesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return yamlFilesUnder(p);
      return /\.ya?ml$/.test(e.name) ? [p] : [];
    });
  }

  // The fixture sits two folders deeper than environments/<env>/, so its lines name the schemas by a longer path.
  it('is the first line of every fixture YAML file, naming the committed schema of its kind', () => {
    const files = yamlFilesUnder(FIXTURE_ENVIRONMENTS_DIR);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const rel = path.relative(FIXTURE_ENVIRONMENTS_DIR, file).split(path.sep);
      const kind: ConfigFileKind | undefined =
        rel.length === 2 && rel[1] === 'platform.yaml' ? 'platform' : rel.length === 3 && rel[1] === 'tenants' ? 'tenant' : undefined;
      expect({ file, kind }).toEqual({ file, kind: expect.any(String) });
      const text = fs.readFileSync(file, 'utf8');
      expect({ file, first: text.split('\n')[0] }).toEqual({ file, first: expect.stringMatching(/^# yaml-language-server: \$schema=\S+$/) });
      expect(schemaNamedBy(file, text)).toBe(path.join(SCHEMAS_DIR, CONFIG_SCHEMA_FILES[kind!].fileName));
    }
  });

  it('heads the tenant file onboarding writes', () => {
    const text = renderTenantYaml({ id: 'acme', displayName: 'Acme', jurisdiction: 'EEA', region: 'europe-west1' });
    expect(text.split('\n')[0]).toBe(lineFor('tenant'));
    expect(schemaNamedBy(path.join(ENVIRONMENTS_DIR, 'any-environment', 'tenants', 'acme.yaml'), text)).toBe(path.join(SCHEMAS_DIR, 'tenant.schema.json'));
  });

  it('heads the canary platform.yaml and tenant files, which sit where an environment does', () => {
    const platformText = renderCanaryYaml({ environment: 'canary' }, 'platform.yaml', 'platform');
    const tenantText = renderCanaryYaml({ id: 'eea-full' }, 'Tenant eea-full', 'tenant');
    expect(platformText.split('\n')[0]).toBe(lineFor('platform'));
    expect(tenantText.split('\n')[0]).toBe(lineFor('tenant'));
    expect(schemaNamedBy(path.join(ENVIRONMENTS_DIR, 'canary', 'platform.yaml'), platformText)).toBe(path.join(SCHEMAS_DIR, 'platform.schema.json'));
    expect(schemaNamedBy(path.join(ENVIRONMENTS_DIR, 'canary', 'tenants', 'eea-full.yaml'), tenantText)).toBe(path.join(SCHEMAS_DIR, 'tenant.schema.json'));
  });

  it('survives the in-place edits of the lifecycle scripts (editTenantText)', () => {
    for (const file of fixtureTenantFiles) {
      const before = fs.readFileSync(file, 'utf8');
      const after = editTenantText(before, (doc) => doc.set('retiringFeatures', []));
      expect(after).not.toBe(before);
      expect(after.split('\n')[0]).toBe(before.split('\n')[0]);
    }
  });
});
