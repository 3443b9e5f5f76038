/**
 * cdktf records where every token was created: each Intrinsic and Lazy calls captureStackTrace
 * (cdktf/lib/tokens/private/stack-trace.js), which captures an unlimited stack trace and formats it
 * at once, only so that a token that later fails to resolve can say where it came from. A synthesis
 * creates hundreds of thousands of tokens, and these traces were the largest cost of a synthesis
 * (docs/performance.md). cdktf has no switch for them: the App's `stackTraces: false` only drops the
 * traces of annotations, and lowering Error.stackTraceLimit has no effect because captureStackTrace
 * raises it to Number.MAX_SAFE_INTEGER itself.
 *
 * So, only while synthesizing, cdktf's helper is replaced by one that records no trace (a token's
 * creationStack is then empty; the error for an unresolvable token still names the token and its
 * construct). The helper is looked up on its module's exports at every call, which is what makes
 * the replacement take effect; if a cdktf upgrade moves it, traces are instead formatted to nothing
 * (Error.prepareStackTrace for non-Error objects), which removes most of the cost.
 */

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;
type StackTraceModule = { captureStackTrace?: (below?: unknown) => string[] };

function stackTraceModule(): StackTraceModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('cdktf/lib/tokens/private/stack-trace') as StackTraceModule;
    return typeof mod.captureStackTrace === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** Node's own layout of an error's stack (used when no other formatter is installed). */
function formatAsNode(error: Error, frames: NodeJS.CallSite[]): string {
  const head = Error.prototype.toString.call(error);
  return frames.length === 0 ? head : `${head}\n    at ${frames.map(String).join('\n    at ')}`;
}

const noTrace = (): string[] => [];

/** Runs `fn` with token creation traces switched off (see the file comment); puts everything back after. */
export function withoutTokenStackTraces<T>(fn: () => T): T {
  const mod = stackTraceModule();
  if (mod) {
    const original = mod.captureStackTrace;
    mod.captureStackTrace = noTrace;
    try {
      return fn();
    } finally {
      mod.captureStackTrace = original;
    }
  }
  const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return '';
    return previous ? previous(error, frames) : formatAsNode(error, frames);
  };
  try {
    return fn();
  } finally {
    // undefined puts back V8's own formatter.
    (Error as { prepareStackTrace?: PrepareStackTrace }).prepareStackTrace = previous;
  }
}

/**
 * Switches token creation traces off for the rest of this process, for code that builds stacks
 * outside the pipeline (the test suite: jest's setup, test/support/token-traces-off.ts). Returns
 * false when cdktf's helper could not be found (then nothing changed).
 */
export function switchOffTokenStackTraces(): boolean {
  const mod = stackTraceModule();
  if (!mod) return false;
  mod.captureStackTrace = noTrace;
  return true;
}
