/**
 * From findings to statuses: a control's status on one stack (the precedence of statuses is in
 * ./control-status.ts).
 */
import { CONTROL_IDS } from '../controls';
import type { StackEvaluation } from '../engine';
import { ENVIRONMENT_CHECKS } from '../environment-checks';
import { RULES } from '../pack';
import { worst, type ControlStatus } from './control-status';


export interface StackControlStatus {
  readonly control: string;
  readonly stack: string;
  readonly status: ControlStatus;
  /** Why: the problems of a failure, the reasons of n/a or not-yet-implemented. */
  readonly reasons: readonly string[];
  /** Addresses of the resources that implement the control (compliant findings). */
  readonly evidence: readonly string[];
  readonly suppressed: ReadonlyArray<{ readonly address: string; readonly rule: string; readonly reason: string }>;
}

/** Every control's status on one stack (controls without a rule: not yet implemented). */
export function stackControlStatus(evaluation: StackEvaluation, controlIds: readonly string[] = CONTROL_IDS): StackControlStatus[] {
  return controlIds.map((control) => {
    const rules = RULES.filter((r) => r.control === control);
    const base = { control, stack: evaluation.stack };
    if (ENVIRONMENT_CHECKS.some((c) => c.control === control)) {
      return { ...base, status: 'not applicable', reasons: ['checked for the environment as a whole, not per stack'], evidence: [], suppressed: [] };
    }
    if (rules.length === 0)
      return { ...base, status: 'not yet implemented', reasons: ['no rule checks this control yet'], evidence: [], suppressed: [] };
    const outcomes = evaluation.outcomes.filter((o) => o.rule.control === control);
    if (outcomes.length === 0) {
      const kinds = [...new Set(rules.flatMap((r) => r.appliesTo))].join(' and ');
      return { ...base, status: 'not applicable', reasons: [`checked on ${kinds} stacks`], evidence: [], suppressed: [] };
    }
    const statuses: ControlStatus[] = [];
    const reasons: string[] = [];
    const evidence: string[] = [];
    const suppressed: Array<{ address: string; rule: string; reason: string }> = [];
    for (const o of outcomes) {
      for (const f of o.findings) {
        if (f.status === 'compliant') {
          statuses.push('pass');
          evidence.push(f.address);
        } else if (f.status === 'non-compliant') {
          if (f.suppressedBecause !== undefined) {
            statuses.push('suppressed');
            suppressed.push({ address: f.address, rule: o.rule.id, reason: f.suppressedBecause });
          } else if (o.rule.severity === 'error') {
            statuses.push('fail');
            reasons.push(`${f.address}: ${f.problem} Fix: ${f.fix}`);
          }
        } else if (f.status === 'not-implemented') {
          statuses.push('not yet implemented');
          reasons.push(f.reason);
        } else {
          statuses.push('not applicable');
          reasons.push(f.reason);
        }
      }
    }
    const status = worst(statuses);
    // Reasons of lesser statuses would only distract from the one shown.
    const shown = status === 'pass' || status === 'suppressed' ? [] : reasons;
    return { ...base, status, reasons: [...new Set(shown)], evidence: [...new Set(evidence)].sort(), suppressed };
  });
}
