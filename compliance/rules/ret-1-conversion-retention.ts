/**
 * RET-1 (DPA C.4): conversion events live at most 24 hours from receipt. Every store labelled
 * `data-class: conversion-events` is checked, and retention is judged as a budget along each path
 * an event can take: topic -> subscription -> dead-letter topic -> its subscriptions, the clock
 * restarting at each dead-letter publish (policy/retention-budget, the same function the
 * pipeline construct uses). Subscriptions that export to BigQuery or Cloud Storage are followed to
 * the table or bucket. Buckets need a lifecycle age of at most 1 day and no soft delete; tables
 * need partition expiration of at most 24 hours; Firestore conversion state needs TTL policies and no
 * point-in-time recovery or backups. No role that
 * can snapshot a subscription (keeping events 7 days) is granted on a conversion store or to a
 * workload handling conversion events.
 */
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { findTarget, grantsOf, isHandoverOwnerGrant } from '../grants';
import { FORBIDDEN_FOR_CONVERSION_WORKLOADS, rolePermissions } from '../../policy/iam-roles';
import { block, blocks } from '../json-blocks';
import { CONVERSION_EVENT_MAX_LIFETIME, CONVERSION_EVENT_MAX_LIFETIME_SECONDS } from '../../policy/dpa';
import { PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION, secondsOf } from '../../policy/gcp-defaults';
import { parseDurationSeconds, worstCaseLifetimeSeconds } from '../../policy/retention-budget';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';
import { handoverOwnerGroup, isConversionEventStore, runsDataPlane } from '../scope';
import type { SynthesizedResource, SynthesizedStack } from '../synthesized-stack';

const MAX = CONVERSION_EVENT_MAX_LIFETIME_SECONDS;
const DEFAULT_SUBSCRIPTION_SECONDS = secondsOf(PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION);
const MAX_MS = MAX * 1000;
const H = CONVERSION_EVENT_MAX_LIFETIME.hours;

function subscriptionsOf(stack: SynthesizedStack, topic: SynthesizedResource): SynthesizedResource[] {
  return stack
    .ofType('google_pubsub_subscription')
    .filter((s) => findTarget(stack, 'google_pubsub_topic', String(s.values.topic ?? '')) === topic);
}

function topicSeconds(t: SynthesizedResource): number {
  return parseDurationSeconds(t.values.message_retention_duration) ?? 0;
}

function subscriptionSeconds(s: SynthesizedResource): number {
  return parseDurationSeconds(s.values.message_retention_duration) ?? DEFAULT_SUBSCRIPTION_SECONDS;
}

interface Path {
  readonly seconds: number;
  /** The stores along the worst path, for the message. */
  readonly route: string;
}

/**
 * Worst-case lifetime of an event from its publish to `topic`, counting every subscription and
 * every dead-letter hop after it. `seen` guards against dead-letter cycles.
 */
function topicLifetime(stack: SynthesizedStack, topic: SynthesizedResource, seen: Set<string>): Path {
  if (seen.has(topic.address)) return { seconds: Infinity, route: `${topic.address} (dead-letter cycle)` };
  const next = new Set(seen).add(topic.address);
  let worst: Path = { seconds: topicSeconds(topic), route: `${topic.address} ${topicSeconds(topic)}s` };
  for (const sub of subscriptionsOf(stack, topic)) {
    const p = subscriptionLifetime(stack, topic, sub, next);
    if (p.seconds > worst.seconds) worst = p;
  }
  return worst;
}

function subscriptionLifetime(stack: SynthesizedStack, topic: SynthesizedResource, sub: SynthesizedResource, seen: Set<string>): Path {
  const deadLetter = findTarget(
    stack,
    'google_pubsub_topic',
    String(block(sub.values.dead_letter_policy)?.dead_letter_topic ?? '') || undefined,
  );
  const after = deadLetter ? topicLifetime(stack, deadLetter, seen) : { seconds: 0, route: '' };
  const seconds = worstCaseLifetimeSeconds({
    topicSeconds: topicSeconds(topic),
    subscriptionSeconds: subscriptionSeconds(sub),
    // The dead-letter topic's own copy and everything downstream of it, as one figure.
    deadLetterTopicSeconds: after.seconds,
    deadLetterSubscriptionSeconds: 0,
  });
  const subText = `${sub.address} ${
    sub.values.message_retention_duration === undefined
      ? `${DEFAULT_SUBSCRIPTION_SECONDS}s (provider default)`
      : String(sub.values.message_retention_duration)
  }`;
  return { seconds, route: deadLetter ? `${subText} -> dead letter ${after.route}` : subText };
}

