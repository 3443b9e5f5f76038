/**
 * Synthesis for the scripts: runs the app exactly as `npm run synth` does (a child process of
 * main.ts, so the one pipeline of scripts/lib/synthesis.ts and both check packs run), limited to
 * chosen stacks and written to a folder of the script's choosing. Moving stacks into the real output
 * folder is scripts/lib/synth-output.ts (installStack here is its one-stack form).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { installStacks } from './synth-output';

export { makeStagingDir, stableJson } from './synth-output';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The command of the `synth` npm script, run with the same Node binary (one line per stack left out). */
const SYNTH_ARGS = ['-r', './scripts/register.js', 'main.ts', '--quiet'];

export interface SynthResult {
  readonly ok: boolean;
  /** What the app printed (config problems, compliance violations, stack traces). */
  readonly output: string;
}

/** Runs main.ts with STACKS, ENVIRONMENTS_DIR and CDKTF_OUTDIR set; never throws for a failed synthesis. */
export function synthesize(options: { stacks: readonly string[]; environmentsDir: string; outdir: string }): SynthResult {
  const result = spawnSync(process.execPath, SYNTH_ARGS, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      STACKS: options.stacks.join(','),
      ENVIRONMENTS_DIR: options.environmentsDir,
      CDKTF_OUTDIR: options.outdir,
      CHECKPOINT_DISABLE: '1',
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.error) return { ok: false, output: `${output}\n${result.error.message}`.trim() };
  if (result.signal) return { ok: false, output: `${output}\nsynthesis stopped by ${result.signal}`.trim() };
  return { ok: result.status === 0, output };
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
