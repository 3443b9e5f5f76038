/** IAM-2 tables: grants on resources, each workload its own account, and every granted role existing. */
import { iam2OwnServiceAccount, iam2ResourceLevelGrants } from '../../../../compliance/rules/iam-2-resource-level-grants';
import { iam2RoleExists } from '../../../../compliance/rules/iam-2-role-exists';
import { sourceSecretId } from '../../../../config/naming';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const p = ACME.projectId;
const sa = (id = 'relay') => `serviceAccount:${id}@${p}.iam.gserviceaccount.com`;
const projectGrant = (role: string, extra: Record<string, unknown> = {}, member = sa()) =>
  stackJson({ google_project_iam_member: { g: { project: p, role, member, ...extra } } });
const folderGrant = (member: string) =>
  stackJson({ google_folder_iam_member: { g: { folder: 'folders/100000000001', role: 'roles/bigquery.jobUser', member } } });
const topicGrant = stackJson({ google_pubsub_topic: { t: { name: 't' } }, google_pubsub_topic_iam_member: { g: { topic: '${google_pubsub_topic.t.name}', role: 'roles/pubsub.publisher', member: sa() } } });
const handover = tableTenant({
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: {
    state: 'handover-prepare',
    handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
  },
});
const deployer = stackJson({
  google_iam_workload_identity_pool: { ci: { workload_identity_pool_id: 'ci' } },
  google_service_account: { deployer: { account_id: 'deployer', project: 'ssx-platform' } },
  google_service_account_iam_member: {
    wif: { service_account_id: '${google_service_account.deployer.name}', role: 'roles/iam.workloadIdentityUser', member: 'principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/attribute.repository/smart-segments/platform' },
  },
  google_folder_iam_member: { g: { folder: 'folders/100000000001', role: 'roles/resourcemanager.projectCreator', member: 'serviceAccount:deployer@ssx-platform.iam.gserviceaccount.com' } },
});
const run = (name: string, account?: string) => ({ [name]: { name, location: 'europe-west1', template: account === undefined ? { containers: [{ image: 'x' }] } : { service_account: account, containers: [{ image: 'x' }] } } });
const services = (...s: Array<Record<string, unknown>>) => stackJson({ google_cloud_run_v2_service: Object.assign({}, ...s) });
const handedOverIngest = tableTenant({
  populatedSecrets: [sourceSecretId('roller')],
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: { state: 'handed-over', handover: handover.lifecycle.handover! },
});
const ingestOnly = tableTenant({ populatedSecrets: [sourceSecretId('roller')] });
const ingestAndMcp = tableTenant({ populatedSecrets: [sourceSecretId('roller')], mcp: { enabled: true } });
const accountResource = { google_service_account: { shared: { account_id: 'shared', project: p } } };

