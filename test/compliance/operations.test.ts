/**
 * Logging, breach detection, CI, handover, subprocessor and LLM rules (LOG-1, LOG-2, BRE-1, CI-1,
 * HAND-1, HAND-2, SUB-1, LLM-1): broken stacks rejected, twins accepted.
 */
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { GcsBackend, TerraformResource } from 'cdktf';
import { bareTenantStack, check, expectAccepted, expectRejected, realPlatformStack, checkPlatformAsBuilt, realTenantStack, findResource } from './support';

const handover = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-owners@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
  moverGrantExpires: '2026-12-01',
};
const takeover = { warehouse: { mode: 'customer' as const, projectId: 'rule-test-dwh', provisionedBy: 'smart-segments' as const } };
const ownProject = { warehouse: { mode: 'customer' as const, projectId: 'rule-test-own', provisionedBy: 'customer' as const } };


describe('LOG-1: the _Default bucket keeps logs 30 days; no log bucket without retention', () => {
  it('rejects 90 days on _Default and a bucket without retention; accepts 30 days', () => {
    const broken = bareTenantStack();
    new LoggingProjectBucketConfig(broken.stack, 'default', {
      project: broken.tenant.projectId,
      bucketId: '_Default',
      location: 'eu',
      retentionDays: 90,
    });
    new LoggingProjectBucketConfig(broken.stack, 'extra', { project: broken.tenant.projectId, bucketId: 'extra', location: 'eu' });
    const out = check('LOG-1', broken.stack, broken.env);
    expectRejected(out, 'LOG-1', broken.stack.node.id, 'google_logging_project_bucket_config.default');
    expect(out.violations.some((v) => v.includes('google_logging_project_bucket_config.extra'))).toBe(true);

    const twin = bareTenantStack();
    new LoggingProjectBucketConfig(twin.stack, 'default', {
      project: twin.tenant.projectId,
      bucketId: '_Default',
      location: 'eu',
      retentionDays: 30,
    });
    expectAccepted(check('LOG-1', twin.stack, twin.env));
  });

  it("rejects a tenant project whose _Default bucket this stack does not set; accepts the customer's own project as not ours", () => {
    const missing = bareTenantStack();
    expectRejected(check('LOG-1', missing.stack, missing.env), 'LOG-1', missing.stack.node.id, '(stack)');
    const customer = realTenantStack(ownProject);
    expect(new Set(check('LOG-1', customer.stack, customer.env).statuses)).toEqual(new Set(['not-applicable']));
  });
});

describe('LOG-2: Data Access logs on, audit logs centralised in the jurisdiction', () => {
  it('rejects a tenant project without DATA_READ on BigQuery; accepts the real stack', () => {
    const { stack, env } = realTenantStack();
    expectAccepted(check('LOG-2', stack, env));
    findResource(stack, 'google_project_iam_audit_config', (r) => r.node.id === 'bigquery').addOverride('audit_log_config', undefined);
    expectRejected(check('LOG-2', stack, env), 'LOG-2', stack.node.id, 'google_project_iam_audit_config.');
  });

  it('rejects a central audit bucket kept only 30 days; accepts the platform as built', () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('LOG-2'));
    findResource(stack, 'google_logging_project_bucket_config', (r) => r.node.path.includes('audit-log-uk')).addOverride(
      'retention_days',
      30,
    );
    expectRejected(check('LOG-2', stack, env), 'LOG-2', stack.node.id, 'audit-log-uk');
  });
});

describe('BRE-1: breach detection and security contacts', () => {
  it('rejects a tenant project without security contacts; accepts the real stack', () => {
    const bare = bareTenantStack();
    expectRejected(check('BRE-1', bare.stack, bare.env), 'BRE-1', bare.stack.node.id, 'SECURITY');
    const { stack, env } = realTenantStack();
    expectAccepted(check('BRE-1', stack, env));
  });

  it('rejects an alert that notifies nobody; accepts the platform as built', () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('BRE-1'));
    findResource(
      stack,
      'google_monitoring_alert_policy',
      (r) => r.node.path.includes('breach-detection-ch') && r.node.id.startsWith('service-account-key'),
    ).addOverride('notification_channels', undefined);
    expectRejected(check('BRE-1', stack, env), 'BRE-1', stack.node.id, 'breach-detection-ch');
  });
});

describe('CI-1: remote state per stack in the versioned state bucket; apply from main only', () => {
  it("rejects a tenant stack sharing another stack's state prefix; accepts its own prefix", () => {
    const broken = bareTenantStack();
    (broken.stack.node.findAll().find((c) => c instanceof GcsBackend) as GcsBackend).addOverride('prefix', 'stacks/shared');
    expectRejected(check('CI-1', broken.stack, broken.env), 'CI-1', broken.stack.node.id, 'terraform.backend');
    const twin = bareTenantStack();
    expectAccepted(check('CI-1', twin.stack, twin.env));
  });

  it('rejects an unversioned state bucket and an apply identity not tied to main; accepts the platform as built', () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('CI-1'));
    findResource(stack, 'google_storage_bucket', (r) => r.node.path.includes('state-bucket')).addOverride('versioning.enabled', false);
    for (const p of stack.node
      .findAll()
      .filter(
        (c): c is TerraformResource =>
          c instanceof TerraformResource && c.terraformResourceType === 'google_iam_workload_identity_pool_provider',
      )) {
      p.addOverride('attribute_condition', "assertion.repository == 'smart-segments/platform'");
    }
    const out = check('CI-1', stack, env);
    expectRejected(out, 'CI-1', stack.node.id, 'google_storage_bucket.state-bucket');
    expect(out.violations.some((v) => v.includes('refs/heads/main'))).toBe(true);
  });
});

