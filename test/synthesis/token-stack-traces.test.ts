/**
 * cdktf's token creation traces (scripts/lib/token-stack-traces.ts): off while the pipeline
 * synthesizes, off in the tests (jest's setup), and the previous helper put back after a synthesis.
 */
import { Lazy } from 'cdktf';
import { withoutTokenStackTraces } from '../../scripts/lib/token-stack-traces';

const stackTraces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: (below?: unknown) => string[] };
const creationStackOfNewToken = (): string[] => Lazy.anyValue({ produce: () => 1 }).creationStack;

test('tokens created in a test record no creation trace (the jest setup switches them off)', () => {
  expect(creationStackOfNewToken()).toEqual([]);
});

test('withoutTokenStackTraces records none while it runs and puts the previous helper back', () => {
  const previous = stackTraces.captureStackTrace;
  stackTraces.captureStackTrace = () => ['created here'];
  try {
    expect(creationStackOfNewToken()).toEqual(['created here']);
    expect(withoutTokenStackTraces(creationStackOfNewToken)).toEqual([]);
    expect(creationStackOfNewToken()).toEqual(['created here']);
  } finally {
    stackTraces.captureStackTrace = previous;
  }
});
