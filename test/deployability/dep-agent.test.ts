import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import { GoogleProjectServiceIdentity } from '@cdktf/provider-google-beta/lib/google-project-service-identity';
import { DataGoogleBigqueryDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-bigquery-default-service-account';
import { Folder } from '@cdktf/provider-google/lib/folder';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { LoggingFolderSink } from '@cdktf/provider-google/lib/logging-folder-sink';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { PubsubTopicIamBinding } from '@cdktf/provider-google/lib/pubsub-topic-iam-binding';
import { PubsubSubscriptionIamPolicy } from '@cdktf/provider-google/lib/pubsub-subscription-iam-policy';
import { DataGoogleIamPolicy } from '@cdktf/provider-google/lib/data-google-iam-policy';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import type { TerraformStack } from 'cdktf';
import { serviceAgentCheck } from '../../compliance/deployability/checks/dep-agent';
import { SERVICE_AGENTS } from '../../compliance/deployability/data-tables';
import { bareTenantStack } from '../compliance/support';
import { createdProject, PROJECT_ID } from './fixtures';
import { checkStack, expectAccepted, expectRejected } from './support';

const KEY = 'projects/ssx-rule-test/locations/europe-west4/keyRings/ring/cryptoKeys/secrets';
const ROLE = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';

function withIdentity(stack: TerraformStack, service: string, dependsOn: ReturnType<typeof createdProject>['services'][string][]) {
  const beta = new GoogleBetaProvider(stack, 'google-beta', {});
  return new GoogleProjectServiceIdentity(stack, `identity-${service.split('.')[0]}`, { provider: beta, project: PROJECT_ID, service, dependsOn });
}

describe('DEP-AGENT: grants to service agents wait for what creates the agent', () => {
  it('rejects a KMS grant to the Secret Manager agent that only waits for the API (issue 9, failure 2)', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project, services } = createdProject(stack, ['secretmanager.googleapis.com']);
    new KmsCryptoKeyIamMember(stack, 'secrets-key-agent', {
      cryptoKeyId: KEY,
      role: ROLE,
      member: `serviceAccount:service-${project.number}@gcp-sa-secretmanager.iam.gserviceaccount.com`,
      dependsOn: [services['secretmanager.googleapis.com']],
    });
    const outcome = checkStack('DEP-AGENT', stack, env, tenant);
    expectRejected(outcome, 'DEP-AGENT', stack.node.id, /google_kms_crypto_key_iam_member\.secrets-key-agent .*only on request.*nothing in the stack creates it/);
    expect(outcome.violations[0]).toContain('google_project_service_identity');
  });

  it('accepts the grant once it uses the member of a google_project_service_identity for Secret Manager', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { services } = createdProject(stack, ['secretmanager.googleapis.com']);
    const identity = withIdentity(stack, 'secretmanager.googleapis.com', [services['secretmanager.googleapis.com']]);
    new KmsCryptoKeyIamMember(stack, 'secrets-key-agent', { cryptoKeyId: KEY, role: ROLE, member: identity.member });
    expectAccepted(checkStack('DEP-AGENT', stack, env, tenant));
  });

  it('accepts the written-out agent address when the grant depends on the identity; an identity of another service does not count', () => {
    const make = (service: string) => {
      const { stack, env, tenant } = bareTenantStack();
      const { project, services } = createdProject(stack, [service]);
      const identity = withIdentity(stack, service, [services[service]]);
      new PubsubTopicIamMember(stack, 'rotation-publisher', {
        topic: 'projects/ssx-rule-test/topics/secret-rotation',
        role: 'roles/pubsub.publisher',
        member: `serviceAccount:service-${project.number}@gcp-sa-secretmanager.iam.gserviceaccount.com`,
        dependsOn: [identity],
      });
      return { outcome: checkStack('DEP-AGENT', stack, env, tenant), name: stack.node.id };
    };
    expectAccepted(make('secretmanager.googleapis.com').outcome);
    const wrong = make('pubsub.googleapis.com');
    expectRejected(wrong.outcome, 'DEP-AGENT', wrong.name, 'google_pubsub_topic_iam_member.rotation-publisher');
  });

  it('accepts a grant to the BigQuery encryption agent read from data.google_bigquery_default_service_account', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { services } = createdProject(stack, ['bigquery.googleapis.com']);
    const agent = new DataGoogleBigqueryDefaultServiceAccount(stack, 'bq', { project: PROJECT_ID, dependsOn: [services['bigquery.googleapis.com']] });
    new KmsCryptoKeyIamMember(stack, 'warehouse-key-agent', { cryptoKeyId: KEY, role: ROLE, member: `serviceAccount:${agent.email}` });
    expectAccepted(checkStack('DEP-AGENT', stack, env, tenant));
  });

  it('rejects a written-out bq-<number>@bigquery-encryption agent with no data source creating it', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack, ['bigquery.googleapis.com']);
    new KmsCryptoKeyIamMember(stack, 'warehouse-key-agent', {
      cryptoKeyId: KEY,
      role: ROLE,
      member: `serviceAccount:bq-${project.number}@bigquery-encryption.iam.gserviceaccount.com`,
    });
    expectRejected(checkStack('DEP-AGENT', stack, env, tenant), 'DEP-AGENT', stack.node.id, /data\.google_bigquery_default_service_account/);
  });

  it('accepts a grant to a sink writer identity: the interpolation is the dependency', () => {
    const { stack, env, tenant } = bareTenantStack();
    const folder = new Folder(stack, 'folder', { displayName: 'EEA', parent: 'organizations/1' });
    const sink = new LoggingFolderSink(stack, 'sink', { name: 'audit', folder: folder.name, destination: 'logging.googleapis.com/projects/x/locations/eu/buckets/b' });
    new ProjectIamMember(stack, 'writer', { project: 'ssx-audit-eea', role: 'roles/logging.bucketWriter', member: sink.writerIdentity });
    expectAccepted(checkStack('DEP-AGENT', stack, env, tenant));
  });

  it('fails closed on an agent domain the data file does not know', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack);
    new ProjectIamMember(stack, 'mystery', {
      project: PROJECT_ID,
      role: 'roles/viewer',
      member: `serviceAccount:service-${project.number}@gcp-sa-mystery.iam.gserviceaccount.com`,
    });
    expectRejected(checkStack('DEP-AGENT', stack, env, tenant), 'DEP-AGENT', stack.node.id, /gcp-sa-mystery\.iam\.gserviceaccount\.com has no row/);
  });

  it('for an agent recorded as created with its API, requires the grant to wait for that google_project_service', () => {
    const rows = [...SERVICE_AGENTS, { domain: 'gcp-sa-example.iam.gserviceaccount.com', service: 'example.googleapis.com', createdWith: 'api-enable' as const, createdBy: [], source: 'https://example.test' }];
    const check = serviceAgentCheck(rows);
    const make = (wait: boolean) => {
      const { stack, env, tenant } = bareTenantStack();
      const { project, services } = createdProject(stack, ['example.googleapis.com']);
      new ProjectIamMember(stack, 'agent-grant', {
        project: PROJECT_ID,
        role: 'roles/viewer',
        member: `serviceAccount:service-${project.number}@gcp-sa-example.iam.gserviceaccount.com`,
        ...(wait ? { dependsOn: [services['example.googleapis.com']] } : {}),
      });
      return { outcome: checkStack(check, stack, env, tenant), name: stack.node.id };
    };
    const bad = make(false);
    expectRejected(bad.outcome, 'DEP-AGENT', bad.name, /google_project_iam_member\.agent-grant .*creates when the API is enabled/);
    expectAccepted(make(true).outcome);
  });

  it('reads the members of *_iam_binding and of *_iam_policy (through data.google_iam_policy)', () => {
    const { stack, env, tenant } = bareTenantStack();
    const { project } = createdProject(stack, ['pubsub.googleapis.com']);
    const agent = `serviceAccount:service-${project.number}@gcp-sa-pubsub.iam.gserviceaccount.com`;
    new PubsubTopicIamBinding(stack, 'binding', { topic: 'projects/ssx-rule-test/topics/t', role: 'roles/pubsub.publisher', members: [agent] });
    const policy = new DataGoogleIamPolicy(stack, 'policy', { binding: [{ role: 'roles/pubsub.subscriber', members: [agent] }] });
    new PubsubSubscriptionIamPolicy(stack, 'subscription-policy', { subscription: 'projects/ssx-rule-test/subscriptions/s', policyData: policy.policyData });
    const outcome = checkStack('DEP-AGENT', stack, env, tenant);
    expectRejected(outcome, 'DEP-AGENT', stack.node.id, 'google_pubsub_topic_iam_binding.binding');
    expectRejected(outcome, 'DEP-AGENT', stack.node.id, 'google_pubsub_subscription_iam_policy.subscription-policy');
  });

  describe("in a customer's own project (HAND-2), where the stack creates nothing project-wide", () => {
    const customer = { warehouse: { mode: 'customer' as const, projectId: 'acme-own-dwh', provisionedBy: 'customer' as const } };
    const grantToPubsubAgentOf = (projectId: string) => {
      const { stack, env, tenant } = bareTenantStack(customer);
      const project = new DataGoogleProject(stack, 'customer-project', { projectId });
      new PubsubTopicIamMember(stack, 'dead-letter-publish', {
        project: projectId,
        topic: 'dead-letters',
        role: 'roles/pubsub.publisher',
        member: `serviceAccount:service-${project.number}@gcp-sa-pubsub.iam.gserviceaccount.com`,
      });
      return { stack, env, tenant };
    };

    it("leaves the customer's agents to the customer's documented step, naming the command, instead of failing", () => {
      const { stack, env, tenant } = grantToPubsubAgentOf('acme-own-dwh');
      const outcome = checkStack('DEP-AGENT', stack, env, tenant);
      expect(outcome.violations).toEqual([]);
      const reasons = outcome.findings.flatMap((f) => (f.status === 'not-applicable' ? [f.reason] : []));
      expect(reasons).toEqual([expect.stringContaining('gcloud beta services identity create --service=pubsub.googleapis.com --project=acme-own-dwh')]);
    });

    it('still rejects a grant to the agent of any other project the stack does not create', () => {
      const { stack, env, tenant } = grantToPubsubAgentOf('someone-elses-project');
      expectRejected(checkStack('DEP-AGENT', stack, env, tenant), 'DEP-AGENT', stack.node.id, /dead-letter-publish .*nothing in the stack creates it/);
    });
  });
});
