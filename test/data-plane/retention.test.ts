/** How long data lives and how it is recovered: RET-1, RET-2, RET-3, BAK-1. */
import { Testing, TerraformStack } from 'cdktf';
import { CONVERSION_EVENT_MAX_LIFETIME_SECONDS } from '../../policy/dpa';
import { worstCaseLifetimeSeconds } from '../../policy/retention-budget';
import { ConversionPipeline } from '../../constructs/conversion-pipeline';
import { consentPolicyEnv } from '../../constructs/conversion-relay';
import { ConversionState, stateWorstCaseLifetimeSeconds } from '../../constructs/conversion-state';
import { EventPipeline } from '../../constructs/event-pipeline';
import { ServiceAgents } from '../../constructs/service-agents';
import { TenantProject } from '../../constructs/tenant-project';
import { makeTenant } from '../support/synth';
import { buildTenant, envOf, exampleTenants, iamGrants, labels, mustFind, referenced, seconds, type BuiltTenant } from './support';
import type { SynthesizedResource, SynthesizedStack } from '../../compliance/synthesized-stack';
import { inventoryDataStores } from '../../compliance/deletion-horizon';

const built = exampleTenants();
const cases = built.map((b) => [b.tenant.id, b] as const);
const converting = cases.filter(([, b]) => b.tenant.conversionTracking.enabled);
const IMAGE = `europe-west1-docker.pkg.dev/p/r/i@sha256:${'b'.repeat(64)}`;
const DAY = 24 * 60 * 60;
const PROMISE_DAYS = 14;

function unitScope() {
  const stack = new TerraformStack(Testing.app(), 'unit');
  const project = new TenantProject(stack, 'project', { projectId: 'unit-test-project', ownership: 'customer' });
  const serviceAgents = new ServiceAgents(stack, 'agents', { project });
  return { stack, project, serviceAgents };
}

/** Subscriptions attached to a topic. */
function subscriptionsOf(s: SynthesizedStack, topic: SynthesizedResource): SynthesizedResource[] {
  return s.ofType('google_pubsub_subscription').filter((sub) => referenced(s, sub.values.topic) === topic);
}

/** The worst-case lifetime of a message published to `topic`, read from the synthesized JSON. */
function worstCaseFromJson(s: SynthesizedStack, topic: SynthesizedResource): number {
  const topicSeconds = seconds(topic.values.message_retention_duration);
  let worst = topicSeconds;
  for (const sub of subscriptionsOf(s, topic)) {
    const policy = sub.values.dead_letter_policy as { dead_letter_topic: string } | undefined;
    const dlq = policy ? referenced(s, policy.dead_letter_topic) : undefined;
    worst = Math.max(
      worst,
      worstCaseLifetimeSeconds({
        topicSeconds,
        subscriptionSeconds: seconds(sub.values.message_retention_duration),
        deadLetterTopicSeconds: dlq ? seconds(dlq.values.message_retention_duration) : 0,
        deadLetterSubscriptionSeconds: dlq ? Math.max(0, ...subscriptionsOf(s, dlq).map((d) => seconds(d.values.message_retention_duration))) : 0,
      }),
    );
  }
  return worst;
}

