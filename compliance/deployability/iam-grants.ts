/**
 * The IAM grants of a synthesized stack, member by member: every `*_iam_member` (member),
 * `*_iam_binding` (members) and `*_iam_policy` (the bindings of the `google_iam_policy` data source
 * its policy_data reads, or an inline JSON policy). Deployability checks that judge who receives a
 * role read members here.
 */
import { resolveDataReference, type SynthesizedStack } from '../synthesized-stack';
import type { DependencyGraph, GraphNode } from './graph';

export interface GrantMember {
  /** The grant resource. */
  readonly grant: GraphNode;
  /** The member as written (references unresolved). */
  readonly member: string;
}

export const IAM_GRANT_TYPE = /_iam_(member|binding|policy)$/;

function policyMembers(stack: SynthesizedStack, policyData: unknown): string[] {
  const fromData = resolveDataReference(stack, policyData);
  const bindings: unknown =
    fromData?.type === 'google_iam_policy'
      ? fromData.values.binding
      : typeof policyData === 'string' && !policyData.includes('${')
      ? (() => {
          try {
            return (JSON.parse(policyData) as { bindings?: unknown }).bindings;
          } catch {
            return undefined;
          }
        })()
      : undefined;
  if (!Array.isArray(bindings)) return [];
  return bindings.flatMap((b: { members?: unknown }) => (Array.isArray(b.members) ? b.members.filter((m): m is string => typeof m === 'string') : []));
}

export function grantMembers(stack: SynthesizedStack, graph: DependencyGraph): GrantMember[] {
  const out: GrantMember[] = [];
  for (const node of graph.nodes.values()) {
    if (node.mode !== 'resource' || !IAM_GRANT_TYPE.test(node.type)) continue;
    const members: string[] = [];
    if (typeof node.values.member === 'string') members.push(node.values.member);
    if (Array.isArray(node.values.members)) members.push(...node.values.members.filter((m): m is string => typeof m === 'string'));
    if (node.type.endsWith('_iam_policy')) members.push(...policyMembers(stack, node.values.policy_data));
    for (const member of members) out.push({ grant: node, member });
  }
  return out;
}