export const IAM_2_TABLES: CheckTable[] = [
  {
    check: iam2ResourceLevelGrants,
    violating: [
      { name: 'pubsub.publisher on the whole project', json: projectGrant('roles/pubsub.publisher'), address: 'google_project_iam_member.g', problem: /on the whole project .* but it has a resource-level form/, fix: /\(project-level roles: roles\/pubsub\.serviceAgent, roles\/firestore\.serviceAgent, / },
      { name: 'a workload role on a folder', json: folderGrant(sa()), address: 'google_folder_iam_member.g', problem: /on folder folders\/100000000001, which reaches every project below it/ },
      { name: 'a group granted on a folder from a tenant stack', json: folderGrant('group:ops@smartsegments.example'), problem: /which reaches every project below it/ },
      { name: "a workload's account on a folder in the platform stack", kind: 'platform', json: folderGrant('serviceAccount:relay@ssx-platform.iam.gserviceaccount.com'), problem: /which reaches every project below it/ },
      { name: 'a workload role on the organization', json: stackJson({ google_organization_iam_member: { g: { org_id: '123456789012', role: 'roles/viewer', member: sa() } } }), problem: /on organization/ },
      { name: 'datastore.user on the project without a condition', json: projectGrant('roles/datastore.user'), problem: /has no IAM condition/ },
      { name: 'datastore.user with a condition not on resource.name, expression empty', json: projectGrant('roles/datastore.user', { condition: { title: 't', expression: '' } }), problem: /has no IAM condition/ },
      { name: "the owner group's grant outside a handover", json: projectGrant('roles/pubsub.publisher', {}, 'group:owners@acme.example'), problem: /resource-level form/ },
    ],
    compliant: [
      { name: 'publisher on the topic', json: topicGrant, evidence: /roles\/pubsub\.publisher on google_pubsub_topic/ },
      { name: 'bigquery.jobUser on the project (no resource-level form)', json: projectGrant('roles/bigquery.jobUser'), evidence: /BigQuery creates query jobs in a project/ },
      { name: 'datastore.user limited by a condition', json: projectGrant('roles/datastore.user', { condition: { title: 't', expression: `resource.name == "projects/${p}/databases/d"` } }), evidence: /limited by condition/ },
      { name: 'a project role narrowed to resource.name', json: projectGrant('roles/pubsub.publisher', { condition: { title: 't', expression: 'resource.name.startsWith("projects/x/topics/t")' } }), evidence: /limited by condition to resource\.name/ },
      { name: 'a condition on a folder grant narrowed to resource.name', json: stackJson({ google_folder_iam_member: { g: { folder: 'folders/1', role: 'roles/viewer', member: sa(), condition: { title: 't', expression: 'resource.name == "x"' } } } }), evidence: /on folder folders\/1, limited by condition/ },
      { name: "the customer's owner group during a handover", tenant: handover, json: stackJson({ google_project_iam_member: { g: { project: 'acme-handover', role: 'roles/owner', member: 'group:owners@acme.example' } } }), evidence: /project ownership for the customer's handover/ },
      { name: 'the CI deployer on a folder', kind: 'platform', json: deployer, evidence: /CI deployer deployer@ssx-platform\.iam\.gserviceaccount\.com \(CI-1\): roles\/resourcemanager\.projectCreator on folder/ },
      { name: 'a group of people on a folder in the platform stack', kind: 'platform', json: folderGrant('group:ops@smartsegments.example'), evidence: /roles\/bigquery\.jobUser for group:ops@smartsegments\.example on folder/ },
    ],
    inapplicable: [{ name: 'no grant', json: services(run('a', `a@${p}.iam.gserviceaccount.com`)), reason: /the stack grants nothing/ }],
  },
  {
    check: iam2OwnServiceAccount,
    violating: [
      { name: 'a service naming no account', json: services(run('nobody')), address: 'google_cloud_run_v2_service.nobody', problem: /names no service account/ },
      { name: 'two services sharing one account', json: services(run('one', `shared@${p}.iam.gserviceaccount.com`), run('two', `shared@${p}.iam.gserviceaccount.com`)), address: 'google_cloud_run_v2_service.two', problem: /shares service account shared@.* with google_cloud_run_v2_service\.one/ },
      {
        name: 'three services sharing one account: each names the two others',
        json: services(run('one', `shared@${p}.iam.gserviceaccount.com`), run('two', `shared@${p}.iam.gserviceaccount.com`), run('three', `shared@${p}.iam.gserviceaccount.com`)),
        address: 'google_cloud_run_v2_service.one',
        problem: /^shares service account shared@ssx-acme\.iam\.gserviceaccount\.com with google_cloud_run_v2_service\.two, google_cloud_run_v2_service\.three\.$/,
      },
      {
        name: 'one account named by reference and by its email',
        json: stackJson({ ...accountResource, google_cloud_run_v2_service: { ...run('one', '${google_service_account.shared.email}'), ...run('two', `shared@${p}.iam.gserviceaccount.com`) } }),
        problem: /^shares service account shared@ssx-acme\.iam\.gserviceaccount\.com with google_cloud_run_v2_service\.two\.$/,
      },
      { name: 'the config implies two workloads, the stack runs none (both named)', tenant: ingestAndMcp, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)', problem: /implies workloads \(ingest-webhook, mcp-endpoint\) but/ },
      { name: 'the config implies the ingest, the stack runs nothing', tenant: ingestOnly, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)', problem: /implies workloads \(ingest-webhook\) but the stack runs none/ },
    ],
    compliant: [
      { name: 'two services, each its own account', json: services(run('one', `one@${p}.iam.gserviceaccount.com`), run('two', `two@${p}.iam.gserviceaccount.com`)), evidence: /google_cloud_run_v2_service\.two: runs as its own account two@/ },
      { name: 'an account named by reference, shown by its email', json: stackJson({ ...accountResource, google_cloud_run_v2_service: run('one', '${google_service_account.shared.email}') }), evidence: /^google_cloud_run_v2_service\.one: runs as its own account shared@ssx-acme\.iam\.gserviceaccount\.com$/ },
      { name: 'the ingest running on its own account', tenant: ingestOnly, json: services(run('ingest', `ingest-webhook@${p}.iam.gserviceaccount.com`)) },
    ],
    inapplicable: [
      { name: 'no workload, none implied', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack runs no workload/ },
      { name: 'a handed-over tenant whose config implies the ingest', tenant: handedOverIngest, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack runs no workload/ },
      { name: 'no workload in the platform stack', kind: 'platform', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack runs no workload/ },
    ],
  },
  {
    check: iam2RoleExists,
    violating: [
      { name: 'a misspelt role', json: projectGrant('roles/pubsub.publsher'), address: 'google_project_iam_member.g', problem: /role roles\/pubsub\.publsher is neither a predefined role/ },
      { name: 'a custom role the stack does not declare', json: projectGrant(`projects/${p}/roles/relayReader`), problem: /nor a custom role declared in this stack/ },
      { name: 'a custom role declared in another project', json: stackJson({ google_project_iam_custom_role: { r: { project: 'other', role_id: 'relayReader' } }, google_project_iam_member: { g: { project: p, role: `projects/${p}/roles/relayReader`, member: sa() } } }) },
    ],
    compliant: [
      { name: 'a predefined role', json: projectGrant('roles/bigquery.jobUser'), evidence: /roles\/bigquery\.jobUser \(predefined, role dataset of / },
      { name: 'a project custom role the stack declares', json: stackJson({ google_project_iam_custom_role: { r: { project: p, role_id: 'relayReader' } }, google_project_iam_member: { g: { project: p, role: `projects/${p}/roles/relayReader`, member: sa() } } }), evidence: /custom role declared in this stack/ },
      { name: 'an organization custom role the stack declares', kind: 'platform', json: stackJson({ google_organization_iam_custom_role: { r: { org_id: '123456789012', role_id: 'auditReader' } }, google_organization_iam_member: { g: { org_id: '123456789012', role: 'organizations/123456789012/roles/auditReader', member: 'group:ops@smartsegments.example' } } }), evidence: /organizations\/123456789012\/roles\/auditReader \(custom role declared/ },
    ],
    inapplicable: [{ name: 'no grant', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack grants nothing/ }],
  },
];
