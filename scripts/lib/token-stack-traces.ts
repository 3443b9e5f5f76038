/**
 * cdktf records where every token was created: each Intrinsic and Lazy calls captureStackTrace
 * (cdktf/lib/tokens/private/stack-trace.js), which captures an unlimited trace into a plain object
 * and formats it at once, only so that a token that later fails to resolve can say where it came
 * from. A synthesis creates hundreds of thousands of tokens, and formatting their traces was the
 * largest cost of a synthesis (docs/performance.md). cdktf has no switch for it: the App's
 * `stackTraces: false` only drops the traces of annotations, and lowering Error.stackTraceLimit has
 * no effect because captureStackTrace raises it to Number.MAX_SAFE_INTEGER itself.
 *
 * So while synthesizing, traces captured into an object that is not an Error format to nothing (the
 * token's creationStack is then empty); real errors keep their full trace, formatted as Node does.
 */

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** Node's own layout of an error's stack (used when no other formatter is installed). */
function formatAsNode(error: Error, frames: NodeJS.CallSite[]): string {
  const head = Error.prototype.toString.call(error);
  return frames.length === 0 ? head : `${head}\n    at ${frames.map(String).join('\n    at ')}`;
}

/** Runs `fn` with token creation traces switched off (see the file comment); restores the formatter after. */
export function withoutTokenStackTraces<T>(fn: () => T): T {
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
