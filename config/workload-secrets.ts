/**
 * Which of a tenant's workloads wait for their secrets. A Cloud Run service or job that mounts a
 * secret at version `latest` cannot start before that secret has a version, and a failed create
 * leaves the service tainted in state behind its own delete protection
 * (google/services/cloudrunv2/resource_cloud_run_v2_service.go, v6.50.0: the id is stored before the
 * operation is awaited; hashicorp/terraform-provider-google#10846). So a workload is declared only
 * once every secret it mounts is listed in the tenant's `populatedSecrets`, which an operator records
 * (`npm run secrets -- --record`) after adding the values. The secrets themselves are always declared
 * (empty, without a version), so there is something to fill. The data plane, the DPA rules and the
 * deployability checks all decide from here.
 */
import { WORKLOAD_ACCOUNT_IDS, conversionSecretId, integrationAccountId, integrationSecretId, sourceSecretId } from './naming';
import { integrationFeature, sourceFeature, type FeatureKey } from './features';
import type { TenantConfig } from './schema';

export type WorkloadFields = Pick<TenantConfig, 'sources' | 'integrations' | 'conversionTracking' | 'mcp' | 'populatedSecrets'>;

export interface TenantWorkload {
  /** The service account id it runs as (config/naming.ts). */
  readonly accountId: string;
  readonly kind: 'service' | 'job';
  /** The features it serves; it is removed with the last of them. */
  readonly features: readonly FeatureKey[];
  /** The secret ids it mounts, sorted. */
  readonly secretIds: readonly string[];
}

/** Every Cloud Run service and job the tenant's config implies, whether or not it waits for secrets. */
export function tenantWorkloads(tenant: Omit<WorkloadFields, 'populatedSecrets'>): TenantWorkload[] {
  const out: TenantWorkload[] = [];
  const sources = [...tenant.sources].sort();
  if (sources.length > 0) {
    out.push({ accountId: WORKLOAD_ACCOUNT_IDS.ingestWebhook, kind: 'service', features: sources.map(sourceFeature), secretIds: sources.map(sourceSecretId) });
  }
  if (tenant.conversionTracking.enabled) {
    out.push({
      accountId: WORKLOAD_ACCOUNT_IDS.conversionRelay,
      kind: 'service',
      features: ['conversion-tracking'],
      secretIds: [...tenant.conversionTracking.destinations].sort().map(conversionSecretId),
    });
    out.push({ accountId: WORKLOAD_ACCOUNT_IDS.conversionStatePurge, kind: 'job', features: ['conversion-tracking'], secretIds: [] });
  }
  if (tenant.mcp.enabled) out.push({ accountId: WORKLOAD_ACCOUNT_IDS.mcpEndpoint, kind: 'service', features: ['mcp'], secretIds: [] });
  for (const integration of [...tenant.integrations].sort()) {
    out.push({ accountId: integrationAccountId(integration), kind: 'job', features: [integrationFeature(integration)], secretIds: [integrationSecretId(integration)] });
  }
  return out;
}

/** The secrets `workload` mounts that are not yet recorded as populated; empty when it can run. */
export function missingSecretIds(tenant: Pick<TenantConfig, 'populatedSecrets'>, workload: Pick<TenantWorkload, 'secretIds'>): string[] {
  return workload.secretIds.filter((id) => !tenant.populatedSecrets.includes(id));
}

/** Whether the workload running as `accountId` is declared: the config implies it and every secret it mounts is populated. */
export function workloadRuns(tenant: WorkloadFields, accountId: string): boolean {
  const w = tenantWorkloads(tenant).find((x) => x.accountId === accountId);
  return w !== undefined && missingSecretIds(tenant, w).length === 0;
}

/** Account ids of the workloads the stack declares now (the config implies them and their secrets are populated). */
export function runningAccountIds(tenant: WorkloadFields): string[] {
  return tenantWorkloads(tenant)
    .filter((w) => missingSecretIds(tenant, w).length === 0)
    .map((w) => w.accountId);
}

/** The workloads that wait for secrets, each with the secrets still missing. */
export function waitingWorkloads(tenant: WorkloadFields): Array<TenantWorkload & { readonly missing: readonly string[] }> {
  return tenantWorkloads(tenant)
    .map((w) => ({ ...w, missing: missingSecretIds(tenant, w) }))
    .filter((w) => w.missing.length > 0);
}

/** One line for messages: which workloads wait for which secrets, or undefined when none waits. */
export function describeWaitingWorkloads(tenant: WorkloadFields): string | undefined {
  const waiting = waitingWorkloads(tenant);
  if (waiting.length === 0) return undefined;
  return waiting.map((w) => `${w.accountId} waits for ${w.missing.join(', ')}`).join('; ');
}
