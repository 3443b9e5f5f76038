/**
 * Which of a tenant's workloads wait for their secrets. A Cloud Run service or job that mounts a
 * secret at version `latest` cannot start before that secret has a version, and a failed create
 * leaves the service tainted in state behind its own delete protection
 * (google/services/cloudrunv2/resource_cloud_run_v2_service.go, v6.50.0: the id is stored before the
 * operation is awaited; hashicorp/terraform-provider-google#10846). So a workload mounts only the
 * secrets listed in the tenant's `populatedSecrets`, which an operator records
 * (`npm run secrets -- --record`) after adding the values, and is declared only once it has one to
 * mount: an integration job waits for its one secret; the ingest serves the sources whose signing
 * secret is recorded and waits while none is; the conversion relay forwards to the destinations
 * whose credentials are recorded and waits while none is. A new source or destination of a running
 * workload therefore never takes that workload away (which its delete protection would refuse): it
 * joins once its secret is recorded. The secrets themselves are always declared (empty, without a
 * version), so there is something to fill. The data plane, the DPA rules and the deployability
 * checks all decide from here.
 */
import type { ConversionDestination, Source } from './catalog';
import { WORKLOAD_ACCOUNT_IDS, conversionSecretId, integrationAccountId, integrationSecretId, sourceSecretId } from './naming';
import { integrationFeature, sourceFeature, type FeatureKey } from './features';
import { imageAvailable, type ImageCopyFields, type RelayImageKey } from './relay-images';
import type { TenantConfig } from './schema';

export type WorkloadFields = Pick<TenantConfig, 'sources' | 'integrations' | 'conversionTracking' | 'mcp' | 'populatedSecrets'> & Partial<ImageCopyFields>;

export interface TenantWorkload {
  /** The service account id it runs as (config/naming.ts). */
  readonly accountId: string;
  readonly kind: 'service' | 'job';
  /** The features it serves; it is removed with the last of them. */
  readonly features: readonly FeatureKey[];
  /** The secret ids it mounts once populated, sorted. */
  readonly secretIds: readonly string[];
  /** The relay image it runs (platform.yaml `images`). */
  readonly image: RelayImageKey;
}

/** Every Cloud Run service and job the tenant's config implies, whether or not it waits for secrets. */
export function tenantWorkloads(tenant: Omit<WorkloadFields, 'populatedSecrets'>): TenantWorkload[] {
  const out: TenantWorkload[] = [];
  const sources = [...tenant.sources].sort();
  if (sources.length > 0) {
    out.push({ accountId: WORKLOAD_ACCOUNT_IDS.ingestWebhook, kind: 'service', features: sources.map(sourceFeature), secretIds: sources.map(sourceSecretId), image: 'ingestWebhook' });
  }
  if (tenant.conversionTracking.enabled) {
    out.push({
      accountId: WORKLOAD_ACCOUNT_IDS.conversionRelay,
      kind: 'service',
      features: ['conversion-tracking'],
      secretIds: [...tenant.conversionTracking.destinations].sort().map(conversionSecretId),
      image: 'conversionRelay',
    });
    out.push({ accountId: WORKLOAD_ACCOUNT_IDS.conversionStatePurge, kind: 'job', features: ['conversion-tracking'], secretIds: [], image: 'conversionRelay' });
  }
  if (tenant.mcp.enabled) out.push({ accountId: WORKLOAD_ACCOUNT_IDS.mcpEndpoint, kind: 'service', features: ['mcp'], secretIds: [], image: 'mcpEndpoint' });
  for (const integration of [...tenant.integrations].sort()) {
    out.push({ accountId: integrationAccountId(integration), kind: 'job', features: [integrationFeature(integration)], secretIds: [integrationSecretId(integration)], image: 'integrationSync' });
  }
  return out;
}

/** The secrets `workload` would mount that are not yet recorded as populated. */
export function missingSecretIds(tenant: Pick<TenantConfig, 'populatedSecrets'>, workload: Pick<TenantWorkload, 'secretIds'>): string[] {
  return workload.secretIds.filter((id) => !tenant.populatedSecrets.includes(id));
}

