/**
 * The platform stack the deployability pack checks tenant stacks against, kept between runs: when
 * STACKS or a shard names only tenants, the pipeline needs the environment's platform stack but does
 * not write it. Synthesis is deterministic, so the stack is stored under a hash of everything it is
 * built from (the environment's config files, every source file of the layers that build and check it,
 * the locked dependencies, the state backend and cdktf's context variable) and reused while that hash
 * is unchanged. Any change of an input is a new key, so a stale stack is never read.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { stackFile } from './synth-output';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The source folders whose files the platform stack's JSON depends on. */
const SOURCE_DIRS = ['config', 'policy', 'constructs', 'stacks', 'compliance'];
const SOURCE_FILES = ['package-lock.json', 'cdktf.json'];
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'platform-stacks');

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out.sort();
}

let sourcesHash: string | undefined;
function hashOfSources(): string {
  if (sourcesHash === undefined) {
    const hash = crypto.createHash('sha256');
    for (const file of [...SOURCE_DIRS.flatMap((d) => filesUnder(path.join(REPO_ROOT, d))), ...SOURCE_FILES.map((f) => path.join(REPO_ROOT, f))]) {
      if (!fs.existsSync(file)) continue;
      hash.update(path.relative(REPO_ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
    }
    sourcesHash = hash.digest('hex');
  }
  return sourcesHash;
}

/** The folder of an environment's tenant files, which the platform stack never reads. */
const TENANTS_DIR = 'tenants';

/** The key of an environment's platform stack: its config files but the tenants, the sources, the backend, the context. */
export function platformCacheKey(environmentDir: string, stateBackend: string): string {
  const hash = crypto.createHash('sha256').update(hashOfSources()).update('\0').update(stateBackend).update('\0').update(process.env.CDKTF_CONTEXT_JSON ?? '');
  const tenantsDir = path.join(environmentDir, TENANTS_DIR) + path.sep;
  for (const file of filesUnder(environmentDir).filter((f) => !f.startsWith(tenantsDir))) {
    hash.update('\0').update(path.relative(environmentDir, file)).update('\0').update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

/** The cached cdk.tf.json of `stackName` under `key`, if present. */
export function cachedPlatformStack(key: string, stackName: string): string | undefined {
  const file = stackFile(path.join(CACHE_DIR, key), stackName);
  return fs.existsSync(file) ? file : undefined;
}

/** Stores a synthesized platform stack's cdk.tf.json under `key` (renamed into place; a failure only costs speed). */
export function storePlatformStack(key: string, stackName: string, file: string): void {
  const target = path.join(CACHE_DIR, key);
  if (fs.existsSync(target)) return;
  const temp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(stackFile(temp, stackName)), { recursive: true });
    fs.copyFileSync(file, stackFile(temp, stackName));
    fs.renameSync(temp, target);
  } catch {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}
