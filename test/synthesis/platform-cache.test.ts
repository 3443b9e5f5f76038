/** The platform stack cache of partial syntheses (scripts/lib/platform-cache.ts): any input change is a new key. */
import * as fs from 'fs';
import * as path from 'path';
import { platformCacheKey } from '../../scripts/lib/platform-cache';
import { ENV, workspace, type Workspace } from './support';

describe('the platform stack cache key', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace(2);
  });
  afterEach(() => ws.remove());
  const envDir = () => path.join(ws.environmentsDir, ENV);

  it('is the same for the same inputs', () => {
    expect(platformCacheKey(envDir(), 'gcs')).toBe(platformCacheKey(envDir(), 'gcs'));
  });

  it('changes with platform.yaml, another file of the environment and the state backend', () => {
    const keys = new Set([platformCacheKey(envDir(), 'gcs')]);
    fs.appendFileSync(path.join(envDir(), 'platform.yaml'), '\n# edited\n');
    keys.add(platformCacheKey(envDir(), 'gcs'));
    fs.writeFileSync(path.join(envDir(), 'notes.yaml'), 'a: 1\n');
    keys.add(platformCacheKey(envDir(), 'gcs'));
    keys.add(platformCacheKey(envDir(), 'local'));
    expect(keys.size).toBe(4);
  });

  // The platform stack reads no tenant (test/platform-independence), so a tenant's change reuses it.
  it('does not change with a tenant file or a new tenant', () => {
    const before = platformCacheKey(envDir(), 'gcs');
    const tenantFile = path.join(envDir(), 'tenants', fs.readdirSync(path.join(envDir(), 'tenants'))[0]);
    fs.appendFileSync(tenantFile, '\n# edited\n');
    fs.writeFileSync(path.join(envDir(), 'tenants', 'another.yaml'), fs.readFileSync(tenantFile));
    expect(platformCacheKey(envDir(), 'gcs')).toBe(before);
  });
});
