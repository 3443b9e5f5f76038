/**
 * Synthesis for the scripts: runs the app exactly as `npm run synth` does (a child process of
 * main.ts, so every check wired into synthesis, compliance rules included, runs), limited to chosen
 * stacks and written to a staging folder. Only a stack that synthesized cleanly is then moved into
 * the real output folder, next to the other stacks, which stay untouched.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { writeFileAtomic } from './atomic-write';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The command of the `synth` npm script, run with the same Node binary. */
const SYNTH_ARGS = ['-r', 'ts-node/register/transpile-only', 'main.ts'];

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

/**
 * JSON with sorted keys in the layout cdktf writes manifest.json with (json-stable-stringify,
 * two spaces), so a merged manifest is byte-identical to one a full synthesis would write.
 */
export function stableJson(value: unknown, level = 0): string {
  const space = '  ';
  const indent = `\n${space.repeat(level)}`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => `${indent}${space}${stableJson(v, level + 1) ?? 'null'}`);
    return `[${items.join(',')}${indent}]`;
  }
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${indent}${space}${JSON.stringify(k)}: ${stableJson((value as Record<string, unknown>)[k], level + 1)}`);
  return `{${entries.join(',')}${indent}}`;
}

interface Manifest {
  version?: string;
  stacks?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Moves `stackName`'s folder from a staging output folder into `outdir` and adds its entry to
 * `outdir/manifest.json`. Other stacks' folders and manifest entries are left exactly as they are
 * (cdktf's own synth would rewrite manifest.json with only the stacks it built).
 */
export function installStack(stagingOutdir: string, outdir: string, stackName: string): void {
  const staged = JSON.parse(fs.readFileSync(path.join(stagingOutdir, 'manifest.json'), 'utf8')) as Manifest;
  const entry = staged.stacks?.[stackName];
  if (!entry) throw new Error(`the staged synthesis has no stack ${stackName}`);
  const manifestPath = path.join(outdir, 'manifest.json');
  let manifest: Manifest = { ...staged, stacks: {} };
  if (fs.existsSync(manifestPath)) {
    try {
      manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    } catch (e) {
      throw new Error(`${manifestPath} is not valid JSON (${(e as Error).message}); run \`npm run synth\` to rebuild ${outdir}`);
    }
  }
  manifest = { ...manifest, version: staged.version, stacks: { ...(manifest.stacks ?? {}), [stackName]: entry } };

  fs.mkdirSync(path.join(outdir, 'stacks'), { recursive: true });
  const target = path.join(outdir, 'stacks', stackName);
  const previous = path.join(stagingOutdir, 'previous');
  // A folder left by an earlier stack of the same name is swapped out, never merged into.
  if (fs.existsSync(target)) fs.renameSync(target, previous);
  let movedIn = false;
  try {
    fs.renameSync(path.join(stagingOutdir, 'stacks', stackName), target);
    movedIn = true;
    writeFileAtomic(manifestPath, stableJson(manifest));
  } catch (e) {
    if (movedIn) fs.rmSync(target, { recursive: true, force: true });
    if (fs.existsSync(previous)) fs.renameSync(previous, target);
    throw e;
  }
}

/** A staging folder inside `parent` (same file system as the final output, so moves are renames). */
export function makeStagingDir(parent: string, label: string): string {
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `.${label}-`));
}
