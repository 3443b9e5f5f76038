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
import { STACK_ADDRESS, compliant, defineRule, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';
import { handoverOwnerGroup, isConversionEventStore, runsDataPlane } from '../scope';
import type { SynthesizedResource, SynthesizedStack } from '../synthesized-stack';

const MAX = CONVERSION_EVENT_MAX_LIFETIME_SECONDS;
const DEFAULT_SUBSCRIPTION_SECONDS = secondsOf(PUBSUB_SUBSCRIPTION_DEFAULT_RETENTION);
const MAX_MS = MAX * 1000;

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
  return [`rows never expire within ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours (time_partitioning.expiration_ms ${Number.isFinite(partitionMs) ? partitionMs : 'not set'})`];
}

function datasetProblems(d: SynthesizedResource): string[] {
  const table = Number(d.values.default_table_expiration_ms);
  const partition = Number(d.values.default_partition_expiration_ms);
  return (Number.isFinite(table) && table <= MAX_MS) || (Number.isFinite(partition) && partition <= MAX_MS)
    ? []
    : [`neither default_table_expiration_ms nor default_partition_expiration_ms is at most ${CONVERSION_EVENT_MAX_LIFETIME_SECONDS * 1000} (${CONVERSION_EVENT_MAX_LIFETIME.hours} hours)`];
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

export const ret1ConversionRetention = defineRule({
  control: 'RET-1',
  explanation:
    `Every store of conversion events keeps them at most ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours, judged as a budget across topic, subscription and dead-letter hops.`,
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const stack = ctx.stack;
    const findings: Finding[] = [];
    const labelled = stack.resources.filter(isConversionEventStore);
    const conversion = new Set(labelled.map((r) => r.address));
    const topics = labelled.filter((r) => r.type === 'google_pubsub_topic');
    // Every subscription reached from a conversion topic holds conversion events, labelled or not.
    const judged = new Set<string>();
    for (const topic of topics) {
      const own = topicSeconds(topic);
      if (own > MAX)
        findings.push(
          nonCompliant(
            topic.address,
            `the topic keeps every event ${own}s, over ${MAX}s.`,
            `lower message_retention_duration to at most ${MAX}s, or leave it unset.`,
          ),
        );
      const subs = subscriptionsOf(stack, topic);
      if (subs.length === 0 && own <= MAX) findings.push(compliant(topic.address, `keeps events ${own}s (no subscription)`));
      for (const sub of subs) {
        judged.add(sub.address);
        conversion.add(sub.address);
        const p = subscriptionLifetime(stack, topic, sub, new Set([topic.address]));
        if (p.seconds > MAX) {
          findings.push(
            nonCompliant(
              sub.address,
              `an event can live ${Number.isFinite(p.seconds) ? `${p.seconds}s (${(p.seconds / 3600).toFixed(1)}h)` : 'forever'} along ${
                topic.address
              } -> ${p.route}, over the ${MAX}s budget.`,
              'lower the subscription and dead-letter retentions so that together they fit in 86400s (ConversionPipeline checks this when built).',
            ),
          );
        } else {
          findings.push(
            compliant(sub.address, `worst case ${p.seconds}s (${(p.seconds / 3600).toFixed(1)}h) along ${topic.address} -> ${p.route}`),
          );
        }
        for (const t of exportTargets(stack, sub)) {
          if (!t.resource) {
            findings.push(
              nonCompliant(
                sub.address,
                `the subscription writes conversion events to ${t.what}, which is not in this stack, so its retention cannot be checked.`,
                'write to a table or bucket of this stack with a 24-hour expiry.',
              ),
            );
            continue;
          }
          conversion.add(t.resource.address);
          const problems = t.type === 'google_bigquery_table' ? tableProblems(stack, t.resource) : bucketProblems(t.resource);
          if (problems.length > 0)
            findings.push(
              nonCompliant(
                t.resource.address,
                `receives conversion events from ${sub.address}, but ${problems.join('; ')}.`,
                `expire what it holds within ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours.`,
              ),
            );
        }
      }
    }
    for (const sub of labelled.filter((r) => r.type === 'google_pubsub_subscription' && !judged.has(r.address))) {
      const topic = findTarget(stack, 'google_pubsub_topic', String(sub.values.topic ?? ''));
      const seconds = topic ? subscriptionLifetime(stack, topic, sub, new Set([topic.address])).seconds : subscriptionSeconds(sub);
      if (seconds > MAX)
        findings.push(
          nonCompliant(
            sub.address,
            `a conversion event can live ${seconds}s in this subscription and its dead-letter path.`,
            `keep it within ${MAX}s.`,
          ),
        );
      else findings.push(compliant(sub.address, `worst case ${seconds}s`));
    }
    for (const b of labelled.filter((r) => r.type === 'google_storage_bucket')) {
      const problems = bucketProblems(b);
      findings.push(
        problems.length
          ? nonCompliant(
              b.address,
              `${problems.join('; ')}.`,
              'add a lifecycle rule deleting objects at age 1, set soft_delete_policy.retention_duration_seconds to 0, and keep versioning off.',
            )
          : compliant(b.address, 'objects deleted at age <= 1 day, no soft delete'),
      );
    }
    for (const t of labelled.filter((r) => r.type === 'google_bigquery_table')) {
      const problems = tableProblems(stack, t);
      findings.push(
        problems.length
          ? nonCompliant(
              t.address,
              `${problems.join('; ')}.`,
              'partition the table and set time_partitioning.expiration_ms to at most 86400000.',
            )
          : compliant(t.address, `partitions expire within ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours`),
      );
    }
    for (const d of labelled.filter((r) => r.type === 'google_bigquery_dataset')) {
      const problems = datasetProblems(d);
      findings.push(
        problems.length
          ? nonCompliant(
              d.address,
              `${problems.join('; ')}.`,
              'set default_partition_expiration_ms (or default_table_expiration_ms) to at most 86400000.',
            )
          : compliant(d.address, `tables expire within ${CONVERSION_EVENT_MAX_LIFETIME.hours} hours`),
      );
    }
    // Firestore takes no labels: a database named for conversion state (or holding a collection named
    // for conversion events) is a conversion store. It needs TTL policies and may keep no 7-day PITR history.
    const fields = stack.ofType('google_firestore_field');
    const databaseOf = (f: SynthesizedResource) => findTarget(stack, 'google_firestore_database', String(f.values.database ?? '(default)'));
    const firestores = stack
      .ofType('google_firestore_database')
      .filter(
        (d) =>
          /conversion/i.test(String(d.values.name ?? '')) ||
          fields.some((f) => /conversion/i.test(String(f.values.collection ?? '')) && databaseOf(f) === d),
      );
    for (const d of firestores) {
      conversion.add(d.address);
      const ttl = fields.filter((f) => databaseOf(f) === d && f.values.ttl_config !== undefined);
      if (d.values.point_in_time_recovery_enablement === 'POINT_IN_TIME_RECOVERY_ENABLED')
        findings.push(
          nonCompliant(
            d.address,
            'point-in-time recovery keeps 7 days of versions of conversion events.',
            'set point_in_time_recovery_enablement to POINT_IN_TIME_RECOVERY_DISABLED.',
          ),
        );
      else if (ttl.length === 0)
        findings.push(
          nonCompliant(
            d.address,
            'no TTL policy expires its documents, so conversion state never expires.',
            'add a TTL policy (google_firestore_field ttl_config) on each collection and a purge job (ConversionState).',
          ),
        );
      else
        findings.push(
          compliant(
            d.address,
            `TTL on ${ttl.map((f) => `${String(f.values.collection)}.${String(f.values.field)}`).join(', ')}; no point-in-time recovery`,
          ),
        );
    }
    for (const b of stack
      .ofType('google_firestore_backup_schedule')
      .filter((x) => firestores.some((d) => findTarget(stack, 'google_firestore_database', String(x.values.database ?? '')) === d))) {
      findings.push(
        nonCompliant(
          b.address,
          'backs up conversion state, and backups outlive the 24-hour promise.',
          'remove the backup schedule from the conversion state database.',
        ),
      );
    }
    findings.push(...snapshotGrants(ctx, conversion));
    if (ctx.tenant?.conversionTracking.enabled && runsDataPlane(ctx.tenant) && labelled.length === 0) {
      return [
        ...findings,
        nonCompliant(
          STACK_ADDRESS,
          'conversion tracking is enabled but no store is labelled data-class: conversion-events, so its 24-hour budget cannot be checked.',
          'build conversion events with ConversionPipeline, which labels its stores.',
        ),
      ];
    }
    return findings.length > 0 ? findings : [notApplicable('the stack holds no conversion events')];
  },
});
