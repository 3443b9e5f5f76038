/**
 * DEP-TF-VERSION: every stack declares `terraform.required_version`, and it admits only a Terraform
 * that understands the stack: `removed` blocks need 1.7, `moved` blocks 1.1, `plantimestamp()` 1.5.
 * An older binary otherwise fails late, or (for `removed`) cannot read the configuration at all.
 *
 * Sources: https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources
 * ("removed" blocks, Terraform v1.7 and later); https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
 * ("moved" blocks, v1.1 and later); https://developer.hashicorp.com/terraform/language/functions/plantimestamp (v1.5);
 * https://developer.hashicorp.com/terraform/language/expressions/version-constraints.
 */
import { compliant, nonCompliant, STACK_ADDRESS } from '../../rule';
import { walkStrings } from '../../synthesized-stack';
import { defineCheck } from '../check';

type Version = readonly [number, number, number];

function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * The lowest version a constraint string admits, as [version, inclusive]; undefined when it admits
 * versions without bound from below, or cannot be read.
 */
export function lowestAdmitted(constraint: string): { version: Version; inclusive: boolean } | undefined {
  let lowest: { version: Version; inclusive: boolean } | undefined;
  for (const clause of constraint.split(',')) {
    const m = /^\s*(>=|<=|~>|!=|=|>|<)?\s*(\S+)\s*$/.exec(clause);
    if (!m) return undefined;
    const op = m[1] ?? '=';
    const version = parseVersion(m[2]);
    if (!version) return undefined;
    if (op === '<' || op === '<=' || op === '!=') continue;
    const bound = { version, inclusive: op !== '>' };
    if (!lowest || compare(bound.version, lowest.version) > 0 || (compare(bound.version, lowest.version) === 0 && !bound.inclusive)) lowest = bound;
  }
  return lowest;
}

/** True when every version the constraint admits is at least `minimum`. */
export function admitsOnlyAtLeast(constraint: string, minimum: Version): boolean {
  const lowest = lowestAdmitted(constraint);
  return lowest !== undefined && compare(lowest.version, minimum) >= 0;
}

const show = (v: Version) => v.join('.').replace(/\.0$/, '');

export const depTfVersion = defineCheck({
  id: 'DEP-TF-VERSION',
  explanation:
    'Every stack declares terraform.required_version, admitting only versions that read its blocks: removed needs >= 1.7, moved >= 1.1, plantimestamp() >= 1.5.',
  sources: [
    'https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources',
    'https://developer.hashicorp.com/terraform/language/modules/develop/refactoring',
    'https://developer.hashicorp.com/terraform/language/functions/plantimestamp',
    'https://developer.hashicorp.com/terraform/language/expressions/version-constraints',
  ],
  appliesTo: ['platform', 'tenant'],
  check({ stack }) {
    const needs: { version: Version; why: string }[] = [];
    const blocks = (key: string) => {
      const v = stack.json[key];
      return Array.isArray(v) ? v.length : v && typeof v === 'object' ? 1 : 0;
    };
    if (blocks('removed') > 0) needs.push({ version: [1, 7, 0], why: `${blocks('removed')} removed block(s)` });
    if (blocks('moved') > 0) needs.push({ version: [1, 1, 0], why: `${blocks('moved')} moved block(s)` });
    if ([...walkStrings(stack.json.resource ?? {})].some((s) => s.value.includes('plantimestamp()'))) needs.push({ version: [1, 5, 0], why: 'plantimestamp()' });
    const minimum = needs.reduce<Version>((acc, n) => (compare(n.version, acc) > 0 ? n.version : acc), [0, 0, 0]);
    const reason = needs.length > 0 ? ` (the stack has ${needs.map((n) => `${n.why}, Terraform >= ${show(n.version)}`).join('; ')})` : '';
    const declared = stack.json.terraform?.required_version;
    const fix = `declare terraform.required_version = ">= ${show(compare(minimum, [1, 7, 0]) > 0 ? minimum : [1, 7, 0])}" in the stack (stack.addOverride('terraform.required_version', ...)).`;
    if (typeof declared !== 'string' || declared.trim() === '') {
      return [nonCompliant(STACK_ADDRESS, `The stack declares no terraform.required_version${reason}, so an older Terraform binary fails late or misreads it.`, fix)];
    }
    if (lowestAdmitted(declared) === undefined) {
      return [nonCompliant(STACK_ADDRESS, `terraform.required_version "${declared}" sets no lower bound (or cannot be read).`, fix)];
    }
    if (!admitsOnlyAtLeast(declared, minimum)) {
      return [nonCompliant(STACK_ADDRESS, `terraform.required_version "${declared}" admits Terraform older than ${show(minimum)}${reason}.`, fix)];
    }
    return [compliant(STACK_ADDRESS, `requires Terraform ${declared}${reason}`)];
  },
});
