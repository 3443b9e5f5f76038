/**
 * Benchmark: `npm run synth` as a user runs it (a whole process, worker processes included) on a
 * generated environment (scripts/lib/generated-environment.ts), checked against the targets, which
 * are the defaults:
 *
 *   - full synthesis of 1,000 tenants: at most 60 s wall and 4 GiB peak memory;
 *   - one tenant's stack (STACKS=<stack>, the onboarding path) in that environment: at most 2 s for
 *     the whole process, and within 1.2x of the same in a 10-tenant environment;
 *   - with --shards K: each shard (`npm run synth -- --shard i/K`) at most 60 s (the 10,000-tenant target).
 *
 * It prints progress while it runs, then wall time, CPU time (user + system, this process's children
 * included), peak memory (main process plus the peak of each worker: an upper bound of what was resident
 * at once), stacks, resources, bytes written and ms per tenant. Targets are checked here, never in a
 * timed unit test. Exit status 1 when a target is missed, 2 for bad flags.
 *
 *   npm run bench [-- --tenants 1000] [--shards 10] [--workers N] [--skip-single]
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { tenantStackName } from '../config/naming';
import { generatedTenant, writeGeneratedEnvironment } from './lib/generated-environment';

const REPO_ROOT = path.resolve(__dirname, '..');
const ENV = 'bench';

const USAGE = `Usage: npm run bench -- [flags]
  --tenants N              generated tenants (default 1000)
  --max-seconds S          full synthesis target, wall seconds (default 60)
  --max-rss-mb M           peak memory target, MiB (default 4096)
  --max-single-seconds S   one tenant with STACKS, whole process (default 2)
  --max-single-ratio R     that time over the same in a 10-tenant environment (default 1.2)
  --shards K               also synthesize the environment as K shards, one after another (default: none)
  --max-shard-seconds S    each shard's target (default 60)
  --workers N              worker processes (default: npm run synth's, the cores available)
  --skip-full              do not run the full synthesis (for example with --shards at 10,000 tenants)
  --skip-single            do not measure the one-tenant synthesis
  --help                   this text`;

/** The fields of process.resourceUsage() the bench reads (CPU in microseconds, maxRSS in KiB). */
interface Usage {
  readonly userCPUTime: number;
  readonly systemCPUTime: number;
  readonly maxRSS: number;
}

interface Run {
  readonly label: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly stacks: number;
  readonly resources: number;
  readonly bytes: number;
}

/** Runs `npm run synth`'s command as a child process, printing progress every few seconds. */
function synth(label: string, env: Record<string, string>, args: string[], expectedStacks: number): Promise<Run> {
  const usageFile = path.join(env.CDKTF_OUTDIR + '.usage.json');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-r', './scripts/register.js', 'main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env, SYNTH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let written = 0;
    let stderr = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      written += lines.filter((l) => l.startsWith('wrote ')).length;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    const timer = setInterval(() => console.log(`  [${label}] ${written}/${expectedStacks} stacks, ${elapsed().toFixed(0)} s`), 5000);
    child.on('exit', (code) => {
      clearInterval(timer);
      const wallSeconds = elapsed();
      if (code !== 0) {
        reject(new Error(`[${label}] npm run synth failed (exit ${code}):\n${stderr.slice(-4000)}`));
        return;
      }
      const report = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { main: Usage; workers: Usage[]; stacks: { resources: number; bytes: number }[] };
      const all = [report.main, ...report.workers];
      resolve({
        label,
        wallSeconds,
        cpuSeconds: all.reduce((n, u) => n + (u.userCPUTime + u.systemCPUTime) / 1e6, 0),
        peakRssMb: all.reduce((n, u) => n + u.maxRSS, 0) / 1024,
        stacks: report.stacks.length,
        resources: report.stacks.reduce((n, s) => n + s.resources, 0),
        bytes: report.stacks.reduce((n, s) => n + s.bytes, 0),
      });
    });
  });
}

function show(run: Run, tenants: number): Record<string, number | string> {
  return {
    run: run.label,
    wallSeconds: Number(run.wallSeconds.toFixed(2)),
    cpuSeconds: Number(run.cpuSeconds.toFixed(2)),
    peakRssMb: Math.round(run.peakRssMb),
    stacks: run.stacks,
    resources: run.resources,
    megabytesWritten: Number((run.bytes / 1024 / 1024).toFixed(1)),
    msPerTenant: Math.round((run.wallSeconds * 1000) / tenants),
  };
}

