/**
 * Suppressions (cdk-nag style): one resource, one check, a written reason. `suppress()` records the
 * suppression in the resource's `//` metadata, which cdktf writes into cdk.tf.json and Terraform
 * ignores, so it travels with the resource and the rule engine reads it from the same JSON it
 * checks. The report lists every suppression with its reason.
 */
import { IConstruct } from 'constructs';
import { TerraformResource } from 'cdktf';
import { CONTROL_IDS } from './controls';
import { CHECKS } from './pack';
import { CHECK_ID } from './rule';
import { rawResourceBlock, type SynthesizedStack } from './synthesized-stack';

export interface Suppression {
  /** The check id, for example `RET-1/bucket-lifecycle` or `IAM-2/role-exists` (never a bare control id). */
  readonly rule: string;
  readonly reason: string;
}

/** Key under the resource's `//` metadata. */
export const SUPPRESSIONS_KEY = 'compliance_suppressions';

/** A reason must say something: at least this many characters. */
export const MIN_REASON_LENGTH = 20;

/**
 * Why `id` names no check of `checks`, or undefined when it does. A control id is refused with the
 * list of its checks: muting a whole control would also mute the concerns nobody looked at.
 */
export function checkIdProblem(id: unknown, checks: ReadonlyArray<{ readonly id: string; readonly control: string }>): string | undefined {
  if (typeof id === 'string' && checks.some((c) => c.id === id)) return undefined;
  const ofControl = checks.filter((c) => c.control === id).map((c) => c.id);
  if (ofControl.length > 0)
    return `names control ${String(id)} as a whole; a suppression names one check of it: ${ofControl.join(', ')}`;
  return `names check ${JSON.stringify(id)}, which is not a check of the pack (known: ${checks.map((c) => c.id).join(', ')})`;
}

/** Problems with a suppression as written; empty when it is well formed. */
export function suppressionProblems(
  s: { rule?: unknown; reason?: unknown },
  checks: ReadonlyArray<{ readonly id: string; readonly control: string }>,
): string[] {
  const problems: string[] = [];
  const idProblem = checkIdProblem(s.rule, checks);
  if (idProblem !== undefined) problems.push(idProblem);
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
 * Suppresses the check `ruleId` (`<CONTROL>/<concern>`) on one resource, with a written reason that
 * the compliance report shows. Throws for a control id, an unknown check or a missing reason, so a
 * suppression is never silent and never wider than one concern.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const m = CHECK_ID.exec(ruleId);
  if (!m && !CONTROL_IDS.includes(ruleId)) {
    throw new Error(`suppress(${construct.node.path}): "${ruleId}" is not a check id (<CONTROL>/<concern>, for example RET-1/bucket-lifecycle)`);
  }
  const problem = checkIdProblem(ruleId, CHECKS);
  if (problem !== undefined) throw new Error(`suppress(${construct.node.path}): the suppression ${problem}`);
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
