/** Retention and recovery rules (RET-1 to RET-3, BAK-1): broken stacks rejected, twins accepted. */
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { Project } from '@cdktf/provider-google/lib/project';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import type { TerraformStack } from 'cdktf';
import { consentPolicyEnv } from '../../constructs/conversion-relay';
import { bareTenantStack, check, expectAccepted, expectRejected, realTenantStack, findResource } from './support';

const base = { tenant: 'rule-test', environment: 'fixture', 'data-residency': 'eu' };
const conversion = { ...base, 'data-class': 'conversion-events' };
const storage = { allowedPersistenceRegions: ['europe-west1'] };
const conversionTenant = { sources: ['roller' as const], conversionTracking: { enabled: true, destinations: ['meta' as const] } };

/** A conversion topic with one route and a dead-letter path; retentions in hours. */
function pipeline(stack: TerraformStack, project: string, routeHours: number, deadLetterHours: number) {
  const topic = new PubsubTopic(stack, 'events', { project, name: 'conversion-events', messageStoragePolicy: storage, labels: conversion });
  const dlq = new PubsubTopic(stack, 'dlq', {
    project,
    name: 'conversion-events-dead-letter',
    messageStoragePolicy: storage,
    labels: conversion,
  });
  new PubsubSubscription(stack, 'dlq-sub', {
    project,
    name: 'dlq',
    topic: dlq.id,
    messageRetentionDuration: `${deadLetterHours * 3600}s`,
    labels: conversion,
  });
  const route = new PubsubSubscription(stack, 'route', {
    project,
    name: 'route',
    topic: topic.id,
    messageRetentionDuration: `${routeHours * 3600}s`,
    deadLetterPolicy: { deadLetterTopic: dlq.id, maxDeliveryAttempts: 10 },
    labels: conversion,
  });
  return { topic, dlq, route };
}


describe('RET-1: conversion events live at most 24 hours', () => {
  it('rejects a route of 20h whose dead letters are kept 10h (30h budget); accepts 12h + 10h', () => {
    const broken = bareTenantStack(conversionTenant);
    pipeline(broken.stack, broken.tenant.projectId, 20, 10);
    const out = check('RET-1', broken.stack, broken.env);
    expectRejected(out, 'RET-1', broken.stack.node.id, 'google_pubsub_subscription.route');
    expect(out.violations.join('\n')).toMatch(/108000s \(30\.0h\)/);

    const twin = bareTenantStack(conversionTenant);
    pipeline(twin.stack, twin.tenant.projectId, 12, 10);
    expectAccepted(check('RET-1', twin.stack, twin.env));
  });

  it('counts the provider default of 7 days for a subscription that states no retention', () => {
    const broken = bareTenantStack(conversionTenant);
    const { topic } = pipeline(broken.stack, broken.tenant.projectId, 12, 10);
    new PubsubSubscription(broken.stack, 'forgetful', {
      project: broken.tenant.projectId,
      name: 'forgetful',
      topic: topic.id,
      labels: base,
    });
    expectRejected(check('RET-1', broken.stack, broken.env), 'RET-1', broken.stack.node.id, 'google_pubsub_subscription.forgetful');
  });

  it('rejects a conversion bucket with soft delete, a table that never expires, a BigQuery export without expiry and a snapshot-capable grant', () => {
    const broken = bareTenantStack(conversionTenant);
    const p = broken.tenant.projectId;
    const { topic, route } = pipeline(broken.stack, p, 12, 10);
    new StorageBucket(broken.stack, 'archive', {
      name: 'archive',
      location: 'EU',
      labels: conversion,
      lifecycleRule: [{ action: { type: 'Delete' }, condition: { age: 1 } }],
    });
    new BigqueryTable(broken.stack, 'events-table', {
      project: p,
      datasetId: 'w',
      tableId: 'events',
      labels: conversion,
      deletionProtection: false,
    });
    new BigqueryTable(broken.stack, 'landing', { project: p, datasetId: 'w', tableId: 'landing', labels: base, deletionProtection: false });
    new PubsubSubscription(broken.stack, 'to-bq', {
      project: p,
      name: 'to-bq',
      topic: topic.id,
      messageRetentionDuration: '3600s',
      bigqueryConfig: { table: `${p}.w.landing` },
      labels: base,
    });
    new PubsubSubscriptionIamMember(broken.stack, 'editor', {
      subscription: route.id,
      role: 'roles/pubsub.editor',
      member: `serviceAccount:conversion-relay@${p}.iam.gserviceaccount.com`,
    });
    const out = check('RET-1', broken.stack, broken.env);
    for (const a of [
      'google_storage_bucket.archive',
      'google_bigquery_table.events-table',
      'google_bigquery_table.landing',
      'google_pubsub_subscription_iam_member.editor',
    ])
      expectRejected(out, 'RET-1', broken.stack.node.id, a);

    const twin = bareTenantStack(conversionTenant);
    const q = twin.tenant.projectId;
    const t = pipeline(twin.stack, q, 12, 10);
    new StorageBucket(twin.stack, 'archive', {
      name: 'archive',
      location: 'EU',
      labels: conversion,
      lifecycleRule: [{ action: { type: 'Delete' }, condition: { age: 1 } }],
      softDeletePolicy: { retentionDurationSeconds: 0 },
    });
    new BigqueryTable(twin.stack, 'events-table', {
      project: q,
      datasetId: 'w',
      tableId: 'events',
      labels: conversion,
      deletionProtection: false,
      timePartitioning: { type: 'HOUR', expirationMs: 86400000 },
    });
    new PubsubSubscriptionIamMember(twin.stack, 'consume', {
      subscription: t.route.id,
      role: 'roles/pubsub.subscriber',
      member: `serviceAccount:conversion-relay@${q}.iam.gserviceaccount.com`,
    });
    expectAccepted(check('RET-1', twin.stack, twin.env));
  });

  it('rejects conversion state in Firestore kept with point-in-time recovery', () => {
    const broken = bareTenantStack(conversionTenant);
    pipeline(broken.stack, broken.tenant.projectId, 12, 10);
    new FirestoreDatabase(broken.stack, 'state', {
      project: broken.tenant.projectId,
      name: 'conversion-state',
      locationId: 'eur3',
      type: 'FIRESTORE_NATIVE',
      pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
    });
    expectRejected(check('RET-1', broken.stack, broken.env), 'RET-1', broken.stack.node.id, 'google_firestore_database.state');
  });

  it("sees an override that lengthens the real pipeline's route retention", () => {
    const { stack, env } = realTenantStack(conversionTenant);
    expectAccepted(check('RET-1', stack, env));
    findResource(stack, 'google_pubsub_subscription', (r) => r.node.path.includes('route-meta')).addOverride(
      'message_retention_duration',
      '86400s',
    );
    expectRejected(check('RET-1', stack, env), 'RET-1', stack.node.id, 'route-meta');
  });

  it('rejects a tenant with conversion tracking whose stack holds no conversion store', () => {
    const empty = bareTenantStack(conversionTenant);
    expectRejected(check('RET-1', empty.stack, empty.env), 'RET-1', empty.stack.node.id, '(stack)');
  });
});

