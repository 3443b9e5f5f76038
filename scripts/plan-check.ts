/**
 * `npm run plan-check`: the transition checks of the deployability pack
 * (compliance/deployability/transitions.ts) on a change, before anyone plans it: synthesizes the
 * working tree and a base revision (each with its own environments/) and reports every protected
 * resource the change would remove (DEP-REMOVE-PROTECTED) and every data-bearing resource whose
 * address changes without a moved block (DEP-MOVED). `--before <dir> --after <dir>` compares two
 * synthesized output folders directly.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatViolation } from '../compliance/engine';
import type { SynthesizedStack } from '../compliance/synthesized-stack';
import { checkTransition, readSynthesizedOutput, transitionProblems } from '../compliance/deployability/transitions';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type CommandSpec, type Io } from './lib/cli';
import { REPO_ROOT, displayPath } from './lib/paths';
import { synthesize } from './lib/synth';

export const PLAN_CHECK_SPEC: CommandSpec = {
  usage: ['npm run plan-check -- --base <git revision> [--env <env>]', 'npm run plan-check -- --before <dir> --after <dir> [--env <env>]'],
  summary: [
    'Checks that a change can be applied in one step: no resource leaves the configuration while it is',
    'still delete-protected (retire it first, deploy, then remove it), and no project, dataset, table,',
    'bucket, Firestore database, key ring or key changes its address without a moved block.',
    '  --base     synthesizes the working tree and the revision (git archive into a temporary folder, which',
    '             is removed again), each with its own environments/, and compares them',
    '  --before/--after  compares two synthesized output folders (cdktf.out layout: stacks/<name>/cdk.tf.json)',
  ].join('\n'),
  flags: [
    { name: 'base', type: 'string', value: '<revision>', description: 'The git revision the change starts from (a branch, tag or commit).' },
    { name: 'before', type: 'string', value: '<dir>', description: 'A synthesized output folder before the change.' },
    { name: 'after', type: 'string', value: '<dir>', description: 'A synthesized output folder after the change.' },
    { name: 'env', type: 'string', value: '<env>', description: 'Only the stacks of this environment (platform-<env>, tenant-<env>-*).' },
  ],
  footer: 'Exit status: 0 the change passes, 1 it is refused (or a synthesis failed), 2 invalid flags.',
};

// ts-node, not scripts/register.js: a base revision may predate register.js, and ts-node runs every revision.
const SYNTH_ARGS = ['-r', 'ts-node/register/transpile-only', 'main.ts'];

/** Runs main.ts in `root` into `outdir`; the error output when it fails. */
export function synthesizeTree(root: string, outdir: string): string | undefined {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' };
  // Each tree reads its own environments/ and builds every stack.
  delete env.ENVIRONMENTS_DIR;
  delete env.STACKS;
  const result = spawnSync(process.execPath, SYNTH_ARGS, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status === 0) return undefined;
  return `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`.trim() || `synthesis exited with ${result.status ?? result.signal}`;
}

