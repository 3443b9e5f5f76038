/**
 * Checks of an environment as a whole, for controls that are kept by generated documents rather
 * than by one stack's resources (AUD-1, AUD-2, DEL-1). They run in the compliance report, after the
 * stacks are evaluated; they do not run at synthesis.
 */
import type { ControlCatalogue } from '../controls';
import type { StackEvaluation } from '../engine';
import type { EnvironmentConfig } from '../../config/loader';
import type { SynthesizedStack } from '../synthesized-stack';
import type { RopaRecord } from '../report/ropa-record';
import type { ControlStatus } from '../report/control-status';

export interface EnvironmentCheckContext {
  readonly environment: EnvironmentConfig;
  readonly stacks: readonly SynthesizedStack[];
  readonly evaluations: readonly StackEvaluation[];
  readonly catalogue: ControlCatalogue;
  readonly records: readonly RopaRecord[];
  /** Control id -> test files whose describe titles name it. */
  readonly tests: ReadonlyMap<string, readonly string[]>;
}

export interface EnvironmentCheckResult {
  readonly status: ControlStatus;
  readonly detail: string;
  /** What implements the control: files and generated documents. */
  readonly evidence: readonly string[];
}

export interface EnvironmentCheck {
  readonly control: string;
  readonly explanation: string;
  check(ctx: EnvironmentCheckContext): EnvironmentCheckResult;
}
