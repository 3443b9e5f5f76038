/**
 * Residency rules (RES-1 to RES-4): each rejects a stack built here to break it, naming the stack,
 * the resource, the control and the DPA clause, and accepts its compliant twin.
 */
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { TerraformResource } from 'cdktf';
import type { OrganizationPolicies } from '../../constructs/organization-policies';
import type { LoggingLocation } from '../../constructs/logging-location';
import { bareTenantStack, check, expectAccepted, expectRejected, realPlatformStack, checkPlatformAsBuilt, realTenantStack } from './support';

const labels = { tenant: 'rule-test', environment: 'fixture', 'data-residency': 'eu' };

describe('RES-1: every location-bearing resource is in the jurisdiction', () => {
  it('rejects a BigQuery dataset in London and a Cloud Run service in Zurich for an EEA tenant; accepts EU and Belgium', () => {
    const broken = bareTenantStack();
    new BigqueryDataset(broken.stack, 'warehouse', { project: broken.tenant.projectId, datasetId: 'w', location: 'europe-west2', labels });
    new CloudRunV2Service(broken.stack, 'svc', {
      project: broken.tenant.projectId,
      name: 's',
      location: 'europe-west6',
      template: { containers: [{ image: 'x' }] },
      labels,
    });
    const out = check('RES-1', broken.stack, broken.env);
    expectRejected(out, 'RES-1', broken.stack.node.id, 'google_bigquery_dataset.warehouse');
    expect(out.violations.some((v) => v.includes('google_cloud_run_v2_service.svc') && v.includes('europe-west6'))).toBe(true);

    const twin = bareTenantStack();
    new BigqueryDataset(twin.stack, 'warehouse', { project: twin.tenant.projectId, datasetId: 'w', location: 'EU', labels });
    new CloudRunV2Service(twin.stack, 'svc', {
      project: twin.tenant.projectId,
      name: 's',
      location: 'europe-west1',
      template: { containers: [{ image: 'x' }] },
      labels,
    });
    expectAccepted(check('RES-1', twin.stack, twin.env));
  });

  it('rejects a topic without a message storage policy, automatic secret replication and a dataset without location', () => {
    const broken = bareTenantStack();
    new PubsubTopic(broken.stack, 'events', { project: broken.tenant.projectId, name: 'events', labels });
    new SecretManagerSecret(broken.stack, 'secret', { project: broken.tenant.projectId, secretId: 's', replication: { auto: {} }, labels });
    new BigqueryDataset(broken.stack, 'noloc', { project: broken.tenant.projectId, datasetId: 'n', labels });
    const out = check('RES-1', broken.stack, broken.env);
    for (const address of ['google_pubsub_topic.events', 'google_secret_manager_secret.secret', 'google_bigquery_dataset.noloc'])
      expectRejected(out, 'RES-1', broken.stack.node.id, address);

    const twin = bareTenantStack();
    new PubsubTopic(twin.stack, 'events', {
      project: twin.tenant.projectId,
      name: 'events',
      messageStoragePolicy: { allowedPersistenceRegions: ['europe-west1', 'europe-west4'] },
      labels,
    });
    new SecretManagerSecret(twin.stack, 'secret', {
      project: twin.tenant.projectId,
      secretId: 's',
      replication: { userManaged: { replicas: [{ location: 'europe-west1' }] } },
      labels,
    });
    expectAccepted(check('RES-1', twin.stack, twin.env));
  });

  it("sees an escape-hatch override of the real warehouse's location, and the provider's default region", () => {
    const { stack, env } = realTenantStack({ id: 'rule-test', jurisdiction: 'CH', region: 'europe-west6' });
    expectAccepted(check('RES-1', stack, env));
    const dataset = stack.node
      .findAll()
      .find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === 'google_bigquery_dataset')!;
    dataset.addOverride('location', 'europe-west3');
    const provider = stack.node.findAll().find((c) => c.node.id === 'google') as unknown as TerraformResource;
    provider.addOverride('region', 'us-central1');
    const out = check('RES-1', stack, env);
    expectRejected(out, 'RES-1', stack.node.id, 'google_bigquery_dataset.');
    expect(out.violations.some((v) => v.includes('provider.google') && v.includes('us-central1'))).toBe(true);
  });
});

