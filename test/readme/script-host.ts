/**
 * A long-lived Node process in the README walk-through's scratch copy that runs `npm run <script>`
 * commands without starting npm and Node for each (test/readme/script-host-client.ts starts it with
 * `node -r ./scripts/register.js`, the runtime of every npm script). Each request names the script's
 * entry file, its arguments and the environment bash gave the command. The repository's own modules
 * are loaded afresh for every request, so no module state carries from one command to the next, as
 * between two processes; only third-party modules (cdktf, the provider bindings, zod, yaml) stay
 * loaded, which is the start-up cost this saves.
 */
import * as path from 'path';

export interface HostRequest {
  readonly id: number;
  /** The script's entry, relative to the scratch copy (`scripts/onboard.ts`, `main.ts`). */
  readonly file: string;
  readonly argv: readonly string[];
  /** The whole environment of the command, as bash exported it. */
  readonly env: Readonly<Record<string, string>>;
}

export interface HostReply {
  readonly id: number;
  readonly code: number;
  readonly output: string;
}

const root = process.cwd();

/** Forgets every module of the scratch copy (node_modules is a link elsewhere, so its modules stay). */
function forgetOwnModules(): void {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(`${root}${path.sep}`) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
}

function replaceEnvironment(env: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
}

async function run(request: HostRequest): Promise<HostReply> {
  const savedEnv = { ...process.env };
  const writes = { out: process.stdout.write, err: process.stderr.write };
  let output = '';
  const capture = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((r): r is () => void => typeof r === 'function');
    done?.();
    return true;
  };
  let code: number;
  try {
    forgetOwnModules();
    replaceEnvironment(request.env);
    process.exitCode = undefined;
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    const entry = require(path.join(root, request.file)) as { main?: (argv: readonly string[]) => number | Promise<number> };
    if (typeof entry.main !== 'function') throw new Error(`${request.file} exports no main(argv); the walk-through can run it only through npm`);
    const result = await entry.main(request.argv);
    if (typeof result !== 'number') throw new Error(`${request.file}: main returned ${String(result)}, not an exit status`);
    code = result;
  } catch (e) {
    output += `${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`;
    code = 1;
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    replaceEnvironment(savedEnv as Record<string, string>);
    process.exitCode = undefined;
  }
  return { id: request.id, code, output };
}

// One request at a time, in order, as a shell runs commands.
let queue = Promise.resolve();
process.on('message', (request: HostRequest) => {
  queue = queue.then(async () => {
    process.send!(await run(request));
  });
});
