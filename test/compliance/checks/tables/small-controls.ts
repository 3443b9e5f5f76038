/** Tables of the small controls: IAM-1, IAM-5, LLM-1, SEC-2. */
import { iam1NoBasicRoles } from '../../../../compliance/rules/iam-1-no-basic-roles';
import { iam5GroupsNotUsers, iam5SupportLeastPrivilege, iam5SupportTimeBound } from '../../../../compliance/rules/iam-5-groups-not-users';
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

// IAM-5 support access: a tenant with grants recorded, and the bindings SupportAccess writes for them.
const SUPPORT = 'group:support-engineers@smartsegments.example';
const supported = tableTenant({
  supportAccess: [
    { scope: 'read-warehouse', granted: '2026-12-01T09:00:00Z', until: '2026-12-03T09:00:00Z', reason: 'SUP-101: a segment misses bookings' },
    { scope: 'read-relay-logs', granted: '2026-12-01T09:00:00Z', until: '2026-12-04T09:00:00Z', reason: 'SUP-102: relay retries fail' },
  ],
});
const expiresAt = (until: string, clause?: string) => ({ title: 'support', expression: `request.time < timestamp("${until}")${clause ? ` && ${clause}` : ''}` });
const OWN_DATASET = `resource.name.startsWith("projects/${ACME.projectId}/datasets/smart_segments")`;
const supportGrant = (role: string, condition?: { title: string; expression: string }, project: string = ACME.projectId) =>
  stackJson({ google_project_iam_member: { s: { project, role, member: SUPPORT, ...(condition ? { condition } : {}) } } });
const WAREHOUSE_UNTIL = '2026-12-03T09:00:00Z';

