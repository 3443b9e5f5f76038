/**
 * DEP-CYCLE: no stack's resources and data sources wait for one another in a loop. Terraform builds
 * one dependency graph from every interpolation and depends_on entry and refuses a cycle before it
 * plans anything (`terraform validate` and `plan`: "Error: Cycle: a, b"), so a stack with one cannot
 * be planned at all, and nothing of it is applied. Aspects that add depends_on (TenantProject orders
 * the creator's owner removal after its project's policy writes) can close such a loop without any
 * construct naming both ends; the platform stack once had one (docs/security.md, "Implicit ownership").
 */
import { compliant, nonCompliant, STACK_ADDRESS, type Finding } from '../../rule';
import { defineCheck } from '../check';
import { DependencyGraph } from '../graph';

const SOURCE = 'https://developer.hashicorp.com/terraform/language/resources/behavior#resource-dependencies';

/** The strongly connected components of more than one node (Tarjan's algorithm, iterative), each sorted. */
export function cyclesOf(graph: DependencyGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  // Only edges to nodes of the stack: a dangling reference is DEP-REF's finding, not a cycle.
  const successors = (address: string) => [...graph.direct(address)].filter((d) => graph.nodes.has(d)).sort();
  for (const root of [...graph.nodes.keys()].sort()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; children: string[]; at: number }> = [];
    const visit = (node: string) => {
      index.set(node, next);
      low.set(node, next);
      next++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: successors(node), at: 0 });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.at < frame.children.length) {
        const child = frame.children[frame.at++];
        if (!index.has(child)) visit(child);
        else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1) components.push(component.sort());
      }
    }
  }
  return components.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** One loop through `component`, starting and ending at its first address: the path a reader can follow. */
function loopThrough(graph: DependencyGraph, component: readonly string[]): string[] {
  const inside = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const d of [...graph.direct(node)].sort()) {
      if (!inside.has(d)) continue;
      if (d === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(d)) {
        previous.set(d, node);
        queue.push(d);
      }
    }
  }
  return [...component, start];
}

export const depCycle = defineCheck({
  id: 'DEP-CYCLE',
  explanation:
    "No resource or data source of a stack waits, through its interpolations and depends_on, for itself: Terraform refuses a dependency cycle before it plans, so the stack could not be planned or applied.",
  sources: [SOURCE, 'https://developer.hashicorp.com/terraform/language/meta-arguments/depends_on'],
  appliesTo: ['platform', 'tenant'],
  check({ stack }) {
    const graph = DependencyGraph.of(stack);
    const cycles = cyclesOf(graph);
    if (cycles.length === 0) return [compliant(STACK_ADDRESS, `no dependency cycle among the ${graph.nodes.size} resources and data sources`)];
    return cycles.map((component): Finding => {
      const loop = loopThrough(graph, component);
      return nonCompliant(
        component[0],
        `waits for itself through ${loop.join(' -> ')}${component.length > loop.length - 1 ? ` (${component.length} blocks wait for one another in all: ${component.join(', ')})` : ''}: Terraform refuses to plan a dependency cycle ("Error: Cycle"), so nothing of this stack can be planned or applied.`,
        'remove one edge of the loop: usually a depends_on an aspect or construct added (the wait one side needs but the other does not); a real reference both ways means one block must get the value another way, for example from config.',
      );
    });
  },
});
