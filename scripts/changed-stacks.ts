/**
 * `npm run changed-stacks`: prints, as JSON, the stacks a change touches (new, changed, removed),
 * platform first, computed from the synthesized output of both sides (scripts/lib/changed-stacks.ts).
 * A side is a git revision (extracted with git archive into a temporary folder and synthesized
 * there with its own environments/, as plan-check does), an existing output folder, or, for the
 * head, the working tree. CI plans and applies only these stacks (docs/ci.md).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { changedStacks, ENVIRONMENT_NAME, stackBatches, UnknownEnvironmentError } from './lib/changed-stacks';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type CommandSpec, type Io } from './lib/cli';
import { REPO_ROOT, displayPath } from './lib/paths';
import { extractRevision, resolveRevision, synthesizeTree } from './plan-check';

export const CHANGED_STACKS_SPEC: CommandSpec = {
  usage: [
    'npm run -s changed-stacks -- --base <git revision> [--head <git revision>] [--env <env>] [--max-jobs <n>] [--save-base <dir>]',
    'npm run -s changed-stacks -- --synth-dir-base <dir> --synth-dir-head <dir> [--env <env>] [--max-jobs <n>]',
  ],
  summary: [
    'Prints the stacks a change touches as JSON: {"environment": ..., "stacks": [{"name", "kind", "change"}]},',
    'platform stacks first, then tenant stacks sorted; change is "new", "changed" or "removed". A stack is',
    'changed when its cdk.tf.json differs as canonical JSON. Each side is a git revision (synthesized in a',
    'temporary git archive export with its own environments/, removed again), an existing synthesized',
    'output folder (cdktf.out layout: stacks/<name>/cdk.tf.json), or for the head the working tree.',
  ].join('\n'),
  flags: [
    { name: 'base', type: 'string', value: '<revision>', description: 'The git revision the change starts from (a branch, tag or commit).' },
    { name: 'head', type: 'string', value: '<revision>', description: 'The git revision of the change. Default: the working tree.' },
    { name: 'synth-dir-base', type: 'string', value: '<dir>', description: 'An existing synthesized output of the base (instead of --base).' },
    { name: 'synth-dir-head', type: 'string', value: '<dir>', description: 'An existing synthesized output of the head (instead of --head).' },
    { name: 'env', type: 'string', value: '<env>', description: 'Only the stacks of this environment (platform-<env>, tenant-<env>-*).' },
    {
      name: 'save-base',
      type: 'string',
      value: '<dir>',
      description: 'With --base: keep the base revision\'s synthesized output in this new folder (CI checks\nthat a removed stack holds no resources any more).',
    },
    {
      name: 'max-jobs',
      type: 'string',
      value: '<n>',
      description: 'Also print "jobs": the CI matrix of the stacks to plan, one job per stack up to n\n(GitHub runs at most 256 per matrix), then stacks sharing jobs.',
    },
  ],
  footer: 'Exit status: 0 printed, 1 a synthesis or an output folder failed, 2 invalid flags or revisions.',
};

type Side = { readonly revision: string; readonly commit: string } | { readonly dir: string } | { readonly workingTree: true };

function label(side: Side): string {
  if ('revision' in side) return `${side.revision} (${side.commit.slice(0, 12)})`;
  if ('dir' in side) return displayPath(side.dir);
  return 'the working tree';
}

/** The output folder of one side: the given folder, or a synthesis into `scratch`. */
function outputOf(side: Side, name: string, scratch: string, io: Io): string {
  if ('dir' in side) return side.dir;
  const outdir = path.join(scratch, `${name}.out`);
  let root = REPO_ROOT;
  if ('revision' in side) {
    root = path.join(scratch, name);
    fs.mkdirSync(root);
    const problem = extractRevision(side.commit, root);
    if (problem) throw new Error(problem);
  }
  io.err(`changed-stacks: synthesizing ${label(side)} ...`);
  const failure = synthesizeTree(root, outdir);
  if (failure) {
    io.err(failure);
    throw new Error(`synthesis of ${label(side)} failed${'workingTree' in side ? '; fix it first (npm run synth)' : ''}`);
  }
  return outdir;
}

