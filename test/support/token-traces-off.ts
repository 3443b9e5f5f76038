/**
 * jest setup (every test file): tests build stacks outside the synthesis pipeline, so cdktf would
 * capture and format a stack trace for every token they create, through jest's source maps. The
 * pipeline never records them (scripts/lib/token-stack-traces.ts); the tests do as it does.
 */
import { switchOffTokenStackTraces } from '../../scripts/lib/token-stack-traces';

if (!switchOffTokenStackTraces()) throw new Error('test setup: cdktf/lib/tokens/private/stack-trace has no captureStackTrace any more; update scripts/lib/token-stack-traces.ts');
