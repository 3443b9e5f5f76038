/**
 * ConversionState (DPA C.4): the conversion relay's deduplication keys and consent-withdrawal
 * suppressions, in a Firestore database of the jurisdiction (`eur3` for EEA, RES-1). Both are
 * conversion event data and fall under the 24-hour promise (RET-1). Firestore's TTL deletes expired
 * documents only "typically within 24 hours after expiry", so TTL alone cannot keep it: a purge job
 * deletes every expired document on a schedule, and the budget counts the TTL, two purge intervals
 * (one failed run tolerated), the purge run time and the hour of old versions Firestore keeps.
 * Point-in-time recovery and backups stay off (BAK-1): seven days of versions would break the promise,
 * and the state is rebuilt by the relay from new events. Given the tenant's keys, the database is
 * a CMEK database encrypted with the tenant's Firestore key in the database's location (KMS `europe`
 * for `eur3`, the region for a regional database), granted to Firestore's agent first (ENC-2).
 * Firestore fixes the key when the database is created: an existing database without one is
 * replaced to gain it (its state is transient and rebuilt, but lift delete protection to let it).
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { FirestoreField } from '@cdktf/provider-google/lib/firestore-field';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { WORKLOAD_ACCOUNT_IDS } from '../config/naming';
import { CONVERSION_EVENT_MAX_LIFETIME_SECONDS } from '../policy/dpa';
import type { EncryptionKey, StoreEncryption } from './tenant-keys';
import { ScheduledJob } from './scheduled-job';
import type { TenantProject } from './tenant-project';
import { WorkloadIdentity } from './workload-identity';

export const CONVERSION_STATE_DATABASE = 'conversion-state';
/** Collections and the timestamp field their TTL policy reads. */
export const CONVERSION_STATE_COLLECTIONS = ['dedup', 'suppressions'] as const;
export const CONVERSION_STATE_TTL_FIELD = 'expireAt';
/** With point-in-time recovery off Firestore still serves reads of versions up to one hour old. */
export const FIRESTORE_VERSION_RETENTION_SECONDS = 60 * 60;
/** Purge intervals a cron schedule can express evenly within the hour. */
const PURGE_INTERVALS_MINUTES = [5, 10, 15, 20, 30, 60] as const;

export interface ConversionStateBudget {
  readonly ttlSeconds: number;
  readonly purgeIntervalSeconds: number;
  readonly purgeTimeoutSeconds: number;
  readonly versionRetentionSeconds: number;
}

/**
 * Worst case for a state document: it expires `ttlSeconds` after it is written; a purge run may
 * fail, so the next-but-one run (two intervals later) deletes it, taking at most its timeout; old
 * versions stay readable one more hour.
 */
export function stateWorstCaseLifetimeSeconds(b: ConversionStateBudget): number {
  return b.ttlSeconds + 2 * b.purgeIntervalSeconds + b.purgeTimeoutSeconds + b.versionRetentionSeconds;
}

export interface ConversionStateProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** The tenant's region: the purge job runs here, and the database does when the jurisdiction has no Firestore multi-region. */
  readonly region: string;
  /** The conversion-relay image, which also carries the purge command; pinned by digest. */
  readonly image: string;
  /**
   * Seconds a dedup key or suppression lives. It must cover the age past which the relay drops an
   * event (the route retention), so no queued or retried event outlives its suppression. Default 43200.
   */
  readonly ttlSeconds?: number;
  /** Minutes between purge runs: 5, 10, 15, 20, 30 or 60. Default 60. */
  readonly purgeEveryMinutes?: (typeof PURGE_INTERVALS_MINUTES)[number];
  /** Seconds one purge run may take. Default 900. */
  readonly purgeTimeoutSeconds?: number;
  /** Delete protection on the database and the purge job. Default true; lifted only when offboarding. */
  readonly protectData?: boolean;
  /** Encrypt the database with the tenant's Firestore key (ENC-2). Default: Google-managed encryption. */
  readonly encryption?: StoreEncryption;
  /**
   * Declare the purge job. Default true; false while its image waits for its copy into a customer's
   * own project (config/relay-images.ts), when no relay runs either and so nothing is written to purge.
   */
  readonly purgeJob?: boolean;
}

export class ConversionState extends Construct {
  readonly database: FirestoreDatabase;
  /** The purge job; undefined while its image waits for its copy. */
  readonly purge?: ScheduledJob;
  readonly purgeIdentity: WorkloadIdentity;
  readonly budget: ConversionStateBudget;
  readonly location: string;
  /** The key the database is encrypted with, when it has one (ENC-2). */
  readonly encryptionKey?: EncryptionKey;
  private readonly project: TenantProject;

