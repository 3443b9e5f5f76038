/**
 * RET-3 and DEL-1: the deletion horizon of every data store, read from synthesized stacks, and the
 * certificate built on it: issued when every copy is gone in time; issued with the breach stated
 * (naming the store and the days) when a setting or a late deletion keeps data past the promise;
 * refused (naming the store) when a blocker or an unknown store means it cannot tell.
 */
import { Testing, type TerraformStack } from 'cdktf';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { FirestoreBackupSchedule } from '@cdktf/provider-google/lib/firestore-backup-schedule';
import { FirestoreDatabase } from '@cdktf/provider-google/lib/firestore-database';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { DAY, HOUR, inventoryDataStores } from '../../compliance/deletion-horizon';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { withLifecycle, type ResolvedTenant } from '../../config/loader';
import { TenantStack } from '../../stacks/tenant-stack';
import { buildDeletionCertificate } from '../../scripts/lib/deletion-certificate';
import { addDays, latestCopyDate } from '../../policy/dpa';
import { fixtureEnvironment, makeTenant } from '../support/synth';

const REQUESTED = '2025-03-01';
const offboarding = { state: 'offboarding' as const, offboarding: { requested: REQUESTED, removalConfirmed: false } };

function offboardingTenant(base: ResolvedTenant): ResolvedTenant {
  return withLifecycle(base, offboarding);
}

/** A real tenant stack in offboarding, with extra stores added by `extend`, synthesized. */
function synthWith(extend: (stack: TenantStack) => void, tenant: ResolvedTenant = offboardingTenant(makeTenant({ id: 'horizon-test' }))): SynthesizedStack {
  const stack = new TenantStack(Testing.app(), { environment: fixtureEnvironment(), tenant });
  extend(stack);
  return SynthesizedStack.parse(stack.node.id, Testing.synth(stack as TerraformStack));
}

function certify(stack: SynthesizedStack, deployed: string, tenant: ResolvedTenant = offboardingTenant(makeTenant({ id: 'horizon-test' }))) {
  return buildDeletionCertificate({ environment: 'fixture', tenant, stack, stackSha256: '0'.repeat(64), requested: REQUESTED, deployed });
}

/**
 * The breached stores of a certificate, one line each in the form the certificate states them:
 * `<address> (<kind>): a copy can exist until <date> (<because>), after <limit>`.
 */
function lateStores(stack: SynthesizedStack, deployed: string): string[] {
  const { certificate, problems } = certify(stack, deployed);
  expect(problems).toEqual([]);
  return (certificate.breach?.stores ?? []).map((b) => `${b.address} (${b.kind}): a copy can exist until ${b.latestCopyDate} (${b.because}), after ${b.limit}, ${b.daysLate} days late`);
}

/** A full set of stores with compliant settings, each depending on the project through its API. */
function compliantStores(stack: TenantStack): void {
  const api = (name: string) => [stack.project.enableApi(name)!];
  const dataset = new BigqueryDataset(stack, 'h-dataset', {
    project: stack.project.projectId, datasetId: 'h_dataset', location: 'EU', maxTimeTravelHours: '48',
    deleteContentsOnDestroy: true, dependsOn: api('bigquery.googleapis.com'),
  });
  new BigqueryTable(stack, 'h-table', { project: stack.project.projectId, datasetId: dataset.datasetId, tableId: 't', deletionProtection: false });
  new StorageBucket(stack, 'h-bucket', {
    name: 'h-bucket', location: 'EU', forceDestroy: true, softDeletePolicy: { retentionDurationSeconds: 7 * DAY }, dependsOn: api('storage.googleapis.com'),
  });
  const topic = new PubsubTopic(stack, 'h-topic', { name: 'h-topic', messageRetentionDuration: '86400s', dependsOn: api('pubsub.googleapis.com') });
  new PubsubSubscription(stack, 'h-subscription', { name: 'h-subscription', topic: topic.id });
  const db = new FirestoreDatabase(stack, 'h-firestore', {
    name: 'h-db', locationId: 'eur3', type: 'FIRESTORE_NATIVE', pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
    deletionPolicy: 'DELETE', dependsOn: api('firestore.googleapis.com'),
  });
  new FirestoreBackupSchedule(stack, 'h-backups', { database: db.name, retention: '259200s', dailyRecurrence: {} });
  new SecretManagerSecret(stack, 'h-secret', { secretId: 'h-secret', replication: { auto: {} }, dependsOn: api('secretmanager.googleapis.com') });
  const ring = new KmsKeyRing(stack, 'h-ring', { name: 'h-ring', location: 'europe-west1', dependsOn: api('cloudkms.googleapis.com') });
  new KmsCryptoKey(stack, 'h-key', { name: 'h-key', keyRing: ring.id, destroyScheduledDuration: '86400s' });
}

const byKind = (c: ReturnType<typeof certify>['certificate']) =>
  Object.fromEntries(c.stores.filter((s) => s.address.includes('.h-') || s.type === 'google_logging_project_bucket_config').map((s) => [s.type, s.latestCopyDate]));

