/**
 * The one synthesis pipeline (main.ts, `npm run synth`, the scripts through scripts/lib/synth.ts):
 *
 *   1. cdktf's own `app.synth()` writes the stacks into a staging folder next to the output
 *      (`<outdir>.staging-*`, same file system);
 *   2. every stack's cdk.tf.json is read back from disk, and both check packs judge exactly those
 *      files (compliance/synth-gate.ts: the DPA rule pack and the deployability pack);
 *   3. only when neither finds a violation is the staging folder promoted: a full synthesis replaces
 *      the output as a whole (no stale stack folders), a partial one (STACKS, --shard) moves its
 *      stacks in beside the others and merges manifest.json. A failure leaves the output untouched.
 *
 * Stacks are synthesized in batches (bounded memory), and with more than one worker the tenant
 * batches run in worker processes (scripts/lib/synth-worker.ts), each building and checking its own
 * stacks. Platform stacks are synthesized first in this process: the deployability pack checks every
 * tenant stack against its environment's platform stack, which is therefore synthesized (and read
 * from disk) even when STACKS or the shard names only tenants; it is then not promoted, and kept in a
 * cache keyed by all its inputs (scripts/lib/platform-cache.ts) for the next such run.
 */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { App } from 'cdktf';
import { DEFAULT_ENVIRONMENTS_DIR, type EnvironmentConfig } from '../../config/loader';
import { platformStackName } from '../../config/naming';
import { ComplianceError, type Violation } from '../../compliance/engine';
import { checkSynthesizedStacks } from '../../compliance/synth-gate';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { assertKnownStacks, buildApp, loadEnvironments, platformStateBackendFromEnv, stackNamesOf } from '../../stacks/build-app';
import { cachedPlatformStack, platformCacheKey, storePlatformStack } from './platform-cache';
import { stacksOfShard, type Shard } from './shard';
import { installStacks, makeStagingDirFor, readManifest, readOutputStack, replaceOutput, stableJson, stackFile, type ManifestStackEntry } from './synth-output';
import { withoutTokenStackTraces } from './token-stack-traces';

export interface StackSummary {
  readonly name: string;
  readonly resources: number;
  /** Size of cdk.tf.json. */
  readonly bytes: number;
}

export interface SynthesisOptions {
  /** Folder holding one sub-folder per environment. Default: the repository's environments/. */
  readonly environmentsDir?: string;
  /** Only this environment. Default: every environment. */
  readonly environment?: string;
  /** Only these stacks (STACKS). */
  readonly stacks?: readonly string[];
  /** Only this part of the (selected) stacks, see scripts/lib/shard.ts. */
  readonly shard?: Shard;
  /** Output folder. Default: CDKTF_OUTDIR, else cdktf.out. */
  readonly outdir?: string;
  /** Worker processes for tenant stacks. Default: os.availableParallelism(); 1 runs everything in this process. */
  readonly workers?: number;
  /** Stacks per App built (memory stays bounded by one batch per process). Default 20. */
  readonly batchSize?: number;
  readonly platformStateBackend?: 'gcs' | 'local';
  /**
   * Changes each App after it is built and before it is synthesized (tests break a stack with an
   * escape hatch this way); everything then runs in this process, in one batch.
   */
  readonly customize?: (app: App) => void;
  /** Called once per stack checked and staged, as batches finish. */
  readonly onStack?: (stack: StackSummary) => void;
}

export interface SynthesisSummary {
  readonly outdir: string;
  /** The stacks written, in the order they finished. */
  readonly stacks: readonly StackSummary[];
  readonly seconds: number;
  /** Resource usage of each worker process at its exit (empty when everything ran in this process). */
  readonly workerUsage: readonly NodeJS.ResourceUsage[];
}

/** One unit of work: some stacks synthesized by one App into their own folder, then checked. */
export interface SynthesisJob {
  readonly environmentsDir?: string;
  readonly environment?: string;
  readonly stacks: readonly string[];
  readonly outdir: string;
  /** cdk.tf.json of each environment's platform stack (by environment name), for the deployability pack. */
  readonly platformFiles: Readonly<Record<string, string>>;
  readonly platformStateBackend: 'gcs' | 'local';
  /** false: synthesize only (a platform stack the checks need but this output does not hold). */
  readonly check: boolean;
}

