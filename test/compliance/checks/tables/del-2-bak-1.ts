/** DEL-2 tables (keys' scheduled destruction, their protection) and BAK-1 (recovery suited to each store, within 14 days). */
import { bak1Recovery } from '../../../../compliance/rules/bak-1-recovery';
import { del2CryptoShredding, del2DestroyScheduled } from '../../../../compliance/rules/del-2-crypto-shredding';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const offboarding = tableTenant({ lifecycle: { state: 'offboarding', offboarding: { requested: '2026-11-30' } } });
const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });
const key = (values: Record<string, unknown> = {}) => ({ k: { name: 'k', key_ring: 'projects/x/locations/europe-west1/keyRings/r', destroy_scheduled_duration: '604800s', ...values } });
const encrypted = { encryption: { default_kms_key_name: '${google_kms_crypto_key.k.id}' } };
/** A key and a bucket it encrypts; `bucket` adds to the bucket. */
const keyed = (keyValues: Record<string, unknown> = {}, bucket: Record<string, unknown> = {}) =>
  stackJson({ google_kms_crypto_key: key(keyValues), google_storage_bucket: { b: { name: 'b', location: 'EUROPE-WEST1', ...encrypted, ...bucket } } });
/** A key encrypting two buckets, `bucket` added to both. */
const twoBuckets = (keyValues: Record<string, unknown> = {}, bucket: Record<string, unknown> = {}) =>
  stackJson({ google_kms_crypto_key: key(keyValues), google_storage_bucket: { a: { name: 'a', ...encrypted, ...bucket }, b: { name: 'b', ...encrypted, ...bucket } } });
const protectedKey = { lifecycle: { prevent_destroy: true } };
const conversion = { 'data-class': 'conversion-events' };
const project = { p: { project_id: ACME.projectId } };
const onProject = { depends_on: ['google_project.p'] };