export const SMALL_CONTROL_TABLES: CheckTable[] = [
  {
    check: iam1NoBasicRoles,
    violating: [
      { name: 'roles/editor to a group', json: grant('roles/editor', 'group:ops@smartsegments.example'), address: 'google_project_iam_member.g', absent: /none basic/ },
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
    inapplicable: [{ name: 'no grant', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack grants nothing/ }],
  },
  {
    check: iam5GroupsNotUsers,
    violating: [
      { name: 'a grant to a person', json: grant('roles/pubsub.subscriber', 'user:alice@smartsegments.example'), address: 'google_project_iam_member.g', problem: /roles\/pubsub\.subscriber is granted to the person user:alice@smartsegments\.example/, absent: /grants, none to a person/ },
      {
        name: 'a person beside a group: the group counted, the person not',
        json: stackJson({ google_project_iam_member: { p: { project: ACME.projectId, role: 'roles/viewer', member: 'user:alice@smartsegments.example' }, g: { project: ACME.projectId, role: 'roles/viewer', member: 'group:ops@smartsegments.example' } } }),
        address: 'google_project_iam_member.p',
        evidence: /^\(stack\): 1 grants, none to a person; people through group:ops@smartsegments\.example$/,
      },
    ],
    inapplicable: [{ name: 'no grant', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the stack grants nothing/ }],
    compliant: [
      { name: 'the support group, expiry written without spaces', evidence: /expires 2027-02-01T00:00:00Z/, json: stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: 'group:support-engineers@smartsegments.example', condition: { title: 't', expression: 'request.time<timestamp("2027-02-01T00:00:00Z")' } } } }) },
      { name: 'a grant to a group', json: grant('roles/pubsub.subscriber', 'group:ops@smartsegments.example'), evidence: /1 grants, none to a person; people through group:ops@smartsegments\.example/, absent: /support group/ },
      { name: 'a grant to a service account', json: grant('roles/pubsub.subscriber', `serviceAccount:relay@${ACME.projectId}.iam.gserviceaccount.com`), evidence: /1 grants, none to a person$/ },
      { name: 'a grant to a whole domain (a member without an email)', json: grant('roles/pubsub.subscriber', 'domain:smartsegments.example'), evidence: /1 grants, none to a person$/ },
      { name: 'two groups, listed in order', json: stackJson({ google_project_iam_member: { b: { project: ACME.projectId, role: 'roles/viewer', member: 'group:b@smartsegments.example' }, a: { project: ACME.projectId, role: 'roles/viewer', member: 'group:a@smartsegments.example' } } }), evidence: /people through group:a@smartsegments\.example, group:b@smartsegments\.example$/ },
      { name: 'the support group, a condition without expiry', evidence: /roles\/viewer, no expiry$/, json: stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: SUPPORT, condition: { title: 't', expression: 'resource.name == "x"' } } } }) },
      { name: 'the support group, a condition without expression', evidence: /roles\/viewer, no expiry$/, json: stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: SUPPORT, condition: { title: 't' } } } }) },
      { name: 'the support group, no expiry', json: grant('roles/viewer', 'group:Support-Engineers@smartsegments.example'), evidence: /support group support-engineers@smartsegments\.example: roles\/viewer, no expiry/ },
      { name: 'the support group, with an expiry', evidence: /expires 2027-01-01T00:00:00Z/, json: stackJson({ google_project_iam_member: { g: { project: ACME.projectId, role: 'roles/viewer', member: 'group:support-engineers@smartsegments.example', condition: { title: 't', expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' } } } }) },
    ],
  },
  {
    check: iam5SupportTimeBound,
    violating: [
      { name: 'a support grant without a condition', tenant: supported, json: supportGrant('roles/bigquery.dataViewer'), address: 'google_project_iam_member.s', problem: /without an expiry condition/ },
      { name: 'a condition that is not only an expiry', tenant: supported, json: supportGrant('roles/bigquery.dataViewer', { title: 't', expression: `request.time < timestamp("${WAREHOUSE_UNTIL}") || true` }), problem: /without an expiry condition/ },
      { name: 'an expiry the tenant file does not record', tenant: supported, json: supportGrant('roles/bigquery.dataViewer', expiresAt('2026-12-03T10:00:00Z')), problem: /no grant of the tenant file records it/ },
      { name: 'a grant in the platform stack', kind: 'platform', json: supportGrant('roles/logging.viewAccessor', expiresAt(WAREHOUSE_UNTIL), 'ssx-platform'), problem: /no grant of the tenant file records it/ },
      {
        name: "a grant within 72 hours but over the environment's lower cap",
        tenant: supported,
        platform: { support: { maxAccessHours: 24 } },
        json: supportGrant('roles/bigquery.dataViewer', expiresAt(WAREHOUSE_UNTIL)),
        problem: /lasts 48 hours \(granted 2026-12-01T09:00:00Z, until 2026-12-03T09:00:00Z\), over the cap of 24 hours/,
      },
    ],
    inapplicable: [
      { name: 'no grant to the support group', tenant: supported, json: grant('roles/pubsub.subscriber', 'group:ops@smartsegments.example'), reason: /grants the support group nothing/ },
      { name: 'a grant to a whole domain is no grant to the support group', tenant: supported, json: grant('roles/pubsub.subscriber', 'domain:smartsegments.example'), reason: /grants the support group nothing/ },
    ],
    compliant: [
      { name: 'a recorded grant, written by SupportAccess', tenant: supported, json: supportGrant('roles/bigquery.jobUser', expiresAt(WAREHOUSE_UNTIL)), evidence: /support read-warehouse: roles\/bigquery\.jobUser until 2026-12-03T09:00:00Z \(48 h of at most 72 h\): SUP-101/ },
      { name: 'exactly at the cap, limited to a resource', tenant: supported, json: supportGrant('roles/logging.viewAccessor', expiresAt('2026-12-04T09:00:00Z', 'resource.name == "x"')), evidence: /72 h of at most 72 h/ },
    ],
  },
  {
    check: iam5SupportLeastPrivilege,
    violating: [
      { name: 'a role no granted scope holds', tenant: supported, json: supportGrant('roles/bigquery.dataEditor', expiresAt(WAREHOUSE_UNTIL)), address: 'google_project_iam_member.s', problem: /roles\/bigquery\.dataEditor is granted to the support group, but no scope granted to it holds that role \(its scopes hold roles\/bigquery\.dataViewer, roles\/bigquery\.jobUser, roles\/logging\.viewAccessor\)/ },
      { name: "another scope's role at this scope's expiry", tenant: supported, json: supportGrant('roles/logging.viewAccessor', expiresAt(WAREHOUSE_UNTIL)), problem: /no scope granted to it holds that role/ },
      { name: "a scope's role on another project", tenant: supported, json: supportGrant('roles/bigquery.dataViewer', expiresAt(WAREHOUSE_UNTIL, OWN_DATASET), 'ssx-globex'), problem: /bound on google_project ssx-globex, not on the tenant's project/ },
      { name: 'the warehouse read not limited to the dataset', tenant: supported, json: supportGrant('roles/bigquery.dataViewer', expiresAt(WAREHOUSE_UNTIL)), problem: /has the condition "request\.time < timestamp\(\\"2026-12-03T09:00:00Z\\"\)", not the scope's/ },
      { name: 'a scope role bound on a resource, not the project', tenant: supported, json: stackJson({ google_pubsub_topic_iam_member: { s: { topic: 'projects/ssx-acme/topics/t', role: 'roles/bigquery.dataViewer', member: SUPPORT, condition: expiresAt(WAREHOUSE_UNTIL, OWN_DATASET) } } }), problem: /bound on google_pubsub_topic/ },
      { name: 'a support grant in the platform stack', kind: 'platform', json: supportGrant('roles/bigquery.dataViewer', expiresAt(WAREHOUSE_UNTIL, OWN_DATASET), 'ssx-platform'), problem: /no scope granted to it holds that role/ },
      { name: "limited to another tenant's dataset", tenant: supported, json: supportGrant('roles/bigquery.dataViewer', expiresAt(WAREHOUSE_UNTIL, 'resource.name.startsWith("projects/ssx-globex/datasets/smart_segments")')), problem: /not the scope's/ },
    ],
    inapplicable: [{ name: 'no grant to the support group', tenant: supported, json: grant('roles/pubsub.subscriber', 'group:ops@smartsegments.example'), reason: /grants the support group nothing/ }],
    compliant: [
      { name: "a scope's role on the tenant project, limited to its dataset", tenant: supported, json: supportGrant('roles/bigquery.dataViewer', expiresAt(WAREHOUSE_UNTIL, OWN_DATASET)), evidence: /support read-warehouse: roles\/bigquery\.dataViewer on project ssx-acme, limited to resource\.name\.startsWith/ },
      { name: 'the project written as projects/<id>', tenant: supported, json: supportGrant('roles/bigquery.dataViewer', expiresAt(WAREHOUSE_UNTIL, OWN_DATASET), `projects/${ACME.projectId}`), evidence: /on project ssx-acme/ },
      { name: 'a project-level role of the scope', tenant: supported, json: supportGrant('roles/bigquery.jobUser', expiresAt(WAREHOUSE_UNTIL)), evidence: /support read-warehouse: roles\/bigquery\.jobUser on project ssx-acme$/ },
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
      { name: 'one rotation topic of two outside the stack', json: secret({ rotation, topics: [...topics, { name: 'projects/ssx-acme/topics/elsewhere' }] }), problem: /a rotation topic is not a topic of this stack/ },
      { name: 'a rotation topic named like a secret of the stack, not a topic', json: secret({ rotation, topics: [{ name: 'projects/ssx-acme/topics/s' }] }, false), problem: /a rotation topic is not a topic of this stack/ },
      { name: 'a rotation topic whose name is not a string', json: secret({ rotation, topics: [{ name: 42 }] }), problem: /a rotation topic is not a topic of this stack/ },
      { name: 'neither a rotation period nor a topic (both named)', json: secret({}), problem: /^rotation\.rotation_period is not set; no topic receives its rotation notices\.$/ },
      { name: 'a rotation period written as a list', json: secret({ rotation: { rotation_period: ['7776000s'] }, topics }), problem: /rotation_period is not set/ },
      { name: 'a rotation period with text before the seconds', json: secret({ rotation: { rotation_period: 'P7776000s' }, topics }), problem: /rotation_period is not set/ },
      { name: 'a rotation period with text after the seconds', json: secret({ rotation: { rotation_period: '7776000sec' }, topics }), problem: /rotation_period is not set/ },
      { name: 'credentials needed, no secret', tenant: tableTenant({ integrations: ['mailchimp'] }), json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)' },
    ],
    compliant: [
      { name: 'a rotation period and a topic of the stack', json: secret({ rotation, topics }), evidence: /rotates every 90 days; notices to google_pubsub_topic\.rot/ },
      { name: 'a rotation topic named by its id, not a reference', json: secret({ rotation, topics: [{ name: 'projects/ssx-acme/topics/rot' }] }), evidence: /notices to google_pubsub_topic\.rot$/ },
      {
        name: 'two rotation topics, both listed',
        json: stackJson({ google_secret_manager_secret: { s: { secret_id: 's', rotation, topics: [...topics, { name: '${google_pubsub_topic.rot2.id}' }] } }, google_pubsub_topic: { rot: { name: 'rot' }, rot2: { name: 'rot2' } } }),
        evidence: /notices to google_pubsub_topic\.rot, google_pubsub_topic\.rot2$/,
      },
      { name: 'a regional secret', evidence: /google_secret_manager_regional_secret\.s: rotates/, json: stackJson({ google_secret_manager_regional_secret: { s: { secret_id: 's', rotation, topics } }, google_pubsub_topic: { rot: { name: 'rot' } } }) },
    ],
    inapplicable: [{ name: 'no secret and no credential needed', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /^the stack holds no secret$/ }],
  },
];
