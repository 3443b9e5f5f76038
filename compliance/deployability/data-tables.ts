/**
 * The deployability pack's data files, read and validated once: which API each resource type needs
 * (data/resource-apis.json, DEP-ORDER) and when Google creates each service agent
 * (data/service-agents.json, DEP-AGENT). A malformed row stops the pack with the file, the row and
 * the field, so a check never runs on a guess.
 */
import resourceApisFile from './data/resource-apis.json';
import serviceAgentsFile from './data/service-agents.json';

export interface ResourceApiRow {
  /** Resource type, or `data.<type>` for a data source. */
  readonly type: string;
  /** The service that must be enabled in the resource's project; null when none is (see note). */
  readonly api: string | null;
  readonly source: string;
  readonly note?: string;
}

export interface ServiceAgentRow {
  /** The domain of the agent's e-mail, for example `gcp-sa-pubsub.iam.gserviceaccount.com`. */
  readonly domain: string;
  /** The service the agent belongs to. */
  readonly service: string;
  /** `api-enable`: Google creates the agent when the API is enabled; `on-request`: something must create it. */
  readonly createdWith: 'api-enable' | 'on-request';
  /** For on-request agents: the resource or data source types that create it (`data.<type>` for a data source). */
  readonly createdBy: readonly string[];
  readonly source: string;
}

function fail(file: string, index: number, field: string, problem: string): never {
  throw new Error(`compliance/deployability/data/${file}: rows[${index}].${field} ${problem}`);
}

export function parseResourceApis(raw: unknown, file = 'resource-apis.json'): ReadonlyMap<string, ResourceApiRow> {
  const rows = (raw as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error(`compliance/deployability/data/${file}: "rows" must be a list`);
  const out = new Map<string, ResourceApiRow>();
  rows.forEach((row: Record<string, unknown>, i) => {
    if (typeof row.type !== 'string' || !/^(data\.)?google_[a-z0-9_]+$/.test(row.type)) fail(file, i, 'type', 'must be a resource type or data.<type>');
    if (row.api !== null && (typeof row.api !== 'string' || !/^[a-z0-9-]+\.googleapis\.com$/.test(row.api))) fail(file, i, 'api', 'must be <service>.googleapis.com or null');
    if (typeof row.source !== 'string' || row.source.length === 0) fail(file, i, 'source', 'must name where the row comes from');
    if (row.api === null && typeof row.note !== 'string') fail(file, i, 'note', 'must say why no API is needed');
    if (out.has(row.type)) fail(file, i, 'type', `${row.type} appears twice`);
    out.set(row.type, row as unknown as ResourceApiRow);
  });
  return out;
}

export function parseServiceAgents(raw: unknown, file = 'service-agents.json'): readonly ServiceAgentRow[] {
  const rows = (raw as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) throw new Error(`compliance/deployability/data/${file}: "rows" must be a list`);
  return rows.map((row: Record<string, unknown>, i) => {
    if (typeof row.domain !== 'string' || !/^[a-z0-9.-]+\.gserviceaccount\.com$/.test(row.domain)) fail(file, i, 'domain', 'must be a *.gserviceaccount.com domain');
    if (typeof row.service !== 'string' || !/^[a-z0-9-]+\.googleapis\.com$/.test(row.service)) fail(file, i, 'service', 'must be <service>.googleapis.com');
    if (row.createdWith !== 'api-enable' && row.createdWith !== 'on-request') fail(file, i, 'createdWith', 'must be "api-enable" or "on-request"');
    const createdBy = row.createdBy ?? [];
    if (!Array.isArray(createdBy) || (row.createdWith === 'on-request' && createdBy.length === 0)) fail(file, i, 'createdBy', 'must list the types that create an on-request agent');
    if (typeof row.source !== 'string' || !/https?:\/\/|v6\.50\.0/.test(row.source)) fail(file, i, 'source', 'must cite a URL or a provider file at v6.50.0');
    return { ...(row as unknown as ServiceAgentRow), createdBy: createdBy as string[] };
  });
}

export const RESOURCE_APIS = parseResourceApis(resourceApisFile);
export const SERVICE_AGENTS = parseServiceAgents(serviceAgentsFile);

export const RESOURCE_APIS_FILE = 'compliance/deployability/data/resource-apis.json';
export const SERVICE_AGENTS_FILE = 'compliance/deployability/data/service-agents.json';