/** The secrets `workload` mounts now: those recorded as populated. */
export function mountedSecretIds(tenant: Pick<TenantConfig, 'populatedSecrets'>, workload: Pick<TenantWorkload, 'secretIds'>): string[] {
  return workload.secretIds.filter((id) => tenant.populatedSecrets.includes(id));
}

/**
 * Whether a workload is declared now: its image can be pulled (in a customer's own project, once
 * copied there: config/relay-images.ts), and it mounts no secret or at least one of its secrets is
 * populated.
 */
export function isDeclared(tenant: Pick<TenantConfig, 'populatedSecrets'> & Partial<ImageCopyFields>, workload: Pick<TenantWorkload, 'secretIds' | 'image'>): boolean {
  if (!imageCopied(tenant, workload.image)) return false;
  return workload.secretIds.length === 0 || mountedSecretIds(tenant, workload).length > 0;
}

/** Whether `image` can be pulled by the tenant's workloads (always, unless the tenant's config says where its project is and it waits for a copy). */
function imageCopied(tenant: Partial<ImageCopyFields>, image: RelayImageKey): boolean {
  return tenant.warehouse === undefined || imageAvailable({ warehouse: tenant.warehouse, copiedImages: tenant.copiedImages }, image);
}

/** Whether the workload running as `accountId` is declared now (the config implies it and it has what it needs). */
export function workloadRuns(tenant: WorkloadFields, accountId: string): boolean {
  const w = tenantWorkloads(tenant).find((x) => x.accountId === accountId);
  return w !== undefined && isDeclared(tenant, w);
}

/** Account ids of the workloads the stack declares now. */
export function runningAccountIds(tenant: WorkloadFields): string[] {
  return tenantWorkloads(tenant)
    .filter((w) => isDeclared(tenant, w))
    .map((w) => w.accountId);
}

/**
 * The workloads that are not declared yet, each with the secrets it waits for, and the image it
 * waits for when that image is not yet copied into a customer's own project.
 */
export function waitingWorkloads(
  tenant: WorkloadFields,
): Array<TenantWorkload & { readonly missing: readonly string[]; readonly missingImage?: RelayImageKey }> {
  return tenantWorkloads(tenant)
    .filter((w) => !isDeclared(tenant, w))
    .map((w) => {
      const missing = w.secretIds.length > 0 && mountedSecretIds(tenant, w).length > 0 ? [] : missingSecretIds(tenant, w);
      return { ...w, missing, ...(imageCopied(tenant, w.image) ? {} : { missingImage: w.image }) };
    });
}

/** The sources the ingest serves now: those whose signing secret is populated (none while its image waits for its copy). */
export function servedSources(tenant: Pick<TenantConfig, 'sources' | 'populatedSecrets'> & Partial<ImageCopyFields>): Source[] {
  if (!imageCopied(tenant, 'ingestWebhook')) return [];
  return [...tenant.sources].sort().filter((s) => tenant.populatedSecrets.includes(sourceSecretId(s)));
}

/** The destinations the conversion relay forwards to now: those whose credentials are populated (none when conversion tracking is off or its image waits for its copy). */
export function servedDestinations(tenant: Pick<TenantConfig, 'conversionTracking' | 'populatedSecrets'> & Partial<ImageCopyFields>): ConversionDestination[] {
  if (!tenant.conversionTracking.enabled || !imageCopied(tenant, 'conversionRelay')) return [];
  return [...tenant.conversionTracking.destinations].sort().filter((d) => tenant.populatedSecrets.includes(conversionSecretId(d)));
}

/** One line for messages: which workloads wait for which secrets, or undefined when none waits. */
export function describeWaitingWorkloads(tenant: WorkloadFields): string | undefined {
  const waiting = waitingWorkloads(tenant);
  if (waiting.length === 0) return undefined;
  return waiting
    .map((w) => `${w.accountId} waits for ${[...(w.missingImage ? [`its image ${w.missingImage} copied into the project (copiedImages)`] : []), ...(w.missing.length ? [w.missing.join(' or ')] : [])].join(' and ')}`)
    .join('; ');
}
