/** Deterministic names derived from config: project ids and stack names (never random suffixes). */
import type { Jurisdiction } from './jurisdictions';
import type { FeatureFields, ProjectPrefixField, TenantProjectFields } from './tenant-fields';
import { JURISDICTIONS } from './jurisdictions';
import type { ConversionDestination, Integration, Source } from './catalog';

/** The project holding a tenant: the customer's named project, or `<prefix>-<tenant id>`. */
export function tenantProjectId(platform: ProjectPrefixField, tenant: TenantProjectFields): string {
  return tenant.warehouse.mode === 'customer' ? tenant.warehouse.projectId : `${platform.projectPrefix}-${tenant.id}`;
}

/** The tenant warehouse's BigQuery dataset in its Smart Segments project (Warehouse, support access). */
export const WAREHOUSE_DATASET_ID = 'smart_segments';

export function tenantStackName(environment: string, tenantId: string): string {
  return `tenant-${environment}-${tenantId}`;
}

export function platformStackName(environment: string): string {
  return `platform-${environment}`;
}

/** The platform's own project for a jurisdiction's central audit logs (LOG-2). */
export function auditLogProjectId(platform: ProjectPrefixField, jurisdiction: Jurisdiction): string {
  return `${platform.projectPrefix}-audit-${jurisdiction.toLowerCase()}`;
}

/** The platform's shared project (state bucket, artifact registry, CI identity, monitoring). */
export function sharedProjectId(platform: ProjectPrefixField): string {
  return `${platform.projectPrefix}-platform`;
}

/** Project ids the platform reserves, so no tenant can collide with them. */
export function platformProjectIds(platform: ProjectPrefixField): string[] {
  return [sharedProjectId(platform), ...JURISDICTIONS.map((j) => auditLogProjectId(platform, j))];
}

/**
 * Workloads that run as a tenant's own service accounts (ISO-2, IAM-2). Account ids are fixed
 * here so the platform stack (breach detection: who may read a tenant's secrets) and the tenant stack agree without a
 * cross-stack reference.
 */
export const WORKLOAD_ACCOUNT_IDS = {
  ingestWebhook: 'ingest-webhook',
  conversionRelay: 'conversion-relay',
  mcpEndpoint: 'mcp-endpoint',
  /** dbt Labs (Annex III subprocessor, SUB-1). */
  dbt: 'dbt-transform',
  /** The job that purges expired conversion state from Firestore (RET-1); runs the conversion-relay image. */
  conversionStatePurge: 'conversion-purge',
  /** Pub/Sub's push identity towards the conversion relay; holds run.invoker only and runs no image. */
  conversionPush: 'conversion-push',
  /** Cloud Scheduler's identity for the conversion-state purge job; holds run.invoker on that job only. */
  conversionStatePurgeScheduler: 'sched-state-purge',
} as const;

/** Short names keep `sync-<integration>` within the 6-30 character service account id limit. */
const INTEGRATION_SHORT_NAMES: Readonly<Record<Integration, string>> = {
  mailchimp: 'mailchimp',
  klaviyo: 'klaviyo',
  'salesforce-marketing-cloud': 'sfmc',
  hubspot: 'hubspot',
  brevo: 'brevo',
  asknicely: 'asknicely',
  vendus: 'vendus',
  xero: 'xero',
  netsuite: 'netsuite',
  'quickbooks-online': 'qbo',
  deputy: 'deputy',
};

/** The service account id of the job that sends to one integration (A.8-A.10). */
export function integrationAccountId(integration: Integration): string {
  return `sync-${INTEGRATION_SHORT_NAMES[integration]}`;
}

/** The account Cloud Scheduler uses to start one integration's job; it holds run.invoker on that job only. */
export function integrationSchedulerAccountId(integration: Integration): string {
  return `sched-${INTEGRATION_SHORT_NAMES[integration]}`;
}

/** The service account id of the platform deployer, which applies the platform stack (constructs/ci-deployer-identity.ts). */
export const PLATFORM_DEPLOYER_ID = 'ci-platform';

/** The IAM member of the platform deployer, in the platform's shared project. */
export function platformDeployerMember(platform: ProjectPrefixField): string {
  return `serviceAccount:${serviceAccountEmail(sharedProjectId(platform), PLATFORM_DEPLOYER_ID)}`;
}

/** The service account id of the tenant deployer of `jurisdiction`, which creates and applies its tenant stacks (constructs/ci-deployer-identity.ts). */
export function tenantDeployerId(jurisdiction: Jurisdiction): string {
  return `ci-tenant-${jurisdiction.toLowerCase()}`;
}

/** The IAM member of that deployer, in the platform's shared project. */
export function tenantDeployerMember(platform: ProjectPrefixField, jurisdiction: Jurisdiction): string {
  return `serviceAccount:${serviceAccountEmail(sharedProjectId(platform), tenantDeployerId(jurisdiction))}`;
}

export function serviceAccountEmail(projectId: string, accountId: string): string {
  return `${accountId}@${projectId}.iam.gserviceaccount.com`;
}

/** Account ids of the tenant workloads that run container images (Cloud Run services and jobs). */
export function runtimeAccountIds(tenant: FeatureFields): string[] {
  const ids: string[] = [];
  if (tenant.sources.length > 0) ids.push(WORKLOAD_ACCOUNT_IDS.ingestWebhook);
  if (tenant.conversionTracking.enabled) ids.push(WORKLOAD_ACCOUNT_IDS.conversionRelay, WORKLOAD_ACCOUNT_IDS.conversionStatePurge);
  if (tenant.mcp.enabled) ids.push(WORKLOAD_ACCOUNT_IDS.mcpEndpoint);
  for (const integration of tenant.integrations) ids.push(integrationAccountId(integration));
  return ids;
}

/**
 * Every service account id the config implies, sorted: the workloads that run images, the dbt
 * account, the integrations' schedulers and the conversion push and purge-scheduler identities
 * (HAND-2 allows exactly these in a customer's project).
 */
export function impliedAccountIds(tenant: FeatureFields): string[] {
  const ids = new Set<string>([...runtimeAccountIds(tenant), WORKLOAD_ACCOUNT_IDS.dbt]);
  for (const i of tenant.integrations) ids.add(integrationSchedulerAccountId(i));
  if (tenant.conversionTracking.enabled) {
    ids.add(WORKLOAD_ACCOUNT_IDS.conversionPush);
    ids.add(WORKLOAD_ACCOUNT_IDS.conversionStatePurgeScheduler);
  }
  return [...ids].sort();
}

/**
 * Secret Manager secret ids of a tenant. The constructs name their secrets with these, the schema
 * checks `populatedSecrets` against them and the checks read them, so all agree on one derivation.
 */
export function sourceSecretId(source: Source): string {
  return `source-${source}`;
}

export function conversionSecretId(destination: ConversionDestination): string {
  return `conversion-${destination}`;
}

export function integrationSecretId(integration: Integration): string {
  return `integration-${integration}`;
}

/**
 * Every secret the tenant's config implies: a webhook signing secret per source, a credential per
 * conversion destination (when conversion tracking is on) and per integration. Sorted.
 */
export function tenantSecretIds(tenant: Pick<FeatureFields, 'sources' | 'integrations' | 'conversionTracking'>): string[] {
  const ids = [
    ...tenant.sources.map(sourceSecretId),
    ...(tenant.conversionTracking.enabled ? tenant.conversionTracking.destinations.map(conversionSecretId) : []),
    ...tenant.integrations.map(integrationSecretId),
  ];
  return [...new Set(ids)].sort();
}
