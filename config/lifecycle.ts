/**
 * What a tenant's lifecycle means for every layer, decided here once: who owns and manages the
 * project, whether Smart Segments still runs the data plane, which handover phase builds what,
 * whose directory the platform admits, whether the stack is synthesized at all, and when delete
 * protection is lifted: offboarding (deletion, DPA 10.1), the handover (takeover, DPA 10.2), and,
 * for one feature's resources, turning that feature off (`retiringFeatures`, config/features.ts).
 *
 * The loader computes a `TenantLifecycle` for every tenant (ResolvedTenant.lifecycleView); the
 * stacks, the constructs, the rule pack and the scripts read that value instead of interpreting
 * lifecycle states themselves, so they cannot disagree.
 */
import { allRetiring, type FeatureKey } from './features';
import { handoverPhaseOf, type HandoverPhase, type LifecycleState } from './lifecycle-states';
import type { TenantConfig } from './schema';

export { handoverPhaseOf, type HandoverPhase };

/** Whether this code creates (and so owns) the tenant's project; false for a customer's own project (HAND-2). */
export function createsProject(tenant: Pick<TenantConfig, 'warehouse'>): boolean {
  return !(tenant.warehouse.mode === 'customer' && tenant.warehouse.provisionedBy === 'customer');
}

export interface TenantLifecycle {
  readonly state: LifecycleState;
  /** Smart Segments created the project (false: the customer's own project, HAND-2). */
  readonly ownsProject: boolean;
  /** The handover phase (HAND-1); undefined outside a handover. `handed-over` is the release. */
  readonly handoverPhase?: HandoverPhase;
  /** The project sits in the customer's organization and billing (transfer and release). */
  readonly transferred: boolean;
  /** The handover is released: the project and its data are the customer's, our state forgot them. */
  readonly released: boolean;
  /** Smart Segments manages the project's own settings (log bucket, audit configs, contacts): it owns the project and has not released it. */
  readonly managesProject: boolean;
  /** Smart Segments runs the tenant's data plane (workloads, pipelines, secrets, edge): until the release. */
  readonly runsDataPlane: boolean;
  /**
   * The platform's tenant folder serves the project (essential-contact domains, secret accessors):
   * we own it, have not released it, and the stack is still synthesized. During the transfer the
   * project is leaving the folder, and the platform keeps serving it until the release.
   */
  readonly inTenantFolder: boolean;
  /** The customer's organization that domain-restricted sharing admits (IAM-7): while the handover prepares and transfers, never after the release. */
  readonly admittedOrganization?: string;
  /** The customer's directory (customer id) admitted alongside the organization, in the same phases. */
  readonly admittedDirectory?: string;
  /**
   * The customer's administrators' group (schema field `customerOwnerGroup`): in every handover phase.
   * It holds non-basic administration roles on the project from prepare on (HAND-1); the rules that
   * exempt the customer's own project-level grants read it.
   */
  readonly customerOwnerGroup?: string;
  /** prepare and transfer: the day the deployer's time-bound move grant expires (HAND-1). */
  readonly moverGrantExpires?: string;
  /** release: the handover's effective date (DPA 10.2); Smart Segments processes nothing from that day. */
  readonly effectiveDate?: string;
  /** release, last step: Smart Segments' own last access (the time-bound handover grants, constructs/project-handoff.ts) is removed. */
  readonly ownAccessRemoved: boolean;
  /** The tenant is offboarding and its removal is not yet confirmed: its stack deletes the data. */
  readonly offboarding: boolean;
  /** The stack is synthesized: not once the removal after offboarding is confirmed, nor once a handover is closed. */
  readonly synthesized: boolean;
  readonly protection: LifecycleProtection;
}

export interface LifecycleProtection {
  /** Delete protection on the stores of the customer's data (the warehouse dataset and its tables). */
  readonly protectData: boolean;
  /**
   * Delete protection on Smart Segments' workloads and operational stores (Cloud Run services and
   * jobs, secrets, conversion state). Lifted from the handover prepare on, so that the release
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
    // Lifted at prepare, so that the transfer changes only the project's parent and billing and the
    // release can destroy Smart Segments' workloads (HAND-1).
    case 'handover-prepare':
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

/** The tenant's lifecycle, computed once (the loader attaches it to every ResolvedTenant). */
export function tenantLifecycle(tenant: Pick<TenantConfig, 'warehouse' | 'lifecycle'>): TenantLifecycle {
  const { state, handover, offboarding } = tenant.lifecycle;
  const ownsProject = createsProject(tenant);
  const handoverPhase = handoverPhaseOf(state);
  const released = handoverPhase === 'release';
  const admits = handoverPhase === 'prepare' || handoverPhase === 'transfer';
  const removalConfirmed = state === 'offboarding' && offboarding?.removalConfirmed === true;
  // A closed handover's stack is never planned again: the deployer can no longer read the project.
  const closed = released && handover?.closed !== undefined;
  const synthesized = !removalConfirmed && !closed;
  return {
    state,
    ownsProject,
    ...(handoverPhase ? { handoverPhase } : {}),
    transferred: handoverPhase === 'transfer' || released,
    released,
    managesProject: ownsProject && !released,
    runsDataPlane: !released,
    inTenantFolder: ownsProject && !released && synthesized,
    ...(admits && handover ? { admittedOrganization: handover.customerOrganizationId, admittedDirectory: handover.customerDirectoryCustomerId } : {}),
    ...(handoverPhase && handover ? { customerOwnerGroup: handover.customerOwnerGroup } : {}),
    ...(admits && handover?.moverGrantExpires ? { moverGrantExpires: handover.moverGrantExpires } : {}),
    ...(released && handover?.effectiveDate ? { effectiveDate: handover.effectiveDate } : {}),
    ownAccessRemoved: released && handover?.ownAccessRemoved !== undefined,
    offboarding: state === 'offboarding' && !removalConfirmed,
    synthesized,
    protection: lifecycleProtection(state),
  };
}