export interface JobResult {
  readonly stacks: StackSummary[];
  readonly violations: Violation[];
}

const loadedEnvironments = new Map<string, EnvironmentConfig[]>();
/** The config, loaded once per process (a worker runs many jobs). */
function environmentsOf(job: Pick<SynthesisJob, 'environmentsDir' | 'environment'>): EnvironmentConfig[] {
  const key = JSON.stringify([job.environmentsDir ?? null, job.environment ?? null]);
  let loaded = loadedEnvironments.get(key);
  if (!loaded) {
    loaded = loadEnvironments(job);
    loadedEnvironments.set(key, loaded);
  }
  return loaded;
}

const platformStacks = new Map<string, SynthesizedStack>();
/** A platform stack's cdk.tf.json (`.../stacks/<name>/cdk.tf.json`), parsed once per process. */
function platformStackFrom(file: string): SynthesizedStack {
  let stack = platformStacks.get(file);
  if (!stack) {
    stack = SynthesizedStack.parse(path.basename(path.dirname(file)), fs.readFileSync(file, 'utf8'));
    platformStacks.set(file, stack);
  }
  return stack;
}

/** Synthesizes a job's stacks with cdktf into job.outdir, reads them back and runs both packs on them. */
export function runJob(job: SynthesisJob, customize?: (app: App) => void, loaded?: EnvironmentConfig[]): JobResult {
  // In this process the caller passes the config it loaded; a worker loads it once for all its jobs.
  const environments = loaded ?? environmentsOf(job);
  withoutTokenStackTraces(() => {
    const app = buildApp({ loaded: environments, stacks: job.stacks, outdir: job.outdir, platformStateBackend: job.platformStateBackend });
    customize?.(app);
    app.synth();
  });
  const read = job.stacks.map((name) => readOutputStack(job.outdir, name));
  const stacks = read.map(({ stack, bytes }) => ({ name: stack.name, resources: stack.resources.length, bytes }));
  if (!job.check) return { stacks, violations: [] };
  const gate = checkSynthesizedStacks(
    read.map((r) => r.stack),
    environments,
    (environment) => {
      const file = job.platformFiles[environment.name];
      if (!file) throw new Error(`synthesis: no platform stack was synthesized for environment ${environment.name}`);
      return platformStackFrom(file);
    },
  );
  return { stacks, violations: gate.violations };
}

/** The worker module next to this one, run the way this process runs TypeScript. */
function workerCommand(): { file: string; execArgv: string[] } {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `synth-worker${ext}`);
  // Compiled JavaScript needs nothing; TypeScript sources go through the swc require hook.
  const execArgv = ext === '.ts' ? ['-r', path.join(__dirname, '..', 'register.js')] : [];
  return { file, execArgv };
}