function bucketProblems(b: SynthesizedResource): string[] {
  const problems: string[] = [];
  const rules = blocks(b.values.lifecycle_rule);
  const deletes = rules.filter((r) => block(r.action)?.type === 'Delete').map((r) => Number(block(r.condition)?.age));
  if (!deletes.some((age) => Number.isFinite(age) && age <= 1)) problems.push('no lifecycle rule deletes objects at age <= 1 day');
  const softDelete = block(b.values.soft_delete_policy)?.retention_duration_seconds;
  if (softDelete === undefined || Number(softDelete) !== 0)
    problems.push(`soft delete keeps deleted objects ${softDelete === undefined ? '7 days (default)' : `${String(softDelete)}s`}`);
  if (block(b.values.versioning)?.enabled === true) problems.push('versioning keeps noncurrent copies');
  const lock = block(b.values.retention_policy)?.retention_period;
  if (lock !== undefined && Number(lock) > MAX) problems.push(`a retention policy keeps objects ${String(lock)}s`);
  return problems;
}

function tableProblems(stack: SynthesizedStack, t: SynthesizedResource): string[] {
  const partitionMs = Number(block(t.values.time_partitioning)?.expiration_ms);
  if (Number.isFinite(partitionMs) && partitionMs <= MAX_MS) return [];
  const dataset = findTarget(stack, 'google_bigquery_dataset', String(t.values.dataset_id ?? ''));
  const datasetMs = Number(dataset?.values.default_partition_expiration_ms);
  if (block(t.values.time_partitioning) && Number.isFinite(datasetMs) && datasetMs <= MAX_MS) return [];
  return [`rows never expire within ${H} hours (time_partitioning.expiration_ms ${Number.isFinite(partitionMs) ? partitionMs : 'not set'})`];
}

function datasetProblems(d: SynthesizedResource): string[] {
  const table = Number(d.values.default_table_expiration_ms);
  const partition = Number(d.values.default_partition_expiration_ms);
  return (Number.isFinite(table) && table <= MAX_MS) || (Number.isFinite(partition) && partition <= MAX_MS)
    ? []
    : [`neither default_table_expiration_ms nor default_partition_expiration_ms is at most ${MAX_MS} (${H} hours)`];
}

/** Stores a subscription writes into: a BigQuery table or a bucket, which must then hold events <= 24h too. */
function exportTargets(
  stack: SynthesizedStack,
  sub: SynthesizedResource,
): Array<{ what: string; resource?: SynthesizedResource; type: string }> {
  const out: Array<{ what: string; resource?: SynthesizedResource; type: string }> = [];
  const bq = block(sub.values.bigquery_config);
  if (bq && typeof bq.table === 'string') {
    const [, dataset, table] = /^(?:[^.:]+[.:])?([^.]+)\.([^.]+)$/.exec(bq.table) ?? [];
    const resource =
      findTarget(stack, 'google_bigquery_table', bq.table) ??
      stack
        .ofType('google_bigquery_table')
        .find(
          (t) =>
            t.values.table_id === table &&
            (t.values.dataset_id === dataset || String(t.values.dataset_id).includes('google_bigquery_dataset.')),
        );
    out.push({ what: `BigQuery table ${bq.table}`, resource, type: 'google_bigquery_table' });
  }
  const gcs = block(sub.values.cloud_storage_config);
  if (gcs && typeof gcs.bucket === 'string')
    out.push({
      what: `bucket ${gcs.bucket}`,
      resource: findTarget(stack, 'google_storage_bucket', gcs.bucket),
      type: 'google_storage_bucket',
    });
  return out;
}

