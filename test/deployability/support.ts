/**
 * Helpers for the deployability tests: a check of the pack run on a small stack built in the test
 * (raw provider resources in a bare TerraformStack), with the violations in the words the synthesis
 * gate prints.
 */
import type { TerraformStack } from 'cdktf';
import { formatViolation } from '../../compliance/engine';
import type { DeployCheck, DeployContext } from '../../compliance/deployability/check';
import { deployCheckById, evaluateDeployability } from '../../compliance/deployability/pack';
import type { Finding } from '../../compliance/rule';
import { synthesizeStack } from '../../compliance/synth-gate';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import type { EnvironmentConfig, ResolvedTenant } from '../../config/loader';
import { barePlatformStack } from '../compliance/support';

export interface DeployOutcome {
  readonly findings: readonly Finding[];
  /** Violation messages exactly as the synthesis gate prints them. */
  readonly violations: readonly string[];
  readonly compliant: readonly string[];
}

let platformCache: SynthesizedStack | undefined;
/** The bare platform stack of the example environment, as the context's platform stack. */
function platformStack(): SynthesizedStack {
  platformCache ??= synthesizeStack(barePlatformStack().stack);
  return platformCache;
}

/** Runs one check (by id, or the check itself) on a synthesized stack. */
export function runDeployCheck(
  check: string | DeployCheck,
  stack: SynthesizedStack,
  env: EnvironmentConfig,
  tenant?: ResolvedTenant,
): DeployOutcome {
  const context: DeployContext = {
    stack,
    kind: tenant ? 'tenant' : 'platform',
    environment: env,
    tenant,
    platform: tenant ? platformStack() : stack,
  };
  const evaluation = evaluateDeployability(context, [typeof check === 'string' ? deployCheckById(check) : check]);
  const findings = evaluation.outcomes.flatMap((o) => o.findings);
  return {
    findings,
    violations: evaluation.violations.map(formatViolation),
    compliant: findings.flatMap((f) => (f.status === 'compliant' ? [`${f.address}: ${f.detail}`] : [])),
  };
}

/** Synthesizes `stack` as the gate does and runs one check on it. */
export function checkStack(check: string | DeployCheck, stack: TerraformStack, env: EnvironmentConfig, tenant?: ResolvedTenant): DeployOutcome {
  return runDeployCheck(check, synthesizeStack(stack), env, tenant);
}

/** Rejected: every violation names the stack, the check and a fix; one names `address`. */
export function expectRejected(outcome: DeployOutcome, checkId: string, stackName: string, address: string | RegExp): void {
  expect(outcome.violations.length).toBeGreaterThan(0);
  for (const v of outcome.violations) {
    expect(v).toContain(`[${stackName}]`);
    expect(v).toContain(`breaks ${checkId} (`);
    expect(v).toContain(' Fix: ');
  }
  expect(outcome.violations.some((v) => (typeof address === 'string' ? v.includes(address) : address.test(v)))).toBe(true);
}

/** Accepted, having found something to prove it. */
export function expectAccepted(outcome: DeployOutcome): void {
  expect(outcome.violations).toEqual([]);
  expect(outcome.compliant.length).toBeGreaterThan(0);
}