describe('RET-3 / DEL-1: deletion horizons read from the synthesized stack', () => {
  const compliant = synthWith(compliantStores);

  it('dates every store from its own settings: deletion day + each recovery window', () => {
    const { certificate, problems } = certify(compliant, '2025-03-03');
    expect(problems).toEqual([]);
    expect(byKind(certificate)).toEqual({
      google_bigquery_dataset: '2025-03-12', // 48 h time travel + 7 days fail-safe
      google_bigquery_table: '2025-03-12', // its dataset's windows
      google_storage_bucket: '2025-03-10', // 7 days soft delete
      google_pubsub_topic: '2025-03-04', // 1 day retention
      google_pubsub_subscription: '2025-03-10', // not set: 7 days
      google_firestore_database: '2025-03-10', // point-in-time recovery: 7 days
      google_firestore_backup_schedule: '2025-03-06', // backups outlive the database: 3 days
      google_secret_manager_secret: '2025-03-03', // versions destroyed at once
      google_kms_crypto_key: '2025-03-04', // scheduled destruction 1 day (DEL-2)
      google_logging_project_bucket_config: '2025-04-02', // 30 days log retention (DPA 10.3)
    });
    expect(certificate.deadline).toBe('2025-03-15');
    // The statement gives the date by which every key is destroyed: the tenant's own keys (7 days, ENC-2) come last.
    expect(certificate.statements.join('\n')).toMatch(/h-key.* are destroyed by 2025-03-10/);
  });

  it('reads defaults where an attribute is absent, and says so', () => {
    const s = synthWith((stack) => {
      const dep = [stack.project.enableApi('storage.googleapis.com')!];
      new StorageBucket(stack, 'h-bucket', { name: 'h-bucket', location: 'EU', forceDestroy: true, dependsOn: dep });
      new BigqueryDataset(stack, 'h-dataset', { project: stack.project.projectId, datasetId: 'd', location: 'EU', deleteContentsOnDestroy: true, dependsOn: dep });
      new KmsCryptoKey(stack, 'h-key', { name: 'k', keyRing: 'projects/p/locations/eu/keyRings/r' });
    });
    const stores = Object.fromEntries(inventoryDataStores(s).stores.map((st) => [st.type, st]));
    expect(stores.google_storage_bucket.components).toEqual([expect.objectContaining({ seconds: 7 * DAY, source: 'default' })]);
    expect(stores.google_bigquery_dataset.retentionSeconds).toBe(168 * HOUR + 7 * DAY);
    expect(stores.google_kms_crypto_key.retentionSeconds).toBe(30 * DAY);
  });

  it('rounds a copy that outlives the deletion day by part of a day up to the next day', () => {
    expect(latestCopyDate('2025-03-03', 0)).toBe('2025-03-03');
    expect(latestCopyDate('2025-03-03', HOUR)).toBe('2025-03-04');
    expect(latestCopyDate('2025-12-31', 9 * DAY)).toBe('2026-01-09');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});

describe('the certificate states a breach when data can outlive the 14 days, and is refused when it cannot tell', () => {
  it('a 7-day time travel window (plus fail-safe) and a 30-day soft delete fail, naming each store', () => {
    const s = synthWith((stack) => {
      const dep = [stack.project.enableApi('bigquery.googleapis.com')!];
      new BigqueryDataset(stack, 'h-dataset', {
        project: stack.project.projectId, datasetId: 'd', location: 'EU', maxTimeTravelHours: '168', deleteContentsOnDestroy: true, dependsOn: dep,
      });
      new StorageBucket(stack, 'h-bucket', { name: 'b', location: 'EU', forceDestroy: true, softDeletePolicy: { retentionDurationSeconds: 30 * DAY }, dependsOn: dep });
    });
    expect(lateStores(s, '2025-03-02')).toEqual([
      expect.stringMatching(/^google_bigquery_dataset\.h-dataset\S* \(BigQuery dataset\): a copy can exist until 2025-03-16 .*time travel window 7 days \+ BigQuery fail-safe period 7 days.*after 2025-03-15, 1 days late$/),
      expect.stringMatching(/^google_storage_bucket\.h-bucket\S* \(Cloud Storage bucket\): a copy can exist until 2025-04-01 .*soft delete 30 days.*, 17 days late$/),
    ]);
  });

  it('an escape-hatch override on a compliant store is what counts', () => {
    const s = synthWith((stack) => {
      compliantStores(stack);
      const bucket = stack.node.findChild('h-bucket') as StorageBucket;
      bucket.addOverride('soft_delete_policy.retention_duration_seconds', 20 * DAY);
    });
    expect(lateStores(s, '2025-03-01')).toEqual([expect.stringMatching(/^google_storage_bucket\.h-bucket\S* .*until 2025-03-21/)]);
  });

  it('a compliant configuration deleted too late is certified as a breach of DPA 10.1, store by store', () => {
    // Six days after the request: the 9-day BigQuery stores (ours and the data plane's) miss the
    // deadline, the 7-day ones still make it.
    const late = lateStores(compliant(), '2025-03-07');
    expect(late.length).toBeGreaterThanOrEqual(2);
    for (const p of late) expect(p).toMatch(/^google_bigquery_(dataset|table)\.\S+ \(BigQuery (dataset|table)\): a copy can exist until 2025-03-16 .*after 2025-03-15, 1 days late$/);
    expect(late.filter((p) => /\.h-(dataset|table) /.test(p))).toHaveLength(2);
    const { certificate } = certify(compliant(), '2025-03-07');
    expect(certificate.breach).toMatchObject({ clauses: ['10.1'], deletedDaysLate: 0, latestCopyDaysLate: 1 });
    // Deleted after the deadline itself: every Customer Data store is late, by the days since the deadline and more.
    const { certificate: late20 } = certify(compliant(), '2025-03-20');
    expect(late20.breach!.deletedDaysLate).toBe(5);
    expect(late20.breach!.stores.map((b) => b.address).sort()).toEqual(late20.stores.filter((st) => st.category === 'customer-data').map((st) => st.address).sort());
    for (const b of late20.breach!.stores) expect(b.daysLate).toBeGreaterThanOrEqual(5);
  });

  it('a store destroy would not delete is refused, with the reason', () => {
    const s = synthWith((stack) => {
      const dep = [stack.project.enableApi('firestore.googleapis.com')!];
      new FirestoreDatabase(stack, 'h-firestore', { name: 'db', locationId: 'eur3', type: 'FIRESTORE_NATIVE', dependsOn: dep });
      new StorageBucket(stack, 'h-bucket', { name: 'b', location: 'EU', dependsOn: dep });
      new BigqueryTable(stack, 'h-table', { project: 'p', datasetId: 'd', tableId: 't', dependsOn: dep });
      new BigqueryDataset(stack, 'h-dataset', { project: 'p', datasetId: 'd', maxTimeTravelHours: '48', deleteContentsOnDestroy: true, lifecycle: { preventDestroy: true }, dependsOn: dep });
    });
    expect(certify(s, '2025-03-02').problems).toEqual([
      expect.stringMatching(/h-dataset.*lifecycle\.prevent_destroy is true/),
      expect.stringMatching(/h-table.*deletion_protection is not false/),
      expect.stringMatching(/h-firestore.*deletion_policy is not set \(the provider defaults it to ABANDON\)/),
      expect.stringMatching(/h-bucket.*force_destroy is not true/),
    ]);
  });

  it('a store that does not depend on the project waits with the shut-down project for 30 days', () => {
    const s = synthWith((stack) => {
      new StorageBucket(stack, 'h-bucket', { name: 'b', location: 'EU', forceDestroy: true, softDeletePolicy: { retentionDurationSeconds: 0 } });
    });
    expect(lateStores(s, '2025-03-02')).toEqual([expect.stringMatching(/h-bucket.*soft delete 0 \+ shut-down project .* 30 days/)]);
  });

  it('a resource of a data service without a horizon rule stops the certificate', () => {
    const s = synthWith((stack) => {
      stack.addOverride('resource.google_sql_database_instance.h-sql', { name: 'sql', database_version: 'POSTGRES_15', region: 'europe-west1' });
    });
    expect(certify(s, '2025-03-02').problems).toEqual([
      expect.stringMatching(/^google_sql_database_instance\.h-sql: resource type google_sql_database_instance .* has no deletion-horizon rule/),
    ]);
  });

  it('a setting that cannot be read from the configuration is not guessed', () => {
    const s = synthWith((stack) => {
      new PubsubTopic(stack, 'h-topic', { name: 't', messageRetentionDuration: '${var.retention}', dependsOn: [stack.project.enableApi('pubsub.googleapis.com')!] });
    });
    expect(certify(s, '2025-03-02').problems).toEqual([expect.stringMatching(/h-topic.*deletion horizon cannot be computed: message_retention_duration is "\$\{var\.retention\}"/)]);
  });

  it('a tenant that is not offboarding keeps its project protected, which is refused', () => {
    const active = makeTenant({ id: 'horizon-test' });
    const s = SynthesizedStack.parse('t', Testing.synth(new TenantStack(Testing.app(), { environment: fixtureEnvironment(), tenant: active }) as TerraformStack));
    expect(certify(s, '2025-03-02', active).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^google_project\.\S+: deletion_policy is PREVENT/)]),
    );
  });

  function compliant(): SynthesizedStack {
    return synthWith(compliantStores);
  }
});

describe('the tenant data plane as built keeps RET-3', () => {
  // Whatever stores the tenant stacks hold today: every example tenant in offboarding, deleted two
  // days after the request, must be certifiable.
  const env = fixtureEnvironment();
  it.each(env.tenants.map((t) => [t.id, t] as const))('%s', (_id, t) => {
    const tenant = offboardingTenant(t);
    const s = synthWith(() => undefined, tenant);
    const { certificate, problems } = certify(s, '2025-03-03', tenant);
    expect(problems).toEqual([]);
    // Not vacuous: the stack holds stores and the certificate lists every one of them.
    expect(certificate.stores.map((st) => st.address)).toEqual(inventoryDataStores(s).stores.map((st) => st.address));
    expect(certificate.stores.length).toBeGreaterThan(0);
  });
});
