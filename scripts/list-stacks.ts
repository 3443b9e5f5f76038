/**
 * `npm run -s stacks -- --env <env>`: the stack names of one environment, platform first, one a
 * line (what STACKS= and `terraform -chdir=cdktf.out/stacks/<stack>` take).
 */
import { ConfigError } from '../config/config-error';
import { listEnvironments, loadEnvironment } from '../config/loader';
import { stackNamesOf } from '../stacks/build-app';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type CommandSpec, type Io } from './lib/cli';
import { ENVIRONMENTS_DIR_FLAG, ENV_FLAG, environmentsDirFrom } from './lib/paths';
import { unknownEnvironmentProblem } from './lib/tenant-target';

export const LIST_STACKS_SPEC: CommandSpec = {
  usage: ['npm run -s stacks -- --env <env> [--environments-dir <dir>]'],
  summary: 'Prints the stacks of an environment, one a line, platform first: platform-<env>, then tenant-<env>-<id>\nfor every tenant whose stack is still synthesized (not yet removed).',
  flags: [ENV_FLAG, ENVIRONMENTS_DIR_FLAG],
  footer: 'Exit status: 0 listed; 1 the environment\'s config is invalid; 2 invalid flags.',
};

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, LIST_STACKS_SPEC, io, 'stacks');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const environmentsDir = environmentsDirFrom(stringFlag(commandLine.values, 'environments-dir'));
  const env = stringFlag(commandLine.values, 'env')!;
  const problem = unknownEnvironmentProblem(environmentsDir, env, listEnvironments(environmentsDir));
  if (problem) {
    reportProblems(io, [problem], 'See npm run stacks -- --help.');
    return EXIT_USAGE;
  }
  try {
    io.out(stackNamesOf([loadEnvironment(env, { environmentsDir })]).join('\n'));
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(e.message);
    return EXIT_FAILED;
  }
}

if (require.main === module) runCli((argv) => main(argv));
