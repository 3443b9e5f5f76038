/**
 * The features a tenant can turn on and off, by key: `source:<name>`, `conversion-tracking`, `mcp`
 * and `integration:<name>`. A feature is turned off in two deploys (docs/tenant-lifecycle.md): first
 * it is listed in `retiringFeatures`, which keeps its resources but lifts their delete protection
 * (config/lifecycle.ts), then it is removed from the config, which removes them. The provider reads
 * delete protection from state, so a protected resource can only be destroyed by a deploy after the
 * one that lifted it (e.g. google/services/cloudrunv2/resource_cloud_run_v2_service.go, v6.50.0:
 * "cannot destroy service without setting deletion_protection=false and running `terraform apply`").
 */
import { INTEGRATIONS, SOURCES, type Integration, type Source } from './catalog';
import { conversionSecretId, integrationSecretId, sourceSecretId } from './naming';
import type { FeatureFields, RetiringFeaturesField } from './tenant-fields';

export type FeatureKey = 'conversion-tracking' | 'mcp' | `source:${Source}` | `integration:${Integration}`;

/** The forms a feature key takes, for messages. */
export const FEATURE_KEY_FORMS = ['source:<name>', 'conversion-tracking', 'mcp', 'integration:<name>'] as const;


export function sourceFeature(source: Source): FeatureKey {
  return `source:${source}`;
}

export function integrationFeature(integration: Integration): FeatureKey {
  return `integration:${integration}`;
}

/** Every key a feature can have, whatever a tenant has turned on. */
export function allFeatureKeys(): FeatureKey[] {
  return [...SOURCES.map(sourceFeature), 'conversion-tracking', 'mcp', ...INTEGRATIONS.map(integrationFeature)];
}

export function isFeatureKey(value: unknown): value is FeatureKey {
  return typeof value === 'string' && (allFeatureKeys() as string[]).includes(value);
}

/** The features the tenant's config turns on, in the order of the tenant file's fields. */
export function enabledFeatures(tenant: FeatureFields): FeatureKey[] {
  return [
    ...[...tenant.sources].sort().map(sourceFeature),
    ...(tenant.conversionTracking.enabled ? (['conversion-tracking'] as const) : []),
    ...(tenant.mcp.enabled ? (['mcp'] as const) : []),
    ...[...tenant.integrations].sort().map(integrationFeature),
  ];
}

/** The secrets that belong to one feature (and go with it when it is removed). */
export function featureSecretIds(tenant: FeatureFields, feature: FeatureKey): string[] {
  if (feature === 'mcp') return [];
  if (feature === 'conversion-tracking') return tenant.conversionTracking.enabled ? tenant.conversionTracking.destinations.map(conversionSecretId).sort() : [];
  if (feature.startsWith('source:')) return [sourceSecretId(feature.slice('source:'.length) as Source)];
  return [integrationSecretId(feature.slice('integration:'.length) as Integration)];
}

/** Whether every one of `features` is listed in `retiringFeatures` (a resource shared by several features retires with the last of them). */
export function allRetiring(tenant: RetiringFeaturesField, features: readonly FeatureKey[]): boolean {
  return features.length > 0 && features.every((f) => tenant.retiringFeatures.includes(f));
}