describe('RET-1: conversion events live at most 24 hours in every store', () => {
  it.each(converting)('%s keeps every conversion topic within the budget, computed from the synthesized retention settings', (_id, b) => {
    const topics = b.synth.ofType('google_pubsub_topic').filter((t) => labels(t)['data-class'] === 'conversion-events');
    expect(topics.map((t) => t.values.name).sort()).toEqual(['consent-withdrawals', 'conversion-events', 'conversion-events-dead-letter']);
    for (const t of topics) expect([t.values.name, worstCaseFromJson(b.synth, t) <= CONVERSION_EVENT_MAX_LIFETIME_SECONDS]).toEqual([t.values.name, true]);
    // The numbers chosen: routes 12h, dead letters 10h, so 22h in the worst case.
    expect(worstCaseFromJson(b.synth, mustFind(b.synth, 'google_pubsub_topic', 'name', 'conversion-events'))).toBe(22 * 3600);
    // The construct's own computation agrees with the JSON.
    expect(b.stack.dataPlane.conversionPipeline!.worstCaseLifetimeSeconds).toBe(22 * 3600);
  });

  it.each(converting)('%s labels every conversion store and states its retention explicitly', (_id, b) => {
    const conversionTopics = b.synth.ofType('google_pubsub_topic').filter((t) => labels(t)['data-class'] === 'conversion-events');
    for (const t of conversionTopics) {
      expect(t.values.message_retention_duration).toBeUndefined();
      const regions = (t.values.message_storage_policy as { allowed_persistence_regions: string[]; enforce_in_transit: boolean });
      expect(regions.enforce_in_transit).toBe(true);
      for (const sub of subscriptionsOf(b.synth, t)) {
        expect(labels(sub)['data-class']).toBe('conversion-events');
        expect(sub.values.message_retention_duration).toMatch(/^\d+s$/);
        expect(sub.values.retain_acked_messages).toBe(false);
        const dlq = (sub.values.dead_letter_policy as { dead_letter_topic: string } | undefined)?.dead_letter_topic;
        if (dlq) expect(labels(referenced(b.synth, dlq)!)['data-class']).toBe('conversion-events');
      }
    }
    expect(b.synth.ofType('google_pubsub_snapshot')).toEqual([]);
  });

  it.each(converting)('%s keeps conversion state in Firestore with TTL, an hourly purge and no point-in-time recovery', (_id, b) => {
    const db = mustFind(b.synth, 'google_firestore_database', 'name', 'conversion-state');
    expect(db.values.point_in_time_recovery_enablement).toBe('POINT_IN_TIME_RECOVERY_DISABLED');
    expect(db.values.location_id).toBe(b.tenant.jurisdiction === 'EEA' ? 'eur3' : b.tenant.region);
    const ttl = b.synth.ofType('google_firestore_field').filter((f) => referenced(b.synth, f.values.database) === db);
    expect(ttl.map((f) => [f.values.collection, f.values.field, f.values.ttl_config]).sort()).toEqual([
      ['dedup', 'expireAt', {}],
      ['suppressions', 'expireAt', {}],
    ]);
    const purge = mustFind(b.synth, 'google_cloud_scheduler_job', 'name', 'conversion-state-purge');
    expect(purge.values.schedule).toBe('0 * * * *');
    const job = mustFind(b.synth, 'google_cloud_run_v2_job', 'name', 'conversion-state-purge');
    expect(envOf(job).CONVERSION_STATE_TTL_SECONDS.value).toBe('43200');
    const state = b.stack.dataPlane.conversionState!;
    // 12h TTL + 2 x 1h purge interval + 15 min purge run + 1h of old versions.
    expect(state.worstCaseLifetimeSeconds).toBe(12 * 3600 + 2 * 3600 + 900 + 3600);
    expect(state.worstCaseLifetimeSeconds).toBeLessThanOrEqual(CONVERSION_EVENT_MAX_LIFETIME_SECONDS);
  });

  it('refuses to build a conversion pipeline over budget, naming the resources and RET-1', () => {
    const { stack, project, serviceAgents } = unitScope();
    expect(() => new ConversionPipeline(stack, 'too-long', { project, jurisdiction: 'EEA', serviceAgents, routeRetentionSeconds: 20 * 3600 })).toThrow(
      /google_pubsub_subscription conversion-events-<destination>.*conversion-events-dead-letter.*108000s.*RET-1/,
    );
    expect(() => new ConversionPipeline(stack, 'topic-too-long', { project, jurisdiction: 'EEA', serviceAgents, topicRetentionSeconds: 2 * DAY })).toThrow(
      /google_pubsub_topic conversion-events.*RET-1/,
    );
    expect(() => new ConversionPipeline(stack, 'fits', { project, jurisdiction: 'EEA', serviceAgents, routeRetentionSeconds: 14 * 3600, deadLetterRetentionSeconds: 10 * 3600 })).not.toThrow();
  });

  it('refuses a subscription that pushes a conversion pipeline over budget, naming it and RET-1', () => {
    const { stack, project, serviceAgents } = unitScope();
    const pipeline = new EventPipeline(stack, 'events', {
      project,
      jurisdiction: 'EEA',
      serviceAgents,
      name: 'conversion-events',
      dataClass: 'conversion-events',
      deadLetter: { retentionSeconds: 10 * 3600 },
    });
    pipeline.addSubscription('ok', { name: 'conversion-events-ok', retentionSeconds: 12 * 3600 });
    expect(() => pipeline.addSubscription('long', { name: 'conversion-events-long', retentionSeconds: 15 * 3600 })).toThrow(
      /google_pubsub_subscription conversion-events-long.*90000s.*RET-1/,
    );
    // A non-conversion pipeline has no 24-hour budget, but still states its retention within Pub/Sub's limits.
    const other = new EventPipeline(stack, 'other', { project, jurisdiction: 'EEA', serviceAgents, name: 'source-events', dataClass: 'customer-data' });
    expect(() => other.addSubscription('week', { name: 'source-events-week', retentionSeconds: 7 * DAY })).not.toThrow();
    expect(() => other.addSubscription('year', { name: 'source-events-year', retentionSeconds: 365 * DAY })).toThrow(/retentionSeconds.*31 days/);
    expect(
      () => new EventPipeline(stack, 'uk', { project, jurisdiction: 'EEA', serviceAgents, name: 'x-events', dataClass: 'customer-data', persistenceRegions: ['europe-west2'] }),
    ).toThrow(/persistenceRegions.*RES-1.*europe-west2/);
  });

  it('refuses conversion state that would outlive the budget, naming the database and RET-1', () => {
    const { stack, project } = unitScope();
    expect(() => new ConversionState(stack, 'state', { project, jurisdiction: 'EEA', region: 'europe-west1', image: IMAGE, ttlSeconds: 22 * 3600 })).toThrow(
      /google_firestore_database conversion-state.*RET-1/,
    );
    expect(stateWorstCaseLifetimeSeconds({ ttlSeconds: 21 * 3600, purgeIntervalSeconds: 3600, purgeTimeoutSeconds: 900, versionRetentionSeconds: 3600 })).toBeGreaterThan(
      CONVERSION_EVENT_MAX_LIFETIME_SECONDS,
    );
  });
});