/** Runs jobs in `count` worker processes, handing each worker the next job when it finishes one. */
function runInWorkers(
  jobs: readonly SynthesisJob[],
  count: number,
  onResult: (result: JobResult) => void,
  usage: NodeJS.ResourceUsage[],
): Promise<void> {
  const { file, execArgv } = workerCommand();
  let next = 0;
  let finished = 0;
  const children: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const c of children) c.kill();
      // Settle only once every worker has exited: none outlives the call (a test runner would see it open).
      void Promise.all(exits).then(() => reject(e));
    };
    const released = new Set<ChildProcess>();
    const release = (child: ChildProcess) => {
      if (released.has(child)) return;
      released.add(child);
      child.send({ done: true });
    };
    const feed = (child: ChildProcess) => {
      if (next < jobs.length) child.send({ job: jobs[next++] });
      else release(child);
    };
    for (let i = 0; i < count; i++) {
      const child = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      const exited = new Promise<void>((done) => child.on('exit', () => done()));
      exits.push(exited);
      child.on('message', (message: { result?: JobResult; usage?: NodeJS.ResourceUsage; error?: { name: string; message: string } }) => {
        if (message.usage) {
          usage.push(message.usage);
          return;
        }
        if (message.error) {
          const e = new Error(message.error.message);
          e.name = message.error.name;
          fail(e);
          return;
        }
        onResult(message.result!);
        finished++;
        if (finished === jobs.length) {
          for (const c of children) release(c);
          void Promise.all(exits).then(() => resolve());
        } else feed(child);
      });
      child.on('exit', (code, signal) => {
        if (!released.has(child)) fail(new Error(`synthesis worker stopped (${signal ?? `exit code ${code}`}) before finishing its stacks`));
      });
      feed(child);
    }
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Moves every stack of the checked jobs into `final` and writes its manifest.json as cdktf would. */
function mergeParts(jobs: readonly SynthesisJob[], final: string): void {
  fs.mkdirSync(path.join(final, 'stacks'), { recursive: true });
  const entries: Record<string, ManifestStackEntry> = {};
  let version: string | undefined;
  for (const job of jobs) {
    const manifest = readManifest(job.outdir);
    version ??= manifest.version;
    for (const name of job.stacks) {
      fs.renameSync(path.join(job.outdir, 'stacks', name), path.join(final, 'stacks', name));
      entries[name] = manifest.stacks![name];
    }
  }
  fs.writeFileSync(path.join(final, 'manifest.json'), stableJson({ version, stacks: entries }));
}

/** The pipeline up to the tenant batches, and what completes it once they have run. */
interface PreparedSynthesis {
  readonly tenantJobs: readonly SynthesisJob[];
  readonly workers: number;
  readonly collect: (result: JobResult) => void;
  readonly workerUsage: NodeJS.ResourceUsage[];
  /** Runs the tenant batches in this process, one after another. */
  readonly runInProcess: () => void;
  /** Checks for violations, promotes the output and returns the summary. */
  readonly finish: () => SynthesisSummary;
  /** Removes the staging folder (always, whether the run succeeded or not). */
  readonly cleanup: () => void;
}