describe('HAND-1: phased takeover keeps an administrator and deletes nothing', () => {
  it("accepts every phase as built; rejects a prepare phase without one of the customer's administration grants and a transfer that stays in our organization", () => {
    for (const state of ['handover-prepare', 'handover-transfer', 'handed-over'] as const) {
      const { stack, env } = realTenantStack({ ...takeover, lifecycle: { state, handover } });
      expectAccepted(check('HAND-1', stack, env));
    }
    const prepare = realTenantStack({ ...takeover, lifecycle: { state: 'handover-prepare', handover } });
    findResource(prepare.stack, 'google_project_iam_member', (r) => r.node.id === 'customer-bigquery-admin').addOverride('role', 'roles/browser');
    expectRejected(check('HAND-1', prepare.stack, prepare.env), 'HAND-1', prepare.stack.node.id, 'roles/bigquery.admin');

    const transfer = realTenantStack({ ...takeover, lifecycle: { state: 'handover-transfer', handover } });
    findResource(transfer.stack, 'google_project').addOverride('org_id', undefined);
    expectRejected(check('HAND-1', transfer.stack, transfer.env), 'HAND-1', transfer.stack.node.id, 'google_project.');
  });

  it('rejects a release that would destroy what it hands over', () => {
    const { stack, env } = realTenantStack({ ...takeover, lifecycle: { state: 'handed-over', handover } });
    stack.addOverride('removed', [{ from: 'google_bigquery_dataset.extra', lifecycle: { destroy: true } }]);
    expectRejected(check('HAND-1', stack, env), 'HAND-1', stack.node.id, 'destroy = false');
  });
});

describe("HAND-2: in the customer's own project, only what the config names", () => {
  it('rejects enabling an API and an account the config does not imply; accepts the real stack', () => {
    const { stack, env, tenant } = realTenantStack(ownProject);
    expectAccepted(check('HAND-2', stack, env));
    new ProjectService(stack, 'sneaky-api', { project: tenant.projectId, service: 'compute.googleapis.com' });
    new ServiceAccount(stack, 'extra-account', { project: tenant.projectId, accountId: 'analytics-export' });
    const out = check('HAND-2', stack, env);
    expectRejected(out, 'HAND-2', stack.node.id, 'google_project_service.sneaky-api');
    expect(out.violations.some((v) => v.includes('google_service_account.extra-account'))).toBe(true);
  });

  it('does not apply to a project Smart Segments owns', () => {
    const { stack, env } = realTenantStack();
    // One not-applicable finding per HAND-2 check.
    expect(check('HAND-2', stack, env).statuses).toEqual(['not-applicable', 'not-applicable']);
  });
});

describe('SUB-1: only Smart Segments, the customer and listed subprocessors', () => {
  it('rejects an outside domain, a foreign service account and dbt beyond jobs and dataset edit; accepts admitted principals', () => {
    const broken = bareTenantStack();
    const p = broken.tenant.projectId;
    new ProjectIamMember(broken.stack, 'agency', {
      project: p,
      role: 'roles/bigquery.jobUser',
      member: 'group:analysts@marketing-agency.example',
    });
    new ProjectIamMember(broken.stack, 'vendor', {
      project: p,
      role: 'roles/bigquery.jobUser',
      member: 'serviceAccount:etl@vendor-project.iam.gserviceaccount.com',
    });
    new ProjectIamMember(broken.stack, 'dbt-admin', {
      project: p,
      role: 'roles/bigquery.admin',
      member: `serviceAccount:dbt-transform@${p}.iam.gserviceaccount.com`,
    });
    const out = check('SUB-1', broken.stack, broken.env);
    for (const a of ['google_project_iam_member.agency', 'google_project_iam_member.vendor', 'google_project_iam_member.dbt-admin'])
      expectRejected(out, 'SUB-1', broken.stack.node.id, a);

    const twin = bareTenantStack();
    const q = twin.tenant.projectId;
    new ProjectIamMember(twin.stack, 'support', {
      project: q,
      role: 'roles/bigquery.jobUser',
      member: 'group:support-engineers@smartsegments.example',
    });
    new ProjectIamMember(twin.stack, 'customer', {
      project: q,
      role: 'roles/bigquery.jobUser',
      member: 'group:data-team@test-tenant.example',
    });
    new ProjectIamMember(twin.stack, 'agent', {
      project: q,
      role: 'roles/pubsub.publisher',
      member: 'serviceAccount:service-123456789@gcp-sa-pubsub.iam.gserviceaccount.com',
    });
    new ProjectIamMember(twin.stack, 'dbt-jobs', {
      project: q,
      role: 'roles/bigquery.jobUser',
      member: `serviceAccount:dbt-transform@${q}.iam.gserviceaccount.com`,
    });
    new BigqueryDatasetIamMember(twin.stack, 'dbt-edit', {
      project: q,
      datasetId: 'w',
      role: 'roles/bigquery.dataEditor',
      member: `serviceAccount:dbt-transform@${q}.iam.gserviceaccount.com`,
    });
    const out2 = check('SUB-1', twin.stack, twin.env);
    expectAccepted(out2);
    expect(out2.compliant.some((c) => c.includes('dbt Labs') && c.includes('Annex III'))).toBe(true);
    expect(out2.compliant.some((c) => c.includes('Google Cloud'))).toBe(true);
  });
});

describe("LLM-1: the project label records the customer's LLM-support choice", () => {
  it('rejects a label that contradicts the config; accepts the real stack', () => {
    const { stack, env } = realTenantStack({ llmSupport: 'restricted' });
    expectAccepted(check('LLM-1', stack, env));
    findResource(stack, 'google_project').addOverride('labels.llm-support', 'allowed');
    expectRejected(check('LLM-1', stack, env), 'LLM-1', stack.node.id, 'google_project.');
  });
});
