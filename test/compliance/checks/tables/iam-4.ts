/** IAM-4 (DPA Annex II 2): default service accounts are granted nothing, deprivileged, and get no automatic grants. */
import { iam4AutomaticGrantsDisabled, iam4Deprivileged, iam4NoGrantsToDefaultAccounts } from '../../../../compliance/rules/iam-4-default-service-accounts';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';
import { FOLDERS, ORGANIZATION, booleanPolicy, onEveryFolder } from './org-policy-fixtures';

const C = 'iam.automaticIamGrantsForDefaultServiceAccounts';
const grant = (member: string) => ({ project: ACME.projectId, role: 'roles/pubsub.subscriber', member });
const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });
const project = { project_id: ACME.projectId, name: 'acme' };
const withDefaults = (defaults: Record<string, Record<string, unknown>>) =>
  stackJson({ google_project: { p: project }, google_project_default_service_accounts: defaults });
const policies = (byName: Record<string, Record<string, unknown>>) => stackJson({ google_org_policy_policy: byName });

export const IAM_4_TABLES: CheckTable[] = [
  {
    check: iam4NoGrantsToDefaultAccounts,
    violating: [
      { name: 'a grant to the Compute Engine default account', json: stackJson({ google_project_iam_member: { g: grant('serviceAccount:123456789-compute@developer.gserviceaccount.com') } }), address: 'google_project_iam_member.g', problem: /^roles\/pubsub\.subscriber is granted to the default service account 123456789-compute@developer\.gserviceaccount\.com\.$/ },
      { name: 'a grant to the App Engine default account', json: stackJson({ google_project_iam_member: { g: grant(`serviceAccount:${ACME.projectId}@appspot.gserviceaccount.com`) } }), problem: /appspot/ },
      { name: "in the customer's own project too", tenant: customerProject, json: stackJson({ google_project_iam_member: { g: { ...grant('serviceAccount:1-compute@developer.gserviceaccount.com'), project: 'acme-own-warehouse' } } }) },
      { name: 'in the platform stack', kind: 'platform', json: stackJson({ google_project_iam_member: { g: { ...grant('serviceAccount:1-compute@developer.gserviceaccount.com'), project: 'ssx-platform' } } }) },
    ],
    compliant: [
      { name: 'grants to named accounts only', json: stackJson({ google_project_iam_member: { g: grant(`serviceAccount:relay@${ACME.projectId}.iam.gserviceaccount.com`), h: grant('group:ops@smartsegments.example') } }), evidence: /^\(stack\): 2 grants, none to a default service account$/ },
      { name: "the customer's own project, nothing granted", tenant: customerProject, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), evidence: /the customer's own project: nothing is granted to its default service accounts/ },
    ],
    inapplicable: [
      { name: 'no grant in a project Smart Segments creates', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) },
      { name: 'no grant in the platform stack', kind: 'platform', json: stackJson({}) },
    ],
  },
  {
    check: iam4Deprivileged,
    violating: [
      { name: 'a project without google_project_default_service_accounts', json: stackJson({ google_project: { p: project } }), address: 'google_project.p', problem: /^the default service accounts of project ssx-acme keep their roles \(no google_project_default_service_accounts\)\.$/ },
      { name: 'action REVERT', json: withDefaults({ d: { project: ACME.projectId, action: 'REVERT' } }), address: 'google_project_default_service_accounts.d', problem: /\(action REVERT\)/ },
      { name: 'no action', json: withDefaults({ d: { project: ACME.projectId } }), problem: /\(action undefined\)/ },
      { name: "another project's setting", json: withDefaults({ d: { project: 'ssx-other', action: 'DEPRIVILEGE' } }), address: 'google_project.p' },
      { name: "a reference to another project resource's attribute", json: stackJson({ google_project: { p: project, q: { project_id: 'ssx-q' } }, google_project_default_service_accounts: { d: { project: '${google_project.q.project_id}', action: 'DEPRIVILEGE' } } }), address: 'google_project.p' },
    ],
    compliant: [
      { name: 'DEPRIVILEGE by project id', json: withDefaults({ d: { project: ACME.projectId, action: 'DEPRIVILEGE' } }), evidence: /^google_project_default_service_accounts\.d: default service accounts of ssx-acme: DEPRIVILEGE$/ },
      { name: 'DELETE by reference', json: withDefaults({ d: { project: '${google_project.p.project_id}', action: 'DELETE' } }), evidence: /: DELETE$/ },
      { name: 'DISABLE', json: withDefaults({ d: { project: ACME.projectId, action: 'DISABLE' } }), evidence: /: DISABLE$/ },
      { name: 'the platform project', kind: 'platform', json: stackJson({ google_project: { p: { project_id: 'ssx-platform' } }, google_project_default_service_accounts: { d: { project: 'ssx-platform', action: 'DEPRIVILEGE' } } }) },
    ],
    inapplicable: [{ name: 'the stack creates no project', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
  {
    check: iam4AutomaticGrantsDisabled,
    violating: [
      { name: 'set nowhere', kind: 'platform', json: stackJson({}), address: '(stack)', problem: /^iam\.automaticIamGrantsForDefaultServiceAccounts is not set on the EEA tenant folder\.$/ },
      { name: 'not enforced on the EEA folder', kind: 'platform', json: policies({ ...onEveryFolder(C), eea: booleanPolicy(FOLDERS.EEA, C, false) }), address: 'google_org_policy_policy.eea' },
      { name: 'missing on the CH folder', kind: 'platform', json: policies(onEveryFolder(C, 'CH')), problem: /not set on the CH tenant folder/ },
    ],
    compliant: [
      { name: 'enforced on the organization', kind: 'platform', json: policies({ org: booleanPolicy(ORGANIZATION, C) }), evidence: /enforced on the organization$/ },
      { name: 'enforced on every tenant folder', kind: 'platform', json: policies(onEveryFolder(C)), evidence: /enforced on the UK folder$/ },
    ],
  },
];
