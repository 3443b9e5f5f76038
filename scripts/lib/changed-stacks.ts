/**
 * Which stacks a change touches, from two synthesized output folders (cdktf.out layout:
 * stacks/<name>/cdk.tf.json): a stack is new (only in the head), removed (only in the base) or
 * changed (its cdk.tf.json differs as canonical JSON: key order does not count). CI plans and
 * applies exactly these stacks (docs/ci.md); everything else is left alone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stableJson } from './synth';

export type StackKind = 'platform' | 'tenant';
export type StackChange = 'new' | 'changed' | 'removed';

export interface ChangedStack {
  readonly name: string;
  readonly kind: StackKind;
  readonly change: StackChange;
}

export interface ChangedStacks {
  /** The environment compared (`--env`), or null for every environment of both outputs. */
  readonly environment: string | null;
  /** Platform stacks first, then tenant stacks, each sorted by name. */
  readonly stacks: readonly ChangedStack[];
}

/** An environment name as the environments/ folder names it (and as stack names embed it). */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]*$/;

/** Neither output has the environment asked for: bad input, not a failed comparison. */
export class UnknownEnvironmentError extends Error {}

/** platform-<env> or tenant-<env>-<id>, the two kinds of stack the app builds (stacks/build-app.ts). */
export function stackKindOf(name: string): StackKind | undefined {
  if (name.startsWith('platform-')) return 'platform';
  if (name.startsWith('tenant-')) return 'tenant';
  return undefined;
}

function belongsTo(name: string, environment: string): boolean {
  return name === `platform-${environment}` || name.startsWith(`tenant-${environment}-`);
}

/** The stack folders of a synthesized output, by name; throws naming the folder when it is no output. */
export function stackFolders(outdir: string): Map<string, string> {
  const stacksDir = path.join(outdir, 'stacks');
  if (!fs.existsSync(stacksDir) || !fs.statSync(stacksDir).isDirectory()) {
    throw new Error(`${outdir} holds no synthesized output (no stacks/ folder); synthesize it first (npm run synth)`);
  }
  const folders = new Map<string, string>();
  for (const entry of fs.readdirSync(stacksDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (!stackKindOf(entry.name)) {
      throw new Error(`${path.join(stacksDir, entry.name)} is not a stack of this app (platform-<env> or tenant-<env>-<id>)`);
    }
    folders.set(entry.name, path.join(stacksDir, entry.name));
  }
  return folders;
}

function readStackJson(folder: string): Buffer {
  const file = path.join(folder, 'cdk.tf.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: the stack folder holds no synthesized stack`);
  return fs.readFileSync(file);
}

function canonical(file: string, bytes: Buffer): string {
  try {
    return stableJson(JSON.parse(bytes.toString('utf8')));
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); synthesize it again`);
  }
}

/**
 * Whether two synthesized stacks say the same. Synthesis is deterministic, so equal bytes settle
 * it without parsing; only differing files are compared as canonical JSON.
 */
function sameStack(baseFolder: string, headFolder: string): boolean {
  const base = readStackJson(baseFolder);
  const head = readStackJson(headFolder);
  if (base.equals(head)) return true;
  return canonical(path.join(baseFolder, 'cdk.tf.json'), base) === canonical(path.join(headFolder, 'cdk.tf.json'), head);
}

const KIND_ORDER: Record<StackKind, number> = { platform: 0, tenant: 1 };

/** Platform stacks first, then tenants; by name within each kind. */
export function compareStacks(a: ChangedStack, b: ChangedStack): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The stacks that differ between two synthesized outputs, limited to one environment when given.
 * Throws when an output is unreadable, or when neither output has the environment's platform stack
 * (a misspelt --env would otherwise report "nothing changed").
 */
export function changedStacks(baseOutdir: string, headOutdir: string, environment?: string): ChangedStacks {
  if (environment !== undefined && !ENVIRONMENT_NAME.test(environment)) {
    throw new Error(`${JSON.stringify(environment)} is not an environment name (lower case letters, digits, dashes)`);
  }
  const keep = (folders: Map<string, string>) =>
    environment === undefined ? folders : new Map([...folders].filter(([name]) => belongsTo(name, environment)));
  const base = keep(stackFolders(baseOutdir));
  const head = keep(stackFolders(headOutdir));
  if (environment !== undefined && !base.has(`platform-${environment}`) && !head.has(`platform-${environment}`)) {
    throw new UnknownEnvironmentError(
      `--env: neither ${baseOutdir} nor ${headOutdir} has the stack platform-${environment}; is "${environment}" an environment folder under environments/?`,
    );
  }
  const stacks: ChangedStack[] = [];
  for (const [name, headFolder] of head) {
    const baseFolder = base.get(name);
    const change: StackChange | undefined = baseFolder === undefined ? 'new' : sameStack(baseFolder, headFolder) ? undefined : 'changed';
    if (change) stacks.push({ name, kind: stackKindOf(name)!, change });
  }
  for (const name of base.keys()) {
    if (!head.has(name)) stacks.push({ name, kind: stackKindOf(name)!, change: 'removed' });
  }
  return { environment: environment ?? null, stacks: stacks.sort(compareStacks) };
}

/** One job of a CI matrix: the stacks it plans or applies, and the key its artifact is named by. */
export interface StackBatch {
  readonly key: string;
  /** Space-separated stack names, platform first. */
  readonly stacks: string;
}

/**
 * The CI jobs for the stacks that exist in the head (new or changed; a removed stack has nothing
 * to plan): one job per stack, keyed by the stack's name, while they fit in `maxJobs`; beyond it
 * (a GitHub matrix runs at most 256 jobs) consecutive stacks share a job, keyed
 * `batch-<env>-<i>-of-<n>`.
 * `platform` is the platform stack's job alone, because main applies it before every tenant.
 */
export function stackBatches(changes: ChangedStacks, maxJobs: number): { platform: StackBatch[]; tenants: StackBatch[] } {
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new Error(`maxJobs must be a positive whole number, got ${maxJobs}`);
  const present = changes.stacks.filter((s) => s.change !== 'removed');
  const platform = present.filter((s) => s.kind === 'platform').map((s) => ({ key: s.name, stacks: s.name }));
  const tenants = present.filter((s) => s.kind === 'tenant').map((s) => s.name);
  if (tenants.length <= maxJobs) return { platform, tenants: tenants.map((name) => ({ key: name, stacks: name })) };
  const size = Math.ceil(tenants.length / maxJobs);
  const count = Math.ceil(tenants.length / size);
  // Artifact names and concurrency groups hold the key: the environment keeps two stages' batches apart.
  const scope = changes.environment ?? 'all';
  const batches: StackBatch[] = [];
  for (let i = 0; i < count; i++) {
    batches.push({ key: `batch-${scope}-${i + 1}-of-${count}`, stacks: tenants.slice(i * size, (i + 1) * size).join(' ') });
  }
  return { platform, tenants: batches };
}
