/**
 * Runs the rule pack on one synthesized stack: builds the rule context from config, applies the
 * suppressions recorded in the stack, and turns unsuppressed non-compliant findings of error rules
 * into violations whose message names the stack, the resource, the control, the DPA clause and the
 * fix. The synthesis gate, the compliance report and the records of processing all call this.
 */
import type { EnvironmentConfig, ResolvedTenant } from '../config/loader';
import { platformStackName, tenantStackName } from '../config/naming';
import { RULES } from './pack';
import type { Finding, Rule, RuleContext, StackKind } from './rule';
import { STACK_ADDRESS } from './rule';
import { suppressionProblems, suppressionsIn } from './suppressions';
import type { SynthesizedStack } from './synthesized-stack';

export type EvaluatedFinding = Finding & {
  /** The written reason, when a suppression covers this non-compliant finding. */
  readonly suppressedBecause?: string;
};

export interface RuleOutcome {
  readonly rule: Rule;
  readonly findings: readonly EvaluatedFinding[];
}

export interface Violation {
  readonly stack: string;
  readonly address: string;
  /** Construct path of the resource, so the developer finds the code. */
  readonly path?: string;
  readonly ruleId: string;
  readonly control: string;
  readonly dpaClause: string;
  readonly problem: string;
  readonly fix: string;
  /**
   * Set for a deployability check (compliance/deployability/): the source it is built from (a Google
   * Cloud page or a provider file), printed instead of the DPA clause. control is then the check id
   * and dpaClause '-'.
   */
  readonly source?: string;
}

export interface SuppressionRecord {
  readonly stack: string;
  readonly address: string;
  readonly rule: string;
  readonly reason: string;
  /** Whether a non-compliant finding was actually suppressed (an unused suppression is stale). */
  readonly used: boolean;
}

export interface StackEvaluation {
  readonly stack: string;
  readonly kind: StackKind;
  readonly tenantId?: string;
  readonly outcomes: readonly RuleOutcome[];
  readonly suppressions: readonly SuppressionRecord[];
  /** Violations that fail synthesis: unsuppressed error findings and malformed suppressions. */
  readonly violations: readonly Violation[];
}

const stackTenants = new WeakMap<EnvironmentConfig, ReadonlyMap<string, ResolvedTenant>>();
/** The tenant whose stack is `stackName`, from a map built once per environment (not a scan per stack). */
function tenantOfStack(environment: EnvironmentConfig, stackName: string): ResolvedTenant | undefined {
  let byName = stackTenants.get(environment);
  if (!byName) {
    const built = new Map<string, ResolvedTenant>();
    for (const t of environment.tenants) {
      const name = tenantStackName(environment.name, t.id);
      if (!built.has(name)) built.set(name, t);
    }
    byName = built;
    stackTenants.set(environment, byName);
  }
  return byName.get(stackName);
}

/** The rule context of a stack of `environments`, from its name; throws for a stack the pack cannot place. */
export function contextFor(stack: SynthesizedStack, environments: readonly EnvironmentConfig[]): RuleContext {
  for (const environment of environments) {
    if (stack.name === platformStackName(environment.name)) {
      return { stack, kind: 'platform', environment, tenants: environment.tenants };
    }
    const tenant = tenantOfStack(environment, stack.name);
    if (tenant) return { stack, kind: 'tenant', environment, tenant, tenants: environment.tenants };
  }
  throw new Error(
    `compliance: stack ${stack.name} is neither platform-<env> nor tenant-<env>-<tenant> of a loaded environment, so no rule context can be built for it`,
  );
}

function runRule(rule: Rule, ctx: RuleContext): Finding[] {
  try {
    const findings = rule.check(ctx);
    return findings.length > 0 ? findings : [{ status: 'not-applicable', reason: 'nothing in this stack for the rule to check' }];
  } catch (e) {
    // Fail closed: a rule that cannot run proves nothing.
    return [
      {
        status: 'non-compliant',
        address: STACK_ADDRESS,
        problem: `the rule could not check this stack: ${(e as Error).message}`,
        fix: 'make the stack readable by the rule (for example a literal instead of an expression) or fix the rule',
      },
    ];
  }
}

