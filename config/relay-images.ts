/**
 * Where a tenant's Cloud Run workloads pull their relay images from. In a project Smart Segments
 * owns, from the platform's `relay` repository (platform.yaml `images`). In a customer's own project
 * (HAND-2) the project's Cloud Run service agent belongs to the customer's organization, which our
 * domain-restricted sharing does not admit on the platform repository; so the images are copied, by
 * the digests platform.yaml pins, into a `relay` repository the tenant stack creates in the customer's
 * project, where same-project pulls need no grant (cloud.google.com/artifact-registry/docs/deploy).
 * A workload there is declared only once its image is recorded as copied (`copiedImages`): Cloud Run
 * cannot create a service or job whose image does not exist. The data plane, the rules and the
 * scripts decide from here.
 */
import { createsProject } from './lifecycle';
import type { PlatformConfig, TenantConfig } from './schema';

/** The relay images platform.yaml pins (`images.<key>`). */
export const RELAY_IMAGE_KEYS = ['ingestWebhook', 'conversionRelay', 'mcpEndpoint', 'integrationSync'] as const;
export type RelayImageKey = (typeof RELAY_IMAGE_KEYS)[number];

/** The repository id, in the platform's project and in a customer's own project alike. */
export const RELAY_REPOSITORY_ID = 'relay';

export const IMAGE_DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export type ImageCopyFields = Pick<TenantConfig, 'warehouse'> & { readonly copiedImages?: TenantConfig['copiedImages'] };

/** Whether the tenant's workloads pull from a copy in the tenant's own project (a customer's own project). */
export function pullsFromTenantCopy(tenant: Pick<TenantConfig, 'warehouse'>): boolean {
  return !createsProject(tenant);
}

/** Whether the workloads that run `key` can be declared: always from the platform registry; in a customer's project once the image is copied there. */
export function imageAvailable(tenant: ImageCopyFields, key: RelayImageKey): boolean {
  return !pullsFromTenantCopy(tenant) || tenant.copiedImages?.[key] !== undefined;
}

/** `sha256:<hex>` of a reference pinned by digest. */
export function digestOf(reference: string): string {
  const at = reference.lastIndexOf('@');
  return reference.slice(at + 1);
}

/** The image's name, the last path segment before the digest (`ingest-webhook`). */
export function imageNameOf(reference: string): string {
  const path = reference.slice(0, reference.lastIndexOf('@'));
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `<region>-docker.pkg.dev/<project>/relay`, the prefix of the tenant's copies. */
export function tenantRepositoryPrefix(projectId: string, region: string): string {
  return `${region}-docker.pkg.dev/${projectId}/${RELAY_REPOSITORY_ID}`;
}

/** The tenant's copy of a platform image: same name, same digest, in its own repository. */
export function tenantImageReference(platformReference: string, projectId: string, region: string): string {
  return `${tenantRepositoryPrefix(projectId, region)}/${imageNameOf(platformReference)}@${digestOf(platformReference)}`;
}

/** The relay images the tenant's config runs (none for a tenant without workloads). */
export function usedImageKeys(tenant: Pick<TenantConfig, 'sources' | 'integrations' | 'conversionTracking' | 'mcp'>): RelayImageKey[] {
  const used = new Set<RelayImageKey>();
  if (tenant.sources.length > 0) used.add('ingestWebhook');
  if (tenant.conversionTracking.enabled) used.add('conversionRelay');
  if (tenant.mcp.enabled) used.add('mcpEndpoint');
  if (tenant.integrations.length > 0) used.add('integrationSync');
  return RELAY_IMAGE_KEYS.filter((k) => used.has(k));
}

/**
 * The copy of each image the tenant uses, one `crane copy` line each (go-containerregistry's crane,
 * authenticated through `gcloud auth configure-docker <region>-docker.pkg.dev`): by digest, so the
 * copy is the reviewed image. Run by a platform administrator, who reads the platform repository and
 * may write to the tenant's (TenantImageRepository grants the platform administrators' group).
 */
export function imageCopyCommands(
  tenant: Pick<TenantConfig, 'sources' | 'integrations' | 'conversionTracking' | 'mcp' | 'region'> & { readonly projectId: string },
  images: PlatformConfig['images'],
): string[] {
  return usedImageKeys(tenant).map((k) => `crane copy ${images[k]} ${tenantImageReference(images[k], tenant.projectId, tenant.region)}`);
}

/** The `copiedImages` entries that record those copies, as YAML flow mapping text. */
export function copiedImagesRecord(tenant: Pick<TenantConfig, 'sources' | 'integrations' | 'conversionTracking' | 'mcp'>, images: PlatformConfig['images']): string {
  return `copiedImages: { ${usedImageKeys(tenant)
    .map((k) => `${k}: "${digestOf(images[k])}"`)
    .join(', ')} }`;
}

/**
 * Why the tenant's workloads cannot reference the copy of `key`, or undefined when they can: the
 * digest recorded as copied is not the one platform.yaml pins (the platform moved on; copy the new
 * digest and record it in the same change).
 */
export function copiedDigestProblem(
  tenant: ImageCopyFields & { readonly id: string; readonly projectId: string; readonly region: string; readonly sourceFile?: string },
  images: PlatformConfig['images'],
  key: RelayImageKey,
): string | undefined {
  const recorded = tenant.copiedImages?.[key];
  const pinned = digestOf(images[key]);
  if (!pullsFromTenantCopy(tenant) || recorded === undefined || recorded === pinned) return undefined;
  return (
    `tenant "${tenant.id}": copiedImages.${key} records ${recorded}, but platform.yaml images.${key} pins ${pinned}; ` +
    `copy it (crane copy ${images[key]} ${tenantImageReference(images[key], tenant.projectId, tenant.region)}) and set copiedImages.${key}: "${pinned}" in ${tenant.sourceFile ?? 'the tenant file'}, in the same change as the new digest`
  );
}