function prepareSynthesis(options: SynthesisOptions): PreparedSynthesis {
  const started = process.hrtime.bigint();
  const outdir = path.resolve(options.outdir ?? (process.env.CDKTF_OUTDIR || 'cdktf.out'));
  const environments = loadEnvironments(options);
  if (options.stacks) assertKnownStacks(environments, options.stacks);
  const wanted = options.stacks ? new Set(options.stacks) : undefined;
  const platformNames = new Set(environments.map((e) => platformStackName(e.name)));
  let selected = stackNamesOf(environments).filter((n) => !wanted || wanted.has(n));
  if (options.shard) selected = stacksOfShard(selected, options.shard, (n) => platformNames.has(n));
  const partial = wanted !== undefined || options.shard !== undefined;
  const chosen = new Set(selected);
  const environmentsDir = options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR;
  const base = {
    environmentsDir: options.environmentsDir,
    environment: options.environment,
    platformStateBackend: options.platformStateBackend ?? platformStateBackendFromEnv(),
  };

  const staging = makeStagingDirFor(outdir);
  const cleanup = () => fs.rmSync(staging, { recursive: true, force: true });
  // Synthesis is synchronous, so a signal handler would only run after it: Ctrl-C keeps killing the
  // process at once, and may leave this folder behind (git-ignored; the output itself is untouched).
  try {
    const summaries: StackSummary[] = [];
    const violations: Violation[] = [];
    const workerUsage: NodeJS.ResourceUsage[] = [];
    const collect = (result: JobResult) => {
      violations.push(...result.violations);
      for (const s of result.stacks) {
        summaries.push(s);
        options.onStack?.(s);
      }
    };
    const involved = environments.filter((env) => stackNamesOf([env]).some((n) => chosen.has(n)));
    const platformFiles: Record<string, string> = {};
    for (const env of involved) platformFiles[env.name] = stackFile(path.join(staging, 'platform'), platformStackName(env.name));
    const platformsChecked = involved.map((e) => platformStackName(e.name)).filter((n) => chosen.has(n));
    const platformsForChecks = involved.map((e) => platformStackName(e.name)).filter((n) => !chosen.has(n));
    const tenants = selected.filter((n) => !platformNames.has(n));

    // Platform stacks first, here: the tenants' deployability checks read them from disk.
    const checkedJobs: SynthesisJob[] = [];
    if (platformsChecked.length > 0) {
      const job: SynthesisJob = { ...base, stacks: platformsChecked, outdir: path.join(staging, 'platform'), platformFiles, check: true };
      collect(runJob(job, options.customize, environments));
      checkedJobs.push(job);
    }
    // A platform stack only needed for the checks comes from the cache when its inputs are unchanged.
    const cacheKeys = new Map(involved.map((e) => [e.name, platformCacheKey(path.join(environmentsDir, e.name), base.platformStateBackend)]));
    const uncached: string[] = [];
    for (const env of involved.filter((e) => platformsForChecks.includes(platformStackName(e.name)))) {
      const cached = cachedPlatformStack(cacheKeys.get(env.name)!, platformStackName(env.name));
      if (cached) platformFiles[env.name] = cached;
      else uncached.push(platformStackName(env.name));
    }
    if (uncached.length > 0) {
      const job: SynthesisJob = { ...base, stacks: uncached, outdir: path.join(staging, 'platform-for-checks'), platformFiles: {}, check: false };
      runJob(job, undefined, environments);
      for (const name of uncached) {
        const env = involved.find((e) => platformStackName(e.name) === name)!;
        platformFiles[env.name] = stackFile(job.outdir, name);
        storePlatformStack(cacheKeys.get(env.name)!, name, platformFiles[env.name]);
      }
    }

    const batchSize = options.customize ? Math.max(tenants.length, 1) : Math.max(1, options.batchSize ?? 20);
    const tenantJobs: SynthesisJob[] = chunk(tenants, batchSize).map((stacks, i) => ({
      ...base,
      stacks,
      outdir: path.join(staging, `tenants-${i}`),
      platformFiles,
      check: true,
    }));
    checkedJobs.push(...tenantJobs);
    const workers = options.customize ? 1 : Math.min(Math.max(1, options.workers ?? os.availableParallelism()), tenantJobs.length);

    const finish = (): SynthesisSummary => {
      if (violations.length > 0) throw new ComplianceError(violations);
      for (const name of platformsChecked) {
        const env = involved.find((e) => platformStackName(e.name) === name)!;
        storePlatformStack(cacheKeys.get(env.name)!, name, platformFiles[env.name]);
      }
      const final = path.join(staging, 'out');
      mergeParts(checkedJobs, final);
      if (partial) installStacks(final, outdir, selected);
      else replaceOutput(final, outdir);
      return { outdir, stacks: summaries, seconds: Number(process.hrtime.bigint() - started) / 1e9, workerUsage };
    };
    const runInProcess = () => {
      for (const job of tenantJobs) collect(runJob(job, options.customize, environments));
    };
    return { tenantJobs, workers, collect, workerUsage, runInProcess, finish, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Synthesizes, checks and promotes (see the file comment). Throws ConfigError or ComplianceError. */
export async function synthesizeStacks(options: SynthesisOptions = {}): Promise<SynthesisSummary> {
  const run = prepareSynthesis(options);
  try {
    if (run.workers <= 1) run.runInProcess();
    else await runInWorkers(run.tenantJobs, run.workers, run.collect, run.workerUsage);
    return run.finish();
  } finally {
    run.cleanup();
  }
}

/**
 * The same pipeline entirely in this process, synchronously (no worker processes): for the scripts,
 * which synthesize one tenant's stack (or a few) and would otherwise pay for a whole Node process.
 */
export function synthesizeStacksInProcess(options: Omit<SynthesisOptions, 'workers'> = {}): SynthesisSummary {
  const run = prepareSynthesis({ ...options, workers: 1 });
  try {
    run.runInProcess();
    return run.finish();
  } finally {
    run.cleanup();
  }
}
