/** Tables of the controls still judged by one check each: IAM-1, IAM-5, LLM-1, SEC-2. */
import { iam1NoBasicRoles } from '../../../../compliance/rules/iam-1-no-basic-roles';
import { iam5GroupsNotUsers } from '../../../../compliance/rules/iam-5-groups-not-users';
import { llm1LlmSupportLabel } from '../../../../compliance/rules/llm-1-llm-support-label';
import { sec2SecretRotation } from '../../../../compliance/rules/sec-2-secret-rotation';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const grant = (role: string, member: string) =>
  stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role, member } } });
const project = (labels?: Record<string, unknown>) => stackJson({ google_project: { p: { project_id: ACME.projectId, ...(labels ? { labels } : {}) } } });
const secret = (values: Record<string, unknown>, withTopic = true) =>
  stackJson({
    google_secret_manager_secret: { s: { secret_id: 's', ...values } },
    ...(withTopic ? { google_pubsub_topic: { rot: { name: 'rot' } } } : {}),
  });
const rotation = { rotation_period: '7776000s' };
const topics = [{ name: '${google_pubsub_topic.rot.id}' }];

const handover = tableTenant({
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: {
    state: 'handover-prepare',
    handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
  },
});
const ownerGrant = (role: string, project: string) => stackJson({ google_project_iam_member: { g: { project, role, member: 'group:Owners@acme.example' } } });
const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });

export const SMALL_CONTROL_TABLES: CheckTable[] = [
  {
    check: iam1NoBasicRoles,
    violating: [
      { name: 'roles/editor to a group', json: grant('roles/editor', 'group:ops@smartsegments.example'), address: 'google_project_iam_member.g' },
      { name: 'roles/owner outside a handover', json: grant('roles/owner', 'group:owners@acme.example') },
      { name: "the customer's group's roles/owner on another project during a handover", tenant: handover, json: ownerGrant('roles/owner', 'ssx-platform') },
      { name: 'roles/editor to the customer group during a handover', tenant: handover, json: ownerGrant('roles/editor', 'acme-handover') },
      // No exception any more: setIamPolicy cannot grant roles/owner to a principal outside the project's organization.
      { name: "roles/owner to the customer's group on its own project during a handover", tenant: handover, json: ownerGrant('roles/owner', 'acme-handover'), address: 'google_project_iam_member.g', problem: /basic role roles\/owner is granted to group:Owners@acme\.example on google_project acme-handover/ },
    ],
    compliant: [
      { name: 'a predefined role', json: grant('roles/pubsub.subscriber', 'group:ops@smartsegments.example'), evidence: /1 grant of predefined or custom roles, none basic/ },
      { name: "the customer's administration role during a handover", tenant: handover, json: ownerGrant('roles/resourcemanager.projectIamAdmin', 'acme-handover'), evidence: /1 grant of predefined or custom roles, none basic/ },
      { name: 'two predefined roles', json: stackJson({ google_project_iam_member: { a: { project: ACME.projectId, role: 'roles/pubsub.subscriber', member: 'group:a@smartsegments.example' }, b: { project: ACME.projectId, role: 'roles/pubsub.publisher', member: 'group:b@smartsegments.example' } } }), evidence: /2 grants of predefined/ },
    ],
    inapplicable: [{ name: 'no grant', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
  {
    check: iam5GroupsNotUsers,
    violating: [{ name: 'a grant to a person', json: grant('roles/pubsub.subscriber', 'user:alice@smartsegments.example'), address: 'google_project_iam_member.g', problem: /roles\/pubsub\.subscriber is granted to the person user:alice@smartsegments\.example/ }],
    inapplicable: [{ name: 'no grant', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack grants nothing/ }],
    compliant: [
      { name: 'the support group, expiry written without spaces', evidence: /expires 2027-02-01T00:00:00Z/, json: stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: 'group:support-engineers@smartsegments.example', condition: { title: 't', expression: 'request.time<timestamp("2027-02-01T00:00:00Z")' } } } }) },
      { name: 'a grant to a group', json: grant('roles/pubsub.subscriber', 'group:ops@smartsegments.example'), evidence: /1 grants, none to a person; people through group:ops@smartsegments\.example/ },
      { name: 'a grant to a service account', json: grant('roles/pubsub.subscriber', `serviceAccount:relay@${ACME.projectId}.iam.gserviceaccount.com`), evidence: /1 grants, none to a person$/ },
      { name: 'the support group, no expiry', json: grant('roles/viewer', 'group:Support-Engineers@smartsegments.example'), evidence: /support group support-engineers@smartsegments\.example: roles\/viewer, no expiry/ },
      { name: 'the support group, with an expiry', evidence: /expires 2027-01-01T00:00:00Z/, json: stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: 'group:support-engineers@smartsegments.example', condition: { title: 't', expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' } } } }) },
    ],
  },
  {
    check: llm1LlmSupportLabel,
    violating: [
      { name: 'the label missing', json: project({}), address: 'google_project.p', problem: /the llm-support label is missing, but test\/acme\.yaml records "allowed"/ },
      { name: 'no labels at all', json: project() },
      { name: 'the label says restricted, the config allowed', json: project({ 'llm-support': 'restricted' }), problem: /label is "restricted"/ },
      { name: 'no tenant project in the stack', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)' },
    ],
    compliant: [
      { name: 'the label matches allowed', json: project({ 'llm-support': 'allowed' }) },
      { name: 'the label matches restricted', tenant: tableTenant({ llmSupport: 'restricted' }), json: project({ 'llm-support': 'restricted' }), evidence: /llm-support=restricted, as test\/acme\.yaml records/ },
    ],
    inapplicable: [{ name: "the customer's own project", reason: /cannot carry our label \(HAND-2\); the choice "allowed" is recorded in test\/acme\.yaml/, tenant: customerProject, json: stackJson({ google_project: { p: { project_id: 'acme-own-warehouse' } } }) }],
  },
  {
    check: sec2SecretRotation,
    violating: [
      { name: 'no rotation period', json: secret({ topics }), address: 'google_secret_manager_secret.s' },
      { name: 'a rotation period not in seconds', json: secret({ rotation: { rotation_period: '90d' }, topics }) },
      { name: 'no rotation topic', json: secret({ rotation }) },
      { name: 'a rotation topic outside the stack', json: secret({ rotation, topics }, false) },
      { name: 'credentials needed, no secret', tenant: tableTenant({ integrations: ['mailchimp'] }), json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)' },
    ],
    compliant: [
      { name: 'a rotation period and a topic of the stack', json: secret({ rotation, topics }), evidence: /rotates every 90 days; notices to google_pubsub_topic\.rot/ },
      { name: 'a regional secret', evidence: /google_secret_manager_regional_secret\.s: rotates/, json: stackJson({ google_secret_manager_regional_secret: { s: { secret_id: 's', rotation, topics } }, google_pubsub_topic: { rot: { name: 'rot' } } }) },
    ],
    inapplicable: [{ name: 'no secret and no credential needed', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
];
