/**
 * The promises of the Smart Segments DPA (v1.0) that the platform keeps, each stated once, with its
 * clause. Constructs take their values from here, the rule pack its limits, the reports and the
 * deletion certificate their wording: a change of the DPA is a change of this file. Google's own
 * windows (fail-safe, default retentions, project purge) are in policy/gcp-defaults.ts.
 */
import {
  BIGQUERY_FAIL_SAFE,
  BIGQUERY_MIN_TIME_TRAVEL,
  LOGGING_REQUIRED_BUCKET_RETENTION,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
  STORAGE_DEFAULT_SOFT_DELETE,
  secondsOf,
} from './gcp-defaults';

/** A promise of the DPA: a number of days or hours, and the clause that makes it. */
export interface DpaPromise {
  readonly days?: number;
  readonly hours?: number;
  readonly clause: string;
}

/** DPA 10.1: Customer Data is deleted within 14 days of the customer's instruction (RET-3, DEL-1, DEL-2). */
export const DELETION_PROMISE = { days: 14, clause: '10.1' } as const satisfies DpaPromise;

/** DPA Annex II 4: "Standard log retention is 30 days" (LOG-1, DEL-1 for system logs). */
export const STANDARD_LOG_RETENTION = { days: 30, clause: 'Annex II 4' } as const satisfies DpaPromise;

/**
 * DPA Annex II 4: logs "may be retained for longer periods where required for security or audit
 * purposes" (and the security exception of 10.3): the central audit logs are kept as long as
 * Google keeps Admin Activity logs in every project's `_Required` bucket, so the central copy never
 * ends before the local one; a full year of Data Access logs plus the time to investigate, notify
 * (8.1) and answer the yearly questionnaire or audit (9.1, 9.2) (LOG-2).
 */
export const AUDIT_LOG_RETENTION = { days: LOGGING_REQUIRED_BUCKET_RETENTION.days, clause: 'Annex II 4' } as const satisfies DpaPromise;

/** DPA C.4: conversion event data is kept "a maximum of 24 hours from receipt" (RET-1). */
export const CONVERSION_EVENT_MAX_LIFETIME = { hours: 24, clause: 'C.4' } as const satisfies DpaPromise;

/** DPA 8.1: a Personal Data Breach is notified within 48 hours of becoming aware of it (BRE-1). */
export const BREACH_NOTICE = { hours: 48, clause: '8.1' } as const satisfies DpaPromise;

/**
 * DPA Annex II 1 and 2 ask for managed keys and secrets "rotated periodically"; Smart Segments'
 * measure is at most every 90 days, for encryption keys (ENC-2) and integration credentials (SEC-2).
 */
export const MAX_ROTATION = { days: 90, clause: 'Annex II 1, 2' } as const satisfies DpaPromise;

/**
 * The longest BigQuery time travel that keeps the deletion promise: BigQuery's shortest window
 * (48 hours), which with the 7 days of fail-safe ends 9 days after deletion (RET-3, DPA 10.1).
 */
export const MAX_TIME_TRAVEL = { hours: BIGQUERY_MIN_TIME_TRAVEL.hours, clause: DELETION_PROMISE.clause } as const satisfies DpaPromise;

/** The longest Cloud Storage soft delete allowed on a Customer Data bucket: Google's default of 7 days (RET-3). */
export const MAX_SOFT_DELETE = { days: STORAGE_DEFAULT_SOFT_DELETE.days, clause: DELETION_PROMISE.clause } as const satisfies DpaPromise;

/**
 * The most days a KMS key version may stay scheduled for destruction: then crypto-shredding still
 * ends within the deletion promise (DEL-2, DPA 10.1).
 */
export const MAX_KMS_DESTROY_SCHEDULED = { days: DELETION_PROMISE.days, clause: DELETION_PROMISE.clause } as const satisfies DpaPromise;

/** Seconds of a promise stated in days or hours. */
export function promiseSeconds(p: DpaPromise): number {
  return (p.days ?? 0) * SECONDS_PER_DAY + (p.hours ?? 0) * SECONDS_PER_HOUR;
}

/** How a promise reads in a message: "14 days (DPA 10.1)". */
export function describePromise(p: DpaPromise): string {
  const amount = p.days !== undefined ? `${p.days} days` : `${p.hours} hours`;
  return `${amount} (DPA ${p.clause})`;
}

export const DELETION_PROMISE_SECONDS = promiseSeconds(DELETION_PROMISE);
export const CONVERSION_EVENT_MAX_LIFETIME_SECONDS = promiseSeconds(CONVERSION_EVENT_MAX_LIFETIME);

/** `date` plus `days` calendar days, both YYYY-MM-DD (UTC). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day Customer Data may exist after a deletion request made on `requested` (YYYY-MM-DD). */
export function deletionDeadline(requested: string): string {
  return addDays(requested, DELETION_PROMISE.days);
}

/**
 * The last calendar day a copy can exist when the store was deleted at some time on `deleted` and
 * copies last `seconds` longer: deleted at 23:59, a copy kept one hour lives into the next day.
 */
export function latestCopyDate(deleted: string, seconds: number): string {
  return addDays(deleted, Math.ceil(seconds / SECONDS_PER_DAY));
}

/**
 * Whether copies that outlive a deletion by `copySeconds` keep the deletion promise (DPA 10.1).
 * Without dates, the deletion is assumed on the day of the request (RET-3, BAK-1: what the
 * configuration allows); with the request and the day the deletion ran, by calendar day (the
 * deletion certificate, DEL-1).
 */
export function withinDeletionPromise(copySeconds: number, dates?: { readonly requested: string; readonly deleted: string }): boolean {
  if (!dates) return copySeconds <= DELETION_PROMISE_SECONDS;
  return latestCopyDate(dates.deleted, copySeconds) <= deletionDeadline(dates.requested);
}

/** BigQuery's recovery window after a dataset or table is deleted: time travel, then fail-safe. */
export function bigqueryRecoverySeconds(timeTravelHours: number): number {
  return timeTravelHours * SECONDS_PER_HOUR + secondsOf(BIGQUERY_FAIL_SAFE);
}

/** The promises' numbers as the constructs and rules use them (derived, never restated). */
export const STANDARD_LOG_RETENTION_DAYS = STANDARD_LOG_RETENTION.days;
export const AUDIT_LOG_RETENTION_DAYS = AUDIT_LOG_RETENTION.days;
export const MAX_ROTATION_DAYS = MAX_ROTATION.days;