function snapshotGrants(ctx: RuleContext, conversionAddresses: Set<string>): Finding[] {
  const findings: Finding[] = [];
  const owner = handoverOwnerGroup(ctx.tenant);
  const relay = ctx.tenant ? `${WORKLOAD_ACCOUNT_IDS.conversionRelay}@${ctx.tenant.projectId}.iam.gserviceaccount.com` : undefined;
  for (const g of grantsOf(ctx.stack)) {
    const forbidden = FORBIDDEN_FOR_CONVERSION_WORKLOADS.filter((p) => rolePermissions(g.role).includes(p));
    if (forbidden.length === 0 || isHandoverOwnerGrant(g, owner)) continue;
    const onStore = g.target.address !== undefined && conversionAddresses.has(g.target.address);
    const projectWide = g.target.level !== 'resource' && conversionAddresses.size > 0;
    const toRelay = relay !== undefined && g.principal.email === relay;
    if (onStore || projectWide || toRelay) {
      findings.push(
        nonCompliant(
          g.address,
          `${g.role} carries ${forbidden.join(', ')}, letting ${g.principal.member} snapshot conversion events and keep them up to 7 days.`,
          'grant a role without snapshot permissions, such as roles/pubsub.subscriber on the one subscription.',
        ),
      );
    }
  }
  return findings;
}

const fix24h = `expire what it holds within ${H} hours.`;

/** Subscriptions of labelled conversion topics: they hold conversion events, labelled or not. */
function conversionSubscriptions(stack: SynthesizedStack): Array<{ topic: SynthesizedResource; sub: SynthesizedResource }> {
  return stack.resources
    .filter((r) => r.type === 'google_pubsub_topic' && isConversionEventStore(r))
    .flatMap((topic) => subscriptionsOf(stack, topic).map((sub) => ({ topic, sub })));
}

/** Firestore takes no labels: a database named for conversion state, or holding a collection named so, is a conversion store. */
function conversionFirestores(stack: SynthesizedStack): SynthesizedResource[] {
  const fields = stack.ofType('google_firestore_field');
  return stack
    .ofType('google_firestore_database')
    .filter(
      (d) =>
        /conversion/i.test(String(d.values.name ?? '')) ||
        fields.some((f) => /conversion/i.test(String(f.values.collection ?? '')) && firestoreOf(stack, f) === d),
    );
}

function firestoreOf(stack: SynthesizedStack, f: SynthesizedResource): SynthesizedResource | undefined {
  return findTarget(stack, 'google_firestore_database', String(f.values.database ?? '(default)'));
}

/** Every store of the stack that holds conversion events: labelled, reached from a conversion topic, or Firestore state. */
function conversionStores(stack: SynthesizedStack): Set<string> {
  const out = new Set(stack.resources.filter(isConversionEventStore).map((r) => r.address));
  for (const { sub } of conversionSubscriptions(stack)) {
    out.add(sub.address);
    for (const t of exportTargets(stack, sub)) if (t.resource) out.add(t.resource.address);
  }
  for (const d of conversionFirestores(stack)) out.add(d.address);
  return out;
}

const labelled = (ctx: RuleContext, type: string) => ctx.stack.ofType(type).filter(isConversionEventStore);
const hours = (seconds: number) => (Number.isFinite(seconds) ? `${seconds}s (${(seconds / 3600).toFixed(1)}h)` : 'forever');

export const ret1TopicRetention = defineCheck({
  id: 'RET-1/topic-retention',
  explanation: `A conversion topic keeps its own copy of every event at most ${H} hours.`,
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    return labelled(ctx, 'google_pubsub_topic').map((topic) =>
      topicSeconds(topic) > MAX
        ? nonCompliant(
            topic.address,
            `the topic keeps every event ${topicSeconds(topic)}s, over ${MAX}s.`,
            `lower message_retention_duration to at most ${MAX}s, or leave it unset.`,
          )
        : compliant(topic.address, `keeps events ${topicSeconds(topic)}s`),
    );
  },
});

