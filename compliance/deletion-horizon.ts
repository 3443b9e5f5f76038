/**
 * Deletion horizons (RET-3, DEL-1, DEL-2): for every data store in a synthesized stack, how long a
 * copy of its data can still exist in Google's live systems after `cdktf destroy` deleted it, read
 * from the settings Terraform will apply (never typed in), plus anything that would stop the
 * destroy from deleting it at all.
 *
 * Generic per resource type, so the computation follows the data plane as it grows. A resource of
 * a data-bearing service that has no rule here makes the inventory incomplete, and the
 * certificate refuses to claim deletion until a rule is added: a new kind of store is never
 * skipped silently.
 */
import {
  BIGQUERY_DEFAULT_TIME_TRAVEL,
  BIGQUERY_FAIL_SAFE,
  FIRESTORE_PITR_RETENTION,
  FIRESTORE_VERSION_RETENTION,
  KMS_DEFAULT_DESTROY_SCHEDULED,
  LOGGING_DEFAULT_RETENTION,
  PROJECT_PENDING_DELETION,
  PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
  STORAGE_DEFAULT_SOFT_DELETE,
  secondsOf,
} from '../policy/gcp-defaults';
import { parseDurationSeconds } from '../policy/retention-budget';
import { block } from './json-blocks';
import { dependsTransitivelyOn, type SynthesizedResource, type SynthesizedStack } from './synthesized-stack';

/** Seconds per hour and per day (policy/gcp-defaults.ts), under the short names the rules use. */
export const HOUR = SECONDS_PER_HOUR;
export const DAY = SECONDS_PER_DAY;

/**
 * What the DPA promises for a store's data:
 * - `customer-data`: deleted within DELETION_PROMISE of the request (policy/dpa.ts, RET-3);
 * - `system-logs`: personal data in system logs is kept for STANDARD_LOG_RETENTION (policy/dpa.ts) and then
 *   deleted automatically (DPA 10.3);
 * - `key-material`: key versions whose destruction makes every copy encrypted with them, backups
 *   included, unreadable (crypto-shredding, DEL-2).
 */
export type StoreCategory = 'customer-data' | 'system-logs' | 'key-material';

export interface HorizonComponent {
  /** What keeps the copy, for example "time travel window". */
  readonly what: string;
  readonly seconds: number;
  /** `configured`: read from the stack; `default`: the attribute is absent and Google's default applies; `fixed`: not configurable. */
  readonly source: 'configured' | 'default' | 'fixed';
  /** The attribute and value it was read from, for example `max_time_travel_hours = "48"`. */
  readonly setting?: string;
}

export interface DataStore {
  readonly address: string;
  readonly type: string;
  /** Construct path, so a finding points at the code. */
  readonly path: string;
  /** Human name of the kind of store, for example "BigQuery dataset". */
  readonly kind: string;
  readonly category: StoreCategory;
  /** Added up: the copy outlives the deletion by at most the sum (each window starts when the previous ends). */
  readonly components: readonly HorizonComponent[];
  readonly retentionSeconds: number;
  /** Why `cdktf destroy` would not delete this store (empty when it would). */
  readonly blockers: readonly string[];
}

export interface ProjectInfo {
  readonly address: string;
  readonly projectId: string;
  readonly deletionPolicy: string;
}

export interface StoreInventory {
  readonly stores: readonly DataStore[];
  /** Resources of data-bearing services that have no rule here (the inventory is incomplete). */
  readonly unclassified: ReadonlyArray<{ readonly address: string; readonly type: string }>;
  /** The tenant project, when the stack creates it (not for a customer's own project). */
  readonly project?: ProjectInfo;
}

// Google's windows (policy/gcp-defaults.ts, with their docs) in the unit the inventory adds up.
export const BIGQUERY_FAIL_SAFE_SECONDS = secondsOf(BIGQUERY_FAIL_SAFE);
export const BIGQUERY_DEFAULT_TIME_TRAVEL_HOURS = BIGQUERY_DEFAULT_TIME_TRAVEL.hours;
export const STORAGE_DEFAULT_SOFT_DELETE_SECONDS = secondsOf(STORAGE_DEFAULT_SOFT_DELETE);
export const PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION_SECONDS = secondsOf(PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION);
export const FIRESTORE_VERSION_RETENTION_SECONDS = secondsOf(FIRESTORE_VERSION_RETENTION);
export const FIRESTORE_PITR_RETENTION_SECONDS = secondsOf(FIRESTORE_PITR_RETENTION);
export const LOGGING_DEFAULT_RETENTION_DAYS = LOGGING_DEFAULT_RETENTION.days;
export const KMS_DEFAULT_DESTROY_SCHEDULED_SECONDS = secondsOf(KMS_DEFAULT_DESTROY_SCHEDULED);
export const PROJECT_PENDING_DELETION_SECONDS = secondsOf(PROJECT_PENDING_DELETION);

