/**
 * Runs README commands in the walk-through's scratch copy. bash runs every command line as written
 * (its quoting, variable assignments and comments); an `npm run <script>` whose npm script is
 * `node -r ./scripts/register.js <file>` is then handed to one long-lived process
 * (test/readme/script-host.ts) instead of starting npm and Node again: about a second of module
 * loading per command, most of the walk-through's time. Any other command, and any npm use the host
 * does not understand, runs through the real npm.
 */
import { fork, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HostReply, HostRequest } from './script-host';

export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
  /** How it ran: `bash` alone (npm included, if it calls npm) or `host` (the npm script in the script host). */
  readonly via: 'bash' | 'host';
}

/** `npm run [-s] <script> [-s] [-- <args>]` as npm reads it; undefined for any other use of npm. */
export function npmRunOf(args: readonly string[]): { script: string; argv: string[] } | undefined {
  if (args[0] !== 'run') return undefined;
  const separator = args.indexOf('--');
  const before = separator === -1 ? args.slice(1) : args.slice(1, separator);
  const names = before.filter((a) => a !== '-s' && a !== '--silent');
  // Exactly one script name and no npm option but --silent.
  if (names.length !== 1 || names[0].startsWith('-')) return undefined;
  return { script: names[0], argv: separator === -1 ? [] : args.slice(separator + 1) };
}

/** The entry file of an npm script that runs one TypeScript file with the repository's register hook. */
export function registeredEntryOf(scriptLine: string | undefined): string | undefined {
  return /^node -r \.\/scripts\/register\.js (\S+\.ts)$/.exec(scriptLine ?? '')?.[1];
}

export class ScriptHost {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, (reply: HostReply) => void>();
  private nextId = 1;
  /** What the host printed outside a request's capture (a child process of a script writing to its stdio). */
  stray = '';

  constructor(
    private readonly scratch: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    this.child = fork(path.join(scratch, 'test', 'readme', 'script-host.ts'), [], {
      cwd: scratch,
      execArgv: ['-r', './scripts/register.js'],
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.on('data', (d) => (this.stray += d));
    this.child.stderr!.on('data', (d) => (this.stray += d));
    this.child.on('message', (reply: HostReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  /** Runs one command line as bash would, with npm scripts in the host. */
  async run(command: string): Promise<CommandResult> {
    const record = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-npm-call-'));
    try {
      const argsFile = path.join(record, 'args');
      const envFile = path.join(record, 'env');
      // `npm` as a shell function that only records what it was called with; the command itself is unchanged.
      const recorder = `npm() { printf '%s\\0' "$@" > ${JSON.stringify(argsFile)}; env -0 > ${JSON.stringify(envFile)}; }`;
      const recorded = this.bash(`${recorder}\n${command}`);
      if (!fs.existsSync(argsFile)) return { ...recorded, via: 'bash' };
      const call = npmRunOf(fs.readFileSync(argsFile, 'utf8').split('\0').slice(0, -1));
      const scripts = (JSON.parse(fs.readFileSync(path.join(this.scratch, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      const entry = call && registeredEntryOf(scripts[call.script]);
      // Only a command that is exactly one npm run call goes to the host; anything else runs for real.
      if (!call || !entry || recorded.code !== 0 || !/^(\w+=\S+\s+)*npm run /.test(command)) return this.throughNpm(command);
      const env = Object.fromEntries(
        fs.readFileSync(envFile, 'utf8').split('\0').filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
      );
      const reply = await this.request({ file: entry, argv: call.argv, env });
      return { code: reply.code, output: reply.output, via: 'host' };
    } finally {
      fs.rmSync(record, { recursive: true, force: true });
    }
  }

  /** Runs one command line with bash and the real npm: a new process, as a user runs it. */
  throughNpm(command: string): CommandResult {
    return { ...this.bash(command), via: 'bash' };
  }

  stop(): void {
    this.child.kill();
  }

  private bash(command: string): { code: number | null; output: string } {
    const result = spawnSync('bash', ['-c', command], { cwd: this.scratch, encoding: 'utf8', env: { ...this.env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: result.status, output: `${result.stdout}${result.stderr}` };
  }

  private request(fields: Omit<HostRequest, 'id'>): Promise<HostReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the script host exited (${code}) while running ${fields.file}:\n${this.stray}`));
      this.child.once('exit', exited);
      this.pending.set(id, (reply) => {
        this.child.off('exit', exited);
        resolve(reply);
      });
      this.child.send({ id, ...fields } satisfies HostRequest);
    });
  }
}
