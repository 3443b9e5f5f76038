/** RET-3 tables: time travel, soft delete, each store's deletion horizon, and nothing blocking the offboarding destroy. */
import { ret3DeletionHorizon, ret3OffboardingDestroy, ret3SoftDelete, ret3TimeTravel } from '../../../../compliance/rules/ret-3-deletion-horizon';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const offboarding = tableTenant({ lifecycle: { state: 'offboarding', offboarding: { requested: '2026-11-30' } } });
const dataset = (values: Record<string, unknown>) => stackJson({ google_bigquery_dataset: { d: { dataset_id: 'd', ...values } } });
const bucket = (values: Record<string, unknown>) => stackJson({ google_storage_bucket: { b: { name: 'b', ...values } } });
const project = { p: { project_id: ACME.projectId } };
const onProject = { depends_on: ['google_project.p'] };
const destroyable = { name: 'b', force_destroy: true, soft_delete_policy: { retention_duration_seconds: 0 } };

export const RET_3_TABLES: CheckTable[] = [
  {
    check: ret3TimeTravel,
    violating: [
      { name: 'time travel left at the 168-hour default', json: dataset({}), address: 'google_bigquery_dataset.d', problem: /168 hours \(the default\)/ },
      { name: 'time travel of 49 hours', json: dataset({ max_time_travel_hours: 49 }), problem: /49 hours\.$/ },
      { name: 'time travel given as a string of 72', json: dataset({ max_time_travel_hours: '72' }), problem: /72 hours/ },
    ],
    compliant: [
      { name: 'time travel of 48 hours', json: dataset({ max_time_travel_hours: 48 }), evidence: /48 hours/ },
      { name: 'time travel of 48 hours as a string', json: dataset({ max_time_travel_hours: '48' }), evidence: /48 hours/ },
    ],
    inapplicable: [{ name: 'no dataset', json: bucket({}), reason: /no BigQuery dataset/ }],
  },
  {
    check: ret3SoftDelete,
    violating: [
      { name: 'soft delete of 7 days and a second', json: bucket({ soft_delete_policy: { retention_duration_seconds: 604801 } }), address: 'google_storage_bucket.b', problem: /604801s/ },
    ],
    compliant: [
      { name: 'soft delete of exactly 7 days', json: bucket({ soft_delete_policy: { retention_duration_seconds: 604800 } }), evidence: /604800s/ },
      { name: 'soft delete policy absent (the 7-day default)', json: bucket({}), evidence: /604800s/ },
      { name: 'soft delete policy without a duration', json: bucket({ soft_delete_policy: {} }), evidence: /604800s/ },
      { name: 'soft delete off', json: bucket({ soft_delete_policy: { retention_duration_seconds: 0 } }), evidence: /keeps deleted objects 0s/ },
    ],
    inapplicable: [{ name: 'no bucket', json: dataset({}), reason: /no Cloud Storage bucket/ }],
  },
  {
    check: ret3DeletionHorizon,
    violating: [
      { name: 'a store type without a known horizon', json: stackJson({ google_spanner_database: { s: { name: 's' } } }), address: 'google_spanner_database.s', problem: /google_spanner_database may hold data, but no deletion horizon is known/ },
      {
        name: 'a bucket not depending on the project waits 30 days with it',
        json: stackJson({ google_project: project, google_storage_bucket: { b: { name: 'b', soft_delete_policy: { retention_duration_seconds: 0 } } } }),
        address: 'google_storage_bucket.b',
        problem: /a copy can exist 30\.0 days after deletion \(soft delete 0\.0d \+ shut-down project .* over the 14 days of DPA 10\.1/,
      },
      { name: 'firestore backups kept 15 days', json: stackJson({ google_firestore_backup_schedule: { s: { retention: '1296000s' } } }), problem: /15\.0 days/ },
    ],
    compliant: [
      { name: 'a dataset at the default time travel: exactly 14 days', json: dataset({}), evidence: /BigQuery dataset: gone 14\.0 days after deletion \(time travel window 7\.0d \+ BigQuery fail-safe period 7\.0d\)/ },
      { name: 'a bucket depending on the project', json: stackJson({ google_project: project, google_storage_bucket: { b: { ...destroyable, ...onProject } } }), evidence: /gone 0\.0 days after deletion \(soft delete 0\.0d\)/ },
      { name: 'a secret destroyed at once', json: stackJson({ google_secret_manager_secret: { s: { secret_id: 's' } } }), evidence: /Secret Manager secret: gone 0\.0 days/ },
    ],
    inapplicable: [
      { name: 'only a key and a log bucket (no Customer Data)', json: stackJson({ google_kms_crypto_key: { k: { name: 'k' } }, google_logging_project_bucket_config: { l: { bucket_id: '_Default' } } }), reason: /no Customer Data store/ },
      { name: 'types that are not stores', json: stackJson({ google_storage_bucket_object: { o: { name: 'o' } }, google_pubsub_topic_iam_member: { m: { role: 'roles/pubsub.publisher' } } }), reason: /no Customer Data store/ },
    ],
  },
  {
    check: ret3OffboardingDestroy,
    violating: [
      { name: 'offboarding, bucket without force_destroy', tenant: offboarding, json: bucket({ soft_delete_policy: { retention_duration_seconds: 0 } }), address: 'google_storage_bucket.b', problem: /the tenant is offboarding, but destroy would not delete it: force_destroy is not true/ },
      { name: 'offboarding, bucket protected by prevent_destroy', tenant: offboarding, json: bucket({ force_destroy: true, lifecycle: { prevent_destroy: true } }), problem: /lifecycle\.prevent_destroy is true/ },
      { name: 'offboarding, two blockers listed', tenant: offboarding, json: bucket({ lifecycle: { prevent_destroy: true } }), problem: /still holds objects; lifecycle\.prevent_destroy is true/ },
      { name: 'offboarding, one of two stores blocked', tenant: offboarding, json: stackJson({ google_storage_bucket: { ok: destroyable }, google_bigquery_dataset: { d: { dataset_id: 'd' } } }), address: 'google_bigquery_dataset.d', problem: /delete_contents_on_destroy is not true/ },
    ],
    compliant: [
      { name: 'offboarding, a destroyable bucket', tenant: offboarding, json: stackJson({ google_storage_bucket: { b: destroyable } }), evidence: /Cloud Storage bucket: nothing stops the offboarding destroy/ },
    ],
    inapplicable: [
      { name: 'an active tenant with a protected bucket', json: bucket({ lifecycle: { prevent_destroy: true } }), reason: /the tenant is active, not offboarding/ },
      { name: 'offboarding, no Customer Data store', tenant: offboarding, json: stackJson({ google_kms_crypto_key: { k: { name: 'k' } } }), reason: /no Customer Data store/ },
    ],
  },
];