describe('RET-2: the relay forwards only consented events, to activated destinations, and honours withdrawals', () => {
  function relay(b: BuiltTenant): SynthesizedResource {
    return mustFind(b.synth, 'google_cloud_run_v2_service', 'name', 'conversion-relay');
  }

  it.each(converting)('%s configures the consent rules of DPA C.4', (_id, b) => {
    const env = envOf(relay(b));
    const dests = [...b.tenant.conversionTracking.destinations].sort();
    expect(env.CONSENT_MISSING_OR_AMBIGUOUS.value).toBe('forward-nothing');
    expect(env.DESTINATIONS.value).toBe(dests.join(','));
    if (dests.includes('meta')) expect(env.META_LIMITED_DATA_USE_IS_CONSENT.value).toBe('false');
    else expect(env.META_LIMITED_DATA_USE_IS_CONSENT).toBeUndefined();
    if (dests.includes('google-ads')) {
      expect(env.GOOGLE_AD_USER_DATA_DENIED.value).toBe(b.tenant.conversionTracking.googleDeniedConsent === 'drop' ? 'drop' : 'send-modeled');
    } else {
      expect(env.GOOGLE_AD_USER_DATA_DENIED).toBeUndefined();
    }
    // Events older than a suppression can be are never forwarded.
    expect(Number(env.MAX_EVENT_AGE_SECONDS.value)).toBeLessThanOrEqual(Number(env.CONVERSION_STATE_TTL_SECONDS.value));
  });

  it.each(converting)('%s gives only activated destinations a secret and a route', (_id, b) => {
    const dests = [...b.tenant.conversionTracking.destinations].sort();
    const secrets = b.synth.ofType('google_secret_manager_secret').map((s) => String(s.values.secret_id)).filter((id) => id.startsWith('conversion-'));
    expect(secrets.sort()).toEqual(dests.map((d) => `conversion-${d}`));
    const events = mustFind(b.synth, 'google_pubsub_topic', 'name', 'conversion-events');
    const routes = subscriptionsOf(b.synth, events);
    expect(routes.map((r) => r.values.name).sort()).toEqual(dests.map((d) => `conversion-events-${d}`));
    for (const r of routes) {
      const push = r.values.push_config as { push_endpoint: string; oidc_token: { service_account_email: string } };
      const dest = String(r.values.name).replace('conversion-events-', '');
      expect(referenced(b.synth, push.push_endpoint)).toBe(relay(b));
      expect(push.push_endpoint.endsWith(`/forward/${dest}`)).toBe(true);
      expect(push.oidc_token.service_account_email).toBe(`conversion-push@${b.tenant.projectId}.iam.gserviceaccount.com`);
    }
  });

  it.each(converting)('%s has a withdrawal channel from the webhook to the relay', (_id, b) => {
    const topic = mustFind(b.synth, 'google_pubsub_topic', 'name', 'consent-withdrawals');
    const [sub] = subscriptionsOf(b.synth, topic);
    const push = sub.values.push_config as { push_endpoint: string };
    expect(referenced(b.synth, push.push_endpoint)).toBe(relay(b));
    expect(push.push_endpoint.endsWith('/consent/withdrawn')).toBe(true);
    const publishers = iamGrants(b.synth).filter((g) => referenced(b.synth, g.resource.values.topic) === topic);
    expect(publishers.map((g) => [g.role, g.member])).toEqual([
      ['roles/pubsub.publisher', `serviceAccount:ingest-webhook@${b.tenant.projectId}.iam.gserviceaccount.com`],
    ]);
    expect(envOf(relay(b)).CONSENT_WITHDRAWAL_TOPIC.value).toBe(`projects/${b.tenant.projectId}/topics/consent-withdrawals`);
  });

  it('demands the tenant election before relaying to Google Ads', () => {
    expect(() => consentPolicyEnv(['google-ads'])).toThrow(/googleDeniedConsent.*DPA C.4/);
    expect(consentPolicyEnv(['meta'])).toEqual({
      CONSENT_SIGNALS: 'google-consent-mode-v2,iab-tcf-v2',
      CONSENT_MISSING_OR_AMBIGUOUS: 'forward-nothing',
      META_LIMITED_DATA_USE_IS_CONSENT: 'false',
      META_CONSENT_DENIED: 'drop',
    });
  });
});