/** Copies an output folder to `target` whole or not at all (a staging copy beside it, then a rename). */
function saveOutput(outdir: string, target: string): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}-`));
  try {
    fs.cpSync(outdir, staging, { recursive: true });
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`--save-base: cannot write ${displayPath(target)}: ${(e as Error).message}`);
  }
}

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, CHANGED_STACKS_SPEC, io, 'changed-stacks');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const flags = {
    base: stringFlag(v, 'base'),
    head: stringFlag(v, 'head'),
    baseDir: stringFlag(v, 'synth-dir-base'),
    headDir: stringFlag(v, 'synth-dir-head'),
  };
  const env = stringFlag(v, 'env');
  const maxJobsText = stringFlag(v, 'max-jobs');
  const problems: string[] = [];
  if (flags.base !== undefined && flags.baseDir !== undefined) problems.push('--base cannot be combined with --synth-dir-base; choose one');
  if (flags.base === undefined && flags.baseDir === undefined) problems.push('give --base <git revision> or --synth-dir-base <dir>');
  if (flags.head !== undefined && flags.headDir !== undefined) problems.push('--head cannot be combined with --synth-dir-head; choose one');
  if (env !== undefined && !ENVIRONMENT_NAME.test(env)) problems.push(`--env: ${JSON.stringify(env)} is not an environment name (lower case letters, digits, dashes)`);
  let maxJobs: number | undefined;
  if (maxJobsText !== undefined) {
    maxJobs = /^[1-9][0-9]{0,3}$/.test(maxJobsText) ? Number(maxJobsText) : undefined;
    if (maxJobs === undefined || maxJobs > 256) problems.push(`--max-jobs: ${JSON.stringify(maxJobsText)} is not a whole number from 1 to 256 (a GitHub matrix runs at most 256 jobs)`);
  }
  for (const [flag, dir] of [['synth-dir-base', flags.baseDir], ['synth-dir-head', flags.headDir]] as const) {
    if (dir !== undefined && !fs.existsSync(path.join(dir, 'stacks'))) problems.push(`--${flag}: ${displayPath(path.resolve(dir))} holds no synthesized output (no stacks/ folder)`);
  }
  const saveBase = stringFlag(v, 'save-base');
  if (saveBase !== undefined && flags.base === undefined) problems.push('--save-base needs --base <git revision>: only a synthesized revision is saved');
  if (saveBase !== undefined && fs.existsSync(saveBase)) problems.push(`--save-base: ${displayPath(path.resolve(saveBase))} exists already; name a new folder`);
  const sides: Partial<Record<'base' | 'head', Side>> = {};
  for (const side of ['base', 'head'] as const) {
    const revision = flags[side];
    const dir = side === 'base' ? flags.baseDir : flags.headDir;
    if (revision !== undefined) {
      const commit = resolveRevision(revision);
      if (commit) sides[side] = { revision, commit };
      else problems.push(`--${side}: ${JSON.stringify(revision)} is not a revision of this repository (git rev-parse found no commit)`);
    } else if (dir !== undefined) sides[side] = { dir: path.resolve(dir) };
    else if (side === 'head') sides.head = { workingTree: true };
  }
  if (problems.length > 0) {
    reportProblems(io, problems, 'See npm run changed-stacks -- --help.');
    return EXIT_USAGE;
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-changed-stacks-'));
  try {
    const baseOut = outputOf(sides.base!, 'base', scratch, io);
    const headOut = outputOf(sides.head!, 'head', scratch, io);
    const changes = changedStacks(baseOut, headOut, env);
    if (saveBase !== undefined) saveOutput(baseOut, path.resolve(saveBase));
    const result = maxJobs === undefined ? changes : { ...changes, jobs: stackBatches(changes, maxJobs) };
    io.out(JSON.stringify(result, null, 2));
    io.err(`changed-stacks: ${label(sides.base!)} -> ${label(sides.head!)}: ${changes.stacks.length} stack(s) touched.`);
    return EXIT_OK;
  } catch (e) {
    reportProblems(io, [(e as Error).message], '');
    return e instanceof UnknownEnvironmentError ? EXIT_USAGE : EXIT_FAILED;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) runCli((argv) => main(argv));
