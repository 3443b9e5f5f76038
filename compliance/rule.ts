/**
 * The check interface of the compliance pack, in the manner of cdk-nag: each check keeps one concern
 * of a control of docs/controls.md, names its DPA clause, explains itself in one line and checks one
 * synthesized stack, returning compliant, non-compliant or not-applicable findings (or not-implemented, when the
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

/**
 * One check: one concern of one or more controls (cdk-nag style, N:M), with a stable id
 * `<CONTROL>/<concern>`. A control's rule is the set of its checks; the report aggregates them per
 * control, and a suppression names one check on one resource.
 */
export interface Check {
  /** The stable check id, `<CONTROL>/<concern>` (for example `RET-1/bucket-lifecycle`). */
  readonly id: string;
  /** The primary control (the id's prefix): the one the report files the check under. */
  readonly control: string;
  /** Every control the check gives evidence for, the primary one first. */
  readonly controls: readonly string[];
  /** The DPA clause, as the catalogue gives it for the primary control. */
  readonly dpaClause: string;
  /** One line: what the check checks and why. */
  readonly explanation: string;
  /** `error` fails synthesis; `warning` is reported only. */
  readonly severity: Severity;
  /** The stack kinds the check checks; other stacks get no findings from it. */
  readonly appliesTo: readonly StackKind[];
  check(context: RuleContext): Finding[];
}

/** A control's rule is its checks; `Rule` stays as the name the report and older callers use. */
export type Rule = Check;

/** `<CONTROL>/<concern>`: upper-case control id, a slash, a lower-case kebab concern. */
export const CHECK_ID = /^([A-Z]+-\d+)\/([a-z0-9]+(?:-[a-z0-9]+)*)$/;

export interface CheckSpec {
  readonly id: string;
  /** Further controls the check gives evidence for, besides the id's own. */
  readonly alsoControls?: readonly string[];
  readonly explanation: string;
  readonly severity?: Severity;
  readonly appliesTo: readonly StackKind[];
  check(context: RuleContext): Finding[];
}

/** Builds a check, taking the DPA clause from the control catalogue so check and catalogue cannot disagree. */
export function defineCheck(spec: CheckSpec): Check {
  const m = CHECK_ID.exec(spec.id);
  if (!m) throw new Error(`check id "${spec.id}" is not <CONTROL>/<concern> (for example RET-1/bucket-lifecycle)`);
  const control = controlById(m[1]);
  for (const other of spec.alsoControls ?? []) controlById(other);
  return {
    id: spec.id,
    control: control.id,
    controls: [control.id, ...(spec.alsoControls ?? [])],
    dpaClause: control.dpaClause,
    explanation: spec.explanation,
    severity: spec.severity ?? 'error',
    appliesTo: spec.appliesTo,
    check: spec.check,
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
