/**
 * How a data store is recovered after a mistake and when the last copy of deleted data is gone
 * (BAK-1, RET-1, RET-3). Each data store construct states its posture; tests and the compliance
 * report compare it with the deletion promise that applies to the store's content.
 */
export interface RecoveryPosture {
  /** The store, as `<terraform type> <name>`. */
  readonly store: string;
  /** How data is restored, or why it is deliberately not restorable. */
  readonly mechanism: string;
  /** Seconds after a deletion or corruption within which a restore is possible; 0 when none. */
  readonly recoveryWindowSeconds: number;
  /** Seconds after data should be gone until no copy of it exists anywhere. */
  readonly lastCopyGoneSeconds: number;
}