describe('RES-2: jurisdiction folders allow only their locations; tenant projects sit in them', () => {
  it('rejects an EEA folder policy that also allows London; accepts the platform stack as built', () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('RES-2'));
    const policies = stack.node.findChild('policies-eea') as OrganizationPolicies;
    policies
      .policy('gcp.resourceLocations')
      .addOverride('spec.rules', [{ values: { allowed_values: ['in:eu-locations', 'in:europe-west2-locations'] } }]);
    expectRejected(check('RES-2', stack, env), 'RES-2', stack.node.id, 'google_org_policy_policy.policies-eea');
  });

  it('rejects a tenant project moved out of its jurisdiction folder', () => {
    const { stack, env } = realTenantStack();
    expectAccepted(check('RES-2', stack, env));
    const project = stack.node
      .findAll()
      .find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === 'google_project')!;
    project.addOverride('folder_id', env.platform.tenantFolders.UK);
    expectRejected(check('RES-2', stack, env), 'RES-2', stack.node.id, 'google_project.');
  });
});

describe('RES-3: the stack is built from the jurisdiction table and the tenant config', () => {
  it("rejects a provider region other than the tenant's and a wrong data-residency label; accepts the tenant's region", () => {
    const broken = bareTenantStack({ region: 'europe-west4' });
    broken.stack.node
      .findAll()
      .forEach((c) => c.node.id === 'google' && (c as unknown as TerraformResource).addOverride('region', 'europe-west1'));
    new StorageBucket(broken.stack, 'b', { name: 'b', location: 'EU', labels: { ...labels, 'data-residency': 'uk' } });
    const out = check('RES-3', broken.stack, broken.env);
    expectRejected(out, 'RES-3', broken.stack.node.id, 'provider.google');
    expect(out.violations.some((v) => v.includes('google_storage_bucket.b'))).toBe(true);

    const twin = bareTenantStack({ region: 'europe-west4' });
    new StorageBucket(twin.stack, 'b', { name: 'b', location: 'EU', labels });
    expectAccepted(check('RES-3', twin.stack, twin.env));
  });
});

describe('RES-4: log storage of tenant projects stays in the jurisdiction', () => {
  it('rejects a _Default bucket in global and a sink to a US log bucket; accepts eu', () => {
    const broken = bareTenantStack();
    new LoggingProjectBucketConfig(broken.stack, 'default', {
      project: broken.tenant.projectId,
      bucketId: '_Default',
      location: 'global',
      retentionDays: 30,
    });
    new LoggingProjectSink(broken.stack, 'sink', {
      project: broken.tenant.projectId,
      name: 'out',
      destination: 'logging.googleapis.com/projects/elsewhere/locations/us-central1/buckets/b',
    });
    const out = check('RES-4', broken.stack, broken.env);
    expectRejected(out, 'RES-4', broken.stack.node.id, 'google_logging_project_bucket_config.default');
    expect(out.violations.some((v) => v.includes('google_logging_project_sink.sink'))).toBe(true);

    const twin = bareTenantStack();
    new LoggingProjectBucketConfig(twin.stack, 'default', {
      project: twin.tenant.projectId,
      bucketId: '_Default',
      location: 'eu',
      retentionDays: 30,
    });
    new LoggingProjectSink(twin.stack, 'sink', {
      project: twin.tenant.projectId,
      name: 'out',
      destination: 'logging.googleapis.com/projects/ssx-audit-eea/locations/eu/buckets/central-audit',
    });
    expectAccepted(check('RES-4', twin.stack, twin.env));
  });

  it('rejects a jurisdiction folder whose logging settings store logs in global; accepts the platform stack as built', () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('RES-4'));
    (stack.node.findChild('logging-location-uk') as LoggingLocation).settings.addOverride('storage_location', 'global');
    expectRejected(check('RES-4', stack, env), 'RES-4', stack.node.id, 'google_logging_folder_settings.logging-location-uk');
  });
});
