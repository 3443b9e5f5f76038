/** Deterministic names derived from config: project ids and stack names (never random suffixes). */
import type { Jurisdiction } from './jurisdictions';
import type { PlatformConfig, TenantConfig } from './schema';
import { JURISDICTIONS } from './jurisdictions';

/** The project holding a tenant: the customer's named project, or `<prefix>-<tenant id>`. */
export function tenantProjectId(platform: Pick<PlatformConfig, 'projectPrefix'>, tenant: Pick<TenantConfig, 'id' | 'warehouse'>): string {
  return tenant.warehouse.mode === 'customer' ? tenant.warehouse.projectId : `${platform.projectPrefix}-${tenant.id}`;
}

export function tenantStackName(environment: string, tenantId: string): string {
  return `tenant-${environment}-${tenantId}`;
}

export function platformStackName(environment: string): string {
  return `platform-${environment}`;
}

/** The platform's own project for a jurisdiction's central audit logs (LOG-2). */
export function auditLogProjectId(platform: Pick<PlatformConfig, 'projectPrefix'>, jurisdiction: Jurisdiction): string {
  return `${platform.projectPrefix}-audit-${jurisdiction.toLowerCase()}`;
}

/** The platform's shared project (state bucket, artifact registry, CI identity, monitoring). */
export function sharedProjectId(platform: Pick<PlatformConfig, 'projectPrefix'>): string {
  return `${platform.projectPrefix}-platform`;
}

/** Project ids the platform reserves, so no tenant can collide with them. */
export function platformProjectIds(platform: Pick<PlatformConfig, 'projectPrefix'>): string[] {
  return [sharedProjectId(platform), ...JURISDICTIONS.map((j) => auditLogProjectId(platform, j))];
}