  constructor(scope: Construct, id: string, props: ConversionStateProps) {
    super(scope, id);
    const what = `ConversionState ${this.node.path}`;
    const ttlSeconds = props.ttlSeconds ?? 12 * 60 * 60;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60) throw new Error(`${what}: ttlSeconds must be a whole number of at least 60, got ${ttlSeconds}`);
    const every = props.purgeEveryMinutes ?? 60;
    if (!(PURGE_INTERVALS_MINUTES as readonly number[]).includes(every)) {
      throw new Error(`${what}: purgeEveryMinutes must be one of ${PURGE_INTERVALS_MINUTES.join(', ')}, got ${every}`);
    }
    const purgeTimeoutSeconds = props.purgeTimeoutSeconds ?? 900;
    if (!Number.isInteger(purgeTimeoutSeconds) || purgeTimeoutSeconds < 60 || purgeTimeoutSeconds > every * 60) {
      throw new Error(`${what}: purgeTimeoutSeconds must be a whole number from 60 to the purge interval (${every * 60}), got ${purgeTimeoutSeconds}`);
    }
    this.budget = {
      ttlSeconds,
      purgeIntervalSeconds: every * 60,
      purgeTimeoutSeconds,
      versionRetentionSeconds: FIRESTORE_VERSION_RETENTION_SECONDS,
    };
    const worst = stateWorstCaseLifetimeSeconds(this.budget);
    if (worst > CONVERSION_EVENT_MAX_LIFETIME_SECONDS) {
      throw new Error(
        `${what}: google_firestore_database ${CONVERSION_STATE_DATABASE} could keep a conversion state document ${worst}s (TTL ${ttlSeconds}s + 2 x ${every * 60}s purge interval + ${purgeTimeoutSeconds}s purge run + ${FIRESTORE_VERSION_RETENTION_SECONDS}s old versions), over the ${CONVERSION_EVENT_MAX_LIFETIME_SECONDS}s RET-1 allows (DPA C.4); lower ttlSeconds or purge more often`,
      );
    }
    const rules = jurisdictionRules(props.jurisdiction);
    if (!rules.regions.includes(props.region)) {
      throw new Error(`${what}: region "${props.region}" is not in jurisdiction ${props.jurisdiction} (RES-1); allowed: ${rules.regions.join(', ')}`);
    }
    this.project = props.project;
    this.location = rules.firestoreMultiRegion ?? props.region;
    const protect = props.protectData ?? true;

    const api = props.project.enableApi('firestore.googleapis.com');
    const deps: ITerraformDependable[] = api ? [api] : [];
    if (props.encryption) {
      this.encryptionKey = props.encryption.keys.keyFor('firestore', [this.location], { protect });
      deps.push(this.encryptionKey.grantEncryptDecrypt(props.encryption.serviceAgents.agent('firestore')));
    }
    this.database = new FirestoreDatabase(this, 'database', {
      project: props.project.projectId,
      name: CONVERSION_STATE_DATABASE,
      locationId: this.location,
      type: 'FIRESTORE_NATIVE',
      concurrencyMode: 'OPTIMISTIC',
      // BAK-1 and RET-1: seven days of point-in-time versions would keep state past 24 hours.
      pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_DISABLED',
      deleteProtectionState: protect ? 'DELETE_PROTECTION_ENABLED' : 'DELETE_PROTECTION_DISABLED',
      // The provider default ABANDON would leave the data behind on offboarding.
      deletionPolicy: 'DELETE',
      cmekConfig: this.encryptionKey ? { kmsKeyName: this.encryptionKey.keyName } : undefined,
      dependsOn: deps,
    });
    for (const collection of CONVERSION_STATE_COLLECTIONS) {
      new FirestoreField(this, `ttl-${collection}`, {
        project: props.project.projectId,
        database: this.database.name,
        collection,
        field: CONVERSION_STATE_TTL_FIELD,
        // An empty block turns the TTL policy on; indexing stays inherited so the purge can query the field.
        ttlConfig: {},
      });
    }

    this.purgeIdentity = new WorkloadIdentity(this, 'purge-identity', {
      project: props.project,
      accountId: WORKLOAD_ACCOUNT_IDS.conversionStatePurge,
      displayName: 'Conversion state purge',
      description: `Deletes expired documents from Firestore database ${CONVERSION_STATE_DATABASE} (RET-1).`,
      handlesConversionEvents: true,
    });
    this.grantReadWrite(this.purgeIdentity);
    if (props.purgeJob === false) return;
    this.purge = new ScheduledJob(this, 'purge', {
      project: props.project,
      jurisdiction: props.jurisdiction,
      region: props.region,
      name: 'conversion-state-purge',
      description: `Deletes conversion state past ${CONVERSION_STATE_TTL_FIELD} (RET-1)`,
      image: props.image,
      args: ['purge-expired-state'],
      identity: this.purgeIdentity,
      schedulerAccountId: WORKLOAD_ACCOUNT_IDS.conversionStatePurgeScheduler,
      schedule: every === 60 ? '0 * * * *' : `*/${every} * * * *`,
      timeoutSeconds: purgeTimeoutSeconds,
      // A failed run is covered by the next one, which the budget already counts.
      maxRetries: 0,
      env: this.env,
      deletionProtection: protect,
    });
  }

  /** The settings the relay and the purge job read. */
  get env(): Record<string, string> {
    return {
      CONVERSION_STATE_PROJECT: this.project.projectId,
      CONVERSION_STATE_DATABASE: CONVERSION_STATE_DATABASE,
      CONVERSION_STATE_COLLECTIONS: CONVERSION_STATE_COLLECTIONS.join(','),
      CONVERSION_STATE_TTL_FIELD: CONVERSION_STATE_TTL_FIELD,
      CONVERSION_STATE_TTL_SECONDS: String(this.budget.ttlSeconds),
    };
  }

  get worstCaseLifetimeSeconds(): number {
    return stateWorstCaseLifetimeSeconds(this.budget);
  }

  /**
   * Lets `identity` read and write documents of this database only: roles/datastore.user on the
   * project, narrowed by an IAM condition to this database (Firestore has no database-level policy).
   */
  grantReadWrite(identity: WorkloadIdentity): void {
    identity.grantProjectRole('roles/datastore.user', {
      condition: {
        title: `only-${CONVERSION_STATE_DATABASE}`,
        expression: `resource.name == "projects/${this.project.projectId}/databases/${CONVERSION_STATE_DATABASE}"`,
      },
    });
  }
}
