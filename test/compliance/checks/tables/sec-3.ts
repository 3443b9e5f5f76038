/** SEC-3 (DPA Annex II 2): a secret is readable per secret, by the one workload's service account that mounts it. */
import { sec3NoProjectWideReader, sec3SecretAccessorPerSecret } from '../../../../compliance/rules/sec-3-secret-accessor-per-secret';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const ACCESSOR = 'roles/secretmanager.secretAccessor';
const sa = (id: string) => `${id}@${ACME.projectId}.iam.gserviceaccount.com`;
const reader = (member: string, secret = 's', role = ACCESSOR) => ({ secret_id: `\${google_secret_manager_secret.${secret}.secret_id}`, role, member });
const service = (account: string | undefined, secret = 's') => ({
  name: `svc-${account ?? 'default'}`,
  template: {
    ...(account ? { service_account: account } : {}),
    containers: [{ env: [{ name: 'TOKEN', value_source: { secret_key_ref: { secret: `\${google_secret_manager_secret.${secret}.secret_id}`, version: 'latest' } } }] }],
  },
});
const secretStack = (members: Record<string, Record<string, unknown>>, services: Record<string, Record<string, unknown>> = {}) =>
  stackJson({
    google_secret_manager_secret: { s: { secret_id: 'mailchimp-key' } },
    ...(Object.keys(members).length ? { google_secret_manager_secret_iam_member: members } : {}),
    ...(Object.keys(services).length ? { google_cloud_run_v2_service: services } : {}),
  });
const handover = tableTenant({
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: {
    state: 'handover-prepare',
    handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
  },
});
const projectGrant = (role: string, member: string, project = ACME.projectId) => stackJson({ google_project_iam_member: { g: { project, role, member } } });

export const SEC_3_TABLES: CheckTable[] = [
  {
    check: sec3NoProjectWideReader,
    violating: [
      { name: 'secretAccessor on the project', json: projectGrant(ACCESSOR, `serviceAccount:${sa('sync-mailchimp')}`), address: 'google_project_iam_member.g', problem: /^roles\/secretmanager\.secretAccessor lets serviceAccount:sync-mailchimp@ssx-acme\.iam\.gserviceaccount\.com read every secret of project ssx-acme\./ },
      { name: 'a role holding versions.access on a folder', kind: 'platform', json: stackJson({ google_folder_iam_member: { g: { folder: 'folders/100000000001', role: 'roles/secretmanager.admin', member: 'group:platform-admins@smartsegments.example' } } }), problem: /read every secret of folder/ },
      { name: "secretAccessor on the project to someone other than the handover owner", tenant: handover, json: projectGrant(ACCESSOR, 'group:ops@acme.example', 'acme-handover') },
      { name: "the handover owner's grant on the organization is not excepted", tenant: handover, json: stackJson({ google_organization_iam_member: { g: { org_id: '987654321', role: ACCESSOR, member: 'group:owners@acme.example' } } }) },
    ],
    compliant: [
      { name: 'secretAccessor on one secret', json: secretStack({ r: reader(`serviceAccount:${sa('sync-mailchimp')}`) }), evidence: /on one secret, mailchimp-key$/ },
      { name: "the customer's owner group on its project during the handover", tenant: handover, json: projectGrant(ACCESSOR, 'group:Owners@acme.example', 'acme-handover'), evidence: /to the customer's owner group during the handover/ },
    ],
    inapplicable: [{ name: 'only roles that cannot read secrets', json: projectGrant('roles/pubsub.subscriber', 'group:ops@smartsegments.example'), reason: /grants no role that reads secrets/ }],
  },
  {
    check: sec3SecretAccessorPerSecret,
    violating: [
      { name: 'two readers', json: secretStack({ a: reader(`serviceAccount:${sa('sync-mailchimp')}`), b: reader(`serviceAccount:${sa('ingest-webhook')}`) }), address: 'google_secret_manager_secret_iam_member.a', problem: /^secret mailchimp-key: 2 principals can read it \(serviceAccount:sync-mailchimp@/ },
      { name: 'a group reads it', json: secretStack({ a: reader('group:ops@smartsegments.example') }), problem: /group:ops@smartsegments\.example is not a workload's service account/ },
      { name: 'a service agent reads it', json: secretStack({ a: reader(`serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com`) }), problem: /is not a workload's service account/ },
      { name: 'two workloads mount it', json: secretStack({ a: reader(`serviceAccount:${sa('sync-mailchimp')}`) }, { one: service(sa('sync-mailchimp')), two: service(sa('ingest-webhook')) }), problem: /2 workloads mount it/ },
      { name: 'mounted by one account, readable by another', json: secretStack({ a: reader(`serviceAccount:${sa('ingest-webhook')}`) }, { one: service(sa('sync-mailchimp')) }), problem: /it is mounted by sync-mailchimp@ssx-acme\.iam\.gserviceaccount\.com but readable by ingest-webhook@/ },
      { name: 'mounted by a workload on the default account, readable by another', json: secretStack({ a: reader(`serviceAccount:${sa('sync-mailchimp')}`) }, { one: service(undefined) }), problem: /it is mounted by \(default account\) but readable by sync-mailchimp@/ },
      { name: 'an integration but no secret', tenant: tableTenant({ integrations: ['mailchimp'] }), json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)', problem: /not Secret Manager secrets of the stack/ },
    ],
    compliant: [
      { name: 'one reader that mounts it', json: secretStack({ a: reader(`serviceAccount:${sa('sync-mailchimp')}`) }, { one: service(sa('sync-mailchimp')) }), evidence: /^google_secret_manager_secret_iam_member\.a: secret mailchimp-key readable only by serviceAccount:sync-mailchimp@/ },
      { name: 'the same reader granted twice', json: secretStack({ a: reader(`serviceAccount:${sa('sync-mailchimp')}`), b: reader(`serviceAccount:${sa('sync-mailchimp')}`) }) },
      { name: 'readable by no one yet', json: secretStack({}), evidence: /^google_secret_manager_secret\.s: secret mailchimp-key readable by no one yet$/ },
      { name: 'mounted, not yet granted', json: secretStack({}, { one: service(sa('sync-mailchimp')) }) },
      { name: 'a project-wide grant is the other check\'s', json: stackJson({ google_secret_manager_secret: { s: { secret_id: 'k' } }, google_project_iam_member: { g: { project: ACME.projectId, role: ACCESSOR, member: 'group:ops@smartsegments.example' } } }) },
    ],
    inapplicable: [{ name: 'no secret, nothing needs one', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack holds no secret/ }],
  },
];
