/**
 * `--synth-dir`: an environment judged from an output already synthesized (the artifact CI is about
 * to apply, or a hand-edited copy) instead of synthesizing it: every stack of the environment is read
 * from disk and both packs run on exactly those files.
 */
import { loadEnvironment } from '../../config/loader';
import { tenantStackName } from '../../config/naming';
import type { EnvironmentEvaluation } from './evaluate-environment';
import { buildRopaRecord } from '../../compliance/report/ropa';
import type { DeployEvaluation } from '../../compliance/deployability/pack';
import { checkSynthesizedStacks } from '../../compliance/synth-gate';
import { stackNamesOf } from '../../stacks/build-app';
import { readManifest, readOutputStack, SynthOutputError } from './synth-output';

export const SYNTH_DIR_FLAG_NAME = 'synth-dir';

export interface OutputEvaluation extends EnvironmentEvaluation {
  /** The deployability pack's evaluation of each stack. */
  readonly deployEvaluations: readonly DeployEvaluation[];
}

/** Reads environment `envName`'s stacks from `synthDir` and runs both packs; SynthOutputError when the folder cannot be. */
export function evaluateSynthesizedOutput(envName: string, environmentsDir: string | undefined, synthDir: string): OutputEvaluation {
  const environment = loadEnvironment(envName, { environmentsDir });
  const what = `--${SYNTH_DIR_FLAG_NAME}`;
  const manifest = readManifest(synthDir, what);
  const listed = new Set(Object.keys(manifest.stacks ?? {}));
  const expected = stackNamesOf([environment]);
  const missing = expected.filter((n) => !listed.has(n));
  if (missing.length > 0) {
    throw new SynthOutputError(
      `${what}: ${synthDir} does not hold ${missing.join(', ')} of environment ${envName} (its manifest.json lists ${listed.size} stack${listed.size === 1 ? '' : 's'}); synthesize the whole environment into it, for example CDKTF_OUTDIR=${synthDir} npm run synth`,
    );
  }
  const stacks = expected.map((name) => readOutputStack(synthDir, name, what).stack);
  const gate = checkSynthesizedStacks(stacks, [environment]);
  const records = environment.tenants
    .map((t) => ({ t, i: stacks.findIndex((s) => s.name === tenantStackName(envName, t.id)) }))
    .filter(({ i }) => i >= 0)
    .map(({ t, i }) => buildRopaRecord(t, stacks[i], gate.evaluations[i]));
  return { environment, stacks, evaluations: gate.evaluations, records, deployEvaluations: gate.deployEvaluations };
}
