/**
 * Applying a change to one tenant file (an edit, or a new file when onboarding) the same way for every
 * lifecycle script: the tenant's stack is synthesized from a temporary copy of the environments folder
 * holding the change (every check wired into synthesis runs, the DPA rule pack included, and the
 * deployability pack against the platform stack, which no tenant changes), the stack as it is now is
 * synthesized too, and the transition checks of
 * compliance/deployability/transitions.ts compare the two: the change must apply in one step. Only
 * then is the file written atomically and the tenant's output installed; on any failure nothing is
 * written. Used by `npm run onboard`, `npm run secrets` and `npm run feature`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tenantStackName } from '../../config/naming';
import { readSynthesizedOutput, transitionProblems } from '../../compliance/deployability/transitions';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import { writeFileAtomic } from './atomic-write';
import { EXIT_FAILED, EXIT_OK, reportProblems, type Io } from './cli';
import { displayPath, outdirFromEnv } from './paths';
import { installStack, makeStagingDir, synthesize } from './synth';

/** What the scripts print after a change passed the transition check. */
export const ONE_STEP = 'applies in one step (plan-check: no protected resource leaves, no data-bearing resource changes address)';

/** The transition problems between two sets of synthesized stacks, as printable lines (empty: the change applies in one step). */
export type TransitionCheck = (before: ReadonlyMap<string, SynthesizedStack>, after: ReadonlyMap<string, SynthesizedStack>) => string[];

export interface TenantChange {
  readonly file: string;
  /**
   * The file's text as read before the edit, or undefined for a new tenant file (onboarding: the
   * stacks before the change have no tenant stack). The write is refused if the file changed meanwhile.
   */
  readonly before: string | undefined;
  readonly after: string;
  readonly environmentsDir: string;
  readonly env: string;
  readonly tenantId: string;
  /** The npm script, for messages. */
  readonly command: string;
  /** The transition check on the change. Default: transitionProblems; tests inject a refusal. */
  readonly transitionOf?: TransitionCheck;
}

/**
 * Synthesizes the change and the stacks as they are, checks the transition, then writes the file and
 * installs the tenant's output; returns EXIT_OK with `stackOutput` set, or an exit code after printing why.
 */
export function applyTenantChange(io: Io, change: TenantChange): { exitCode: number; stackOutput?: string } {
  const { file, before, after, environmentsDir, env, tenantId } = change;
  const stack = tenantStackName(env, tenantId);
  const isNew = before === undefined;
  const asItWas = `Nothing was written; ${displayPath(file)} ${isNew ? 'was not created' : 'is as it was'}.`;
  const changedMeanwhile = () => (isNew ? false : !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== before);
  if (changedMeanwhile()) {
    reportProblems(io, [`${displayPath(file)} changed while ${change.command} ran; run it again`]);
    return { exitCode: EXIT_FAILED };
  }
  const relative = path.relative(environmentsDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`internal error: ${file} is not inside ${environmentsDir}`);

  const outdir = outdirFromEnv();
  const outdirExisted = fs.existsSync(outdir);
  // The change and the "before" synthesis live in a scratch folder; the staging folder sits in the
  // output folder so that installing the stack is a rename.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `ss-${change.command}-`));
  let staging: string | undefined;
  let installed = false;
  try {
    const changed = path.join(scratch, 'environments');
    fs.cpSync(environmentsDir, changed, { recursive: true });
    fs.writeFileSync(path.join(changed, relative), after);
    staging = makeStagingDir(outdir, change.command);
    // Only the tenant's stack: the platform stack reads no tenant (PlatformEnvironment), so a tenant's
    // change cannot change it; the pipeline still checks the tenant's stack against it, from its cache.
    const synthesized = synthesize({ stacks: [stack], environmentsDir: changed, outdir: staging });
    if (!synthesized.ok) {
      io.err(synthesized.output);
      reportProblems(io, [`synthesis of ${stack} failed (output above)`], asItWas);
      return { exitCode: EXIT_FAILED };
    }
    // Before onboarding there is no tenant stack: the new stack is compared with nothing.
    const beforeOut = path.join(scratch, 'before');
    if (!isNew) {
      const current = synthesize({ stacks: [stack], environmentsDir, outdir: beforeOut });
      if (!current.ok) {
        io.err(current.output);
        reportProblems(
          io,
          [`synthesis of ${stack} as it is now failed (output above); the transition check needs it, so fix the configuration first (npm run synth)`],
          asItWas,
        );
        return { exitCode: EXIT_FAILED };
      }
    }
    const refused = (change.transitionOf ?? transitionProblems)(isNew ? new Map() : readSynthesizedOutput(beforeOut), readSynthesizedOutput(staging));
    if (refused.length > 0) {
      reportProblems(io, [...refused, `this change to ${stack} cannot be applied in one step (npm run plan-check)`], asItWas);
      return { exitCode: EXIT_FAILED };
    }

    if (changedMeanwhile()) {
      reportProblems(io, [`${displayPath(file)} changed while ${change.command} ran; run it again`], asItWas);
      return { exitCode: EXIT_FAILED };
    }
    try {
      writeFileAtomic(file, after, isNew ? { overwrite: false } : {});
    } catch (e) {
      reportProblems(io, [`cannot write ${displayPath(file)}: ${(e as Error).message}`], asItWas);
      return { exitCode: EXIT_FAILED };
    }
    try {
      installStack(staging, outdir, stack);
      installed = true;
    } catch (e) {
      // Put the old text back (or remove the new file), if the file is still ours.
      if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === after) {
        if (isNew) fs.rmSync(file);
        else writeFileAtomic(file, before);
      }
      reportProblems(io, [(e as Error).message], `${displayPath(file)} was ${isNew ? 'removed again' : 'restored'}; nothing was changed.`);
      return { exitCode: EXIT_FAILED };
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    // An output folder made only to stage a failed change goes too.
    if (!installed && !outdirExisted && fs.existsSync(outdir) && fs.readdirSync(outdir).length === 0) fs.rmdirSync(outdir);
  }
  return { exitCode: EXIT_OK, stackOutput: displayPath(path.join(outdir, 'stacks', stack, 'cdk.tf.json')) };
}
