/** A generated environment in a temporary folder, and reading an output folder back, for the synthesis tests. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeGeneratedEnvironment } from '../../scripts/lib/generated-environment';

export const ENV = 'synthtest';

export interface Workspace {
  /** The environments/ folder, holding ENV only. */
  readonly environmentsDir: string;
  /** Where outputs go: `out` is the cdktf.out of the tests. */
  readonly root: string;
  readonly outdir: string;
  remove(): void;
}

/** A temporary folder with an environment of `tenants` generated tenants and a place for outputs. */
export function workspace(tenants: number): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-synthesis-'));
  const environmentsDir = path.join(root, 'environments');
  writeGeneratedEnvironment(environmentsDir, ENV, tenants);
  return { environmentsDir, root, outdir: path.join(root, 'cdktf.out'), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** A copy of a workspace (its environment and any output) in a new temporary folder. */
export function copyWorkspace(from: Workspace): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-synthesis-'));
  fs.cpSync(from.root, root, { recursive: true });
  return { environmentsDir: path.join(root, 'environments'), root, outdir: path.join(root, 'cdktf.out'), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Every file under `dir`, relative path to bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

/** Rewrites one stack's cdk.tf.json in an output folder. */
export function editStack(outdir: string, stack: string, edit: (json: any) => void): void {
  const file = path.join(outdir, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
}

/** The first resource of `type` in a parsed cdk.tf.json. */
export function firstOf(json: any, type: string): any {
  const byName = json.resource?.[type];
  if (!byName) throw new Error(`no ${type} in the stack`);
  return Object.values(byName)[0];
}

/** Collects what a command prints. */
export function collectingIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}
