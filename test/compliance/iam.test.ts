/** IAM rules (IAM-1 to IAM-7 and IAM-2/role-exists): a broken stack built here is rejected, its twin accepted. */
import { BigqueryDatasetAccessA } from '@cdktf/provider-google/lib/bigquery-dataset-access';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import { Project } from '@cdktf/provider-google/lib/project';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { StorageBucketAcl } from '@cdktf/provider-google/lib/storage-bucket-acl';
import { TerraformResource } from 'cdktf';
import type { OrganizationPolicies } from '../../constructs/organization-policies';
import { bareTenantStack, barePlatformStack, check, expectAccepted, expectRejected, realPlatformStack, checkPlatformAsBuilt, realTenantStack } from './support';

const labels = { tenant: 'rule-test', environment: 'fixture', 'data-residency': 'eu' };
const region = { allowedPersistenceRegions: ['europe-west1'] };
const handover = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-owners@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
};
const takeover = { warehouse: { mode: 'customer' as const, projectId: 'rule-test-dwh', provisionedBy: 'smart-segments' as const } };
const sa = (project: string, id = 'ingest-webhook') => `serviceAccount:${id}@${project}.iam.gserviceaccount.com`;

function service(
  stack: ConstructorParameters<typeof CloudRunV2Service>[0],
  id: string,
  project: string,
  extra: Partial<ConstructorParameters<typeof CloudRunV2Service>[2]> = {},
) {
  return new CloudRunV2Service(stack, id, {
    project,
    name: id,
    location: 'europe-west1',
    ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
    template: { serviceAccount: `${id}@${project}.iam.gserviceaccount.com`, containers: [{ image: 'x' }] },
    labels,
    ...extra,
  });
}

describe('IAM-1: no basic roles', () => {
  it('rejects roles/editor for a Smart Segments group; accepts a predefined role', () => {
    const broken = bareTenantStack();
    new ProjectIamMember(broken.stack, 'editors', {
      project: broken.tenant.projectId,
      role: 'roles/editor',
      member: 'group:platform-admins@smartsegments.example',
    });
    expectRejected(check('IAM-1', broken.stack, broken.env), 'IAM-1', broken.stack.node.id, 'google_project_iam_member.editors');

    const twin = bareTenantStack();
    new ProjectIamMember(twin.stack, 'jobs', {
      project: twin.tenant.projectId,
      role: 'roles/bigquery.jobUser',
      member: sa(twin.tenant.projectId),
    });
    expectAccepted(check('IAM-1', twin.stack, twin.env));
  });

  it("grants the handover customer's administrators predefined roles, and rejects roles/owner even for them (setIamPolicy refuses it across organizations)", () => {
    const real = realTenantStack({ ...takeover, lifecycle: { state: 'handover-prepare', handover } });
    expectAccepted(check('IAM-1', real.stack, real.env));
    const admin = real.stack.node
      .findAll()
      .find(
        (c): c is TerraformResource =>
          c instanceof TerraformResource && c.terraformResourceType === 'google_project_iam_member' && c.node.id === 'customer-bigquery-admin',
      )!;
    admin.addOverride('role', 'roles/owner');
    expectRejected(check('IAM-1', real.stack, real.env), 'IAM-1', real.stack.node.id, 'customer-bigquery-admin');

    const active = bareTenantStack();
    new ProjectIamMember(active.stack, 'owner', {
      project: active.tenant.projectId,
      role: 'roles/owner',
      member: `group:${handover.customerOwnerGroup}`,
    });
    expectRejected(check('IAM-1', active.stack, active.env), 'IAM-1', active.stack.node.id, 'google_project_iam_member.owner');
  });
});

