/**
 * Google Cloud's own defaults and fixed windows that decide how long a copy of data outlives its
 * deletion. They are Google's facts, not promises of the DPA (those are in policy/dpa.ts): each one
 * is stated here once, with the page that documents it, and read by the constructs, the rule pack,
 * the reports and the deletion certificate alike.
 */

export const SECONDS_PER_HOUR = 60 * 60;
export const SECONDS_PER_DAY = 24 * SECONDS_PER_HOUR;

/** A fixed window of Google's, in days or hours, with the page that states it. */
export interface PlatformDefault {
  readonly days?: number;
  readonly hours?: number;
  readonly doc: string;
}

/** Pub/Sub keeps a subscription's unacknowledged messages 7 days unless `message_retention_duration` is set. */
export const PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION = {
  days: 7,
  doc: 'https://cloud.google.com/pubsub/docs/subscription-properties#retention_duration',
} as const satisfies PlatformDefault;

/** BigQuery keeps deleted data 7 more days after the time travel window ("fail-safe"); not configurable. */
export const BIGQUERY_FAIL_SAFE = {
  days: 7,
  doc: 'https://cloud.google.com/bigquery/docs/time-travel#fail-safe',
} as const satisfies PlatformDefault;

/** BigQuery's time travel window when `max_time_travel_hours` is not set: 168 hours (7 days). */
export const BIGQUERY_DEFAULT_TIME_TRAVEL = {
  hours: 168,
  doc: 'https://cloud.google.com/bigquery/docs/time-travel#configure_the_time_travel_window',
} as const satisfies PlatformDefault;

/** The shortest BigQuery time travel window a dataset may have (48 hours, in steps of 24 up to 168). */
export const BIGQUERY_MIN_TIME_TRAVEL = {
  hours: 48,
  doc: 'https://cloud.google.com/bigquery/docs/time-travel#configure_the_time_travel_window',
} as const satisfies PlatformDefault;

/** Cloud Storage soft delete when no policy is set: 7 days. */
export const STORAGE_DEFAULT_SOFT_DELETE = {
  days: 7,
  doc: 'https://cloud.google.com/storage/docs/soft-delete#retention-duration',
} as const satisfies PlatformDefault;

/** Firestore serves old versions for 1 hour without point-in-time recovery. */
export const FIRESTORE_VERSION_RETENTION = {
  hours: 1,
  doc: 'https://cloud.google.com/firestore/docs/pitr',
} as const satisfies PlatformDefault;

/** Firestore with point-in-time recovery serves old versions for 7 days. */
export const FIRESTORE_PITR_RETENTION = {
  days: 7,
  doc: 'https://cloud.google.com/firestore/docs/pitr',
} as const satisfies PlatformDefault;

/** Cloud Logging buckets (`_Default` and new ones) keep logs 30 days unless `retention_days` is set. */
export const LOGGING_DEFAULT_RETENTION = {
  days: 30,
  doc: 'https://cloud.google.com/logging/quotas#logs_retention_periods',
} as const satisfies PlatformDefault;

/** Cloud Logging's `_Required` bucket (admin activity, system event audit logs): 400 days, not configurable. */
export const LOGGING_REQUIRED_BUCKET_RETENTION = {
  days: 400,
  doc: 'https://cloud.google.com/logging/docs/routing/overview#required-bucket',
} as const satisfies PlatformDefault;

/** Cloud KMS keeps a version scheduled for destruction 30 days unless `destroy_scheduled_duration` is set. */
export const KMS_DEFAULT_DESTROY_SCHEDULED = {
  days: 30,
  doc: 'https://cloud.google.com/kms/docs/destroy-restore#about_key_version_destruction',
} as const satisfies PlatformDefault;

/** A shut-down project stays recoverable, with everything in it, for 30 days, then Google purges it. */
export const PROJECT_PENDING_DELETION = {
  days: 30,
  doc: 'https://cloud.google.com/resource-manager/docs/creating-managing-projects#shutting_down_projects',
} as const satisfies PlatformDefault;

/** Deleted data can remain in Google's backup systems for up to about 180 days. */
export const GOOGLE_BACKUP_EXPIRY = {
  days: 180,
  doc: 'https://cloud.google.com/docs/security/deletion#deletion_timeline',
} as const satisfies PlatformDefault;

/** Seconds of a window stated in days or hours. */
export function secondsOf(window: PlatformDefault): number {
  return (window.days ?? 0) * SECONDS_PER_DAY + (window.hours ?? 0) * SECONDS_PER_HOUR;
}
