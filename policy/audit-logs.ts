/**
 * Which services must write Data Access audit logs (LOG-2): those that store or carry Customer
 * Data, as audit configs name them. The DataAccessAuditLogs construct turns them on and LOG-2
 * expects them in the synthesized JSON; both read this table, neither the other.
 */

/**
 * Firestore is configured as `datastore.googleapis.com`, which covers both datastore.googleapis.com
 * and firestore.googleapis.com (cloud.google.com/firestore/docs/audit-logging, Notes).
 */
export const CUSTOMER_DATA_SERVICES = [
  'bigquery.googleapis.com',
  'datastore.googleapis.com',
  'pubsub.googleapis.com',
  'secretmanager.googleapis.com',
  'storage.googleapis.com',
] as const;

/** The log types LOG-2 requires on each of them; Admin Activity logs are always on. */
export const DATA_ACCESS_LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;