describe('IAM-2: own service account per workload; resource-level grants', () => {
  it('rejects a project-wide publisher grant, a folder grant and two services sharing an account; accepts resource grants', () => {
    const broken = bareTenantStack();
    const p = broken.tenant.projectId;
    new ProjectIamMember(broken.stack, 'publish-all', { project: p, role: 'roles/pubsub.publisher', member: sa(p) });
    new FolderIamMember(broken.stack, 'folder', { folder: 'folders/100000000001', role: 'roles/bigquery.jobUser', member: sa(p) });
    new ProjectIamMember(broken.stack, 'datastore', { project: p, role: 'roles/datastore.user', member: sa(p) });
    service(broken.stack, 'one', p, { template: { serviceAccount: `shared@${p}.iam.gserviceaccount.com`, containers: [{ image: 'x' }] } });
    service(broken.stack, 'two', p, { template: { serviceAccount: `shared@${p}.iam.gserviceaccount.com`, containers: [{ image: 'x' }] } });
    service(broken.stack, 'nobody', p, { template: { containers: [{ image: 'x' }] } });
    const out = check('IAM-2', broken.stack, broken.env);
    for (const a of [
      'google_project_iam_member.publish-all',
      'google_folder_iam_member.folder',
      'google_project_iam_member.datastore',
      'google_cloud_run_v2_service.one',
      'google_cloud_run_v2_service.two',
      'google_cloud_run_v2_service.nobody',
    ]) {
      expectRejected(out, 'IAM-2', broken.stack.node.id, a);
    }

    const twin = bareTenantStack();
    const q = twin.tenant.projectId;
    const topic = new PubsubTopic(twin.stack, 'events', { project: q, name: 'events', messageStoragePolicy: region, labels });
    new PubsubTopicIamMember(twin.stack, 'publish', { topic: topic.id, role: 'roles/pubsub.publisher', member: sa(q) });
    new ProjectIamMember(twin.stack, 'jobs', { project: q, role: 'roles/bigquery.jobUser', member: sa(q) });
    new ProjectIamMember(twin.stack, 'datastore', {
      project: q,
      role: 'roles/datastore.user',
      member: sa(q),
      condition: { title: 'one-db', expression: `resource.name == "projects/${q}/databases/d"` },
    });
    service(twin.stack, 'one', q);
    service(twin.stack, 'two', q);
    expectAccepted(check('IAM-2', twin.stack, twin.env));
  });
});

describe('IAM-2/role-exists: every granted role exists', () => {
  it('rejects a misspelt role; accepts a predefined role and a custom role the stack declares', () => {
    const broken = bareTenantStack();
    new ProjectIamMember(broken.stack, 'typo', {
      project: broken.tenant.projectId,
      role: 'roles/bigquery.jobUsers',
      member: sa(broken.tenant.projectId),
    });
    expectRejected(
      check('IAM-2/role-exists', broken.stack, broken.env),
      'IAM-2/role-exists',
      broken.stack.node.id,
      'google_project_iam_member.typo',
    );

    const twin = bareTenantStack();
    const p = twin.tenant.projectId;
    const custom = new ProjectIamCustomRole(twin.stack, 'custom', {
      project: p,
      roleId: 'secretsManager',
      title: 'Secrets manager',
      permissions: ['secretmanager.secrets.create'],
    });
    new ProjectIamMember(twin.stack, 'custom-grant', { project: p, role: custom.name, member: sa(p) });
    new ProjectIamMember(twin.stack, 'jobs', { project: p, role: 'roles/bigquery.jobUser', member: sa(p) });
    expectAccepted(check('IAM-2/role-exists', twin.stack, twin.env));
  });
});

describe('IAM-3: no service account keys; keyless CI restricted to the repository', () => {
  it('rejects a service account key; accepts a stack without one', () => {
    const broken = bareTenantStack();
    new ServiceAccountKey(broken.stack, 'key', {
      serviceAccountId: `projects/${broken.tenant.projectId}/serviceAccounts/x@${broken.tenant.projectId}.iam.gserviceaccount.com`,
    });
    expectRejected(check('IAM-3', broken.stack, broken.env), 'IAM-3', broken.stack.node.id, 'google_service_account_key.key');
    const twin = bareTenantStack();
    expectAccepted(check('IAM-3', twin.stack, twin.env));
  });

  it('rejects a CI provider open to any repository and a folder without the key policy; accepts the platform as built', () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('IAM-3'));
    const plan = stack.node
      .findAll()
      .find(
        (c): c is TerraformResource =>
          c instanceof TerraformResource && c.terraformResourceType === 'google_iam_workload_identity_pool_provider',
      )!;
    plan.addOverride('attribute_condition', "assertion.repository_owner == 'smart-segments'");
    (stack.node.findChild('policies-ch') as OrganizationPolicies)
      .policy('iam.disableServiceAccountKeyCreation')
      .addOverride('spec.rules', [{ enforce: 'FALSE' }]);
    const out = check('IAM-3', stack, env);
    expectRejected(out, 'IAM-3', stack.node.id, 'google_iam_workload_identity_pool_provider.');
    expect(out.violations.some((v) => v.includes('policies-ch'))).toBe(true);
  });
});