interface StoreRule {
  readonly kind: string;
  readonly category: StoreCategory;
  /** Throws with a message when a setting cannot be read (for example an unresolved expression). */
  components(r: SynthesizedResource, stack: SynthesizedStack): HorizonComponent[];
  /** Why destroy would not delete it; lifecycle.prevent_destroy is checked for every store. */
  blockers?(r: SynthesizedResource): string[];
}

// ---------------------------------------------------------------------------------------------
// Reading attribute values as Terraform will see them
// ---------------------------------------------------------------------------------------------

function isExpression(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

function unreadable(attribute: string, v: unknown): Error {
  return new Error(`${attribute} is ${JSON.stringify(v)}, which cannot be read from the configuration`);
}

function readInteger(attribute: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  throw unreadable(attribute, v);
}

function readDuration(attribute: string, v: unknown): number | undefined {
  if (isExpression(v)) throw unreadable(attribute, v);
  try {
    return parseDurationSeconds(v);
  } catch {
    throw unreadable(attribute, v);
  }
}

function setting(attribute: string, v: unknown): string {
  return `${attribute} = ${JSON.stringify(v)}`;
}

/**
 * A window read from one attribute: `seconds` as configured from its value `raw`, or, when the
 * attribute is absent (`seconds` undefined), the default Google applies then.
 */
function configuredOrDefault(
  what: string,
  attribute: string,
  raw: unknown,
  seconds: number | undefined,
  unset: { readonly seconds: number; readonly setting: string },
): HorizonComponent {
  return seconds === undefined
    ? { what, seconds: unset.seconds, source: 'default', setting: unset.setting }
    : { what, seconds, source: 'configured', setting: setting(attribute, raw) };
}

/** A store whose one window is a top-level duration attribute (for example `"604800s"`). */
function durationWindow(what: string, attribute: string, unset: { readonly seconds: number; readonly setting: string }): StoreRule['components'] {
  return (r) => {
    const raw = r.values[attribute];
    return [configuredOrDefault(what, attribute, raw, readDuration(attribute, raw), unset)];
  };
}

// ---------------------------------------------------------------------------------------------
// Rules, one per store type
// ---------------------------------------------------------------------------------------------

function bigqueryDatasetComponents(values: Readonly<Record<string, unknown>> | undefined): HorizonComponent[] {
  const raw = values?.max_time_travel_hours;
  const hours = readInteger('max_time_travel_hours', raw);
  return [
    configuredOrDefault('time travel window', 'max_time_travel_hours', raw, hours === undefined ? undefined : hours * HOUR, {
      seconds: BIGQUERY_DEFAULT_TIME_TRAVEL_HOURS * HOUR,
      setting: 'max_time_travel_hours not set (168 hours)',
    }),
    { what: 'BigQuery fail-safe period', seconds: BIGQUERY_FAIL_SAFE_SECONDS, source: 'fixed' },
  ];
}

const RULES: Readonly<Record<string, StoreRule>> = {
  google_bigquery_dataset: {
    kind: 'BigQuery dataset',
    category: 'customer-data',
    components: (r) => bigqueryDatasetComponents(r.values),
    blockers: (r) =>
      r.values.delete_contents_on_destroy === true
        ? []
        : ['delete_contents_on_destroy is not true: destroy fails on a dataset that still holds tables'],
  },
  google_bigquery_table: {
    kind: 'BigQuery table',
    category: 'customer-data',
    // A deleted table is recoverable within its dataset's time travel window, then fail-safe.
    components: (r, stack) => {
      const dataset =
        stack.resolveReference(r.values.dataset_id) ??
        stack.ofType('google_bigquery_dataset').find((d) => d.values.dataset_id === r.values.dataset_id);
      return bigqueryDatasetComponents(dataset?.values);
    },
    blockers: (r) =>
      r.values.deletion_protection === false
        ? []
        : ['deletion_protection is not false (the provider defaults it to true): destroy refuses to delete the table'],
  },
  google_storage_bucket: {
    kind: 'Cloud Storage bucket',
    category: 'customer-data',
    components: (r) => {
      const attribute = 'soft_delete_policy.retention_duration_seconds';
      const raw = block(r.values.soft_delete_policy)?.retention_duration_seconds;
      return [
        configuredOrDefault('soft delete', attribute, raw, readInteger(attribute, raw), {
          seconds: STORAGE_DEFAULT_SOFT_DELETE_SECONDS,
          setting: `soft_delete_policy not set (${STORAGE_DEFAULT_SOFT_DELETE_SECONDS} seconds)`,
        }),
      ];
    },
    blockers: (r) => {
      const out: string[] = [];
      if (r.values.force_destroy !== true) out.push('force_destroy is not true: destroy fails on a bucket that still holds objects');
      const retention = block(r.values.retention_policy);
      if (retention?.retention_period !== undefined) {
        out.push(
          `retention_policy keeps every object ${JSON.stringify(retention.retention_period)} seconds: destroy cannot delete objects before then`,
        );
      }
      return out;
    },
  },
  google_pubsub_topic: {
    kind: 'Pub/Sub topic',
    category: 'customer-data',
    components: durationWindow('topic message retention', 'message_retention_duration', {
      seconds: 0,
      setting: 'message_retention_duration not set (the topic keeps no messages)',
    }),
  },
  google_pubsub_subscription: {
    kind: 'Pub/Sub subscription',
    category: 'customer-data',
    components: durationWindow('subscription message retention', 'message_retention_duration', {
      seconds: PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION_SECONDS,
      setting: `message_retention_duration not set (${PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION.days} days)`,
    }),
  },
  google_firestore_database: {
    kind: 'Firestore database',
    category: 'customer-data',
    components: (r) => {
      const raw = r.values.point_in_time_recovery_enablement;
      if (isExpression(raw)) throw unreadable('point_in_time_recovery_enablement', raw);
      return [
        raw === 'POINT_IN_TIME_RECOVERY_ENABLED'
          ? { what: 'point-in-time recovery versions', seconds: FIRESTORE_PITR_RETENTION_SECONDS, source: 'configured', setting: setting('point_in_time_recovery_enablement', raw) }
          : { what: 'old document versions', seconds: FIRESTORE_VERSION_RETENTION_SECONDS, source: raw === undefined ? 'default' : 'configured', setting: raw === undefined ? 'point-in-time recovery not enabled (1 hour of versions)' : setting('point_in_time_recovery_enablement', raw) },
      ];
    },
    blockers: (r) => {
      const out: string[] = [];
      if (r.values.deletion_policy !== 'DELETE') {
        out.push(
          `deletion_policy is ${r.values.deletion_policy === undefined ? 'not set (the provider defaults it to ABANDON)' : JSON.stringify(r.values.deletion_policy)}: destroy would only forget the database and leave its data in place`,
        );
      }
      if (r.values.delete_protection_state === 'DELETE_PROTECTION_ENABLED') {
        out.push('delete_protection_state is DELETE_PROTECTION_ENABLED: destroy refuses to delete the database');
      }
      return out;
    },
  },
  google_firestore_backup_schedule: {
    kind: 'Firestore backups',
    category: 'customer-data',
    // Deleting a database does not delete its backups: they live until their retention ends.
    components: (r) => {
      const raw = r.values.retention;
      const seconds = readDuration('retention', raw);
      if (seconds === undefined) throw new Error('retention is not set; a backup schedule always has one');
      return [{ what: 'backup retention (backups outlive the database)', seconds, source: 'configured', setting: setting('retention', raw) }];
    },
  },
  google_secret_manager_secret: secretRule('Secret Manager secret'),
  google_secret_manager_regional_secret: secretRule('Secret Manager regional secret'),
  google_logging_project_bucket_config: {
    kind: 'Cloud Logging bucket',
    category: 'system-logs',
    // Destroy does not delete a project's _Default bucket; its logs expire with its retention.
    components: (r) => {
      const raw = r.values.retention_days;
      const days = readInteger('retention_days', raw);
      return [
        configuredOrDefault('log retention', 'retention_days', raw, days === undefined ? undefined : days * DAY, {
          seconds: LOGGING_DEFAULT_RETENTION_DAYS * DAY,
          setting: `retention_days not set (${LOGGING_DEFAULT_RETENTION_DAYS} days)`,
        }),
      ];
    },
  },
  google_kms_crypto_key: {
    kind: 'Cloud KMS key',
    category: 'key-material',
    // Destroying the key schedules every version for destruction; copies stay readable until then.
    components: durationWindow('scheduled destruction of key versions', 'destroy_scheduled_duration', {
      seconds: KMS_DEFAULT_DESTROY_SCHEDULED_SECONDS,
      setting: `destroy_scheduled_duration not set (${KMS_DEFAULT_DESTROY_SCHEDULED.days} days)`,
    }),
  },
};

function secretRule(kind: string): StoreRule {
  return {
    kind,
    category: 'customer-data',
    components: durationWindow('delayed destruction of versions', 'version_destroy_ttl', {
      seconds: 0,
      setting: 'version_destroy_ttl not set (versions are destroyed at once)',
    }),
  };
}

/** Resource types whose every resource might hold data; anything here without a rule is unclassified. */
export const DATA_SERVICE_PREFIXES: readonly string[] = [
  'google_alloydb_',
  'google_artifact_registry_',
  'google_bigquery_',
  'google_bigtable_',
  'google_compute_disk',
  'google_compute_image',
  'google_compute_region_disk',
  'google_compute_snapshot',
  'google_dataproc_',
  'google_datastore_',
  'google_filestore_',
  'google_firebase_',
  'google_firestore_',
  'google_healthcare_',
  'google_kms_',
  'google_logging_',
  'google_memcache_',
  'google_pubsub_',
  'google_redis_',
  'google_secret_manager_',
  'google_spanner_',
  'google_sql_',
  'google_storage_',
  'google_vertex_ai_',
];

/**
 * Types of those services that hold no data of their own, or whose data is deleted with the
 * store that contains it, and why.
 */
export const NOT_STORES: Readonly<Record<string, string>> = {
  // The one repository a tenant stack has (a customer's own project, TenantImageRepository).
  google_artifact_registry_repository: "container images of Smart Segments' relay code, copied from the platform registry; no Customer Data",
  google_bigquery_dataset_access: 'an access grant',
  google_bigquery_routine: 'code, not data',
  google_bigquery_connection: 'connection settings',
  google_bigquery_data_transfer_config: 'a transfer schedule; the data lands in a dataset',
  google_storage_bucket_object: 'deleted with its bucket',
  google_storage_bucket_acl: 'an access grant',
  google_storage_default_object_acl: 'an access grant',
  google_storage_object_acl: 'an access grant',
  google_storage_notification: 'a notification setting',
  google_pubsub_schema: 'a message schema, not messages',
  google_firestore_document: 'deleted with its database',
  google_firestore_index: 'an index definition',
  // A TTL policy deletes expired documents about 24 hours late while the database lives; deleting
  // the database removes every document regardless, so it adds nothing to the horizon.
  google_firestore_field: 'a field setting (index or TTL policy)',
  google_logging_project_sink: 'routes logs to a bucket; the logs live in the destination',
  google_logging_project_exclusion: 'a filter',
  google_logging_metric: 'a counter over logs',
  google_logging_log_view: 'a view over a bucket',
  google_logging_linked_dataset: 'a read-only view of a log bucket',
  google_kms_key_ring: 'a container of keys; holds no key material',
  google_kms_crypto_key_version: 'destroyed with its key',
  google_secret_manager_secret_version: 'destroyed with its secret',
  google_secret_manager_regional_secret_version: 'destroyed with its secret',
};

function isIamResource(type: string): boolean {
  return /_iam_(member|binding|policy|audit_config)$/.test(type);
}

/** Every data store of the stack with its horizon and blockers, sorted by address. */
export function inventoryDataStores(stack: SynthesizedStack): StoreInventory {
  const projectResource = stack.ofType('google_project')[0];
  const project = projectResource
    ? {
        address: projectResource.address,
        projectId: String(projectResource.values.project_id),
        deletionPolicy: String(projectResource.values.deletion_policy ?? 'PREVENT'),
      }
    : undefined;
  const stores: DataStore[] = [];
  const unclassified: Array<{ address: string; type: string }> = [];
  for (const r of stack.resources) {
    const rule = RULES[r.type];
    if (!rule) {
      if (DATA_SERVICE_PREFIXES.some((p) => r.type.startsWith(p)) && !NOT_STORES[r.type] && !isIamResource(r.type)) {
        unclassified.push({ address: r.address, type: r.type });
      }
      continue;
    }
    const blockers: string[] = [];
    let components: HorizonComponent[] = [];
    try {
      components = rule.components(r, stack);
    } catch (e) {
      blockers.push(`its deletion horizon cannot be computed: ${(e as Error).message}`);
    }
    blockers.push(...(rule.blockers?.(r) ?? []));
    const lifecycle = block(r.values.lifecycle);
    if (lifecycle?.prevent_destroy === true) blockers.push('lifecycle.prevent_destroy is true: destroy refuses to delete it');
    // A store that does not depend on the project may outlive it: Terraform is then free to shut
    // the project down first, and the store waits with the project for 30 days.
    if (projectResource && rule.category === 'customer-data' && !dependsTransitivelyOn(stack, r, projectResource.address)) {
      components.push({
        what: 'shut-down project (the store does not depend on the project, so destroy may shut the project down first)',
        seconds: PROJECT_PENDING_DELETION_SECONDS,
        source: 'fixed',
      });
    }
    stores.push({
      address: r.address,
      type: r.type,
      path: r.path,
      kind: rule.kind,
      category: rule.category,
      components,
      retentionSeconds: components.reduce((sum, c) => sum + c.seconds, 0),
      blockers,
    });
  }
  stores.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  unclassified.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { stores, unclassified, project };
}
