/**
 * Validated tenant documents kept between runs, keyed by each file's content. Loading an environment
 * reads every tenant file, and parsing the YAML and validating it is most of that cost: 10,000 files
 * took about 5 s in every synthesis worker (docs/performance.md), so a one-tenant synthesis grew with
 * the environment. A file whose bytes hash to a stored entry gets the stored validated tenant; any other
 * file is parsed and validated as before, and only a file that did so without a problem is stored, so
 * errors are always reported from the file itself.
 *
 * The store of a tenants folder is one JSON file, under a key of everything that decides validation
 * (the config sources and the locked yaml and zod versions): a schema change never reads an old entry.
 * A missing, unreadable or corrupt store only costs speed; it is written atomically (temporary file,
 * then rename), so concurrent workers read either the old or the new store. Small folders are not
 * stored (parsing them is cheaper than the store's bookkeeping). SS_NO_TENANT_CACHE=1 turns it off.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import type { TenantConfig } from './schema';

const REPO_ROOT = path.resolve(__dirname, '..');
const STORE_ROOT = path.join(REPO_ROOT, 'node_modules', '.cache', 'tenant-documents');
/** Below this many tenant files a folder is parsed every time. */
export const DEFAULT_CACHE_MIN_FILES = 100;

interface StoredEntry {
  readonly sha256: string;
  readonly tenant: TenantConfig;
}

let validationKey: string | undefined;
/** A hash of what decides a document's validated form: the config layer's sources and the parser and schema library versions. */
function validationSourcesKey(): string {
  if (validationKey === undefined) {
    const hash = crypto.createHash('sha256');
    const configDir = __dirname;
    for (const name of fs.readdirSync(configDir).filter((f) => /\.[jt]s$/.test(f)).sort()) {
      hash.update(name).update('\0').update(fs.readFileSync(path.join(configDir, name))).update('\0');
    }
    for (const pkg of ['yaml', 'zod']) {
      const manifest = path.join(REPO_ROOT, 'node_modules', pkg, 'package.json');
      hash.update(pkg).update('\0').update(fs.existsSync(manifest) ? fs.readFileSync(manifest) : '').update('\0');
    }
    validationKey = hash.digest('hex').slice(0, 32);
  }
  return validationKey;
}

/** Where the store of `tenantsDir` is kept. */
export function tenantDocumentStoreFile(tenantsDir: string): string {
  const folderKey = crypto.createHash('sha256').update(path.resolve(tenantsDir)).digest('hex').slice(0, 32);
  return path.join(STORE_ROOT, validationSourcesKey(), `${folderKey}.json`);
}

export const contentHash = (bytes: Buffer): string => crypto.createHash('sha256').update(bytes).digest('hex');

/** The validated tenants of one tenants folder, by file name and content hash. */
export class TenantDocumentCache {
  private readonly stored: ReadonlyMap<string, StoredEntry>;
  private readonly next = new Map<string, StoredEntry>();
  private changed = false;

  private constructor(
    private readonly storeFile: string | undefined,
    stored: Map<string, StoredEntry>,
  ) {
    this.stored = stored;
  }

  /** The store of `tenantsDir`, or an inactive one (no reads, no writes) for a small folder or when turned off. */
  static open(tenantsDir: string, fileCount: number, minFiles: number = DEFAULT_CACHE_MIN_FILES): TenantDocumentCache {
    if (process.env.SS_NO_TENANT_CACHE === '1' || fileCount < minFiles) return new TenantDocumentCache(undefined, new Map());
    const storeFile = tenantDocumentStoreFile(tenantsDir);
    return new TenantDocumentCache(storeFile, readStore(storeFile));
  }

  /** The stored tenant of `fileName` if its content is unchanged; records the file as still present. */
  lookup(fileName: string, sha256: string): TenantConfig | undefined {
    const entry = this.stored.get(fileName);
    if (!entry || entry.sha256 !== sha256) return undefined;
    this.next.set(fileName, entry);
    return entry.tenant;
  }

  /** Stores a document that parsed and validated without a problem (only when JSON keeps it exactly). */
  remember(fileName: string, sha256: string, tenant: TenantConfig): void {
    if (!this.storeFile || !isDeepStrictEqual(JSON.parse(JSON.stringify(tenant)), tenant)) return;
    this.next.set(fileName, { sha256, tenant });
    this.changed = true;
  }

  /** Writes the store when it changed: the entries of the files seen in this load only. */
  save(): void {
    if (!this.storeFile) return;
    if (!this.changed && this.next.size === this.stored.size) return;
    const temp = `${this.storeFile}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.storeFile), { recursive: true });
      fs.writeFileSync(temp, JSON.stringify(Object.fromEntries(this.next)));
      fs.renameSync(temp, this.storeFile);
    } catch {
      // Only speed is lost.
      fs.rmSync(temp, { force: true });
    }
  }
}

function readStore(storeFile: string): Map<string, StoredEntry> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(storeFile, 'utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return new Map();
    const entries = new Map<string, StoredEntry>();
    for (const [name, entry] of Object.entries(parsed as Record<string, Partial<StoredEntry>>)) {
      if (entry && typeof entry.sha256 === 'string' && entry.tenant && typeof entry.tenant === 'object') entries.set(name, entry as StoredEntry);
    }
    return entries;
  } catch {
    return new Map();
  }
}
