/**
 * The deployability pack: every check of what Google Cloud needs at apply time, one per file under
 * checks/, and the evaluation the synthesis gate and the tests run. A check that throws proves
 * nothing and is a violation (fail closed). Violations use the DPA pack's Violation shape, with the
 * check's source in place of a DPA clause, so both packs print one message format.
 */
import type { Finding } from '../rule';
import { STACK_ADDRESS } from '../rule';
import type { Violation } from '../engine';
import type { DeployCheck, DeployContext } from './check';
import { depOrder } from './checks/dep-order';
import { depAgent } from './checks/dep-agent';
import { depSecret } from './checks/dep-secret';
import { depImage } from './checks/dep-image';
import { depTfVersion } from './checks/dep-tf-version';
import { depLogLocation } from './checks/dep-log-location';
import { depPerm } from './checks/dep-perm';
import { depDrs } from './checks/dep-drs';
import { depAuditService } from './checks/dep-audit-service';
import { depMove } from './checks/dep-move';
import { depRef } from './checks/dep-ref';
import { depPolicyOrder } from './checks/dep-policy-order';
import { depCycle } from './checks/dep-cycle';

export const DEPLOY_CHECKS: readonly DeployCheck[] = [
  depOrder,
  depAgent,
  depSecret,
  depImage,
  depTfVersion,
  depLogLocation,
  depPerm,
  depDrs,
  depAuditService,
  depMove,
  depRef,
  depPolicyOrder,
  depCycle,
];

/** The check with this id; throws for an unknown id. */
export function deployCheckById(id: string): DeployCheck {
  const check = DEPLOY_CHECKS.find((c) => c.id === id);
  if (!check) throw new Error(`no deployability check "${id}"; checks: ${DEPLOY_CHECKS.map((c) => c.id).join(', ')}`);
  return check;
}

export interface DeployOutcome {
  readonly check: DeployCheck;
  readonly findings: readonly Finding[];
}

export interface DeployEvaluation {
  readonly stack: string;
  readonly outcomes: readonly DeployOutcome[];
  /** Non-compliant findings, as the synthesis gate prints them. */
  readonly violations: readonly Violation[];
}

function runCheck(check: DeployCheck, context: DeployContext): Finding[] {
  try {
    return check.check(context);
  } catch (e) {
    // Fail closed: a check that cannot run proves nothing.
    return [
      {
        status: 'non-compliant',
        address: STACK_ADDRESS,
        problem: `the check could not read this stack: ${(e as Error).message}`,
        fix: 'make the stack readable by the check (for example a literal or a plain reference instead of an expression) or fix the check',
      },
    ];
  }
}

/** The source a violation of `check` names: its first (primary) source. */
export function primarySource(check: DeployCheck): string {
  return check.sources[0];
}

/** Runs `checks` (default: the whole pack) on one stack's deploy context. */
export function evaluateDeployability(context: DeployContext, checks: readonly DeployCheck[] = DEPLOY_CHECKS): DeployEvaluation {
  const pathOf = (address: string) => context.stack.resources.find((r) => r.address === address)?.path;
  const outcomes: DeployOutcome[] = [];
  const violations: Violation[] = [];
  for (const check of checks) {
    if (!check.appliesTo.includes(context.kind)) continue;
    const findings = runCheck(check, context);
    outcomes.push({ check, findings });
    for (const f of findings) {
      if (f.status !== 'non-compliant') continue;
      violations.push({
        stack: context.stack.name,
        address: f.address,
        path: pathOf(f.address),
        ruleId: check.id,
        control: check.id,
        dpaClause: '-',
        source: primarySource(check),
        problem: f.problem,
        fix: f.fix,
      });
    }
  }
  return { stack: context.stack.name, outcomes, violations };
}
