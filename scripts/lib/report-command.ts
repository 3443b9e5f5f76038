/**
 * What the report commands (compliance, ropa) share: the same three flags, and evaluating the
 * environment they name, where a config error is a usage error and nothing is written.
 */
import { ConfigError } from '../../config/config-error';
import { evaluateEnvironment, type EnvironmentEvaluation } from './evaluate-environment';
import type { DeployEvaluation } from '../../compliance/deployability/pack';
import { evaluateDeployabilityOf } from '../../compliance/synth-gate';
import { EXIT_USAGE, stringFlag, type FlagSpec, type FlagValues, type Io } from './cli';
import { evaluateSynthesizedOutput, SYNTH_DIR_FLAG_NAME } from './evaluate-output';
import { SynthOutputError } from './synth-output';
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

/** --synth-dir: judge an output already synthesized instead of synthesizing (the compliance command). */
export const SYNTH_DIR_FLAG: FlagSpec = {
  name: SYNTH_DIR_FLAG_NAME,
  type: 'string',
  value: '<dir>',
  description:
    'Check this already synthesized output (manifest.json and stacks/<stack>/cdk.tf.json, for example cdktf.out\nor the artifact CI applies) instead of synthesizing the environment.',
};

export interface EvaluatedReportTarget {
  readonly env: string;
  readonly outDir: string;
  readonly evaluation: EnvironmentEvaluation;
  /** The deployability pack's evaluation of the same stacks. */
  readonly deployEvaluations: readonly DeployEvaluation[];
}

/**
 * The environment the flags name, evaluated by both packs: synthesized in memory, or read from
 * --synth-dir when given. Returns the exit code after printing why it cannot be.
 */
export function evaluateReportTarget(values: FlagValues, io: Io): EvaluatedReportTarget | number {
  const env = stringFlag(values, 'env')!;
  const outDir = reportsDirFrom(stringFlag(values, 'out-dir'));
  const environmentsDir = environmentsDirFrom(stringFlag(values, 'environments-dir'));
  const synthDir = stringFlag(values, SYNTH_DIR_FLAG_NAME);
  try {
    if (synthDir !== undefined) {
      const evaluation = evaluateSynthesizedOutput(env, environmentsDir, synthDir);
      return { env, outDir, evaluation, deployEvaluations: evaluation.deployEvaluations };
    }
    const evaluation = evaluateEnvironment(env, environmentsDir);
    return { env, outDir, evaluation, deployEvaluations: evaluateDeployabilityOf(evaluation.stacks, [evaluation.environment]) };
  } catch (e) {
    if (e instanceof ConfigError || e instanceof SynthOutputError) {
      io.err(`${e.message}\nNothing was written.`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