describe('RET-2: the relay keeps the consent promises', () => {
  function relay(stack: TerraformStack, project: string, env: Record<string, string>, withdrawals: boolean) {
    const svc = new CloudRunV2Service(stack, 'relay', {
      project,
      name: 'conversion-relay',
      location: 'europe-west1',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      template: {
        serviceAccount: `conversion-relay@${project}.iam.gserviceaccount.com`,
        containers: [{ image: 'x', env: Object.entries(env).map(([name, value]) => ({ name, value })) }],
      },
      labels: base,
    });
    if (withdrawals) {
      const topic = new PubsubTopic(stack, 'withdrawals', {
        project,
        name: 'consent-withdrawals',
        messageStoragePolicy: storage,
        labels: conversion,
      });
      new PubsubSubscription(stack, 'withdrawal-push', {
        project,
        name: 'consent-withdrawals-relay',
        topic: topic.id,
        messageRetentionDuration: '43200s',
        pushConfig: { pushEndpoint: `${svc.uri}/consent/withdrawn` },
        labels: conversion,
      });
    }
  }
  const good = {
    ...consentPolicyEnv(['meta', 'google-ads'], 'modeled'),
    DESTINATIONS: 'google-ads,meta',
    CONSENT_WITHDRAWAL_PATH: '/consent/withdrawn',
  };
  const tenant = {
    sources: ['roller' as const],
    conversionTracking: { enabled: true, destinations: ['meta' as const, 'google-ads' as const], googleDeniedConsent: 'modeled' as const },
  };

  it('rejects Limited Data Use taken as consent, the wrong Google election and no withdrawal channel; accepts the fixed policy', () => {
    const broken = bareTenantStack(tenant);
    relay(
      broken.stack,
      broken.tenant.projectId,
      { ...good, META_LIMITED_DATA_USE_IS_CONSENT: 'true', GOOGLE_AD_USER_DATA_DENIED: 'drop' },
      false,
    );
    const out = check('RET-2', broken.stack, broken.env);
    expectRejected(out, 'RET-2', broken.stack.node.id, 'META_LIMITED_DATA_USE_IS_CONSENT');
    expect(out.violations.some((v) => v.includes('GOOGLE_AD_USER_DATA_DENIED'))).toBe(true);
    expect(out.violations.some((v) => v.includes('withdraw'))).toBe(true);

    const twin = bareTenantStack(tenant);
    relay(twin.stack, twin.tenant.projectId, good, true);
    expectAccepted(check('RET-2', twin.stack, twin.env));
  });

  it('accepts the real relay of every destination combination', () => {
    for (const destinations of [['meta'], ['google-ads'], ['meta', 'google-ads']] as const) {
      const { stack, env } = realTenantStack({
        sources: ['roller'],
        conversionTracking: { enabled: true, destinations: [...destinations], googleDeniedConsent: 'drop' },
      });
      expectAccepted(check('RET-2', stack, env));
    }
  });
});

