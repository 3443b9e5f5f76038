import { DataGoogleBigqueryDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-bigquery-default-service-account';
import { Folder } from '@cdktf/provider-google/lib/folder';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { LoggingFolderSink } from '@cdktf/provider-google/lib/logging-folder-sink';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { bareTenantStack } from '../compliance/support';
import { createdProject, PROJECT_ID } from './fixtures';
import { checkStack, expectAccepted, expectRejected, runDeployCheck } from './support';

const auditConfig = { service: 'pubsub.googleapis.com', auditLogConfig: [{ logType: 'DATA_READ' }] };

describe('DEP-ORDER: resources in a created project wait for the project and their API', () => {
  it('rejects a Data Access audit config that names the project by its literal id with no dependency (issue 9, failure 1)', () => {
    const { stack, env, tenant } = bareTenantStack();
    createdProject(stack);
    new ProjectIamAuditConfig(stack, 'audit-pubsub', { project: PROJECT_ID, ...auditConfig });
    const outcome = checkStack('DEP-ORDER', stack, env, tenant);
    expectRejected(outcome, 'DEP-ORDER', stack.node.id, /google_project_iam_audit_config\.audit-pubsub.*before the project exists/);
  });

  it('accepts the audit config once it depends on the project', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack);
    new ProjectIamAuditConfig(stack, 'audit-pubsub', { project: PROJECT_ID, ...auditConfig, dependsOn: [project] });
    expectAccepted(checkStack('DEP-ORDER', stack, env, tenant));
  });

  it('accepts a reference to the project id as the dependency', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack);
    new ProjectIamAuditConfig(stack, 'audit-pubsub', { project: project.projectId, ...auditConfig });
    expectAccepted(checkStack('DEP-ORDER', stack, env, tenant));
  });

  it('rejects a topic that waits for the project but not for the Pub/Sub API, and one whose API the stack never enables', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack, ['pubsub.googleapis.com']);
    new PubsubTopic(stack, 'topic', { project: PROJECT_ID, name: 'events', dependsOn: [project] });
    const outcome = checkStack('DEP-ORDER', stack, env, tenant);
    expectRejected(outcome, 'DEP-ORDER', stack.node.id, /google_pubsub_topic\.topic .*needs pubsub\.googleapis\.com, but nothing orders it after google_project_service\.api-pubsub/);

    const bare = bareTenantStack();
    const created = createdProject(bare.stack);
    new PubsubTopic(bare.stack, 'topic', { project: PROJECT_ID, name: 'events', dependsOn: [created.project] });
    expectRejected(checkStack('DEP-ORDER', bare.stack, bare.env, bare.tenant), 'DEP-ORDER', bare.stack.node.id, /enables no such google_project_service/);
  });

  it('follows the parent of a resource without a project attribute (a key through its key ring)', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { services } = createdProject(stack, ['cloudkms.googleapis.com']);
    const ring = new KmsKeyRing(stack, 'ring', { project: PROJECT_ID, name: 'ring', location: 'europe-west1', dependsOn: [services['cloudkms.googleapis.com']] });
    new KmsCryptoKey(stack, 'key', { name: 'key', keyRing: ring.id });
    const outcome = checkStack('DEP-ORDER', stack, env, tenant);
    expectAccepted(outcome);
    expect(outcome.compliant.some((c) => c.startsWith('google_kms_crypto_key.key:'))).toBe(true);
  });

  it('judges a data source reading the created project: data.google_bigquery_default_service_account must wait too', () => {
    const bare = bareTenantStack();
    createdProject(bare.stack, ['bigquery.googleapis.com']);
    new DataGoogleBigqueryDefaultServiceAccount(bare.stack, 'bq-agent', { project: PROJECT_ID });
    expectRejected(checkStack('DEP-ORDER', bare.stack, bare.env, bare.tenant), 'DEP-ORDER', bare.stack.node.id, 'data.google_bigquery_default_service_account.bq-agent');

    const { stack, env, tenant } = bareTenantStack();
    const { services } = createdProject(stack, ['bigquery.googleapis.com']);
    new DataGoogleBigqueryDefaultServiceAccount(stack, 'bq-agent', { project: PROJECT_ID, dependsOn: [services['bigquery.googleapis.com']] });
    expectAccepted(checkStack('DEP-ORDER', stack, env, tenant));
  });

  it('rejects a folder sink whose destination names a created project by its literal id, and accepts it with the dependency', () => {
    const make = (withDependency: boolean) => {
      const { stack, env, tenant } = bareTenantStack();
      const { project } = createdProject(stack);
      const folder = new Folder(stack, 'folder', { displayName: 'EEA', parent: 'organizations/1' });
      new LoggingFolderSink(stack, 'sink', {
        name: 'audit',
        folder: folder.name,
        destination: `logging.googleapis.com/projects/${PROJECT_ID}/locations/eu/buckets/central-audit`,
        ...(withDependency ? { dependsOn: [project] } : {}),
      });
      return { outcome: checkStack('DEP-ORDER', stack, env, tenant), name: stack.node.id };
    };
    const bad = make(false);
    expectRejected(bad.outcome, 'DEP-ORDER', bad.name, /google_logging_folder_sink\.sink .*names google_project\.project \(ssx-rule-test\)/);
    expectAccepted(make(true).outcome);
  });

  it('does not judge a resource in a project the stack does not create (a customer project)', () => {
    const { stack, env, tenant } = bareTenantStack();
    new PubsubTopic(stack, 'topic', { project: 'customer-owned-project', name: 'events' });
    const outcome = checkStack('DEP-ORDER', stack, env, tenant);
    expect(outcome.findings).toEqual([]);
  });
});

describe('DEP-ORDER placement through the provider', () => {
  it("judges a resource without a project attribute in the provider's default project, when the stack creates it", () => {
    const { env, tenant } = bareTenantStack();
    const json = {
      provider: { google: [{ project: PROJECT_ID, region: 'europe-west1' }] },
      terraform: { required_version: '>= 1.7' },
      resource: {
        google_project: { project: { project_id: PROJECT_ID, name: PROJECT_ID, folder_id: 'folders/1' } },
        google_project_service: { pubsub: { project: PROJECT_ID, service: 'pubsub.googleapis.com', depends_on: ['google_project.project'] } },
        google_pubsub_topic: { late: { name: 'events' }, ordered: { name: 'ordered', depends_on: ['google_project_service.pubsub'] } },
      },
    };
    const outcome = runDeployCheck('DEP-ORDER', new SynthesizedStack('tenant-fixture-rule-test', json), env, tenant);
    expect(outcome.violations.filter((v) => v.includes('google_pubsub_topic.late '))).toHaveLength(1);
    expect(outcome.violations.some((v) => v.includes('google_pubsub_topic.ordered '))).toBe(false);
    expect(outcome.compliant.some((c) => c.startsWith('google_pubsub_topic.ordered:'))).toBe(true);
  });
});