describe('RET-3: deleted warehouse data is gone within 14 days; only offboarding lifts delete protection', () => {
  it.each(cases)('%s keeps time travel at 48 hours and protects the warehouse while served', (_id, b) => {
    const dataset = mustFind(b.synth, 'google_bigquery_dataset', 'dataset_id', 'smart_segments');
    expect(dataset.values.max_time_travel_hours).toBe('48');
    expect(dataset.values.delete_contents_on_destroy).toBe(false);
    expect(dataset.values.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['access'] });
    expect(dataset.values.location).toBe(b.tenant.jurisdiction === 'EEA' ? 'EU' : b.tenant.region);
    for (const t of b.synth.ofType('google_bigquery_table')) expect(t.values.deletion_protection).toBe(true);
    for (const s of b.synth.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job', 'google_secret_manager_secret')) {
      expect([s.address, s.values.deletion_protection]).toEqual([s.address, true]);
    }
    for (const db of b.synth.ofType('google_firestore_database')) expect(db.values.delete_protection_state).toBe('DELETE_PROTECTION_ENABLED');
  });

  it('an offboarding tenant can be destroyed, data stores first', () => {
    const b = buildTenant(
      makeTenant({
        id: 'leaving',
        sources: ['roller'],
        integrations: ['mailchimp'],
        conversionTracking: { enabled: true, destinations: ['meta'] },
        mcp: { enabled: true },
        lifecycle: { state: 'offboarding', offboarding: { requested: '2026-01-15', removalConfirmed: false } },
      }),
    );
    const dataset = mustFind(b.synth, 'google_bigquery_dataset', 'dataset_id', 'smart_segments');
    expect(dataset.values.delete_contents_on_destroy).toBe(true);
    expect(dataset.values.lifecycle).toEqual({ prevent_destroy: false, ignore_changes: ['access'] });
    for (const t of b.synth.ofType('google_bigquery_table')) expect(t.values.deletion_protection).toBe(false);
    for (const s of b.synth.ofType('google_cloud_run_v2_service', 'google_cloud_run_v2_job', 'google_secret_manager_secret')) {
      expect([s.address, s.values.deletion_protection]).toEqual([s.address, false]);
    }
    const db = mustFind(b.synth, 'google_firestore_database', 'name', 'conversion-state');
    expect(db.values.delete_protection_state).toBe('DELETE_PROTECTION_DISABLED');
    expect(db.values.deletion_policy).toBe('DELETE');
  });
});