describe('RET-3: all Customer Data gone within 14 days of offboarding', () => {
  it('rejects default time travel (168h), 30-day soft delete and a store that does not depend on the project', () => {
    const broken = bareTenantStack();
    const p = broken.tenant.projectId;
    new Project(broken.stack, 'project', {
      projectId: p,
      name: 'x',
      folderId: 'folders/100000000001',
      billingAccount: '01ABCD-23EF45-6789AB',
      labels: base,
    });
    new BigqueryDataset(broken.stack, 'warehouse', { project: p, datasetId: 'w', location: 'EU', labels: base });
    new StorageBucket(broken.stack, 'files', {
      project: p,
      name: 'files',
      location: 'EU',
      softDeletePolicy: { retentionDurationSeconds: 30 * 86400 },
      labels: base,
    });
    const out = check('RET-3', broken.stack, broken.env);
    expectRejected(out, 'RET-3', broken.stack.node.id, 'google_bigquery_dataset.warehouse');
    expect(out.violations.some((v) => v.includes('google_storage_bucket.files'))).toBe(true);
    expect(out.violations.some((v) => v.includes('shut-down project'))).toBe(true);
  });

  it('accepts the real stack, and an offboarding stack only once protection is lifted', () => {
    const active = realTenantStack();
    expectAccepted(check('RET-3', active.stack, active.env));
    const offboarding = realTenantStack({ lifecycle: { state: 'offboarding', offboarding: { requested: '2026-11-01' } } });
    expectAccepted(check('RET-3', offboarding.stack, offboarding.env));
    findResource(offboarding.stack, 'google_bigquery_dataset').addOverride('delete_contents_on_destroy', false);
    expectRejected(check('RET-3', offboarding.stack, offboarding.env), 'RET-3', offboarding.stack.node.id, 'delete_contents_on_destroy');
  });
});

describe('BAK-1: recovery suited to the content, inside the deletion promise', () => {
  it('rejects a Firestore database without recovery and a bucket with soft delete off; accepts PITR and default soft delete', () => {
    const broken = bareTenantStack();
    const p = broken.tenant.projectId;
    new FirestoreDatabase(broken.stack, 'profiles', {
      project: p,
      name: 'profiles',
      locationId: 'eur3',
      type: 'FIRESTORE_NATIVE',
      deletionPolicy: 'DELETE',
    });
    new StorageBucket(broken.stack, 'exports', {
      project: p,
      name: 'exports',
      location: 'EU',
      softDeletePolicy: { retentionDurationSeconds: 0 },
      labels: base,
    });
    const out = check('BAK-1', broken.stack, broken.env);
    expectRejected(out, 'BAK-1', broken.stack.node.id, 'google_firestore_database.profiles');
    expect(out.violations.some((v) => v.includes('google_storage_bucket.exports'))).toBe(true);

    const twin = bareTenantStack();
    const q = twin.tenant.projectId;
    new FirestoreDatabase(twin.stack, 'profiles', {
      project: q,
      name: 'profiles',
      locationId: 'eur3',
      type: 'FIRESTORE_NATIVE',
      deletionPolicy: 'DELETE',
      pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
    });
    new StorageBucket(twin.stack, 'exports', { project: q, name: 'exports', location: 'EU', labels: base });
    expectAccepted(check('BAK-1', twin.stack, twin.env));
  });

  it('accepts the real stack of a conversion tenant (conversion state deliberately not recoverable)', () => {
    const { stack, env } = realTenantStack(conversionTenant);
    const out = check('BAK-1', stack, env);
    expectAccepted(out);
    expect(out.compliant.some((c) => c.includes('deliberately not recoverable'))).toBe(true);
  });
});