export const ret1SubscriptionBudget = defineCheck({
  id: 'RET-1/subscription-budget',
  explanation: `An event lives at most ${H} hours along topic, subscription and dead-letter hops (policy/retention-budget.ts).`,
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const stack = ctx.stack;
    const findings: Finding[] = [];
    const judged = new Set<string>();
    for (const { topic, sub } of conversionSubscriptions(stack)) {
      judged.add(sub.address);
      const p = subscriptionLifetime(stack, topic, sub, new Set([topic.address]));
      findings.push(
        p.seconds > MAX
          ? nonCompliant(
              sub.address,
              `an event can live ${hours(p.seconds)} along ${topic.address} -> ${p.route}, over the ${MAX}s budget.`,
              `lower the subscription and dead-letter retentions so that together they fit in ${MAX}s (ConversionPipeline checks this when built).`,
            )
          : compliant(sub.address, `worst case ${hours(p.seconds)} along ${topic.address} -> ${p.route}`),
      );
    }
    for (const sub of labelled(ctx, 'google_pubsub_subscription').filter((r) => !judged.has(r.address))) {
      const topic = findTarget(stack, 'google_pubsub_topic', String(sub.values.topic ?? ''));
      const seconds = topic ? subscriptionLifetime(stack, topic, sub, new Set([topic.address])).seconds : subscriptionSeconds(sub);
      findings.push(
        seconds > MAX
          ? nonCompliant(sub.address, `a conversion event can live ${hours(seconds)} in this subscription and its dead-letter path.`, `keep it within ${MAX}s.`)
          : compliant(sub.address, `worst case ${hours(seconds)}`),
      );
    }
    return findings;
  },
});

export const ret1ExportTargets = defineCheck({
  id: 'RET-1/export-targets',
  explanation: `A table or bucket a conversion subscription writes into is in the stack and expires what it holds within ${H} hours.`,
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const stack = ctx.stack;
    const findings: Finding[] = [];
    for (const { sub } of conversionSubscriptions(stack)) {
      for (const t of exportTargets(stack, sub)) {
        if (!t.resource) {
          findings.push(
            nonCompliant(
              sub.address,
              `the subscription writes conversion events to ${t.what}, which is not in this stack, so its retention cannot be checked.`,
              `write to a table or bucket of this stack with a ${H}-hour expiry.`,
            ),
          );
          continue;
        }
        const problems = t.type === 'google_bigquery_table' ? tableProblems(stack, t.resource) : bucketProblems(t.resource);
        findings.push(
          problems.length > 0
            ? nonCompliant(t.resource.address, `receives conversion events from ${sub.address}, but ${problems.join('; ')}.`, fix24h)
            : compliant(t.resource.address, `receives conversion events from ${sub.address} and expires them within ${H} hours`),
        );
      }
    }
    return findings;
  },
});

export const ret1BucketLifecycle = defineCheck({
  id: 'RET-1/bucket-lifecycle',
  explanation: 'A conversion bucket deletes objects at age <= 1 day, with no soft delete, versioning or longer lock.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    return labelled(ctx, 'google_storage_bucket').map((b) => {
      const problems = bucketProblems(b);
      return problems.length
        ? nonCompliant(
            b.address,
            `${problems.join('; ')}.`,
            'add a lifecycle rule deleting objects at age 1, set soft_delete_policy.retention_duration_seconds to 0, and keep versioning off.',
          )
        : compliant(b.address, 'objects deleted at age <= 1 day, no soft delete');
    });
  },
});

export const ret1TableExpiration = defineCheck({
  id: 'RET-1/table-expiration',
  explanation: `A conversion table or dataset expires its partitions or tables within ${H} hours.`,
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const tables = labelled(ctx, 'google_bigquery_table').map((t) => {
      const problems = tableProblems(ctx.stack, t);
      return problems.length
        ? nonCompliant(t.address, `${problems.join('; ')}.`, `partition the table and set time_partitioning.expiration_ms to at most ${MAX_MS}.`)
        : compliant(t.address, `partitions expire within ${H} hours`);
    });
    const datasets = labelled(ctx, 'google_bigquery_dataset').map((d) => {
      const problems = datasetProblems(d);
      return problems.length
        ? nonCompliant(d.address, `${problems.join('; ')}.`, `set default_partition_expiration_ms (or default_table_expiration_ms) to at most ${MAX_MS}.`)
        : compliant(d.address, `tables expire within ${H} hours`);
    });
    return [...tables, ...datasets];
  },
});

