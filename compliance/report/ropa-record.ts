/**
 * The shape of a record of processing (DPA Annex I, AUD-1), apart from how it is built
 * (compliance/report/ropa.ts), so that the environment checks can read records without importing
 * the builder.
 */
import type { ControlStatus } from './control-status';

export interface RopaStore {
  readonly store: string;
  readonly address: string;
  /** How long the store keeps data while the tenant is served. */
  readonly retention: string;
  /** How long a copy can exist after the store is deleted (compliance/deletion-horizon). */
  readonly afterDeletion: string;
}

export interface RopaRecord {
  readonly tenant: string;
  readonly stack: string;
  readonly controller: {
    readonly name: string;
    readonly securityContact: string;
    readonly privacyContact: string;
    readonly establishedIn: string;
  };
  readonly processor: { readonly name: string; readonly address: string; readonly contact: string; readonly role: string };
  readonly lifecycle: string;
  readonly warehouse: string;
  readonly dataSubjects: readonly string[];
  readonly dataCategories: readonly string[];
  readonly specialCategories: string;
  readonly purposes: readonly string[];
  readonly natureOfProcessing: string;
  readonly recipients: ReadonlyArray<{ readonly name: string; readonly role: string; readonly clause: string }>;
  readonly subprocessors: ReadonlyArray<{
    readonly name: string;
    readonly purpose: string;
    readonly location: string;
    readonly mechanism: string;
    readonly use: string;
  }>;
  readonly transfers: ReadonlyArray<{ readonly to: string; readonly location: string; readonly mechanism: string }>;
  readonly location: {
    readonly jurisdiction: string;
    readonly region: string;
    readonly allowed: readonly string[];
    /** Locations the tenant's own resources name, sorted (Pub/Sub message storage policies apart). */
    readonly inUse: readonly string[];
    /** The same, with the services that use each location. */
    readonly inUseBy: ReadonlyArray<{ readonly location: string; readonly services: readonly string[] }>;
    /**
     * Pub/Sub message storage policies: the regions a topic allows (Pub/Sub stores a message in the
     * allowed region nearest its publisher), grouped by region set.
     */
    readonly pubsubPersistence: ReadonlyArray<{ readonly regions: readonly string[]; readonly topics: readonly string[] }>;
    readonly note: string;
    readonly project: string;
  };
  readonly supervisoryAuthority: string;
  readonly retention: readonly RopaStore[];
  readonly llmSupport: { readonly choice: string; readonly recordedIn: readonly string[]; readonly effect: string };
  /** Support personnel's access to this customer's data (Annex II 2, IAM-5): every grant of the tenant file. */
  readonly supportAccess: ReadonlyArray<{ readonly scope: string; readonly roles: readonly string[]; readonly granted: string; readonly until: string; readonly reason: string }>;
  readonly measures: ReadonlyArray<{ readonly control: string; readonly status: ControlStatus }>;
  readonly frequency: string;
  readonly duration: string;
  /**
   * Set once the tenant's project is handed over (HAND-1, DPA 10.2): no processing by Smart Segments
   * since the effective date; the stores and measures above are then empty, the data being the customer's.
   */
  readonly handedOver?: { readonly effectiveDate: string; readonly statement: string };
}
