/**
 * The shapes of the config fields that naming and features derive names from, stated structurally
 * so that those modules need not import the schema that imports them (no import cycle). The schema's
 * inferred types (config/schema.ts) are assignable to these; a mismatch fails the type check.
 */
import type { ConversionDestination, Integration, Source } from './catalog';

/** The platform fields project ids derive from. */
export interface ProjectPrefixField {
  readonly projectPrefix: string;
}

/** Where a tenant's warehouse lives: our project, or a customer's named project (HAND-2). */
export type WarehousePlacement =
  | { readonly mode: 'smart-segments' }
  | { readonly mode: 'customer'; readonly projectId: string; readonly provisionedBy: 'customer' | 'smart-segments' };

/** The tenant fields a project id derives from. */
export interface TenantProjectFields {
  readonly id: string;
  readonly warehouse: WarehousePlacement;
}

/** The tenant fields that switch features on: sources, integrations, conversion tracking, MCP. */
export interface FeatureFields {
  readonly sources: readonly Source[];
  readonly integrations: readonly Integration[];
  readonly conversionTracking: { readonly enabled: boolean; readonly destinations: readonly ConversionDestination[] };
  readonly mcp: { readonly enabled: boolean };
}

/** The features being turned off (config/features.ts). */
export interface RetiringFeaturesField {
  readonly retiringFeatures: readonly string[];
}
