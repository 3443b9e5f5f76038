/**
 * A synthesized output folder (cdktf.out layout: manifest.json plus stacks/<name>/cdk.tf.json) as
 * one unit: read it back with clear errors, merge stack folders into it, and replace it as a whole.
 * Staging folders live next to the output (same file system), so every move is a rename.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { writeFileAtomic } from './atomic-write';

/** An output folder that cannot be read as a synthesis: names the path and the fix. */
export class SynthOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SynthOutputError';
  }
}

export interface ManifestStackEntry {
  readonly name?: string;
  readonly synthesizedStackPath?: string;
  readonly workingDirectory?: string;
  readonly [key: string]: unknown;
}

export interface Manifest {
  version?: string;
  stacks?: Record<string, ManifestStackEntry>;
  [key: string]: unknown;
}

/**
 * JSON with sorted keys in the layout cdktf writes manifest.json with (json-stable-stringify,
 * two spaces), so a merged manifest is byte-identical to one a single synthesis would write.
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

const MANIFEST = 'manifest.json';

/** manifest.json of an output folder; `what` names the folder's role in the error (for example "--synth-dir"). */
export function readManifest(outdir: string, what = outdir): Manifest {
  const file = path.join(outdir, MANIFEST);
  if (!fs.existsSync(outdir) || !fs.statSync(outdir).isDirectory()) {
    throw new SynthOutputError(`${what}: ${outdir} is not a folder; give the folder \`npm run synth\` wrote (default cdktf.out)`);
  }
  if (!fs.existsSync(file)) {
    throw new SynthOutputError(`${what}: ${file} is missing, so ${outdir} is not a synthesized output; run \`npm run synth\` or give the folder it wrote`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    throw new SynthOutputError(`${what}: ${file} is not valid JSON (${(e as Error).message}); run \`npm run synth\` to rebuild ${outdir}`);
  }
  if (manifest === null || typeof manifest !== 'object' || typeof manifest.stacks !== 'object' || manifest.stacks === null || Array.isArray(manifest.stacks)) {
    throw new SynthOutputError(`${what}: ${file} has no "stacks" object; run \`npm run synth\` to rebuild ${outdir}`);
  }
  return manifest;
}

/** The path of a stack's cdk.tf.json inside `outdir`. */
export function stackFile(outdir: string, stackName: string): string {
  return path.join(outdir, 'stacks', stackName, 'cdk.tf.json');
}

/** One stack of an output folder; `what` names the folder's role in errors. */
export function readOutputStack(outdir: string, stackName: string, what = outdir): { stack: SynthesizedStack; bytes: number } {
  const file = stackFile(outdir, stackName);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SynthOutputError(`${what}: ${file} is missing although manifest.json lists stack ${stackName}; run \`npm run synth\` to rebuild ${outdir}`);
  }
  try {
    const stack = SynthesizedStack.parse(stackName, text);
    return { stack, bytes: Buffer.byteLength(text) };
  } catch (e) {
    throw new SynthOutputError(`${what}: ${file} is not valid JSON (${(e as Error).message}); fix it or run \`npm run synth\` to rebuild ${outdir}`);
  }
}

/** Every stack manifest.json lists, read from disk, in the manifest's order. */
export function readSynthesizedOutput(outdir: string, what = outdir): SynthesizedStack[] {
  const manifest = readManifest(outdir, what);
  return Object.keys(manifest.stacks ?? {}).map((name) => readOutputStack(outdir, name, what).stack);
}

/** A staging folder next to `outdir` (`<outdir>.<label>-XXXXXX`, same file system, so promoting is a rename). */
export function makeStagingDirFor(outdir: string, label = 'staging'): string {
  const absolute = path.resolve(outdir);
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  return fs.mkdtempSync(`${absolute}.${label}-`);
}

/** A staging folder inside `parent` (same file system as the final output, so moves are renames). */
export function makeStagingDir(parent: string, label: string): string {
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `.${label}-`));
}

