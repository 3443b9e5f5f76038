/** RET-1 (DPA C.4): conversion events live at most 24 hours. One table per check. */
import {
  ret1BucketLifecycle,
  ret1ExportTargets,
  ret1FirestoreBackups,
  ret1FirestoreTtl,
  ret1LabelledStores,
  ret1NoSnapshotRoles,
  ret1SubscriptionBudget,
  ret1TableExpiration,
  ret1TopicRetention,
} from '../../../../compliance/rules/ret-1-conversion-retention';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const conversion = { 'data-class': 'conversion-events' };
const topic = (extra: Record<string, unknown> = {}) => ({ name: 'events', labels: conversion, ...extra });
const sub = (extra: Record<string, unknown> = {}) => ({
  name: 'events-relay',
  topic: '${google_pubsub_topic.events.id}',
  message_retention_duration: '43200s',
  ...extra,
});
const goodBucket = (extra: Record<string, unknown> = {}) => ({
  name: 'acme-conv',
  lifecycle_rule: [{ action: { type: 'Delete' }, condition: { age: 1 } }],
  soft_delete_policy: { retention_duration_seconds: 0 },
  ...extra,
});
const labelledBucket = (extra: Record<string, unknown> = {}) => stackJson({ google_storage_bucket: { conv: goodBucket({ labels: conversion, ...extra }) } });
const firestore = (db: Record<string, unknown>, fields: Record<string, Record<string, unknown>> = {}, more = {}) =>
  stackJson({
    google_firestore_database: { state: { name: 'conversion-state', point_in_time_recovery_enablement: 'POINT_IN_TIME_RECOVERY_DISABLED', ...db } },
    ...(Object.keys(fields).length ? { google_firestore_field: fields } : {}),
    ...more,
  });
const ttlField = { database: '${google_firestore_database.state.name}', collection: 'dedup', field: 'expireAt', ttl_config: {} };
const relay = `serviceAccount:conversion-relay@${ACME.projectId}.iam.gserviceaccount.com`;
const tracking = tableTenant({ conversionTracking: { enabled: true, destinations: ['meta'], googleDeniedConsent: 'drop' } });

/** A handed-over tenant resolved as the loader does (its lifecycle view follows the state, which a spread would not update). */
const handedOverTracking = tableTenant({
  conversionTracking: { enabled: true, destinations: ['meta'], googleDeniedConsent: 'drop' },
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: {
    state: 'handed-over',
    handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
  },
});

const deadLetter = (to: string) => ({ dead_letter_policy: { dead_letter_topic: to } });
const exportTo = (config: Record<string, unknown>, more: Record<string, Record<string, Record<string, unknown>>> = {}) =>
  stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub(config) }, ...more });

