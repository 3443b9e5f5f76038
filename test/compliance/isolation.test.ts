/** Tenant isolation rules (ISO-1 to ISO-3): a broken stack built here is rejected, its twin accepted. */
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { TerraformResource } from 'cdktf';
import { labelAttribute } from '../../compliance/labelable';
import { fixtureEnvironment } from '../support/synth';
import { bareTenantStack, check, expectAccepted, expectRejected, checkPlatformAsBuilt, realTenantStack } from './support';

const labels = { tenant: 'rule-test', environment: 'fixture', 'data-residency': 'eu' };
const region = { allowedPersistenceRegions: ['europe-west1'] };

describe("ISO-1: a tenant stack references no other tenant's project", () => {
  it("rejects a grant on another tenant's topic and a resource in a foreign project; accepts its own", () => {
    const other = fixtureEnvironment().tenants.find((t) => t.id === 'brightwave-leisure')!;
    const broken = bareTenantStack();
    new PubsubTopicIamMember(broken.stack, 'peek', {
      topic: `projects/${other.projectId}/topics/conversion-events`,
      role: 'roles/pubsub.subscriber',
      member: `serviceAccount:ingest-webhook@${broken.tenant.projectId}.iam.gserviceaccount.com`,
    });
    new PubsubTopic(broken.stack, 'stray', { project: 'someone-elses-project', name: 'x', messageStoragePolicy: region, labels });
    const out = check('ISO-1', broken.stack, broken.env);
    expectRejected(out, 'ISO-1', broken.stack.node.id, 'google_pubsub_topic_iam_member.peek');
    expect(out.violations.some((v) => v.includes(other.projectId))).toBe(true);
    expect(out.violations.some((v) => v.includes('google_pubsub_topic.stray'))).toBe(true);

    const twin = bareTenantStack();
    new PubsubTopic(twin.stack, 'own', { project: twin.tenant.projectId, name: 'x', messageStoragePolicy: region, labels });
    expectAccepted(check('ISO-1', twin.stack, twin.env));
  });

  it("does not mistake a longer project id for another tenant's", () => {
    const twin = bareTenantStack();
    new PubsubTopic(twin.stack, 'own', {
      project: twin.tenant.projectId,
      name: 'ssx-brightwave-leisure-archive',
      messageStoragePolicy: region,
      labels,
    });
    expect(check('ISO-1', twin.stack, twin.env).violations).toEqual([]);
  });
});

describe("ISO-2: workloads run as the tenant's own accounts, granted only on its resources", () => {
  it("rejects a service running as another project's account and a grant on a foreign topic; accepts its own", () => {
    const broken = bareTenantStack();
    new CloudRunV2Service(broken.stack, 'relay', {
      project: broken.tenant.projectId,
      name: 'relay',
      location: 'europe-west1',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      template: { serviceAccount: 'relay@ssx-platform.iam.gserviceaccount.com', containers: [{ image: 'x' }] },
      labels,
    });
    new PubsubTopicIamMember(broken.stack, 'foreign', {
      topic: 'projects/some-vendor/topics/feed',
      role: 'roles/pubsub.publisher',
      member: `serviceAccount:ingest-webhook@${broken.tenant.projectId}.iam.gserviceaccount.com`,
    });
    const out = check('ISO-2', broken.stack, broken.env);
    expectRejected(out, 'ISO-2', broken.stack.node.id, 'google_cloud_run_v2_service.relay');
    expect(out.violations.some((v) => v.includes('google_pubsub_topic_iam_member.foreign'))).toBe(true);

    const twin = bareTenantStack();
    const sa = new ServiceAccount(twin.stack, 'sa', { project: twin.tenant.projectId, accountId: 'ingest-webhook' });
    const topic = new PubsubTopic(twin.stack, 'events', {
      project: twin.tenant.projectId,
      name: 'events',
      messageStoragePolicy: region,
      labels,
    });
    new CloudRunV2Service(twin.stack, 'relay', {
      project: twin.tenant.projectId,
      name: 'relay',
      location: 'europe-west1',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      template: { serviceAccount: sa.email, containers: [{ image: 'x' }] },
      labels,
    });
    new PubsubTopicIamMember(twin.stack, 'own', { topic: topic.id, role: 'roles/pubsub.publisher', member: sa.member });
    expectAccepted(check('ISO-2', twin.stack, twin.env));
  });
});

describe('ISO-3: every labelable resource carries tenant, environment and data-residency', () => {
  it('knows which types take labels from the provider classes', () => {
    expect(labelAttribute('google_pubsub_topic')).toBe('labels');
    expect(labelAttribute('google_monitoring_alert_policy')).toBe('user_labels');
    expect(labelAttribute('google_cloud_scheduler_job')).toBeUndefined();
    expect(labelAttribute('google_project_iam_member')).toBeUndefined();
    expect(() => labelAttribute('google_no_such_thing')).toThrow();
  });

  it('rejects a bucket without labels and one with the wrong tenant; accepts the three labels', () => {
    const broken = bareTenantStack();
    new StorageBucket(broken.stack, 'bare', { name: 'bare', location: 'EU' });
    new StorageBucket(broken.stack, 'wrong', { name: 'wrong', location: 'EU', labels: { ...labels, tenant: 'brightwave-leisure' } });
    const out = check('ISO-3', broken.stack, broken.env);
    expectRejected(out, 'ISO-3', broken.stack.node.id, 'google_storage_bucket.bare');
    expect(out.violations.some((v) => v.includes('google_storage_bucket.wrong') && v.includes('tenant'))).toBe(true);

    const twin = bareTenantStack();
    new StorageBucket(twin.stack, 'b', { name: 'b', location: 'EU', labels });
    expectAccepted(check('ISO-3', twin.stack, twin.env));
  });

  it("sees an override that strips the aspect's labels from a real stack", () => {
    const { stack, env } = realTenantStack();
    expectAccepted(check('ISO-3', stack, env));
    const topic = stack.node
      .findAll()
      .find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === 'google_pubsub_topic')!;
    topic.addOverride('labels.tenant', undefined);
    expectRejected(check('ISO-3', stack, env), 'ISO-3', stack.node.id, 'google_pubsub_topic.');
  });

  it('accepts the platform stack, whose audit log resources carry their own jurisdiction', () => {
    expectAccepted(checkPlatformAsBuilt('ISO-3'));
  });
});