describe('IAM-4: default service accounts deprivileged and granted nothing', () => {
  it('rejects a grant to the default compute account and a project that keeps its default accounts; accepts TenantProject', () => {
    const broken = bareTenantStack();
    new Project(broken.stack, 'project', {
      projectId: broken.tenant.projectId,
      name: 'x',
      folderId: 'folders/100000000001',
      billingAccount: '01ABCD-23EF45-6789AB',
      labels,
    });
    new ProjectIamMember(broken.stack, 'default-sa', {
      project: broken.tenant.projectId,
      role: 'roles/pubsub.viewer',
      member: 'serviceAccount:123456789-compute@developer.gserviceaccount.com',
    });
    const out = check('IAM-4', broken.stack, broken.env);
    expectRejected(out, 'IAM-4', broken.stack.node.id, 'google_project_iam_member.default-sa');
    expect(out.violations.some((v) => v.includes('google_project.project'))).toBe(true);

    const { stack, env } = realTenantStack();
    expectAccepted(check('IAM-4', stack, env));
  });

  it('rejects a folder where automatic default-account grants are allowed; accepts the platform as built', () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('IAM-4'));
    (stack.node.findChild('policies-eea') as OrganizationPolicies)
      .policy('iam.automaticIamGrantsForDefaultServiceAccounts')
      .addOverride('spec.rules', [{ enforce: 'FALSE' }]);
    expectRejected(check('IAM-4', stack, env), 'IAM-4', stack.node.id, 'policies-eea');
  });
});

describe('IAM-5: groups, never users', () => {
  it('rejects a user: member and a BigQuery grant to a person; accepts a group and a service account', () => {
    const broken = bareTenantStack();
    new ProjectIamMember(broken.stack, 'alice', {
      project: broken.tenant.projectId,
      role: 'roles/bigquery.jobUser',
      member: 'user:alice@smartsegments.example',
    });
    new BigqueryDatasetAccessA(broken.stack, 'bob', {
      datasetId: 'w',
      project: broken.tenant.projectId,
      role: 'READER',
      userByEmail: 'bob@smartsegments.example',
    });
    const out = check('IAM-5', broken.stack, broken.env);
    expectRejected(out, 'IAM-5', broken.stack.node.id, 'google_project_iam_member.alice');
    expect(out.violations.some((v) => v.includes('google_bigquery_dataset_access.bob'))).toBe(true);

    const twin = bareTenantStack();
    new ProjectIamMember(twin.stack, 'admins', {
      project: twin.tenant.projectId,
      role: 'roles/bigquery.jobUser',
      member: 'group:platform-admins@smartsegments.example',
    });
    new BigqueryDatasetAccessA(twin.stack, 'relay', {
      datasetId: 'w',
      project: twin.tenant.projectId,
      role: 'READER',
      userByEmail: `mcp-endpoint@${twin.tenant.projectId}.iam.gserviceaccount.com`,
    });
    expectAccepted(check('IAM-5', twin.stack, twin.env));
  });
});