export const DEL_2_BAK_1_TABLES: CheckTable[] = [
  {
    check: del2DestroyScheduled,
    violating: [
      { name: 'destroy_scheduled_duration not set', json: keyed({ destroy_scheduled_duration: undefined }), address: 'google_kms_crypto_key.k', problem: /not set, so destroyed versions stay readable for the Cloud KMS default of 30 days/ },
      { name: 'scheduled 14 days and a second', json: keyed({ destroy_scheduled_duration: '1209601s' }), problem: /stay scheduled 14\.0 days, so copies stay readable/ },
      { name: 'an empty destroy_scheduled_duration', json: keyed({ destroy_scheduled_duration: '' }), problem: /is not set/ },
      { name: 'a dataset and a table inheriting its encryption, no key: one store', json: stackJson({ google_bigquery_dataset: { d: { dataset_id: 'd' } }, google_bigquery_table: { t: { dataset_id: 'd', table_id: 't' } } }), problem: /holds 1 Customer Data store\(s\)/ },
      { name: 'a store and no key of its own', json: stackJson({ google_storage_bucket: { b: { name: 'b' } } }), address: '(stack)', problem: /holds 1 Customer Data store\(s\) but no key of its own/ },
    ],
    compliant: [
      { name: 'scheduled exactly 14 days', json: keyed({ destroy_scheduled_duration: '1209600s' }), evidence: /stay scheduled 14\.0 days, within/ },
      { name: 'scheduled 7 days, as a number', json: keyed({ destroy_scheduled_duration: 604800 }), evidence: /7\.0 days/ },
    ],
    inapplicable: [
      { name: "the customer's own project", tenant: customerProject, json: keyed({ destroy_scheduled_duration: undefined }), reason: /is the customer's own \(HAND-2\)/ },
      { name: 'no key and no store', json: stackJson({ google_pubsub_topic_iam_member: { m: { role: 'roles/pubsub.publisher' } } }), reason: /no Customer Data store and no key/ },
    ],
  },
  {
    check: del2CryptoShredding,
    violating: [
      { name: 'served: the store is protected, the key is not', json: keyed({}, { lifecycle: { prevent_destroy: true } }), address: 'google_kms_crypto_key.k', problem: /destroying this key would make google_storage_bucket\.b unreadable/ },
      { name: 'served: two protected stores, the key not', json: twoBuckets({}, { lifecycle: { prevent_destroy: true } }), problem: /make google_storage_bucket\.a, google_storage_bucket\.b unreadable/ },
      { name: 'offboarding: the key is still protected', tenant: offboarding, json: keyed(protectedKey), problem: /the tenant is offboarding, but lifecycle\.prevent_destroy keeps the key/ },
    ],
    compliant: [
      { name: 'served: key and store both protected', json: keyed(protectedKey, { lifecycle: { prevent_destroy: true } }), evidence: /protected from destroy while the tenant is served; .* gone 7\.0 days later/ },
      { name: 'served: neither protected', json: keyed(), evidence: /not protected, as none of its stores is/ },
      { name: 'served: a protected key whose store is not', json: keyed(protectedKey), evidence: /protected from destroy while the tenant is served/ },
      { name: 'offboarding: the unprotected key shreds its bucket', tenant: offboarding, json: keyed(), evidence: /destroyed by the offboarding; its versions are gone 7\.0 days later, and with them every copy of google_storage_bucket\.b/ },
      { name: 'offboarding: the key shreds two buckets', tenant: offboarding, json: twoBuckets(), evidence: /every copy of google_storage_bucket\.a, google_storage_bucket\.b,/ },
      { name: 'offboarding: a key encrypting nothing', tenant: offboarding, json: stackJson({ google_kms_crypto_key: key({ destroy_scheduled_duration: undefined }) }), evidence: /gone 30\.0 days later, and with them every copy of what it encrypted/ },
    ],
    inapplicable: [
      { name: 'no key', json: stackJson({ google_storage_bucket: { b: { name: 'b' } } }), reason: /the stack holds no key/ },
      { name: "the customer's own project", tenant: customerProject, json: keyed(), reason: /the customer's own \(HAND-2\)/ },
    ],
  },
  {
    check: bak1Recovery,
    violating: [
      { name: 'a bucket without soft delete', json: stackJson({ google_storage_bucket: { b: { name: 'b', soft_delete_policy: { retention_duration_seconds: 0 } } } }), address: 'google_storage_bucket.b', problem: /Cloud Storage bucket has no recovery window \(soft_delete_policy\.retention_duration_seconds = 0\)/ },
      { name: 'a bucket whose only window is the shut-down project', json: stackJson({ google_project: project, google_storage_bucket: { b: { name: 'b', soft_delete_policy: { retention_duration_seconds: 0 } } } }), problem: /no recovery window/ },
      { name: 'a firestore database without PITR or TTL', json: stackJson({ google_firestore_database: { db: { name: 'profiles' } } }), address: 'google_firestore_database.db', problem: /neither point-in-time recovery nor a TTL/ },
      { name: 'a TTL on another database only', json: stackJson({ google_firestore_database: { db: { name: 'profiles' } }, google_firestore_field: { f: { database: 'state', collection: 'c', field: 'expires', ttl_config: {} } } }), problem: /neither point-in-time recovery/ },
      { name: 'a field of the database without a TTL', json: stackJson({ google_firestore_database: { db: { name: 'profiles' } }, google_firestore_field: { f: { database: '${google_firestore_database.db.name}', collection: 'c', field: 'x' } } }), problem: /neither point-in-time recovery/ },
      { name: 'a bucket whose soft delete and shut-down project last 37 days', json: stackJson({ google_project: project, google_storage_bucket: { b: { name: 'b' } } }), problem: /recovery copies last 37\.0 days, past the 14-day deletion promise/ },
      { name: 'a subscription kept 15 days', json: stackJson({ google_pubsub_subscription: { s: { name: 's', message_retention_duration: '1296000s' } } }), problem: /recovery copies last 15\.0 days/ },
    ],
    compliant: [
      { name: 'a dataset: time travel then fail-safe', json: stackJson({ google_bigquery_dataset: { d: { dataset_id: 'd', max_time_travel_hours: 48 } } }), evidence: /BigQuery dataset: time travel window 2\.0d, then BigQuery fail-safe period 7\.0d/ },
      { name: 'a bucket with soft delete, depending on the project', json: stackJson({ google_project: project, google_storage_bucket: { b: { name: 'b', ...onProject } } }), evidence: /Cloud Storage bucket: soft delete 7\.0d$/ },
      { name: 'a conversion bucket without soft delete', json: stackJson({ google_storage_bucket: { b: { name: 'b', labels: conversion, soft_delete_policy: { retention_duration_seconds: 0 } } } }), evidence: /conversion events, deliberately not backed up/ },
      { name: 'a topic', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), evidence: /a transient queue; unacknowledged messages are redelivered within its retention$/ },
      { name: 'a conversion subscription', json: stackJson({ google_pubsub_subscription: { s: { name: 's', labels: conversion, message_retention_duration: '86400s' } } }), evidence: /conversion events: at most 24 hours, RET-1/ },
      { name: 'a secret', json: stackJson({ google_secret_manager_secret: { s: { secret_id: 's' } } }), evidence: /earlier versions stay until destroyed/ },
      { name: 'a regional secret', json: stackJson({ google_secret_manager_regional_secret: { s: { secret_id: 's', location: 'europe-west1' } } }), evidence: /earlier versions stay until destroyed/ },
      { name: 'a firestore database with PITR', json: stackJson({ google_firestore_database: { db: { name: 'profiles', point_in_time_recovery_enablement: 'POINT_IN_TIME_RECOVERY_ENABLED' } } }), evidence: /point-in-time recovery \(7 days\)/ },
      { name: 'a firestore database of TTL-bound state', json: stackJson({ google_firestore_database: { db: { name: 'state' } }, google_firestore_field: { f: { database: '${google_firestore_database.db.name}', collection: 'c', field: 'expires', ttl_config: {} } } }), evidence: /short-lived state with a TTL/ },
    ],
    inapplicable: [{ name: 'only a key (no Customer Data store)', json: stackJson({ google_kms_crypto_key: key() }), reason: /the stack holds no Customer Data store/ }],
  },
];
