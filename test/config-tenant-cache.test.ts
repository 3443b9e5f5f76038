/**
 * The content-keyed store of validated tenant documents (config/tenant-document-cache.ts): a load
 * from the store gives exactly what parsing gives, a changed, broken or removed file is never served
 * from it, and a corrupt store only costs speed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { loadEnvironment } from '../config/loader';
import { tenantDocumentStoreFile } from '../config/tenant-document-cache';
import { generatedTenant, writeGeneratedEnvironment } from '../scripts/lib/generated-environment';

const ENV = 'cachetest';
let root: string;
let tenantsDir: string;
const load = (cacheMinFiles = 1) => loadEnvironment(ENV, { environmentsDir: root, cacheMinFiles });
const stored = (): Record<string, { sha256: string }> => JSON.parse(fs.readFileSync(tenantDocumentStoreFile(tenantsDir), 'utf8'));

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-tenant-cache-'));
  writeGeneratedEnvironment(root, ENV, 3);
  tenantsDir = path.join(root, ENV, 'tenants');
});
afterEach(() => {
  fs.rmSync(tenantDocumentStoreFile(tenantsDir), { force: true });
  fs.rmSync(root, { recursive: true, force: true });
});

test('a load served from the store equals a load that parses every file', () => {
  const parsed = loadEnvironment(ENV, { environmentsDir: root, cacheMinFiles: Infinity });
  expect(fs.existsSync(tenantDocumentStoreFile(tenantsDir))).toBe(false);
  const first = load();
  expect(Object.keys(stored()).sort()).toEqual(fs.readdirSync(tenantsDir).sort());
  const second = load();
  expect(second).toEqual(parsed);
  expect(first).toEqual(parsed);
});

test('a changed file is read again, not served from the store', () => {
  load();
  const t = { ...generatedTenant(1), displayName: 'Renamed Leisure' };
  fs.writeFileSync(path.join(tenantsDir, `${t.id}.yaml`), stringify(t));
  expect(load().tenants.find((x) => x.id === t.id)!.displayName).toBe('Renamed Leisure');
});

test('a file broken after it was stored is reported from the file, and the store keeps only valid documents', () => {
  load();
  const id = generatedTenant(2).id;
  const file = path.join(tenantsDir, `${id}.yaml`);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^jurisdiction: .*$/m, 'jurisdiction: MARS'));
  expect(() => load()).toThrow(new RegExp(`${id}\\.yaml.*jurisdiction`, 's'));
  // The broken content is not stored, and its old entry is gone with the old content.
  expect(stored()[`${id}.yaml`]).toBeUndefined();
  expect(Object.keys(stored())).toHaveLength(2);
});

test('a removed file leaves the store and the environment', () => {
  load();
  const id = generatedTenant(0).id;
  fs.rmSync(path.join(tenantsDir, `${id}.yaml`));
  expect(load().tenants.map((t) => t.id)).not.toContain(id);
  expect(Object.keys(stored())).not.toContain(`${id}.yaml`);
});

test('a corrupt store is ignored and rewritten', () => {
  load();
  fs.writeFileSync(tenantDocumentStoreFile(tenantsDir), '{"not json');
  expect(load().tenants).toHaveLength(3);
  expect(Object.keys(stored())).toHaveLength(3);
});

test('a stored entry whose content no longer matches is not served, even under the same file name', () => {
  load();
  const store = stored();
  const name = `${generatedTenant(0).id}.yaml`;
  // A store that claims another tenant's document for this file: the hash still decides.
  const other = JSON.parse(fs.readFileSync(tenantDocumentStoreFile(tenantsDir), 'utf8'))[`${generatedTenant(1).id}.yaml`];
  fs.writeFileSync(tenantDocumentStoreFile(tenantsDir), JSON.stringify({ ...store, [name]: { sha256: 'f'.repeat(64), tenant: other.tenant } }));
  expect(load().tenants.find((t) => t.sourceFile.endsWith(name))!.id).toBe(generatedTenant(0).id);
});

test('a folder below the threshold writes no store', () => {
  load(4);
  expect(fs.existsSync(tenantDocumentStoreFile(tenantsDir))).toBe(false);
});
