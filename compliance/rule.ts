/**
 * The rule interface of the compliance pack, in the manner of cdk-nag: each rule keeps one control
 * of CONTROLS.md, names its DPA clause, explains itself in one line and checks one synthesized stack,
 * returning compliant, non-compliant or not-applicable findings (or not-implemented, when the
 * infrastructure the control needs has not been built yet: never shown as passing).
 */
import type { EnvironmentConfig, ResolvedTenant } from '../config/loader';
import { controlById } from './controls';
import type { SynthesizedStack } from './synthesized-stack';

export type StackKind = 'platform' | 'tenant';

/** What a rule sees: the stack as Terraform will read it, and the config it was built from. */
export interface RuleContext {
  readonly stack: SynthesizedStack;
  readonly kind: StackKind;
  readonly environment: EnvironmentConfig;
  /** The tenant of a tenant stack; undefined for the platform stack. */
  readonly tenant?: ResolvedTenant;
  /** Every tenant of the environment (ISO-1 needs the others' projects). */
  readonly tenants: readonly ResolvedTenant[];
}

export type Finding =
  | {
      readonly status: 'compliant';
      /** The resource that implements the control (evidence for the report). */
      readonly address: string;
      readonly detail: string;
    }
  | {
      readonly status: 'non-compliant';
      /** The resource to change; `(stack)` when something the stack lacks is the problem. */
      readonly address: string;
      /** What is wrong. */
      readonly problem: string;
      /** What to change. */
      readonly fix: string;
    }
  | { readonly status: 'not-applicable'; readonly reason: string }
  | { readonly status: 'not-implemented'; readonly reason: string };

export type Severity = 'error' | 'warning';

export interface Rule {
  /** The rule id: the control id for a control's main rule, `<control>/<name>` for a supplementary check. */
  readonly id: string;
  /** The control of CONTROLS.md this rule checks. */
  readonly control: string;
  /** The DPA clause, as CONTROLS.md gives it for the control. */
  readonly dpaClause: string;
  /** One line: what the rule checks and why. */
  readonly explanation: string;
  /** `error` fails synthesis; `warning` is reported only. */
  readonly severity: Severity;
  /** The stack kinds the rule checks; other stacks get no findings from it. */
  readonly appliesTo: readonly StackKind[];
  check(context: RuleContext): Finding[];
}

/** Builds a rule, taking the DPA clause from the control catalogue so rule and catalogue cannot disagree. */
export function defineRule(spec: Omit<Rule, 'dpaClause' | 'severity' | 'id'> & { id?: string; severity?: Severity }): Rule {
  const control = controlById(spec.control);
  return {
    ...spec,
    id: spec.id ?? spec.control,
    dpaClause: control.dpaClause,
    severity: spec.severity ?? 'error',
  };
}

export const compliant = (address: string, detail: string): Finding => ({ status: 'compliant', address, detail });
export const nonCompliant = (address: string, problem: string, fix: string): Finding => ({
  status: 'non-compliant',
  address,
  problem,
  fix,
});
export const notApplicable = (reason: string): Finding => ({ status: 'not-applicable', reason });
export const notImplemented = (reason: string): Finding => ({ status: 'not-implemented', reason });

/** The address used when the problem is something the stack lacks. */
export const STACK_ADDRESS = '(stack)';
