/**
 * What a tenant's lifecycle state means for protection of its data and its project. The one place
 * that decides when delete protection is lifted: only offboarding (deletion, DPA 10.1) and the
 * handover release (takeover, DPA 10.2) change it.
 */
import type { LifecycleState } from './schema';

export interface LifecycleProtection {
  /** Delete protection on data stores (datasets, buckets, Firestore, Cloud Run services). */
  readonly protectData: boolean;
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
      return { protectData: false, projectDeletionPolicy: 'DELETE' };
    case 'handed-over':
      return { protectData: true, projectDeletionPolicy: 'ABANDON' };
    default:
      return { protectData: true, projectDeletionPolicy: 'PREVENT' };
  }
}
