/** Running the scripts as a user would (a child process) and checking what they leave on disk. */
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../support/synth';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The `error: ...` lines, one per problem. */
  readonly errors: string[];
}

/** Runs `node -r ./scripts/register.js scripts/<script>.ts ...args`, the command of its npm script. */
export function runScript(script: 'onboard' | 'offboard' | 'handover' | 'secrets' | 'feature', args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCommand(process.execPath, ['-r', './scripts/register.js', `scripts/${script}.ts`, ...args], env);
}

export function runCommand(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: REPO_ROOT,
      // Never the repository's own folders: callers pass temporary ones.
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ENVIRONMENTS_DIR: '', CDKTF_OUTDIR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, errors: stderr.split('\n').filter((l) => l.startsWith('error: ')) }),
    );
  });
}

/** Runs tasks with at most `limit` at a time (the machine has two cores; each task is a Node process). */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every file below `dir` (hidden ones included, so a stray temporary file shows) with its sha256. */
export function treeHashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        out.set(`${path.relative(dir, full)}/`, 'dir');
        walk(full);
      } else {
        out.set(path.relative(dir, full), crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
      }
    }
  };
  walk(dir);
  return out;
}

/** A temporary folder for a test, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function sha256(text: string | Buffer): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Calls a script's exported main in this process, collecting what it prints (the fast path for refusals). */
export function runInProcess(main: (argv: readonly string[], io: { out(t: string): void; err(t: string): void }) => number, args: readonly string[]): CliResult {
  let stdout = '';
  let stderr = '';
  const io = { out: (t: string) => (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t: string) => (stderr += t.endsWith('\n') ? t : `${t}\n`) };
  const code = main(args, io);
  return { code, stdout, stderr, errors: stderr.split('\n').filter((l) => l.startsWith('error: ')) };
}

/** Runs `fn` with environment variables set (CDKTF_OUTDIR for an in-process script run), restoring them after. */
export function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
