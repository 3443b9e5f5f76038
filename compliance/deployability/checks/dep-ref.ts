/**
 * DEP-REF: every reference in a stack names something the stack declares. Each `${type.name...}` and
 * `${data.type.name...}` interpolation and each `depends_on` entry of a resource, data source or
 * output must name a resource or data source of the same stack; Terraform refuses any other at plan
 * ("Reference to undeclared resource"). Stacks here never reference one another (they read each
 * other's facts from config), and cdktf's pass that would turn such a reference into a remote-state
 * lookup is skipped (stacks/self-contained-stack.ts): this check is what keeps that skip safe.
 *
 * Source: https://developer.hashicorp.com/terraform/language/expressions/references#references-to-resource-attributes
 */
import { compliant, nonCompliant, STACK_ADDRESS, type Finding } from '../../rule';
import { referencesIn, walkStrings, type SynthesizedStack } from '../../synthesized-stack';
import { defineCheck } from '../check';

/** `type.name` of every resource and `data.type.name` of every data source the stack declares. */
function declaredAddresses(stack: SynthesizedStack): Set<string> {
  const out = new Set<string>();
  for (const [type, blocks] of Object.entries(stack.json.resource ?? {})) for (const name of Object.keys(blocks ?? {})) out.add(`${type}.${name}`);
  for (const [type, blocks] of Object.entries(stack.json.data ?? {})) for (const name of Object.keys(blocks ?? {})) out.add(`data.${type}.${name}`);
  return out;
}

/** Each block that can hold references, with the address a finding names. */
function referringBlocks(stack: SynthesizedStack): Array<{ address: string; body: Record<string, unknown> }> {
  const out: Array<{ address: string; body: Record<string, unknown> }> = [];
  const add = (prefix: string, group: Record<string, Record<string, unknown>> | undefined) => {
    for (const [type, blocks] of Object.entries(group ?? {})) {
      for (const [name, raw] of Object.entries(blocks ?? {})) {
        const { ['//']: _meta, ...body } = (raw ?? {}) as Record<string, unknown>;
        out.push({ address: `${prefix}${type}.${name}`, body });
      }
    }
  };
  add('', stack.json.resource as Record<string, Record<string, unknown>> | undefined);
  add('data.', stack.json.data as Record<string, Record<string, unknown>> | undefined);
  for (const [name, raw] of Object.entries((stack.json.output ?? {}) as Record<string, unknown>)) {
    out.push({ address: `output.${name}`, body: (raw ?? {}) as Record<string, unknown> });
  }
  return out;
}

export const depRef = defineCheck({
  id: 'DEP-REF',
  explanation:
    'Every interpolation and depends_on entry names a resource or data source of the same stack (no reference to another stack, no dangling name).',
  sources: ['https://developer.hashicorp.com/terraform/language/expressions/references#references-to-resource-attributes'],
  appliesTo: ['platform', 'tenant'],
  check({ stack }) {
    const declared = declaredAddresses(stack);
    const findings: Finding[] = [];
    let references = 0;
    for (const { address, body } of referringBlocks(stack)) {
      const named = new Set<string>();
      for (const { value } of walkStrings(body)) {
        for (const ref of referencesIn(value)) named.add(`${ref.mode === 'data' ? 'data.' : ''}${ref.type}.${ref.name}`);
      }
      const dependsOn = body.depends_on;
      if (Array.isArray(dependsOn)) for (const d of dependsOn) if (typeof d === 'string') named.add(d.replace(/^\$\{(.*)\}$/, '$1'));
      // Only resource and data addresses: `var.`, `local.`, `module.`, `path.` and function calls are not the stack's blocks.
      for (const target of named) {
        if (!/^(data\.)?[a-z0-9]+_[a-z0-9_]+\.[A-Za-z0-9_-]+$/.test(target)) continue;
        references++;
        if (!declared.has(target)) {
          findings.push(
            nonCompliant(
              address,
              `refers to ${target}, which this stack does not declare: Terraform refuses the plan ("Reference to undeclared resource"); if it is another stack's resource, the stacks are not independent.`,
              "read the value from config (as tenant stacks read the platform's folders and identities), or declare the resource in this stack.",
            ),
          );
        }
      }
    }
    if (findings.length > 0) return findings;
    return [compliant(STACK_ADDRESS, `${references} references, each to a resource or data source of this stack`)];
  },
});