export function evaluateStack(ctx: RuleContext, rules: readonly Rule[] = RULES): StackEvaluation {
  const stackName = ctx.stack.name;
  const pathOf = (address: string) => ctx.stack.resources.find((r) => r.address === address)?.path;
  const written = suppressionsIn(ctx.stack);

  const violations: Violation[] = [];
  const valid = new Map<string, Map<string, string>>();
  for (const [address, list] of written) {
    for (const s of list) {
      const problems = suppressionProblems(s, RULES);
      if (problems.length > 0) {
        violations.push({
          stack: stackName,
          address,
          path: pathOf(address),
          ruleId: typeof s.rule === 'string' ? s.rule : '(suppression)',
          control: typeof s.rule === 'string' ? s.rule.split('/')[0] : '(suppression)',
          dpaClause: '-',
          problem: `a suppression on this resource ${problems.join(' and ')}`,
          fix: 'use suppress(resource, checkId, reason) with a check of the pack (<CONTROL>/<concern>) and a written reason',
        });
        continue;
      }
      const byRule = valid.get(address) ?? new Map<string, string>();
      byRule.set(s.rule as string, s.reason as string);
      valid.set(address, byRule);
    }
  }

  const used = new Set<string>();
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    if (!rule.appliesTo.includes(ctx.kind)) continue;
    const findings: EvaluatedFinding[] = runRule(rule, ctx).map((f) => {
      if (f.status !== 'non-compliant') return f;
      const reason = valid.get(f.address)?.get(rule.id);
      if (reason === undefined) return f;
      used.add(`${f.address}\u0000${rule.id}`);
      return { ...f, suppressedBecause: reason };
    });
    outcomes.push({ rule, findings });
    if (rule.severity !== 'error') continue;
    for (const f of findings) {
      if (f.status !== 'non-compliant' || f.suppressedBecause !== undefined) continue;
      violations.push({
        stack: stackName,
        address: f.address,
        path: pathOf(f.address),
        ruleId: rule.id,
        control: rule.control,
        dpaClause: rule.dpaClause,
        problem: f.problem,
        fix: f.fix,
      });
    }
  }

  const suppressions: SuppressionRecord[] = [];
  for (const [address, byRule] of valid) {
    for (const [rule, reason] of byRule) {
      suppressions.push({ stack: stackName, address, rule, reason, used: used.has(`${address}\u0000${rule}`) });
    }
  }
  return { stack: stackName, kind: ctx.kind, tenantId: ctx.tenant?.id, outcomes, suppressions, violations };
}

/** One violation as one readable line (stack, resource, path, rule, clause or source, problem, fix). */
export function formatViolation(v: Violation): string {
  const where = v.path && v.path !== v.address ? `${v.address} (${v.path})` : v.address;
  if (v.source !== undefined) return `[${v.stack}] ${where} breaks ${v.ruleId} (${v.source}): ${v.problem} Fix: ${v.fix}`;
  // A check id names its control (`RET-1/bucket-lifecycle`); anything else names the control beside it.
  const rule = v.ruleId === v.control || v.ruleId.startsWith(`${v.control}/`) ? v.ruleId : `${v.ruleId} (control ${v.control})`;
  return `[${v.stack}] ${where} breaks ${rule}, DPA ${v.dpaClause}: ${v.problem} Fix: ${v.fix}`;
}

export class ComplianceError extends Error {
  readonly violations: readonly Violation[];

  constructor(violations: readonly Violation[]) {
    const deployability = violations.filter((v) => v.source !== undefined).length;
    const dpa = violations.length - deployability;
    const plural = (n: number) => `${n} violation${n === 1 ? '' : 's'}`;
    super(
      (deployability === 0
        ? `Compliance check failed: ${plural(dpa)} of docs/controls.md; nothing was written.\n`
        : `Compliance check failed: ${plural(dpa)} of the DPA rule pack and ${plural(deployability)} of the deployability pack (docs/deployability.md); nothing was written.\n`) +
        violations.map((v) => `  - ${formatViolation(v)}`).join('\n') +
        (dpa > 0
          ? '\nFix the resource, or, only where the control truly does not apply, suppress(resource, checkId, reason) with a written reason (docs/compliance.md).'
          : '') +
        (deployability > 0 ? '\nDeployability findings cannot be suppressed: change the stack so Google Cloud can apply it (docs/deployability.md).' : ''),
    );
    this.name = 'ComplianceError';
    this.violations = violations;
  }
}
