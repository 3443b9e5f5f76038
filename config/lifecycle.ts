/**
 * What a tenant's lifecycle state means for protection of its data and its project. The one place
 * that decides when delete protection is lifted: offboarding (deletion, DPA 10.1), the handover
 * (takeover, DPA 10.2), and, for one feature's resources, turning that feature off
 * (`retiringFeatures`, see config/features.ts).
 */
import { allRetiring, type FeatureKey } from './features';
import type { LifecycleState, TenantConfig } from './schema';

export interface LifecycleProtection {
  /** Delete protection on the stores of the customer's data (the warehouse dataset and its tables). */
  readonly protectData: boolean;
  /**
   * Delete protection on Smart Segments' workloads and operational stores (Cloud Run services and
   * jobs, secrets, conversion state). Lifted from the handover transfer on, so that the release
   * can destroy them while the warehouse stays protected and passes to the customer (HAND-1).
   */
  readonly protectWorkloads: boolean;
  /**
   * google_project `deletion_policy`: PREVENT while the tenant is served; DELETE when offboarding
   * (destroy shuts the project down after the data stores are gone); ABANDON once handed over
   * (the project leaves our state without being deleted, HAND-1).
   */
  readonly projectDeletionPolicy: 'PREVENT' | 'DELETE' | 'ABANDON';
}

export function lifecycleProtection(state: LifecycleState): LifecycleProtection {
  switch (state) {
    case 'offboarding':
      return { protectData: false, protectWorkloads: false, projectDeletionPolicy: 'DELETE' };
    case 'handover-transfer':
      return { protectData: true, protectWorkloads: false, projectDeletionPolicy: 'PREVENT' };
    case 'handed-over':
      return { protectData: true, protectWorkloads: false, projectDeletionPolicy: 'ABANDON' };
    default:
      return { protectData: true, protectWorkloads: true, projectDeletionPolicy: 'PREVENT' };
  }
}

/**
 * Delete protection of the resources that belong to `features` (all of them retire together, for
 * example the ingest service with the last source): the lifecycle's protection, lifted once every
 * one of those features is listed in `retiringFeatures`, so that the next change can remove them.
 */
export function featureProtection(
  tenant: Pick<TenantConfig, 'lifecycle' | 'retiringFeatures'>,
  features: readonly FeatureKey[],
): Pick<LifecycleProtection, 'protectData' | 'protectWorkloads'> {
  const base = lifecycleProtection(tenant.lifecycle.state);
  const retiring = allRetiring(tenant, features);
  return { protectData: base.protectData && !retiring, protectWorkloads: base.protectWorkloads && !retiring };
}
