/**
 * Suppressions (cdk-nag style): one resource, one rule, a written reason. `suppress()` records the
 * suppression in the resource's `//` metadata, which cdktf writes into cdk.tf.json and Terraform
 * ignores, so it travels with the resource and the rule engine reads it from the same JSON it
 * checks. The report lists every suppression with its reason.
 */
import { IConstruct } from 'constructs';
import { TerraformResource } from 'cdktf';
import { CONTROL_IDS } from './controls';
import { rawResourceBlock, type SynthesizedStack } from './synthesized-stack';

export interface Suppression {
  /** The rule id, for example `RES-1` or `IAM-2/role-exists`. */
  readonly rule: string;
  readonly reason: string;
}

/** Key under the resource's `//` metadata. */
export const SUPPRESSIONS_KEY = 'compliance_suppressions';

/** A reason must say something: at least this many characters. */
export const MIN_REASON_LENGTH = 20;

const RULE_ID = /^([A-Z]+-\d+)(\/[a-z0-9-]+)?$/;

/** Problems with a suppression as written; empty when it is well formed. */
export function suppressionProblems(s: { rule?: unknown; reason?: unknown }, knownRules: readonly string[]): string[] {
  const problems: string[] = [];
  if (typeof s.rule !== 'string' || !knownRules.includes(s.rule)) {
    problems.push(`names rule ${JSON.stringify(s.rule)}, which is not a rule of the pack (known: ${knownRules.join(', ')})`);
  }
  if (typeof s.reason !== 'string' || s.reason.trim().length < MIN_REASON_LENGTH) {
    problems.push(`has no written reason (at least ${MIN_REASON_LENGTH} characters saying why the control does not apply here)`);
  }
  return problems;
}

const recorded = new WeakMap<TerraformResource, Suppression[]>();

/** The one Terraform resource `construct` stands for: itself, or its only resource descendant. */
function resourceOf(construct: IConstruct): TerraformResource {
  if (construct instanceof TerraformResource) return construct;
  const resources = construct.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
  if (resources.length !== 1) {
    throw new Error(
      `suppress(${construct.node.path}): a suppression names one resource, but this construct holds ${resources.length}; pass the resource itself`,
    );
  }
  return resources[0];
}

/**
 * Suppresses `ruleId` on one resource, with a written reason that the compliance report shows.
 * Throws for an unknown control or a missing reason, so a suppression is never silent.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const m = RULE_ID.exec(ruleId);
  if (!m || !CONTROL_IDS.includes(m[1])) {
    throw new Error(`suppress(${construct.node.path}): "${ruleId}" is not a rule id (a control id of CONTROLS.md, optionally /<check>)`);
  }
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `suppress(${construct.node.path}, ${ruleId}): give a written reason of at least ${MIN_REASON_LENGTH} characters; it is shown in the compliance report`,
    );
  }
  const resource = resourceOf(construct);
  const list = recorded.get(resource) ?? [];
  if (list.some((s) => s.rule === ruleId)) throw new Error(`suppress(${resource.node.path}): ${ruleId} is already suppressed here`);
  list.push({ rule: ruleId, reason: reason.trim() });
  recorded.set(resource, list);
  resource.addOverride(
    `//.${SUPPRESSIONS_KEY}`,
    list.map((s) => ({ ...s })),
  );
}

/** The suppressions recorded in a synthesized stack, by resource address (as written; validated by the engine). */
export function suppressionsIn(stack: SynthesizedStack): Map<string, Array<{ rule?: unknown; reason?: unknown }>> {
  const out = new Map<string, Array<{ rule?: unknown; reason?: unknown }>>();
  for (const r of stack.resources) {
    const meta = rawResourceBlock(stack, r)['//'] as Record<string, unknown> | undefined;
    const list = meta?.[SUPPRESSIONS_KEY];
    if (list === undefined) continue;
    out.set(r.address, Array.isArray(list) ? (list as Array<{ rule?: unknown; reason?: unknown }>) : [{ rule: list }]);
  }
  return out;
}
