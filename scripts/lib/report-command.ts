/**
 * What the report commands (compliance, ropa) share: the same three flags, and evaluating the
 * environment they name, where a config error is a usage error and nothing is written.
 */
import { ConfigError } from '../../config/config-error';
import { evaluateEnvironment, type EnvironmentEvaluation } from './evaluate-environment';
import { EXIT_USAGE, stringFlag, type FlagSpec, type FlagValues, type Io } from './cli';
import { environmentsDirFrom, ENV_FLAG } from './paths';
import { reportsDirFrom } from './report-output';

/** --env, --out-dir and --environments-dir; `what` names the output in --out-dir's help, for example "the report". */
export function reportCommandFlags(what: string): FlagSpec[] {
  return [
    ENV_FLAG,
    { name: 'out-dir', type: 'string', value: '<dir>', description: `Where to write ${what}. Default: reports/ of this repository.` },
    {
      name: 'environments-dir',
      type: 'string',
      value: '<dir>',
      description: 'Folder of environments. Default: $ENVIRONMENTS_DIR, else environments/.',
    },
  ];
}

export interface EvaluatedReportTarget {
  readonly env: string;
  readonly outDir: string;
  readonly evaluation: EnvironmentEvaluation;
}

/** The environment the flags name, evaluated; or the exit code after printing why it cannot be. */
export function evaluateReportTarget(values: FlagValues, io: Io): EvaluatedReportTarget | number {
  const env = stringFlag(values, 'env')!;
  const outDir = reportsDirFrom(stringFlag(values, 'out-dir'));
  try {
    return { env, outDir, evaluation: evaluateEnvironment(env, environmentsDirFrom(stringFlag(values, 'environments-dir'))) };
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
}
