/**
 * Synthesis for the scripts: the one pipeline of scripts/lib/synthesis.ts that `npm run synth` runs
 * (both check packs, staging, promotion), in this process and limited to chosen stacks, written to a
 * folder of the script's choosing. In this process because a script synthesizes one tenant's stack
 * (or a few): a child process would spend most of its time starting Node and loading the modules this
 * process has loaded already. Moving stacks into the real output folder is
 * scripts/lib/synth-output.ts (installStack here is its one-stack form).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../../config/config-error';
import { ComplianceError } from '../../compliance/engine';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { synthesizeStacksInProcess } from './synthesis';
import { installStacks } from './synth-output';

export { makeStagingDir, stableJson } from './synth-output';

export interface SynthResult {
  readonly ok: boolean;
  /** What went wrong, as `npm run synth` prints it (config problems, compliance violations, a stack trace); empty when ok. */
  readonly output: string;
}

/** Synthesizes `stacks` of the environments in `environmentsDir` into `outdir`; never throws for a failed synthesis. */
export function synthesize(options: { stacks: readonly string[]; environmentsDir: string; outdir: string }): SynthResult {
  try {
    synthesizeStacksInProcess({ stacks: options.stacks, environmentsDir: options.environmentsDir, outdir: options.outdir });
    return { ok: true, output: '' };
  } catch (e) {
    if (e instanceof ConfigError || e instanceof ComplianceError) return { ok: false, output: e.message };
    return { ok: false, output: (e as Error).stack ?? String(e) };
  }
}

/** Reads one synthesized stack from an output folder. */
export function readSynthesizedStack(outdir: string, stackName: string): { stack: SynthesizedStack; text: string } {
  const text = fs.readFileSync(path.join(outdir, 'stacks', stackName, 'cdk.tf.json'), 'utf8');
  return { stack: SynthesizedStack.parse(stackName, text), text };
}

/** Moves one stack's folder from a staging output into `outdir` and merges manifest.json (see installStacks). */
export function installStack(stagingOutdir: string, outdir: string, stackName: string): void {
  installStacks(stagingOutdir, outdir, [stackName]);
}
