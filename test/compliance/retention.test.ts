/** Retention and recovery rules (RET-1 to RET-3, BAK-1): broken stacks rejected, twins accepted. */
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { Project } from '@cdktf/provider-google/lib/project';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import type { TerraformStack } from 'cdktf';
import { consentPolicyEnv } from '../../constructs/conversion-relay';
import { bareTenantStack, check, expectAccepted, expectRejected, realTenantStack, findResource } from './support';

const base = { tenant: 'rule-test', environment: 'fixture', 'data-residency': 'eu' };
const conversion = { ...base, 'data-class': 'conversion-events' };
const storage = { allowedPersistenceRegions: ['europe-west1'] };
const conversionTenant = { sources: ['roller' as const], conversionTracking: { enabled: true, destinations: ['meta' as const] } };

describe('RET-1: conversion events live at most 24 hours', () => {
  // The checks' concerns, one by one, are in the tables (test/compliance/checks/tables/ret-1.ts); here the real pipeline end to end.
  it("sees an override that lengthens the real pipeline's route retention", () => {
    const { stack, env } = realTenantStack(conversionTenant);
    expectAccepted(check('RET-1', stack, env));
    findResource(stack, 'google_pubsub_subscription', (r) => r.node.path.includes('route-meta')).addOverride(
      'message_retention_duration',
      '86400s',
    );
    expectRejected(check('RET-1', stack, env), 'RET-1', stack.node.id, 'route-meta');
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