export const RET_1_TABLES: CheckTable[] = [
  {
    check: ret1TopicRetention,
    violating: [
      { name: 'a topic keeps events 2 days', json: stackJson({ google_pubsub_topic: { events: topic({ message_retention_duration: '172800s' }) } }), address: 'google_pubsub_topic.events' },
      { name: 'one second over the day', json: stackJson({ google_pubsub_topic: { events: topic({ message_retention_duration: '86401s' }) } }) },
    ],
    compliant: [
      { name: 'no topic retention', json: stackJson({ google_pubsub_topic: { events: topic() } }) },
      { name: 'exactly 24 hours', json: stackJson({ google_pubsub_topic: { events: topic({ message_retention_duration: '86400s' }) } }) },
      { name: 'an unlabelled topic is not judged', json: stackJson({ google_pubsub_topic: { events: topic(), other: { name: 'other', message_retention_duration: '604800s' } } }), evidence: /^google_pubsub_topic\.events: keeps events 0s$/, absent: /google_pubsub_topic\.other/ },
    ],
  },
  {
    check: ret1SubscriptionBudget,
    violating: [
      { name: 'subscription without retention (7-day default)', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub({ message_retention_duration: undefined }) } }), address: 'google_pubsub_subscription.relay', problem: /604800s \(provider default\)/ },
      { name: 'one second over the budget', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub({ message_retention_duration: '86401s' }) } }) },
      {
        name: 'dead-letter hop pushes the path over 24 hours',
        json: stackJson({
          google_pubsub_topic: { events: topic(), dead: { name: 'dead' } },
          google_pubsub_subscription: {
            relay: sub({ dead_letter_policy: { dead_letter_topic: '${google_pubsub_topic.dead.id}' } }),
            dead: { name: 'dead-sub', topic: '${google_pubsub_topic.dead.id}', message_retention_duration: '50000s' },
          },
        }),
        address: 'google_pubsub_subscription.relay',
        problem: /google_pubsub_subscription\.relay 43200s -> dead letter google_pubsub_subscription\.dead 50000s/,
      },
      {
        name: 'dead-letter cycle',
        json: stackJson({
          google_pubsub_topic: { events: topic() },
          google_pubsub_subscription: { relay: sub({ dead_letter_policy: { dead_letter_topic: '${google_pubsub_topic.events.id}' } }) },
        }),
        problem: /^an event can live forever along google_pubsub_topic\.events -> google_pubsub_subscription\.relay 43200s -> dead letter google_pubsub_topic\.events \(dead-letter cycle\), over the 86400s budget\.$/,
      },
      { name: 'a subscription naming the topic by its path, over budget', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub({ topic: 'projects/ssx-acme/topics/events', message_retention_duration: '86401s' }) } }), address: 'google_pubsub_subscription.relay', problem: /86401s \(24\.0h\) along google_pubsub_topic\.events -> google_pubsub_subscription\.relay 86401s, over/ },
      {
        name: 'a dead-letter topic named by its path, over budget',
        json: stackJson({ google_pubsub_topic: { events: topic(), dead: { name: 'dead', message_retention_duration: '50000s' } }, google_pubsub_subscription: { relay: sub(deadLetter('projects/ssx-acme/topics/dead')) } }),
        problem: /-> dead letter google_pubsub_topic\.dead 50000s, over/,
      },
      {
        name: 'the dead-letter path counts its longest subscription, not its last',
        json: stackJson({
          google_pubsub_topic: { events: topic(), dead: { name: 'dead' } },
          google_pubsub_subscription: {
            relay: sub(deadLetter('${google_pubsub_topic.dead.id}')),
            long: { name: 'long', topic: '${google_pubsub_topic.dead.id}', message_retention_duration: '50000s' },
            short: { name: 'short', topic: '${google_pubsub_topic.dead.id}', message_retention_duration: '600s' },
          },
        }),
        problem: /-> dead letter google_pubsub_subscription\.long 50000s, over/,
      },
      {
        name: 'two equal dead-letter subscriptions: the first is named',
        json: stackJson({
          google_pubsub_topic: { events: topic(), dead: { name: 'dead' } },
          google_pubsub_subscription: {
            relay: sub(deadLetter('${google_pubsub_topic.dead.id}')),
            a: { name: 'a', topic: '${google_pubsub_topic.dead.id}', message_retention_duration: '50000s' },
            b: { name: 'b', topic: '${google_pubsub_topic.dead.id}', message_retention_duration: '50000s' },
          },
        }),
        problem: /-> dead letter google_pubsub_subscription\.a 50000s, over/,
      },
      { name: 'an unlabelled topic of a conversion subscription keeping events longer', json: stackJson({ google_pubsub_topic: { events: { name: 'events', message_retention_duration: '90000s' } }, google_pubsub_subscription: { relay: sub({ labels: conversion, topic: 'projects/ssx-acme/topics/events' }) } }), address: 'google_pubsub_subscription.relay', problem: /^a conversion event can live 90000s \(25\.0h\) in this subscription and its dead-letter path\.$/ },
      { name: 'labelled subscription of an unlabelled topic over budget', json: stackJson({ google_pubsub_topic: { events: { name: 'events' } }, google_pubsub_subscription: { relay: sub({ labels: conversion, message_retention_duration: '90000s' }) } }) },
      { name: 'labelled subscription whose topic is elsewhere, 7-day default', json: stackJson({ google_pubsub_subscription: { relay: sub({ labels: conversion, topic: 'projects/x/topics/y', message_retention_duration: undefined }) } }) },
    ],
    compliant: [
      { name: '12 hours', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub() } }) },
      { name: 'exactly 24 hours', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub({ message_retention_duration: '86400s' }) } }) },
      {
        name: 'dead-letter path within the budget',
        json: stackJson({
          google_pubsub_topic: { events: topic(), dead: { name: 'dead' } },
          google_pubsub_subscription: {
            relay: sub({ message_retention_duration: '43200s', dead_letter_policy: { dead_letter_topic: '${google_pubsub_topic.dead.id}' } }),
            dead: { name: 'dead-sub', topic: '${google_pubsub_topic.dead.id}', message_retention_duration: '43200s' },
          },
        }),
      },
      { name: 'labelled subscription of an unlabelled topic within budget', json: stackJson({ google_pubsub_topic: { events: { name: 'events' } }, google_pubsub_subscription: { relay: sub({ labels: conversion }) } }), evidence: /^google_pubsub_subscription\.relay: worst case 43200s \(12\.0h\)$/ },
      { name: 'labelled subscription of an unlabelled topic, exactly 24 hours', json: stackJson({ google_pubsub_topic: { events: { name: 'events' } }, google_pubsub_subscription: { relay: sub({ labels: conversion, message_retention_duration: '86400s' }) } }) },
      {
        name: 'a labelled subscription of a labelled topic is judged once, along its path',
        json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub({ labels: conversion }) } }),
        evidence: /^google_pubsub_subscription\.relay: worst case 43200s \(12\.0h\) along google_pubsub_topic\.events -> google_pubsub_subscription\.relay 43200s$/,
        absent: /worst case \S+ \(\S+\)$/,
      },
      {
        name: "an unlabelled topic's subscription is not judged",
        json: stackJson({ google_pubsub_topic: { events: topic(), other: { name: 'other' } }, google_pubsub_subscription: { relay: sub(), plain: { name: 'plain', topic: '${google_pubsub_topic.other.id}' } } }),
        absent: /google_pubsub_subscription\.plain/,
      },
    ],
  },
  {
    check: ret1ExportTargets,
    violating: [
      { name: 'BigQuery export to a table outside the stack', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub({ bigquery_config: { table: 'other.ds.t' } }) } }), address: 'google_pubsub_subscription.relay', problem: /^the subscription writes conversion events to BigQuery table other\.ds\.t, which is not in this stack/ },
      { name: 'Cloud Storage export to a bucket outside the stack', json: exportTo({ cloud_storage_config: { bucket: 'elsewhere' } }), address: 'google_pubsub_subscription.relay', problem: /^the subscription writes conversion events to bucket elsewhere, which is not in this stack/ },
      {
        name: 'a table name with a part too many matches no table',
        json: exportTo({ bigquery_config: { table: 'x.proj.conv.events' } }, { google_bigquery_table: { events: { dataset_id: 'conv', table_id: 'events', time_partitioning: { expiration_ms: 3600000 } } } }),
        address: 'google_pubsub_subscription.relay',
      },
      {
        name: 'a table name with a part too many at the end matches no table',
        json: exportTo({ bigquery_config: { table: 'proj.conv.events.x' } }, { google_bigquery_table: { events: { dataset_id: 'conv', table_id: 'events', time_partitioning: { expiration_ms: 3600000 } } } }),
        address: 'google_pubsub_subscription.relay',
      },
      {
        name: 'Cloud Storage export to a bucket with two problems (both named)',
        json: exportTo({ cloud_storage_config: { bucket: '${google_storage_bucket.conv.name}' } }, { google_storage_bucket: { conv: goodBucket({ lifecycle_rule: undefined, soft_delete_policy: undefined }) } }),
        problem: /^receives conversion events from google_pubsub_subscription\.relay, but no lifecycle rule deletes objects at age <= 1 day; soft delete keeps deleted objects 7 days \(default\)\.$/,
      },
      {
        name: 'BigQuery export to a table without partition expiry',
        json: stackJson({
          google_pubsub_topic: { events: topic() },
          google_pubsub_subscription: { relay: sub({ bigquery_config: { table: 'proj.conv.events' } }) },
          google_bigquery_table: { events: { dataset_id: 'conv', table_id: 'events' } },
        }),
        address: 'google_bigquery_table.events',
      },
      {
        name: 'Cloud Storage export to a bucket with soft delete',
        json: stackJson({
          google_pubsub_topic: { events: topic() },
          google_pubsub_subscription: { relay: sub({ cloud_storage_config: { bucket: '${google_storage_bucket.conv.name}' } }) },
          google_storage_bucket: { conv: goodBucket({ soft_delete_policy: undefined }) },
        }),
        address: 'google_storage_bucket.conv',
      },
    ],
    compliant: [
      {
        name: 'BigQuery export to a table expiring partitions in 24 hours',
        json: stackJson({
          google_pubsub_topic: { events: topic() },
          google_pubsub_subscription: { relay: sub({ bigquery_config: { table: 'proj.conv.events' } }) },
          google_bigquery_dataset: { conv: { dataset_id: 'conv' } },
          google_bigquery_table: { events: { dataset_id: '${google_bigquery_dataset.conv.dataset_id}', table_id: 'events', time_partitioning: { type: 'DAY', expiration_ms: 86400000 } } },
        }),
      },
      {
        name: 'BigQuery export picks the named table among several',
        json: stackJson({
          google_pubsub_topic: { events: topic() },
          google_pubsub_subscription: { relay: sub({ bigquery_config: { table: 'proj:conv.events' } }) },
          google_bigquery_table: {
            other: { dataset_id: 'conv', table_id: 'other' },
            elsewhere: { dataset_id: 'raw', table_id: 'events' },
            events: { dataset_id: 'conv', table_id: 'events', time_partitioning: { expiration_ms: 3600000 } },
          },
        }),
        evidence: /google_bigquery_table\.events: receives conversion events/,
      },
      { name: 'Cloud Storage export to a bucket named, not referenced', json: exportTo({ cloud_storage_config: { bucket: 'acme-conv' } }, { google_storage_bucket: { conv: goodBucket() } }), evidence: /^google_storage_bucket\.conv: receives conversion events from google_pubsub_subscription\.relay and expires them within 24 hours$/ },
      {
        name: 'Cloud Storage export to a 1-day bucket',
        json: stackJson({
          google_pubsub_topic: { events: topic() },
          google_pubsub_subscription: { relay: sub({ cloud_storage_config: { bucket: '${google_storage_bucket.conv.name}' } }) },
          google_storage_bucket: { conv: goodBucket() },
        }),
      },
    ],
  },
  {
    check: ret1BucketLifecycle,
    violating: [
      { name: 'lifecycle deletes at age 2', json: labelledBucket({ lifecycle_rule: [{ action: { type: 'Delete' }, condition: { age: 2 } }] }), address: 'google_storage_bucket.conv' },
      { name: 'lifecycle rule only changes storage class', json: labelledBucket({ lifecycle_rule: [{ action: { type: 'SetStorageClass' }, condition: { age: 1 } }] }) },
      { name: 'no lifecycle rule', json: labelledBucket({ lifecycle_rule: undefined }) },
      { name: 'a lifecycle rule without an action', json: labelledBucket({ lifecycle_rule: [{ condition: { age: 1 } }] }), problem: /no lifecycle rule deletes objects at age <= 1 day/ },
      { name: 'a Delete rule without a condition', json: labelledBucket({ lifecycle_rule: [{ action: { type: 'Delete' } }] }), problem: /no lifecycle rule deletes objects at age <= 1 day/ },
      { name: 'two problems, both named', json: labelledBucket({ versioning: { enabled: true }, retention_policy: { retention_period: 86401 } }), problem: /^versioning keeps noncurrent copies; a retention policy keeps objects 86401s\.$/ },
      { name: 'soft delete left at the 7-day default', json: labelledBucket({ soft_delete_policy: undefined }), problem: /soft delete keeps deleted objects 7 days \(default\)/ },
      { name: 'soft delete of one second', json: labelledBucket({ soft_delete_policy: { retention_duration_seconds: 1 } }), problem: /soft delete keeps deleted objects 1s/ },
      { name: 'versioning on', json: labelledBucket({ versioning: { enabled: true } }) },
      { name: 'retention lock over 24 hours', json: labelledBucket({ retention_policy: { retention_period: 86401 } }) },
    ],
    compliant: [
      { name: 'age 1, no soft delete', json: labelledBucket() },
      { name: 'age 0 among other rules, versioning off, lock of a day', json: labelledBucket({ lifecycle_rule: [{ action: { type: 'SetStorageClass' }, condition: { age: 0 } }, { action: { type: 'Delete' }, condition: { age: 0 } }], versioning: { enabled: false }, retention_policy: { retention_period: 86400 } }) },
    ],
  },
  {
    check: ret1TableExpiration,
    violating: [
      { name: 'table without partitioning', json: stackJson({ google_bigquery_table: { events: { table_id: 'events', labels: conversion } } }), address: 'google_bigquery_table.events' },
      { name: 'partitions kept 24 hours and 1 ms', json: stackJson({ google_bigquery_table: { events: { table_id: 'events', labels: conversion, time_partitioning: { expiration_ms: 86400001 } } } }) },
      { name: 'unpartitioned table under a 24-hour dataset default', json: stackJson({ google_bigquery_dataset: { conv: { dataset_id: 'conv', default_partition_expiration_ms: 86400000 } }, google_bigquery_table: { events: { dataset_id: 'conv', table_id: 'events', labels: conversion } } }), problem: /expiration_ms not set/ },
      { name: 'partitioned table, dataset default too long', json: stackJson({ google_bigquery_dataset: { conv: { dataset_id: 'conv', default_partition_expiration_ms: 86400001 } }, google_bigquery_table: { events: { dataset_id: 'conv', table_id: 'events', labels: conversion, time_partitioning: { type: 'DAY' } } } }) },
      { name: 'dataset without default expirations', json: stackJson({ google_bigquery_dataset: { conv: { dataset_id: 'conv', labels: conversion } } }), address: 'google_bigquery_dataset.conv' },
      { name: 'dataset defaults of 24 hours and 1 ms', json: stackJson({ google_bigquery_dataset: { conv: { dataset_id: 'conv', labels: conversion, default_table_expiration_ms: 86400001, default_partition_expiration_ms: 86400001 } } }) },
    ],
    compliant: [
      { name: 'partitions expire at 24 hours', json: stackJson({ google_bigquery_table: { events: { table_id: 'events', labels: conversion, time_partitioning: { expiration_ms: 86400000 } } } }) },
      { name: 'partitioned table under a 24-hour dataset default', json: stackJson({ google_bigquery_dataset: { conv: { dataset_id: 'conv', default_partition_expiration_ms: 86400000 } }, google_bigquery_table: { events: { dataset_id: 'conv', table_id: 'events', labels: conversion, time_partitioning: { type: 'DAY' } } } }) },
      { name: 'dataset table expiry of 24 hours', json: stackJson({ google_bigquery_dataset: { conv: { dataset_id: 'conv', labels: conversion, default_table_expiration_ms: 86400000 } } }) },
      { name: 'dataset partition expiry of 24 hours', json: stackJson({ google_bigquery_dataset: { conv: { dataset_id: 'conv', labels: conversion, default_partition_expiration_ms: 86400000 } } }) },
    ],
  },
  {
    check: ret1FirestoreTtl,
    violating: [
      { name: 'point-in-time recovery on', json: firestore({ point_in_time_recovery_enablement: 'POINT_IN_TIME_RECOVERY_ENABLED' }, { ttl: ttlField }), address: 'google_firestore_database.state' },
      { name: 'no TTL policy', json: firestore({}, { plain: { ...ttlField, ttl_config: undefined } }) },
      { name: 'a default database holding a conversion collection, no TTL', json: firestore({ name: '(default)' }, { c: { collection: 'conversion-dedup', field: 'x' } }) },
      {
        name: "two conversion databases, the TTL on one only",
        json: stackJson({ google_firestore_database: { state: { name: 'conversion-state' }, dedup: { name: 'conversion-dedup' } }, google_firestore_field: { ttl: ttlField } }),
        address: 'google_firestore_database.dedup',
        problem: /no TTL policy expires its documents/,
      },
    ],
    compliant: [
      { name: 'TTL on dedup, no PITR', json: firestore({}, { ttl: ttlField }) },
      { name: 'TTL on two collections, both named', json: firestore({}, { ttl: ttlField, ttl2: { ...ttlField, collection: 'orders', field: 'purgeAt' } }), evidence: /^google_firestore_database\.state: TTL on dedup\.expireAt, orders\.purgeAt; no point-in-time recovery$/ },
      {
        name: "another database's fields do not make it conversion state",
        json: firestore({}, { ttl: ttlField, conv: { ...ttlField, collection: 'conversions' }, users: { database: '${google_firestore_database.profiles.name}', collection: 'users', field: 'x' } }, { google_firestore_database: { state: { name: 'conversion-state', point_in_time_recovery_enablement: 'POINT_IN_TIME_RECOVERY_DISABLED' }, profiles: { name: 'profiles', point_in_time_recovery_enablement: 'POINT_IN_TIME_RECOVERY_ENABLED' } } }),
        absent: /google_firestore_database\.profiles/,
      },
    ],
  },
  {
    check: ret1FirestoreBackups,
    violating: [
      { name: 'a backup schedule on conversion state', json: firestore({}, { ttl: ttlField }, { google_firestore_backup_schedule: { daily: { database: '${google_firestore_database.state.name}' } } }), address: 'google_firestore_backup_schedule.daily', absent: /google_firestore_database\.state: no backup schedule/ },
      { name: 'a backup schedule naming the database, not referencing it', json: firestore({}, { ttl: ttlField }, { google_firestore_backup_schedule: { daily: { database: 'conversion-state' } } }), address: 'google_firestore_backup_schedule.daily', absent: /google_firestore_database\.state: no backup schedule/ },
      {
        name: 'one of two conversion databases backed up: the other still listed',
        json: stackJson({ google_firestore_database: { state: { name: 'conversion-state' }, dedup: { name: 'conversion-dedup' } }, google_firestore_backup_schedule: { daily: { database: '${google_firestore_database.state.name}' } } }),
        address: 'google_firestore_backup_schedule.daily',
        evidence: /^google_firestore_database\.dedup: no backup schedule$/,
        absent: /google_firestore_database\.state: no backup schedule/,
      },
    ],
    compliant: [
      { name: 'no backup schedule', json: firestore({}, { ttl: ttlField }) },
      {
        name: 'a backup schedule of another database only',
        json: stackJson({
          google_firestore_database: { state: { name: 'conversion-state' }, other: { name: 'profiles' } },
          google_firestore_backup_schedule: { daily: { database: '${google_firestore_database.other.name}' } },
        }),
      },
    ],
  },
  {
    check: ret1NoSnapshotRoles,
    violating: [
      { name: 'pubsub.editor on the conversion topic', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_topic_iam_member: { ed: { topic: '${google_pubsub_topic.events.name}', role: 'roles/pubsub.editor', member: 'group:ops@smartsegments.example' } } }), address: 'google_pubsub_topic_iam_member.ed' },
      { name: 'pubsub.editor project-wide while conversion stores exist', json: stackJson({ google_pubsub_topic: { events: topic() }, google_project_iam_member: { ed: { project: ACME.projectId, role: 'roles/pubsub.editor', member: 'group:ops@smartsegments.example' } } }) },
      { name: "pubsub.editor on a conversion topic's unlabelled subscription", json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub() }, google_pubsub_subscription_iam_member: { ed: { subscription: '${google_pubsub_subscription.relay.name}', role: 'roles/pubsub.editor', member: 'group:ops@smartsegments.example' } } }), address: 'google_pubsub_subscription_iam_member.ed', problem: /^roles\/pubsub\.editor carries pubsub\.snapshots\.create, letting group:ops@smartsegments\.example snapshot conversion events/ },
      {
        name: 'pubsub.editor on the table a conversion subscription exports to',
        json: exportTo({ bigquery_config: { table: 'proj.conv.events' } }, { google_bigquery_table: { events: { dataset_id: 'conv', table_id: 'events' } }, google_bigquery_table_iam_member: { ed: { dataset_id: 'conv', table_id: '${google_bigquery_table.events.table_id}', role: 'roles/pubsub.editor', member: 'group:ops@smartsegments.example' } } }),
        address: 'google_bigquery_table_iam_member.ed',
      },
      { name: 'pubsub.editor to the relay on an unlabelled topic', json: stackJson({ google_pubsub_topic: { events: topic(), other: { name: 'other' } }, google_pubsub_topic_iam_member: { ed: { topic: '${google_pubsub_topic.other.name}', role: 'roles/pubsub.editor', member: relay } } }) },
    ],
    inapplicable: [
      { name: 'pubsub.editor project-wide, but no conversion store', json: stackJson({ google_pubsub_topic: { other: { name: 'other' } }, google_project_iam_member: { ed: { project: ACME.projectId, role: 'roles/pubsub.editor', member: 'group:ops@smartsegments.example' } } }) },
    ],
    compliant: [
      { name: 'subscriber on the subscription only', json: stackJson({ google_pubsub_topic: { events: topic() }, google_pubsub_subscription: { relay: sub() }, google_pubsub_subscription_iam_member: { sub: { subscription: '${google_pubsub_subscription.relay.name}', role: 'roles/pubsub.subscriber', member: relay } } }) },
      { name: 'platform: pubsub.editor to a whole domain on an unrelated topic (a member without an email is not the relay)', kind: 'platform', json: stackJson({ google_pubsub_topic: { events: topic(), other: { name: 'other' } }, google_pubsub_topic_iam_member: { ed: { topic: '${google_pubsub_topic.other.name}', role: 'roles/pubsub.editor', member: 'domain:smartsegments.example' } } }), evidence: /no snapshot-capable role on the 1 conversion stores/ },
      { name: 'a conversion subscription exporting to a table outside the stack', json: exportTo({ bigquery_config: { table: 'other.ds.t' } }), evidence: /no snapshot-capable role on the 2 conversion stores/ },
      { name: 'platform: pubsub.editor to a group on an unrelated topic', kind: 'platform', json: stackJson({ google_pubsub_topic: { events: topic(), other: { name: 'other' } }, google_pubsub_topic_iam_member: { ed: { topic: '${google_pubsub_topic.other.name}', role: 'roles/pubsub.editor', member: 'group:ops@smartsegments.example' } } }), evidence: /no snapshot-capable role on the 1 conversion stores/ },
      { name: 'pubsub.editor on an unrelated topic to another account', json: stackJson({ google_pubsub_topic: { events: topic(), other: { name: 'other' } }, google_pubsub_topic_iam_member: { ed: { topic: '${google_pubsub_topic.other.name}', role: 'roles/pubsub.editor', member: 'group:ops@smartsegments.example' } } }) },
    ],
  },
  {
    check: ret1LabelledStores,
    violating: [{ name: 'conversion tracking on, nothing labelled', tenant: tracking, json: stackJson({ google_pubsub_topic: { events: { name: 'events' } } }), address: '(stack)' }],
    compliant: [{ name: 'conversion tracking on, topic labelled', tenant: tracking, json: stackJson({ google_pubsub_topic: { events: topic() } }), evidence: /1 stores labelled/ }],
    inapplicable: [
      { name: 'no conversion tracking', json: stackJson({ google_pubsub_topic: { events: { name: 'events' } } }), reason: /^the tenant tracks no conversions here$/ },
      { name: 'conversion tracking, but the project is handed over', tenant: handedOverTracking, json: stackJson({ google_pubsub_topic: { events: { name: 'events' } } }) },
    ],
  },
];