describe('BAK-1: every store has recovery fitting its content, inside the deletion promise', () => {
  it.each(cases)('%s recovers the warehouse by 48 hours of time travel and 7 days of fail-safe, all gone within 14 days', (_id, b) => {
    const dataset = b.synth.ofType('google_bigquery_dataset')[0];
    expect(dataset.values.max_time_travel_hours).toBe('48');
    const horizon = inventoryDataStores(b.synth).stores.find((s) => s.address === dataset.address)!;
    expect(horizon.retentionSeconds).toBe((48 + 7 * 24) * 3600);
    expect(horizon.retentionSeconds).toBeLessThanOrEqual(PROMISE_DAYS * DAY);
  });

  it.each(converting)('%s keeps no backup of conversion state, which must be gone within 24 hours', (_id, b) => {
    expect(b.stack.dataPlane.conversionState!.worstCaseLifetimeSeconds).toBeLessThanOrEqual(CONVERSION_EVENT_MAX_LIFETIME_SECONDS);
    expect(mustFind(b.synth, 'google_firestore_database', 'name', 'conversion-state').values.point_in_time_recovery_enablement).toBe(
      'POINT_IN_TIME_RECOVERY_DISABLED',
    );
    expect(b.synth.ofType('google_firestore_backup_schedule')).toEqual([]);
  });

  it.each(cases)('%s keeps source events 7 days on the warehouse subscription and 7 days as dead letters, never past the 14-day promise', (_id, b) => {
    // Every fixture tenant has a source: the assertions below always run.
    expect(b.tenant.sources.length).toBeGreaterThan(0);
    const topic = mustFind(b.synth, 'google_pubsub_topic', 'name', 'source-events');
    expect(labels(topic)['data-class']).toBe('customer-data');
    expect(worstCaseFromJson(b.synth, topic)).toBe(14 * DAY);
    expect(worstCaseFromJson(b.synth, topic)).toBeLessThanOrEqual(PROMISE_DAYS * DAY);
    const toWarehouse = mustFind(b.synth, 'google_pubsub_subscription', 'name', 'source-events-to-warehouse');
    expect((toWarehouse.values.bigquery_config as { table: string }).table).toBe(`${b.tenant.projectId}.smart_segments.source_events`);
  });
});