describe('IAM-6: no public principals, except a load-balancer-only webhook', () => {
  it('rejects allUsers on a topic, a public service with direct ingress and a public-read bucket ACL', () => {
    const broken = bareTenantStack();
    const p = broken.tenant.projectId;
    const topic = new PubsubTopic(broken.stack, 'events', { project: p, name: 'events', messageStoragePolicy: region, labels });
    new PubsubTopicIamMember(broken.stack, 'world', { topic: topic.id, role: 'roles/pubsub.publisher', member: 'allUsers' });
    service(broken.stack, 'open', p, { ingress: 'INGRESS_TRAFFIC_ALL', invokerIamDisabled: true });
    const direct = service(broken.stack, 'direct', p, { ingress: 'INGRESS_TRAFFIC_ALL' });
    new CloudRunV2ServiceIamMember(broken.stack, 'direct-invoke', {
      project: p,
      location: 'europe-west1',
      name: direct.name,
      role: 'roles/run.invoker',
      member: 'allAuthenticatedUsers',
    });
    new StorageBucketAcl(broken.stack, 'acl', { bucket: 'b', predefinedAcl: 'publicRead' });
    const out = check('IAM-6', broken.stack, broken.env);
    for (const a of [
      'google_pubsub_topic_iam_member.world',
      'google_cloud_run_v2_service.open',
      'google_cloud_run_v2_service_iam_member.direct-invoke',
      'google_storage_bucket_acl.acl',
    ]) {
      expectRejected(out, 'IAM-6', broken.stack.node.id, a);
    }
  });

  it('accepts an open invoker on a webhook whose ingress is load-balancer only', () => {
    const twin = bareTenantStack();
    const p = twin.tenant.projectId;
    service(twin.stack, 'webhook', p, { ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER', invokerIamDisabled: true });
    const lb = service(twin.stack, 'lb-only', p, { ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER' });
    new CloudRunV2ServiceIamMember(twin.stack, 'invoke', {
      project: p,
      location: 'europe-west1',
      name: lb.name,
      role: 'roles/run.invoker',
      member: 'allUsers',
    });
    expectAccepted(check('IAM-6', twin.stack, twin.env));
  });
});

describe('IAM-7: domain-restricted sharing', () => {
  const ownOrganization = '//cloudresourcemanager.googleapis.com/organizations/123456789012';
  const stranger = '//cloudresourcemanager.googleapis.com/organizations/555555555555';
  const managed = (allowedPrincipalSets: string[], allowedMemberSubjects?: string[]) => ({
    rules: [{ enforce: 'TRUE', parameters: JSON.stringify({ allowedPrincipalSets, ...(allowedMemberSubjects ? { allowedMemberSubjects } : {}) }) }],
  });

  it("rejects a folder admitting a foreign organization; accepts Smart Segments' organization", () => {
    const { stack, env } = realPlatformStack();
    expectAccepted(checkPlatformAsBuilt('IAM-7'));
    (stack.node.findChild('policies-au') as OrganizationPolicies)
      .policy('iam.managed.allowedPolicyMembers')
      .addOverride('spec.rules.0.parameters', JSON.stringify({ allowedPrincipalSets: [ownOrganization, stranger] }));
    expectRejected(check('IAM-7', stack, env), 'IAM-7', stack.node.id, 'policies-au');
  });

  it('rejects a managed policy that admits a member other than a Google service agent, or is not enforced', () => {
    const { stack, env } = barePlatformStack();
    const folder = env.platform.tenantFolders.EEA!;
    new OrgPolicyPolicy(stack, 'members', {
      name: `${folder}/policies/iam.managed.allowedPolicyMembers`,
      parent: folder,
      spec: managed([ownOrganization], ['serviceAccount:contractor@gmail-project.iam.gserviceaccount.com']),
    });
    expectRejected(check('IAM-7', stack, env), 'IAM-7', stack.node.id, 'google_org_policy_policy.members');

    const off = barePlatformStack();
    new OrgPolicyPolicy(off.stack, 'members', {
      name: `${folder}/policies/iam.managed.allowedPolicyMembers`,
      parent: folder,
      spec: { rules: [{ enforce: 'FALSE', parameters: JSON.stringify({ allowedPrincipalSets: [ownOrganization] }) }] },
    });
    expectRejected(check('IAM-7', off.stack, off.env), 'IAM-7', off.stack.node.id, 'google_org_policy_policy.members');
  });

  it('rejects lifting the legacy constraint on a folder that the managed constraint does not restrict; accepts it when it does', () => {
    const broken = barePlatformStack();
    const folder = broken.env.platform.tenantFolders.UK!;
    const lifted = { inheritFromParent: false, rules: [{ allowAll: 'TRUE' }] };
    new OrgPolicyPolicy(broken.stack, 'legacy', { name: `${folder}/policies/iam.allowedPolicyMemberDomains`, parent: folder, spec: lifted });
    expectRejected(check('IAM-7', broken.stack, broken.env), 'IAM-7', broken.stack.node.id, 'google_org_policy_policy.legacy');

    const twin = barePlatformStack();
    new OrgPolicyPolicy(twin.stack, 'legacy', { name: `${folder}/policies/iam.allowedPolicyMemberDomains`, parent: folder, spec: lifted });
    new OrgPolicyPolicy(twin.stack, 'members', {
      name: `${folder}/policies/iam.managed.allowedPolicyMembers`,
      parent: folder,
      spec: managed([ownOrganization], ['serviceAccount:service-123456789@serverless-robot-prod.iam.gserviceaccount.com']),
    });
    const outcome = check('IAM-7', twin.stack, twin.env);
    expect(outcome.violations.filter((v) => v.includes('google_org_policy_policy.'))).toEqual([]);
    expect(outcome.compliant.some((c) => c.startsWith('google_org_policy_policy.legacy'))).toBe(true);
    expect(outcome.compliant.some((c) => c.startsWith('google_org_policy_policy.members'))).toBe(true);
  });

  it('still judges the legacy form: a foreign directory is rejected', () => {
    const { stack, env } = barePlatformStack();
    const folder = env.platform.tenantFolders.CH!;
    new OrgPolicyPolicy(stack, 'legacy', {
      name: `${folder}/policies/iam.allowedPolicyMemberDomains`,
      parent: folder,
      spec: { rules: [{ values: { allowedValues: ['C01exmpl2', 'C0stranger'] } }] },
    });
    expectRejected(check('IAM-7', stack, env), 'IAM-7', stack.node.id, 'google_org_policy_policy.legacy');
  });

  it("admits a handover customer's directory or organization only for that tenant", () => {
    const customerOrganization = `//cloudresourcemanager.googleapis.com/organizations/${handover.customerOrganizationId}`;
    const broken = bareTenantStack();
    new OrgPolicyPolicy(broken.stack, 'drs', {
      name: `projects/${broken.tenant.projectId}/policies/iam.allowedPolicyMemberDomains`,
      parent: `projects/${broken.tenant.projectId}`,
      spec: { rules: [{ values: { allowedValues: ['C01exmpl2', handover.customerDirectoryCustomerId] } }] },
    });
    new OrgPolicyPolicy(broken.stack, 'members', {
      name: `projects/${broken.tenant.projectId}/policies/iam.managed.allowedPolicyMembers`,
      parent: `projects/${broken.tenant.projectId}`,
      spec: managed([ownOrganization, customerOrganization]),
    });
    const rejected = check('IAM-7', broken.stack, broken.env);
    expectRejected(rejected, 'IAM-7', broken.stack.node.id, 'google_org_policy_policy.drs');
    expectRejected(rejected, 'IAM-7', broken.stack.node.id, 'google_org_policy_policy.members');

    const twin = bareTenantStack({ ...takeover, lifecycle: { state: 'handover-prepare', handover } });
    new OrgPolicyPolicy(twin.stack, 'drs', {
      name: `projects/${twin.tenant.projectId}/policies/iam.allowedPolicyMemberDomains`,
      parent: `projects/${twin.tenant.projectId}`,
      spec: { rules: [{ values: { allowedValues: ['C01exmpl2', handover.customerDirectoryCustomerId] } }] },
    });
    new OrgPolicyPolicy(twin.stack, 'members', {
      name: `projects/${twin.tenant.projectId}/policies/iam.managed.allowedPolicyMembers`,
      parent: `projects/${twin.tenant.projectId}`,
      spec: managed([ownOrganization, customerOrganization]),
    });
    expectAccepted(check('IAM-7', twin.stack, twin.env));
  });

  it('a bare platform stack without the policy is rejected', () => {
    const { stack, env } = barePlatformStack();
    expectRejected(check('IAM-7', stack, env), 'IAM-7', stack.node.id, '(stack)');
  });
});

