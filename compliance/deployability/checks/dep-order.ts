/**
 * DEP-ORDER: every resource (and data source) placed in a project the stack creates waits,
 * directly or transitively, for that `google_project` and for the `google_project_service` of the
 * API its type calls (data/resource-apis.json). Terraform creates what nothing orders in parallel:
 * a Data Access audit config that names the project by its literal id runs before the project
 * exists, and a topic created before the Pub/Sub API is enabled fails with SERVICE_DISABLED.
 * Resources not placed in a created project (folder and organization level, a customer's project)
 * are judged only where they name a created project by a literal `projects/<id>` path (a folder
 * sink's destination bucket): they must wait for that project too.
 *
 * Sources: https://developer.hashicorp.com/terraform/language/resources/behavior#resource-dependencies
 * (only references and depends_on order resources); https://cloud.google.com/service-usage/docs/enable-disable
 * (a service must be enabled in a project before its resources can be used there); the per-type rows
 * of data/resource-apis.json cite the provider files at v6.50.0.
 */
import { compliant, nonCompliant, type Finding } from '../../rule';
import { walkStrings } from '../../synthesized-stack';
import { defineCheck } from '../check';
import { RESOURCE_APIS, RESOURCE_APIS_FILE } from '../data-tables';
import { DependencyGraph, type GraphNode } from '../graph';
import { ProjectPlacement, type CreatedProject } from '../placement';

/** A resource outside the created projects that names one by a literal path must still wait for it. */
function namedProjects(node: GraphNode, placement: ProjectPlacement, graph: DependencyGraph): Finding[] {
  if (node.mode === 'resource' && node.type === 'google_project') return [];
  const { depends_on: _ignored, ...values } = node.values;
  const named = new Map<string, { project: CreatedProject; path: string }>();
  for (const { path, value } of walkStrings(values)) {
    for (const m of value.matchAll(/(?:^|\/)projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])(?=\/|$)/g)) {
      const project = placement.created.find((p) => p.projectId === m[1]);
      if (project && !named.has(project.address)) named.set(project.address, { project, path });
    }
  }
  return [...named.values()].map(({ project, path }) =>
    graph.dependsOn(node.address, project.address)
      ? compliant(node.address, `names ${label(project)} at ${path} and waits for it`)
      : nonCompliant(
          node.address,
          `names ${label(project)}, which this stack creates, at ${path} by its literal id, but nothing orders it after ${project.address}, so Terraform may create it before the project exists.`,
          `reference the resource it points at (for example the log bucket's id) or add ${project.address} to depends_on.`,
        ),
  );
}

const label = (p: { address: string; projectId?: string }) => (p.projectId ? `${p.address} (${p.projectId})` : p.address);

export const depOrder = defineCheck({
  id: 'DEP-ORDER',
  explanation:
    'Every resource in a project the stack creates depends on that google_project and on the google_project_service of its API, so Terraform creates neither before them.',
  sources: [
    'https://developer.hashicorp.com/terraform/language/resources/behavior#resource-dependencies',
    'https://cloud.google.com/service-usage/docs/enable-disable',
    RESOURCE_APIS_FILE,
  ],
  appliesTo: ['platform', 'tenant'],
  check({ stack }) {
    const graph = DependencyGraph.of(stack);
    const placement = ProjectPlacement.of(graph);
    const findings: Finding[] = [];
    for (const node of graph.nodes.values()) {
      const project = placement.projectOf(node);
      if (!project) {
        findings.push(...namedProjects(node, placement, graph));
        continue;
      }
      const problems: string[] = [];
      const fixes: string[] = [];
      if (!graph.dependsOn(node.address, project.address)) {
        problems.push(`is placed in ${label(project)}, which this stack creates, but nothing orders it after ${project.address}, so Terraform may create it before the project exists`);
        fixes.push(`reference the project (${project.address}.project_id) or add ${project.address} (or one of its google_project_service) to depends_on`);
      }
      const key = node.mode === 'data' ? `data.${node.type}` : node.type;
      const row = RESOURCE_APIS.get(key);
      if (!row) {
        findings.push(
          nonCompliant(
            node.address,
            `${key} has no row in ${RESOURCE_APIS_FILE}, so the API it needs in ${label(project)} is unknown.`,
            `add a row for ${key} with the API it calls and its source (the provider file at v6.50.0), and make the resource depend on that google_project_service.`,
          ),
        );
        continue;
      }
      if (row.api) {
        const services = placement.placedIn(project, 'google_project_service').filter((s) => s.values.service === row.api);
        if (services.length === 0) {
          problems.push(`needs ${row.api} (${RESOURCE_APIS_FILE}), but the stack enables no such google_project_service in ${label(project)}`);
          fixes.push(`enable ${row.api} in the project (google_project_service) and make the resource depend on it`);
        } else if (!services.some((s) => graph.dependsOn(node.address, s.address))) {
          problems.push(`needs ${row.api}, but nothing orders it after ${services.map((s) => s.address).join(' or ')}, so it may be created before the API is enabled`);
          fixes.push(`add ${services[0].address} to its depends_on`);
        }
      }
      if (problems.length > 0) {
        findings.push(nonCompliant(node.address, `It ${problems.join('; and it ')}.`, `${fixes.join('; ')}.`));
      } else {
        findings.push(compliant(node.address, `waits for ${project.address}${row.api ? ` and ${row.api}` : ''}`));
      }
    }
    return findings;
  },
});
