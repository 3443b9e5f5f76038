/** ISO-2 (DPA C.4): workloads run as the tenant's own accounts, which hold grants only on the tenant's own resources. */
import { iso2GrantsOnOwnResources, iso2WorkloadIdentity } from '../../../../compliance/rules/iso-2-workload-isolation';
import { ACME, GLOBEX, stackJson, tableTenant, type CheckTable } from '../table';

/** The ingest webhook runs once the roller signing secret is populated. */
const RUNNING = tableTenant({ populatedSecrets: ['source-roller'] });
const HANDED_OVER = tableTenant({
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: {
    state: 'handed-over',
    handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
  },
});
const OWN_SA = `relay@${ACME.projectId}.iam.gserviceaccount.com`;
const service = (template: Record<string, unknown>) => stackJson({ google_cloud_run_v2_service: { ingest: { name: 'ingest', location: 'europe-west1', template } } });
const grants = (byName: Record<string, Record<string, unknown>>, rest: Record<string, Record<string, Record<string, unknown>>> = {}) =>
  stackJson({ google_project_iam_member: byName, ...rest });
const projectGrant = (project: string, member = `serviceAccount:${OWN_SA}`) => ({ project, role: 'roles/pubsub.subscriber', member });

export const ISO_2_TABLES: CheckTable[] = [
  {
    check: iso2WorkloadIdentity,
    violating: [
      { name: 'the config implies a workload, the stack runs none', tenant: RUNNING, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)', problem: /^the tenant config implies workloads \(ingest-webhook\) but the stack runs none/ },
      { name: 'a service naming no account', tenant: RUNNING, json: service({ containers: [{ image: 'x' }] }), address: 'google_cloud_run_v2_service.ingest', problem: /^names no service account, so it runs as the default compute account\.$/ },
      { name: "a service running as another tenant's account", tenant: RUNNING, json: service({ service_account: `relay@${GLOBEX.projectId}.iam.gserviceaccount.com` }), problem: /^runs as relay@ssx-globex\.iam\.gserviceaccount\.com, which is not an account of the tenant's project ssx-acme\.$/ },
      { name: 'a function running as a platform account, no workload expected', json: stackJson({ google_cloudfunctions2_function: { f: { name: 'f', service_config: { service_account_email: 'fn@ssx-platform.iam.gserviceaccount.com' } } } }), address: 'google_cloudfunctions2_function.f' },
    ],
    compliant: [
      { name: "a service running as the tenant's account", tenant: RUNNING, json: service({ service_account: OWN_SA }), evidence: /^google_cloud_run_v2_service\.ingest: runs as relay@ssx-acme\.iam\.gserviceaccount\.com$/ },
      { name: 'a job running as a declared account, by reference', json: stackJson({ google_service_account: { relay: { account_id: 'relay', project: ACME.projectId } }, google_cloud_run_v2_job: { j: { name: 'j', template: { template: { service_account: '${google_service_account.relay.email}' } } } } }), evidence: /google_cloud_run_v2_job\.j: runs as relay@ssx-acme/ },
      { name: 'a function (no workload expected yet)', json: stackJson({ google_cloudfunctions2_function: { f: { name: 'f', service_config: { service_account_email: OWN_SA } } } }) },
    ],
    inapplicable: [
      { name: 'the workload waits for its secret', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /^no workload runs yet: ingest-webhook waits for source-roller \(populatedSecrets\)$/ },
      { name: 'no source, no feature: nothing to run', tenant: tableTenant({ sources: [] }), json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /^the tenant runs no workloads$/ },
      { name: 'handed over', tenant: HANDED_OVER, json: service({ service_account: OWN_SA }), reason: /^handed over: Smart Segments runs no workload in the project \(HAND-1\)$/ },
    ],
  },
  {
    check: iso2GrantsOnOwnResources,
    violating: [
      { name: "a grant on the other tenant's project", json: grants({ g: projectGrant(GLOBEX.projectId) }), address: 'google_project_iam_member.g', problem: /^relay@ssx-acme\.iam\.gserviceaccount\.com holds roles\/pubsub\.subscriber on google_project ssx-globex, which is not one of this tenant's resources\.$/ },
      { name: "a grant on a project whose id only begins with the tenant's", json: grants({ g: projectGrant(`${ACME.projectId}-other`) }), problem: /on google_project ssx-acme-other/ },
      { name: 'a grant on the platform project', json: grants({ g: projectGrant('ssx-platform') }) },
      { name: 'a grant on a topic outside the stack and project', json: stackJson({ google_pubsub_topic_iam_member: { g: { topic: 'projects/ssx-globex/topics/t', role: 'roles/pubsub.publisher', member: `serviceAccount:${OWN_SA}` } } }), address: 'google_pubsub_topic_iam_member.g' },
      { name: 'a grant on a folder', json: stackJson({ google_folder_iam_member: { g: { folder: 'folders/100000000001', role: 'roles/viewer', member: `serviceAccount:${OWN_SA}` } } }), problem: /on google_folder folders\/100000000001/ },
      { name: 'one foreign grant among own ones', json: grants({ a: projectGrant(ACME.projectId), b: projectGrant(GLOBEX.projectId) }), address: 'google_project_iam_member.b' },
    ],
    compliant: [
      { name: 'a grant on the own project', json: grants({ g: projectGrant(ACME.projectId) }), evidence: /^\(stack\): 1 grants to the tenant's service accounts, all on its own project or resources$/ },
      { name: 'a grant on a topic of the stack, by reference', json: stackJson({ google_pubsub_topic: { t: { name: 't' } }, google_pubsub_topic_iam_member: { g: { topic: '${google_pubsub_topic.t.id}', role: 'roles/pubsub.publisher', member: `serviceAccount:${OWN_SA}` } } }) },
      { name: 'a grant on a topic of the own project, by id', json: stackJson({ google_pubsub_topic_iam_member: { g: { topic: `projects/${ACME.projectId}/topics/t`, role: 'roles/pubsub.publisher', member: `serviceAccount:${OWN_SA}` } }, google_project_iam_member: { h: projectGrant(GLOBEX.projectId, 'group:ops@smartsegments.example') } }), evidence: /1 grants/ },
    ],
    inapplicable: [
      { name: "grants only to others' accounts and groups", json: grants({ a: projectGrant(GLOBEX.projectId, `serviceAccount:relay@${GLOBEX.projectId}.iam.gserviceaccount.com`), b: projectGrant(GLOBEX.projectId, 'group:ops@smartsegments.example') }), reason: /^the stack grants nothing to the tenant's service accounts$/ },
      { name: 'a service agent of the tenant project', json: grants({ a: projectGrant(GLOBEX.projectId, `serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com`) }) },
      { name: 'handed over', tenant: HANDED_OVER, json: grants({ g: projectGrant(GLOBEX.projectId) }), reason: /HAND-1/ },
    ],
  },
];
