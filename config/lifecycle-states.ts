/**
 * The lifecycle states a tenant file may name, and the handover phase each one is in: the one table
 * the schema, the lifecycle (config/lifecycle.ts) and the handover command read. No imports, so the
 * schema can use it without an import cycle.
 */
export const LIFECYCLE_STATES = ['active', 'handover-prepare', 'handover-transfer', 'handed-over', 'offboarding'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** The customer's takeover of its project (HAND-1, DPA 10.2): prepare, transfer, release. */
export const HANDOVER_PHASES = ['prepare', 'transfer', 'release'] as const;
export type HandoverPhase = (typeof HANDOVER_PHASES)[number];

const PHASE_OF_STATE: Readonly<Record<LifecycleState, HandoverPhase | undefined>> = {
  active: undefined,
  'handover-prepare': 'prepare',
  'handover-transfer': 'transfer',
  'handed-over': 'release',
  offboarding: undefined,
};

/** The handover phase a lifecycle state is in; undefined outside a handover. `handed-over` is the release. */
export function handoverPhaseOf(state: LifecycleState): HandoverPhase | undefined {
  return PHASE_OF_STATE[state];
}
