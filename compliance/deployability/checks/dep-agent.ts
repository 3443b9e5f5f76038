/**
 * DEP-AGENT: every IAM grant to a Google service agent waits for whatever creates the agent. A
 * grant to an agent that does not exist yet fails ("If a service agent hasn't been created yet, then
 * you can't grant roles to the service agent"), and most agents appear only "at some point after
 * you activate and use the API". data/service-agents.json records, per agent domain, whether Google
 * creates the agent when its API is enabled (the grant must then wait for that
 * google_project_service) or only on request (the grant must wait for google-beta's
 * google_project_service_identity, or the data source the row names, for that service and project).
 * Members that interpolate a creator (`${google_project_service_identity.x.member}`,
 * `${data.google_bigquery_default_service_account.x.email}`, a sink's `writer_identity`) carry the
 * dependency themselves.
 *
 * Sources: https://cloud.google.com/iam/docs/create-service-agents; https://cloud.google.com/iam/docs/service-agents;
 * terraform-provider-google v6.50.0 website/docs/r/project_service_identity.html.markdown (beta only);
 * the rows of data/service-agents.json.
 */
import { compliant, nonCompliant, notApplicable, type Finding } from '../../rule';
import { createsProject } from '../../../config/loader';
import { referencesIn } from '../../synthesized-stack';
import { defineCheck, type DeployCheck } from '../check';
import { SERVICE_AGENTS, SERVICE_AGENTS_FILE, type ServiceAgentRow } from '../data-tables';
import { DependencyGraph, type GraphNode } from '../graph';
import { grantMembers } from '../iam-grants';
import { ProjectPlacement } from '../placement';

/** Attributes of resources and data sources that are agents created with (or by) that resource. */
const CREATOR_ATTRIBUTES: Record<string, readonly string[]> = {
  google_project_service_identity: ['email', 'member'],
  google_logging_project_sink: ['writer_identity'],
  google_logging_folder_sink: ['writer_identity'],
  google_logging_organization_sink: ['writer_identity'],
  google_logging_billing_account_sink: ['writer_identity'],
  'data.google_bigquery_default_service_account': ['email', 'member'],
  'data.google_storage_project_service_account': ['email_address', 'member'],
  'data.google_project_service_identity': ['email', 'member'],
};

/** `service-<number>@<domain>` and `bq-<number>@bigquery-encryption...`; the number may be an interpolation. */
const AGENT_EMAIL = /^(?:serviceAccount:)?(?:service|bq)-(\$\{[^}]+\}|\d+)@([a-z0-9.-]+\.gserviceaccount\.com)$/;

/** The check over a service-agent table (the pack uses data/service-agents.json; tests pass their own rows). */
export function serviceAgentCheck(agents: readonly ServiceAgentRow[]): DeployCheck {
  return defineCheck({
    id: 'DEP-AGENT',
    explanation:
      'A grant to a Google service agent depends on the resource that creates the agent (google_project_service_identity, or the API when Google creates the agent with it), since a grant to an agent that does not exist fails.',
    sources: ['https://cloud.google.com/iam/docs/create-service-agents', 'https://cloud.google.com/iam/docs/service-agents', SERVICE_AGENTS_FILE],
    appliesTo: ['platform', 'tenant'],
    check({ stack, tenant }) {
      const graph = DependencyGraph.of(stack);
      const placement = ProjectPlacement.of(graph);
      const findings: Finding[] = [];
      for (const { grant, member } of grantMembers(stack, graph)) {
        // 1. The member interpolates the resource that creates it: the interpolation orders the grant.
        const creatorRef = referencesIn(member).find((ref) => {
          const key = ref.mode === 'data' ? `data.${ref.type}` : ref.type;
          return CREATOR_ATTRIBUTES[key]?.includes(ref.attribute.split('.')[0]);
        });
        if (creatorRef) {
          findings.push(compliant(grant.address, `${member} is created by ${creatorRef.mode === 'data' ? 'data.' : ''}${creatorRef.type}.${creatorRef.name}, which the grant references`));
          continue;
        }
        // 2. A service agent written out by its address.
        const m = AGENT_EMAIL.exec(member);
        if (!m) continue;
        const [, number, domain] = m;
        const row = agents.find((r) => r.domain === domain);
        if (!row) {
          if (!/^gcp-sa-|serverless-robot-prod|bigquery-encryption|gs-project-accounts/.test(domain)) continue;
          findings.push(
            nonCompliant(
              grant.address,
              `grants to the service agent ${member}, whose domain ${domain} has no row in ${SERVICE_AGENTS_FILE}, so when Google creates it is unknown.`,
              `add a row for ${domain} (service, createdWith api-enable or on-request, and the Google page that says so), then order the grant after what creates the agent.`,
            ),
          );
          continue;
        }
        const agentProject = projectOfNumber(number, placement, graph);
        if (tenant && !createsProject(tenant) && agentProject === tenant.projectId) {
          // A customer's own project (HAND-2): the stack creates nothing project-wide there, so
          // creating the agents is the customer's step before the first apply, like enabling the APIs.
          findings.push(
            notApplicable(
              `${grant.address}: ${member} is an agent of the customer's own project ${agentProject}, which the customer creates before the first apply (gcloud beta services identity create --service=${row.service} --project=${agentProject}; docs/data-plane.md, Service agents)`,
            ),
          );
          continue;
        }
        findings.push(judge(grant, member, row, agentProject, graph, placement));
      }
      return findings;
    },
  });
}