/** The median of three whole-process one-tenant syntheses (a single run of ~1 s is noisy). */
async function singleTenant(label: string, environmentsDir: string, root: string): Promise<Run> {
  const runs: Run[] = [];
  for (let k = 0; k < 3; k++) {
    runs.push(
      await synth(label, { ENVIRONMENTS_DIR: environmentsDir, CDKTF_OUTDIR: path.join(root, `out-${label}-${k}`), STACKS: tenantStackName(ENV, generatedTenant(0).id) }, ['--quiet'], 1),
    );
  }
  return runs.sort((a, b) => a.wallSeconds - b.wallSeconds)[1];
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        tenants: { type: 'string', default: '1000' },
        'max-seconds': { type: 'string', default: '60' },
        'max-rss-mb': { type: 'string', default: '4096' },
        'max-single-seconds': { type: 'string', default: '2' },
        'max-single-ratio': { type: 'string', default: '1.2' },
        shards: { type: 'string' },
        'max-shard-seconds': { type: 'string', default: '60' },
        workers: { type: 'string' },
        'skip-full': { type: 'boolean', default: false },
        'skip-single': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const count = Number(args.tenants);
  const shards = args.shards === undefined ? 0 : Number(args.shards);
  const numbers: [string, number][] = [
    ['--max-seconds', Number(args['max-seconds'])],
    ['--max-rss-mb', Number(args['max-rss-mb'])],
    ['--max-single-seconds', Number(args['max-single-seconds'])],
    ['--max-single-ratio', Number(args['max-single-ratio'])],
    ['--max-shard-seconds', Number(args['max-shard-seconds'])],
  ];
  if (!Number.isInteger(count) || count < 1 || count > 20000) {
    console.error(`--tenants: got "${args.tenants}"; expected a whole number from 1 to 20000\n${USAGE}`);
    return 2;
  }
  if (!Number.isInteger(shards) || shards < 0 || shards > count) {
    console.error(`--shards: got "${args.shards}"; expected a whole number from 1 to --tenants\n${USAGE}`);
    return 2;
  }
  for (const [flag, value] of numbers) {
    if (!(value > 0)) {
      console.error(`${flag}: expected a positive number\n${USAGE}`);
      return 2;
    }
  }
  const workerArgs = args.workers ? ['--workers', args.workers] : [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-bench-'));
  const failures: string[] = [];
  const results: Record<string, number | string>[] = [];
  try {
    console.log(`Generating ${count} tenants in ${root} ...`);
    const environmentsDir = path.join(root, 'environments');
    writeGeneratedEnvironment(environmentsDir, ENV, count);
    const stacks = count + 1;

    if (!args['skip-full']) {
      console.log(`Full synthesis of ${stacks} stacks ...`);
      const full = await synth('full', { ENVIRONMENTS_DIR: environmentsDir, CDKTF_OUTDIR: path.join(root, 'out-full') }, workerArgs, stacks);
      results.push(show(full, count));
      console.log(JSON.stringify(results[results.length - 1]));
      if (full.wallSeconds > Number(args['max-seconds'])) failures.push(`full synthesis took ${full.wallSeconds.toFixed(1)} s; target ${args['max-seconds']} s`);
      if (full.peakRssMb > Number(args['max-rss-mb'])) failures.push(`peak memory ${Math.round(full.peakRssMb)} MiB; target ${args['max-rss-mb']} MiB`);
      fs.rmSync(path.join(root, 'out-full'), { recursive: true, force: true });
    }

    for (let i = 1; i <= shards; i++) {
      console.log(`Shard ${i}/${shards} ...`);
      const expected = Math.floor(count / shards) + (i - 1 < count % shards ? 1 : 0) + (i === 1 ? 1 : 0);
      const run = await synth(`shard ${i}/${shards}`, { ENVIRONMENTS_DIR: environmentsDir, CDKTF_OUTDIR: path.join(root, `out-shard-${i}`) }, ['--shard', `${i}/${shards}`, ...workerArgs], expected);
      results.push(show(run, expected));
      console.log(JSON.stringify(results[results.length - 1]));
      if (run.wallSeconds > Number(args['max-shard-seconds'])) failures.push(`shard ${i}/${shards} took ${run.wallSeconds.toFixed(1)} s; target ${args['max-shard-seconds']} s`);
      if (run.peakRssMb > Number(args['max-rss-mb'])) failures.push(`shard ${i}/${shards} peak memory ${Math.round(run.peakRssMb)} MiB; target ${args['max-rss-mb']} MiB`);
      fs.rmSync(path.join(root, `out-shard-${i}`), { recursive: true, force: true });
    }

    if (!args['skip-single']) {
      console.log(`One tenant with STACKS in the ${count}-tenant environment, and in a 10-tenant one (median of 3 each) ...`);
      const big = await singleTenant(`single in ${count}`, environmentsDir, root);
      const smallDir = path.join(root, 'environments-10');
      writeGeneratedEnvironment(smallDir, ENV, 10);
      const small = await singleTenant('single in 10', smallDir, root);
      const ratio = big.wallSeconds / small.wallSeconds;
      results.push({ ...show(big, 1), ratioTo10Tenants: Number(ratio.toFixed(2)) }, show(small, 1));
      console.log(JSON.stringify(results[results.length - 2]));
      console.log(JSON.stringify(results[results.length - 1]));
      if (big.wallSeconds > Number(args['max-single-seconds'])) failures.push(`one-tenant synthesis took ${big.wallSeconds.toFixed(2)} s; target ${args['max-single-seconds']} s`);
      if (ratio > Number(args['max-single-ratio'])) failures.push(`one-tenant synthesis is ${ratio.toFixed(2)}x the 10-tenant figure; target ${args['max-single-ratio']}x`);
    }

    console.log(JSON.stringify({ tenants: count, cores: os.availableParallelism(), results }, null, 2));
    for (const f of failures) console.error(`benchmark target missed: ${f}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error((e as Error).message);
    process.exitCode = 1;
  },
);