export const ret1FirestoreTtl = defineCheck({
  id: 'RET-1/firestore-ttl',
  explanation: 'Firestore conversion state has TTL policies and no point-in-time recovery (7 days of versions).',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const stack = ctx.stack;
    return conversionFirestores(stack).map((d) => {
      const ttl = stack.ofType('google_firestore_field').filter((f) => firestoreOf(stack, f) === d && f.values.ttl_config !== undefined);
      if (d.values.point_in_time_recovery_enablement === 'POINT_IN_TIME_RECOVERY_ENABLED')
        return nonCompliant(
          d.address,
          'point-in-time recovery keeps 7 days of versions of conversion events.',
          'set point_in_time_recovery_enablement to POINT_IN_TIME_RECOVERY_DISABLED.',
        );
      if (ttl.length === 0)
        return nonCompliant(
          d.address,
          'no TTL policy expires its documents, so conversion state never expires.',
          'add a TTL policy (google_firestore_field ttl_config) on each collection and a purge job (ConversionState).',
        );
      return compliant(d.address, `TTL on ${ttl.map((f) => `${String(f.values.collection)}.${String(f.values.field)}`).join(', ')}; no point-in-time recovery`);
    });
  },
});

export const ret1FirestoreBackups = defineCheck({
  id: 'RET-1/firestore-backups',
  explanation: `No backup schedule copies Firestore conversion state: backups outlive the ${H}-hour promise.`,
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const stack = ctx.stack;
    const firestores = conversionFirestores(stack);
    const backups = stack
      .ofType('google_firestore_backup_schedule')
      .filter((x) => firestores.includes(findTarget(stack, 'google_firestore_database', String(x.values.database ?? ''))!));
    return [
      ...backups.map((b) =>
        nonCompliant(b.address, `backs up conversion state, and backups outlive the ${H}-hour promise.`, 'remove the backup schedule from the conversion state database.'),
      ),
      ...firestores.filter((d) => !backups.some((b) => findTarget(stack, 'google_firestore_database', String(b.values.database ?? '')) === d))
        .map((d) => compliant(d.address, 'no backup schedule')),
    ];
  },
});

export const ret1NoSnapshotRoles = defineCheck({
  id: 'RET-1/no-snapshot-roles',
  explanation: 'No role that can snapshot a subscription (keeping events 7 days) is granted on a conversion store or to the relay.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const stores = conversionStores(ctx.stack);
    const violations = snapshotGrants(ctx, stores);
    if (violations.length > 0 || stores.size === 0) return violations;
    return [compliant(STACK_ADDRESS, `no snapshot-capable role on the ${stores.size} conversion stores or to the relay`)];
  },
});

export const ret1LabelledStores = defineCheck({
  id: 'RET-1/labelled-stores',
  explanation: 'A tenant with conversion tracking has its conversion stores labelled data-class: conversion-events, so the budget can be judged.',
  appliesTo: ['tenant'],
  check(ctx) {
    if (!ctx.tenant?.conversionTracking.enabled || !runsDataPlane(ctx.tenant)) return [notApplicable('the tenant tracks no conversions here')];
    const stores = ctx.stack.resources.filter(isConversionEventStore);
    if (stores.length > 0) return [compliant(stores[0].address, `${stores.length} stores labelled data-class: conversion-events`)];
    return [
      nonCompliant(
        STACK_ADDRESS,
        `conversion tracking is enabled but no store is labelled data-class: conversion-events, so its ${H}-hour budget cannot be checked.`,
        'build conversion events with ConversionPipeline, which labels its stores.',
      ),
    ];
  },
});

/** The checks of RET-1, in the order the report lists them. */
export const ret1ConversionRetentionChecks = [
  ret1TopicRetention,
  ret1SubscriptionBudget,
  ret1ExportTargets,
  ret1BucketLifecycle,
  ret1TableExpiration,
  ret1FirestoreTtl,
  ret1FirestoreBackups,
  ret1NoSnapshotRoles,
  ret1LabelledStores,
] as const;