/** The commit a revision names, or undefined. */
export function resolveRevision(revision: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], { cwd: REPO_ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Extracts `commit` into `dir` (git archive: no worktree metadata to clean up) and links node_modules. */
export function extractRevision(commit: string, dir: string): string | undefined {
  const archive = spawnSync('git', ['archive', '--format=tar', commit], { cwd: REPO_ROOT, maxBuffer: 512 * 1024 * 1024 });
  if (archive.status !== 0) return `git archive ${commit} failed: ${archive.stderr?.toString() ?? ''}`;
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (untar.status !== 0) return `extracting ${commit} failed: ${untar.stderr?.toString() ?? ''}`;
  fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  return undefined;
}

/**
 * For the lifecycle scripts: the transition problems of editing one file of `environmentsDir`
 * (a tenant file) to `newText`, for the stacks named. Synthesizes the stacks as they are and, in a
 * temporary copy of the environments folder holding the edit, as they would be; the real file is not
 * touched. Returns the problems as printable lines (empty: the change applies in one step), or
 * throws when either synthesis fails.
 */
export function transitionOfEdit(request: { environmentsDir: string; stacks: readonly string[]; file: string; newText: string }): string[] {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-transition-'));
  try {
    const copy = path.join(scratch, 'environments');
    fs.cpSync(request.environmentsDir, copy, { recursive: true });
    const relative = path.relative(request.environmentsDir, request.file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`${request.file} is not inside ${request.environmentsDir}`);
    fs.writeFileSync(path.join(copy, relative), request.newText);
    const outdirs = { before: path.join(scratch, 'before'), after: path.join(scratch, 'after') };
    for (const [label, environmentsDir, outdir] of [
      ['as it is', request.environmentsDir, outdirs.before],
      ['after the change', copy, outdirs.after],
    ] as const) {
      const result = synthesize({ stacks: request.stacks, environmentsDir, outdir });
      if (!result.ok) throw new Error(`synthesis of ${request.stacks.join(', ')} ${label} failed:\n${result.output}`);
    }
    return transitionProblems(readSynthesizedOutput(outdirs.before), readSynthesizedOutput(outdirs.after));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function onlyEnvironment(stacks: Map<string, SynthesizedStack>, env: string | undefined): Map<string, SynthesizedStack> {
  if (!env) return stacks;
  return new Map([...stacks].filter(([name]) => name === `platform-${env}` || name.startsWith(`tenant-${env}-`)));
}

function report(io: Io, before: Map<string, SynthesizedStack>, after: Map<string, SynthesizedStack>, label: string): number {
  const violations = checkTransition(before, after);
  if (violations.length === 0) {
    io.out(`plan-check: ${label}: ${before.size} stack(s) before, ${after.size} after; no protected resource leaves and no data-bearing resource changes address.`);
    return EXIT_OK;
  }
  io.err(`plan-check: ${label}: ${violations.length} problem${violations.length === 1 ? '' : 's'}; this change cannot be applied as it is:`);
  for (const v of violations) io.err(`  - ${formatViolation(v)}`);
  return EXIT_FAILED;
}

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, PLAN_CHECK_SPEC, io, 'plan-check');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const base = stringFlag(v, 'base');
  const beforeDir = stringFlag(v, 'before');
  const afterDir = stringFlag(v, 'after');
  const env = stringFlag(v, 'env');
  const problems: string[] = [];
  if (base !== undefined && (beforeDir !== undefined || afterDir !== undefined)) problems.push('--base cannot be combined with --before/--after; choose one');
  else if (base === undefined && beforeDir === undefined && afterDir === undefined) problems.push('give --base <git revision>, or --before <dir> and --after <dir>');
  else if (base === undefined && (beforeDir === undefined) !== (afterDir === undefined)) problems.push(beforeDir === undefined ? '--before <dir> is required with --after' : '--after <dir> is required with --before');
  if (env !== undefined && !/^[a-z][a-z0-9-]*$/.test(env)) problems.push(`--env: ${JSON.stringify(env)} is not an environment name (lower case letters, digits, dashes)`);
  for (const [flag, dir] of [['before', beforeDir], ['after', afterDir]] as const) {
    if (dir !== undefined && !fs.existsSync(path.join(dir, 'stacks'))) problems.push(`--${flag}: ${displayPath(path.resolve(dir))} holds no synthesized output (no stacks/ folder)`);
  }
  const commit = base !== undefined && problems.length === 0 ? resolveRevision(base) : undefined;
  if (base !== undefined && problems.length === 0 && !commit) problems.push(`--base: ${JSON.stringify(base)} is not a revision of this repository (git rev-parse found no commit)`);
  if (problems.length > 0) {
    reportProblems(io, problems, 'See npm run plan-check -- --help.');
    return EXIT_USAGE;
  }

  if (beforeDir !== undefined && afterDir !== undefined) {
    try {
      return report(io, onlyEnvironment(readSynthesizedOutput(beforeDir), env), onlyEnvironment(readSynthesizedOutput(afterDir), env), `${beforeDir} -> ${afterDir}`);
    } catch (e) {
      reportProblems(io, [(e as Error).message], '');
      return EXIT_FAILED;
    }
  }

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-plan-check-'));
  try {
    const tree = path.join(scratch, 'base');
    fs.mkdirSync(tree);
    const extractProblem = extractRevision(commit!, tree);
    if (extractProblem) {
      reportProblems(io, [extractProblem], '');
      return EXIT_FAILED;
    }
    const beforeOut = path.join(scratch, 'before.out');
    const afterOut = path.join(scratch, 'after.out');
    const baseFailure = synthesizeTree(tree, beforeOut);
    if (baseFailure) {
      io.err(baseFailure);
      reportProblems(io, [`synthesis of --base ${base} (${commit!.slice(0, 12)}) failed`], '');
      return EXIT_FAILED;
    }
    const headFailure = synthesizeTree(REPO_ROOT, afterOut);
    if (headFailure) {
      io.err(headFailure);
      reportProblems(io, ['synthesis of the working tree failed; fix it first (npm run synth)'], '');
      return EXIT_FAILED;
    }
    return report(io, onlyEnvironment(readSynthesizedOutput(beforeOut), env), onlyEnvironment(readSynthesizedOutput(afterOut), env), `${base} (${commit!.slice(0, 12)}) -> working tree`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) runCli((argv) => main(argv));