/**
 * What Terraform keeps in a stack's folder between runs (`.terraform/` with the initialized backend
 * and providers, the lock file, saved plans): everything of `oldDir` that `newDir` does not have is
 * moved into it, so re-synthesizing a stack keeps it initialized (`terraform init -migrate-state`
 * after a backend change needs the old backend recorded there), as cdktf's own synth does by writing
 * into the existing folder. The synthesized files themselves always come from `newDir`.
 */
export function carryTerraformWorkingFiles(oldDir: string, newDir: string): void {
  if (!fs.existsSync(oldDir)) return;
  const fresh = new Set(fs.readdirSync(newDir));
  for (const entry of fs.readdirSync(oldDir)) {
    if (!fresh.has(entry)) fs.renameSync(path.join(oldDir, entry), path.join(newDir, entry));
  }
}

/**
 * Replaces `outdir` with the complete output in `staged` (a folder next to it): the old output is
 * swapped out by rename and then removed, so `outdir` holds exactly the stacks of this synthesis
 * (a stack that is no longer synthesized loses its folder; one that stays keeps its Terraform
 * working files, see carryTerraformWorkingFiles). If the swap fails, the old output is put back.
 */
export function replaceOutput(staged: string, outdir: string): void {
  const previous = `${staged}.previous`;
  const had = fs.existsSync(outdir);
  if (had && fs.existsSync(path.join(outdir, 'stacks'))) {
    for (const name of fs.readdirSync(path.join(staged, 'stacks'))) {
      carryTerraformWorkingFiles(path.join(outdir, 'stacks', name), path.join(staged, 'stacks', name));
    }
  }
  if (had) fs.renameSync(outdir, previous);
  try {
    fs.renameSync(staged, outdir);
  } catch (e) {
    if (had) fs.renameSync(previous, outdir);
    throw e;
  }
  if (had) fs.rmSync(previous, { recursive: true, force: true });
}

/**
 * Moves the named stacks' folders from a staging output folder into `outdir` and adds their entries
 * to `outdir/manifest.json`. Other stacks' folders and manifest entries are left exactly as they are
 * (cdktf's own synth would rewrite manifest.json with only the stacks it built). On failure every
 * folder moved is put back as it was.
 */
export function installStacks(stagingOutdir: string, outdir: string, stackNames: readonly string[]): void {
  const staged = JSON.parse(fs.readFileSync(path.join(stagingOutdir, MANIFEST), 'utf8')) as Manifest;
  const entries: Record<string, ManifestStackEntry> = {};
  for (const name of stackNames) {
    const entry = staged.stacks?.[name];
    if (!entry) throw new Error(`the staged synthesis has no stack ${name}`);
    entries[name] = entry;
  }
  const manifestPath = path.join(outdir, MANIFEST);
  let manifest: Manifest = { ...staged, stacks: {} };
  if (fs.existsSync(manifestPath)) {
    try {
      manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest;
    } catch (e) {
      throw new Error(`${manifestPath} is not valid JSON (${(e as Error).message}); run \`npm run synth\` to rebuild ${outdir}`);
    }
  }
  manifest = { ...manifest, version: staged.version, stacks: { ...(manifest.stacks ?? {}), ...entries } };

  fs.mkdirSync(path.join(outdir, 'stacks'), { recursive: true });
  const previousDir = path.join(stagingOutdir, 'previous');
  fs.mkdirSync(previousDir, { recursive: true });
  const moved: { target: string; previous?: string }[] = [];
  try {
    for (const name of stackNames) {
      const target = path.join(outdir, 'stacks', name);
      // A folder left by an earlier stack of the same name is swapped out, never merged into.
      let previous: string | undefined;
      if (fs.existsSync(target)) {
        previous = path.join(previousDir, name);
        fs.renameSync(target, previous);
      }
      moved.push({ target, previous });
      const incoming = path.join(stagingOutdir, 'stacks', name);
      if (previous) carryTerraformWorkingFiles(previous, incoming);
      fs.renameSync(incoming, target);
    }
    writeFileAtomic(manifestPath, stableJson(manifest));
  } catch (e) {
    for (const { target, previous } of moved.reverse()) {
      fs.rmSync(target, { recursive: true, force: true });
      if (previous && fs.existsSync(previous)) fs.renameSync(previous, target);
    }
    throw e;
  }
}