export const depAgent = serviceAgentCheck(SERVICE_AGENTS);

/** The project id (or created-project address) whose number `token` is, when the stack tells. */
function projectOfNumber(token: string, placement: ProjectPlacement, graph: DependencyGraph): string | undefined {
  const ref = referencesIn(token)[0];
  if (!ref) return undefined;
  if (ref.mode === 'resource' && ref.type === 'google_project') {
    const created = placement.created.find((p) => p.address === `google_project.${ref.name}`);
    return created?.projectId ?? created?.address;
  }
  if (ref.mode === 'data' && ref.type === 'google_project') {
    const id = graph.node(`data.google_project.${ref.name}`)?.values.project_id;
    return typeof id === 'string' ? id.replace(/^projects\//, '') : undefined;
  }
  return undefined;
}

/** The project id (or created-project address) a creator resource or data source is for. */
function projectOfCreator(node: GraphNode, placement: ProjectPlacement, graph: DependencyGraph): string | undefined {
  const created = placement.projectOf(node);
  if (created) return created.projectId ?? created.address;
  const project = node.values.project;
  if (typeof project !== 'string') return undefined;
  const ref = referencesIn(project)[0];
  if (ref?.mode === 'data' && ref.type === 'google_project') {
    const id = graph.node(`data.google_project.${ref.name}`)?.values.project_id;
    return typeof id === 'string' ? id : undefined;
  }
  return project.includes('${') ? undefined : project.replace(/^projects\//, '');
}

function judge(
  grant: GraphNode,
  member: string,
  row: ServiceAgentRow,
  agentProject: string | undefined,
  graph: DependencyGraph,
  placement: ProjectPlacement,
): Finding {
  const sameProject = (n: GraphNode) => {
    const p = projectOfCreator(n, placement, graph);
    return agentProject === undefined || p === undefined || p === agentProject;
  };
  const where = agentProject ? ` of project ${agentProject}` : '';
  if (row.createdWith === 'api-enable') {
    const services = [...graph.nodes.values()].filter(
      (n) => n.mode === 'resource' && n.type === 'google_project_service' && n.values.service === row.service && sameProject(n),
    );
    if (services.some((s) => graph.dependsOn(grant.address, s.address))) {
      return compliant(grant.address, `${member} exists once ${row.service} is enabled, which the grant waits for`);
    }
    return nonCompliant(
      grant.address,
      `grants to ${member}, the ${row.service} service agent${where}, which Google creates when the API is enabled (${row.source}), but the grant does not wait for that google_project_service.`,
      services.length > 0 ? `add ${services[0].address} to the grant's depends_on.` : `enable ${row.service} in the project (google_project_service) and add it to the grant's depends_on.`,
    );
  }
  const creators = [...graph.nodes.values()].filter((n) => {
    const key = n.mode === 'data' ? `data.${n.type}` : n.type;
    if (!row.createdBy.includes(key)) return false;
    if (n.type === 'google_project_service_identity' && n.values.service !== row.service) return false;
    return sameProject(n);
  });
  const waited = creators.find((c) => graph.dependsOn(grant.address, c.address));
  if (waited) return compliant(grant.address, `${member} is created by ${waited.address}, which the grant waits for`);
  const creatorKind = row.createdBy[0].startsWith('data.')
    ? `a ${row.createdBy[0]} for the project`
    : `a google_project_service_identity (google-beta, @cdktf/provider-google-beta/lib/google-project-service-identity) for ${row.service}${where}`;
  return nonCompliant(
    grant.address,
    `grants to ${member}, the ${row.service} service agent${where}, which Google creates only on request (${row.source}); ${
      creators.length > 0 ? `${creators.map((c) => c.address).join(', ')} creates it, but the grant does not wait for it` : 'nothing in the stack creates it'
    }, so the grant can run before the agent exists and fail.`,
    creators.length > 0
      ? `use ${creators[0].address}'s member (or email) as the grant's member, or add it to depends_on.`
      : `create ${creatorKind} and use its member as the grant's member.`,
  );
}
