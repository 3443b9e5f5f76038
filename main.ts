/**
 * The cdktf app and `npm run synth`: synthesizes every environment under environments/ into
 * cdktf.out through the one pipeline (scripts/lib/synthesis.ts: cdktf writes into a staging folder,
 * both check packs judge the files written, and only a clean synthesis is promoted). `STACKS=a,b`
 * synthesizes only those stacks; `ENVIRONMENTS_DIR` reads the environments from another folder (the
 * scripts' tests use a temporary copy); `CDKTF_OUTDIR` names the output folder (the cdktf CLI sets it).
 * Invalid config, or a stack that breaks a control of either pack, stops here and nothing is written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError } from './config/config-error';
import { ComplianceError } from './compliance/engine';
import { parseStackList } from './stacks/build-app';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, stringFlag, type CommandSpec, type Io } from './scripts/lib/cli';
import { parseShard, ShardError, type Shard } from './scripts/lib/shard';
import { synthesizeStacks } from './scripts/lib/synthesis';

export const SYNTH_SPEC: CommandSpec = {
  usage: ['npm run synth [-- --shard <i>/<n>] [--workers <n>] [--quiet]', 'STACKS=<stack>,<stack> npm run synth'],
  summary:
    'Synthesizes every stack of every environment into cdktf.out/stacks/<stack>/cdk.tf.json, checked by the\n' +
    'DPA rule pack and the deployability pack first: a violation stops it and the previous output stays.\n' +
    'A full synthesis replaces cdktf.out (no stale stack folders); STACKS or --shard add their stacks to it.',
  flags: [
    {
      name: 'shard',
      type: 'string',
      value: '<i>/<n>',
      description: 'Only part i of n (1-based) of the stacks, for a CI matrix: the platform stacks are in part 1, tenants are\ndealt round-robin in stack-name order.',
    },
    { name: 'workers', type: 'string', value: '<n>', description: `Worker processes for tenant stacks. Default: the cores available (${os.availableParallelism()}).` },
    { name: 'quiet', type: 'boolean', description: 'Print only the summary line, not one line per stack.' },
  ],
  footer:
    'Environment: STACKS (comma-separated stack names), ENVIRONMENTS_DIR (default environments/), CDKTF_OUTDIR\n' +
    '(default cdktf.out), PLATFORM_STATE_BACKEND=local (first deployment of a platform stack only), SYNTH_USAGE_FILE\n' +
    '(write CPU time, peak memory and stacks as JSON there; npm run bench uses it).\n' +
    'Exit status: 0 written; 1 invalid config or a violation (nothing written); 2 invalid flags.',
};

function parsedWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ShardError(`--workers: got "${value}"; expected a whole number of at least 1, for example --workers 2`);
  return n;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const commandLine = readCommandLine(argv, SYNTH_SPEC, io, 'synth');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  let shard: Shard | undefined;
  let workers: number | undefined;
  try {
    const shardValue = stringFlag(commandLine.values, 'shard');
    shard = shardValue === undefined ? undefined : parseShard(shardValue);
    workers = parsedWorkers(stringFlag(commandLine.values, 'workers'));
  } catch (e) {
    if (!(e instanceof ShardError)) throw e;
    io.err(`error: ${e.message}\nNothing was written. See npm run synth -- --help.`);
    return EXIT_USAGE;
  }
  const quiet = commandLine.values.quiet === true;
  try {
    const summary = await synthesizeStacks({
      stacks: parseStackList(process.env.STACKS),
      environmentsDir: process.env.ENVIRONMENTS_DIR || undefined,
      shard,
      workers,
      onStack: quiet ? undefined : (s) => io.out(`wrote ${s.name}: ${s.resources} resources, ${(s.bytes / 1024).toFixed(0)} KiB`),
    });
    // npm run bench reads this process's and its workers' CPU time and peak memory from here.
    if (process.env.SYNTH_USAGE_FILE) {
      fs.writeFileSync(process.env.SYNTH_USAGE_FILE, JSON.stringify({ main: process.resourceUsage(), workers: summary.workerUsage, stacks: summary.stacks }));
    }
    const resources = summary.stacks.reduce((n, s) => n + s.resources, 0);
    const bytes = summary.stacks.reduce((n, s) => n + s.bytes, 0);
    io.out(
      `Synthesized ${summary.stacks.length} stack${summary.stacks.length === 1 ? '' : 's'} (${resources} resources, ${(bytes / 1024 / 1024).toFixed(1)} MiB) into ${path.relative(process.cwd(), summary.outdir) || '.'} in ${summary.seconds.toFixed(1)} s${shard ? ` (shard ${shard.index}/${shard.count})` : ''}.`,
    );
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ComplianceError) {
      io.err(e.message);
      return EXIT_FAILED;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = EXIT_FAILED;
    },
  );
}
