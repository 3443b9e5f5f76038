/** IAM-7 tables: who may be granted roles (folders, organization, a handover project) and the handover's own admission. */
import { iam7DomainRestrictedSharing, iam7HandoverAdmission } from '../../../../compliance/rules/iam-7-domain-restricted-sharing';
import { stackJson, tableTenant, type CheckTable } from '../table';

const OWN_SET = '//cloudresourcemanager.googleapis.com/organizations/123456789012';
const CUSTOMER_SET = '//cloudresourcemanager.googleapis.com/organizations/987654321';
const OWN_DIRECTORY = 'C01exmpl2';
const FOLDERS = ['folders/100000000001', 'folders/100000000002', 'folders/100000000003', 'folders/100000000004'];
const AGENT = 'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com';

const managed = (parent: string, parameters: unknown, rule: Record<string, unknown> = {}) => ({
  name: `${parent}/policies/iam.managed.allowedPolicyMembers`,
  parent,
  spec: { rules: [{ enforce: 'TRUE', parameters: typeof parameters === 'string' ? parameters : JSON.stringify(parameters), ...rule }] },
});
const legacy = (parent: string, allowed: string[] | 'all') => ({
  name: `${parent}/policies/iam.allowedPolicyMemberDomains`,
  parent,
  spec: { rules: [allowed === 'all' ? { allow_all: 'TRUE' } : { values: { allowed_values: allowed } }] },
});
const policies = (entries: Record<string, unknown>) => stackJson({ google_org_policy_policy: entries as Record<string, Record<string, unknown>> });
/** Every tenant folder with the managed constraint; `override` replaces the EEA folder's. */
const folders = (eea: Record<string, unknown> = managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] })) =>
  policies({ eea, uk: managed(FOLDERS[1], { allowedPrincipalSets: [OWN_SET] }), ch: managed(FOLDERS[2], { allowedPrincipalSets: [OWN_SET] }), au: managed(FOLDERS[3], { allowedPrincipalSets: [OWN_SET] }) });
const platform = 'platform' as const;
const folderPolicies = () => folders().resource?.google_org_policy_policy ?? {};

const prepare = tableTenant({
  warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
  lifecycle: {
    state: 'handover-prepare',
    handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
  },
});
const projectPolicy = managed('projects/acme-handover', { allowedPrincipalSets: [OWN_SET, CUSTOMER_SET] });
const ownerGrant = (dependsOn?: string[]) => ({ project: 'acme-handover', role: 'roles/owner', member: 'group:owners@acme.example', ...(dependsOn ? { depends_on: dependsOn } : {}) });
const admission = (grant?: Record<string, unknown>) =>
  stackJson({ google_org_policy_policy: { admit: projectPolicy }, ...(grant ? { google_project_iam_member: { owner: grant } } : {}) });

const OWN = OWN_SET.replace(/\//g, '\\/').replace(/\./g, '\\.');
const BOTH = `${OWN}, ${CUSTOMER_SET.replace(/\//g, '\\/').replace(/\./g, '\\.')}`;
const OWN_PROJECT = 'projects/ssx-acme';

export const IAM_7_TABLES: CheckTable[] = [
  {
    check: iam7DomainRestrictedSharing,
    violating: [
      {
        name: 'no policy on any tenant folder',
        kind: platform,
        json: stackJson({}),
        address: '(stack)',
        problem: /neither iam\.managed\.allowedPolicyMembers nor iam\.allowedPolicyMemberDomains is set on the EEA tenant folder/,
        fix: new RegExp(`^set iam\\.managed\\.allowedPolicyMembers on the EEA folder \\(OrganizationPolicies\\) with allowedPrincipalSets ${OWN}\\.$`),
      },
      {
        name: "an active tenant's project: the managed constraint not enforced, the fix naming our organization only",
        json: policies({ p: managed(OWN_PROJECT, { allowedPrincipalSets: [OWN_SET] }, { enforce: 'FALSE' }) }),
        address: 'google_org_policy_policy.p',
        fix: new RegExp(`^enforce it unconditionally with allowedPrincipalSets ${OWN} \\(Smart Segments' organization\\) and, in allowedMemberSubjects, Google service agents only\\.$`),
      },
      { name: "an active tenant's project: legacy with another directory, the fix naming ours only", json: policies({ p: legacy(OWN_PROJECT, [OWN_DIRECTORY, 'C02acme12']) }), fix: /^allow only C01exmpl2 \(Smart Segments' directory\)\.$/ },
      { name: 'a handover project: legacy with a third directory, the fix naming both', tenant: prepare, json: policies({ admit: projectPolicy, legacy: legacy('projects/acme-handover', [OWN_DIRECTORY, 'C02acme12', 'C03other1']) }), address: 'google_org_policy_policy.legacy', fix: /^allow only C01exmpl2, C02acme12 \(Smart Segments' directory and the directories of customers in handover\)\.$/ },
      {
        name: 'a handover project admitting neither organization',
        tenant: prepare,
        json: policies({ admit: managed('projects/acme-handover', { allowedPrincipalSets: [] }) }),
        problem: new RegExp(`admits principal sets \\[\\], without ${BOTH}\\.$`),
        fix: new RegExp(`with allowedPrincipalSets ${BOTH} \\(Smart Segments' organization and the organizations of customers in handover\\)`),
      },
      {
        name: 'a handover project lifting the legacy constraint with no managed one',
        tenant: prepare,
        json: policies({ lift: legacy('projects/acme-handover', 'all') }),
        fix: new RegExp(`^enforce iam\\.managed\\.allowedPolicyMembers on projects\\/acme-handover with allowedPrincipalSets ${BOTH} \\(OrganizationPolicies\\)\\.$`),
      },
      {
        name: 'legacy allow-all beside one compliant and one non-compliant managed constraint',
        kind: platform,
        json: policies({ ...folderPolicies(), off: managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] }, { enforce: 'FALSE' }), lift: legacy(FOLDERS[0], 'all') }),
        address: 'google_org_policy_policy.lift',
        absent: /lifts iam\.allowedPolicyMemberDomains/,
      },
      { name: 'three folders restricted, the AU one not', kind: platform, json: policies({ a: managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] }), b: managed(FOLDERS[1], { allowedPrincipalSets: [OWN_SET] }), c: managed(FOLDERS[2], { allowedPrincipalSets: [OWN_SET] }) }), problem: /on the AU tenant folder/ },
      { name: 'managed constraint not enforced', kind: platform, json: folders(managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] }, { enforce: 'FALSE' })), address: 'google_org_policy_policy.eea', problem: /on the EEA folder is not enforced/ },
      { name: 'managed constraint under a condition', kind: platform, json: folders(managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] }, { condition: { expression: 'true' } })), problem: /is enforced only under a condition/ },
      { name: 'managed parameters not JSON', kind: platform, json: folders(managed(FOLDERS[0], '{not json')), problem: /has parameters that are not readable JSON/ },
      { name: "a customer's organization on a folder", kind: platform, json: folders(managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET, CUSTOMER_SET] })), problem: /admits principal sets .*987654321/ },
      { name: 'our organization missing', kind: platform, json: folders(managed(FOLDERS[0], { allowedPrincipalSets: [] })), problem: /on the EEA folder admits principal sets \[\]\.$/ },
      { name: 'a member subject that is no service agent', kind: platform, json: folders(managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET], allowedMemberSubjects: ['user:alice@gmail.com'] })), problem: /and members \["user:alice@gmail\.com"\]/ },
      { name: 'legacy allow-all with no managed constraint', kind: platform, json: folders(legacy(FOLDERS[0], 'all')), problem: /allows every domain, and no compliant iam\.managed\.allowedPolicyMembers restricts members there/ },
      { name: 'legacy allow-all beside a non-compliant managed one', kind: platform, json: policies({ eea: managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] }, { enforce: 'FALSE' }), lift: legacy(FOLDERS[0], 'all'), uk: legacy(FOLDERS[1], [OWN_DIRECTORY]), ch: legacy(FOLDERS[2], [OWN_DIRECTORY]), au: legacy(FOLDERS[3], [OWN_DIRECTORY]) }), address: 'google_org_policy_policy.lift' },
      { name: 'legacy with another directory', kind: platform, json: folders(legacy(FOLDERS[0], [OWN_DIRECTORY, 'C02acme12'])), problem: /allows \["C01exmpl2","C02acme12"\]/ },
      { name: 'legacy without our directory', kind: platform, json: folders(legacy(FOLDERS[0], [])), problem: /allows \[\]/ },
      { name: 'a non-compliant policy on the organization', kind: platform, json: policies({ org: legacy('organizations/123456789012', 'all') }), problem: /on the organization allows every domain/ },
      { name: 'a non-compliant policy on an unrelated folder', kind: platform, json: policies({ ...folderPolicies(), odd: legacy('folders/999', 'all') }), address: 'google_org_policy_policy.odd', problem: /on folders\/999 allows every domain/ },
      { name: "a handover project missing the customer's organization", tenant: prepare, json: policies({ admit: managed('projects/acme-handover', { allowedPrincipalSets: [OWN_SET] }) }), problem: /without \/\/cloudresourcemanager\.googleapis\.com\/organizations\/987654321/ },
    ],
    compliant: [
      { name: 'every tenant folder with the managed constraint', kind: platform, json: folders(), evidence: /google_org_policy_policy\.eea: the EEA folder admits only \/\/cloudresourcemanager\.googleapis\.com\/organizations\/123456789012$/, absent: /: folders\/100000000001 admits only/ },
      { name: 'managed on the EEA folder, legacy on the others: each judged on its own folder', kind: platform, json: policies({ eea: managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] }), b: legacy(FOLDERS[1], [OWN_DIRECTORY]), c: legacy(FOLDERS[2], [OWN_DIRECTORY]), d: legacy(FOLDERS[3], [OWN_DIRECTORY]) }), evidence: /google_org_policy_policy\.b: the UK folder admits only C01exmpl2$/, absent: /the EEA folder admits only C01exmpl2/ },
      { name: 'two service agents among the member subjects, both listed', kind: platform, json: folders(managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET], allowedMemberSubjects: [AGENT, 'serviceAccount:bq-123@bigquery-encryption.iam.gserviceaccount.com'] })), evidence: /and the service agents serviceAccount:service-123@gcp-sa-pubsub\.iam\.gserviceaccount\.com, serviceAccount:bq-123@bigquery-encryption\.iam\.gserviceaccount\.com$/ },
      { name: "an active tenant's project restricted to our organization", json: policies({ p: managed(OWN_PROJECT, { allowedPrincipalSets: [OWN_SET] }) }), evidence: new RegExp(`^google_org_policy_policy\\.p: projects\\/ssx-acme admits only ${OWN}$`) },
      { name: 'a handover tenant stack with a folder policy: the customer is required on the project only', tenant: prepare, json: policies({ admit: projectPolicy, f: managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET] }) }), evidence: new RegExp(`^google_org_policy_policy\\.f: folders\\/100000000001 admits only ${OWN}$`) },
      { name: 'a handover project, legacy with both directories', tenant: prepare, json: policies({ admit: projectPolicy, legacy: legacy('projects/acme-handover', [OWN_DIRECTORY, 'C02acme12']) }), evidence: /^google_org_policy_policy\.legacy: projects\/acme-handover admits only C01exmpl2, C02acme12$/ },
      { name: 'service agents among the member subjects', kind: platform, json: folders(managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET], allowedMemberSubjects: [AGENT] })), evidence: /and the service agents serviceAccount:service-123@gcp-sa-pubsub/ },
      { name: 'legacy allow-all beside a compliant managed constraint', kind: platform, json: policies({ ...folderPolicies(), lift: legacy(FOLDERS[0], 'all') }), evidence: /lifts iam\.allowedPolicyMemberDomains; iam\.managed\.allowedPolicyMembers restricts members there instead/ },
      { name: 'legacy constraints listing our directory', kind: platform, json: policies({ a: legacy(FOLDERS[0], [OWN_DIRECTORY]), b: legacy(FOLDERS[1], [OWN_DIRECTORY]), c: legacy(FOLDERS[2], [OWN_DIRECTORY]), d: legacy(FOLDERS[3], [OWN_DIRECTORY]) }), evidence: /the EEA folder admits only C01exmpl2/ },
      { name: 'one organization-wide constraint', kind: platform, json: policies({ org: managed('organizations/123456789012', { allowedPrincipalSets: [OWN_SET] }) }), evidence: /the organization admits only/ },
      { name: "a handover project admitting both organizations, legacy with both directories", tenant: prepare, json: policies({ admit: projectPolicy, legacy: legacy('projects/acme-handover', [OWN_DIRECTORY, 'C02acme12']) }), evidence: /projects\/acme-handover admits only .*123456789012, .*987654321/ },
    ],
    inapplicable: [{ name: 'a tenant stack without policies', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /set on the folders by the platform stack/ }],
  },
  {
    check: iam7HandoverAdmission,
    violating: [
      {
        name: 'handover without a project admission',
        tenant: prepare,
        json: stackJson({ google_project_iam_member: { owner: ownerGrant() } }),
        address: '(stack)',
        problem: /acme is in handover-prepare, but projects\/acme-handover has no iam\.managed\.allowedPolicyMembers/,
        fix: new RegExp(`^set iam\\.managed\\.allowedPolicyMembers on projects\\/acme-handover with allowedPrincipalSets ${BOTH} \\(HandoverAdmission\\), never on the folder\\.$`),
        absent: /waits for/,
      },
      { name: 'an admission on the folder only', tenant: prepare, json: policies({ f: managed(FOLDERS[0], { allowedPrincipalSets: [OWN_SET, CUSTOMER_SET] }) }), problem: /has no iam\.managed\.allowedPolicyMembers admitting its customer's organization/, absent: /google_org_policy_policy\.f: / },
      {
        name: 'two admissions on the project, the owner grant waiting for neither (both named)',
        tenant: prepare,
        json: stackJson({ google_org_policy_policy: { admit: projectPolicy, admit2: projectPolicy }, google_project_iam_member: { owner: ownerGrant() } }),
        problem: /without waiting for google_org_policy_policy\.admit, google_org_policy_policy\.admit2, which/,
      },
      { name: 'the owner grant not waiting for the admission', tenant: prepare, json: admission(ownerGrant()), address: 'google_project_iam_member.owner', problem: /grants the customer's group owners@acme\.example without waiting for google_org_policy_policy\.admit/ },
    ],
    compliant: [
      { name: 'the admission, no owner grant yet', tenant: prepare, json: admission(), evidence: /projects\/acme-handover has its own iam\.managed\.allowedPolicyMembers/ },
      { name: 'the owner grant waiting for the admission', tenant: prepare, json: admission(ownerGrant(['google_org_policy_policy.admit'])), evidence: /the grant to owners@acme\.example waits for projects\/acme-handover's admission/ },
      {
        name: "another group's grant need not wait for the admission",
        tenant: prepare,
        json: stackJson({ google_org_policy_policy: { admit: projectPolicy }, google_project_iam_member: { owner: ownerGrant(['google_org_policy_policy.admit']), ops: { project: 'acme-handover', role: 'roles/viewer', member: 'group:ops@smartsegments.example' } } }),
        evidence: /waits for projects\/acme-handover's admission/,
      },
      {
        name: 'removing a membership of the owner group is no grant',
        tenant: prepare,
        json: stackJson({ google_org_policy_policy: { admit: projectPolicy }, google_project_iam_member_remove: { rm: { project: 'acme-handover', role: 'roles/editor', member: 'group:owners@acme.example' } } }),
        evidence: /projects\/acme-handover has its own/,
      },
    ],
    inapplicable: [
      { name: 'an active tenant', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /the tenant is active: no customer organization to admit/ },
      {
        name: 'a handed-over tenant',
        tenant: tableTenant({ ...{ warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' } }, lifecycle: { state: 'handed-over', handover: prepare.lifecycle.handover! } }),
        json: stackJson({}),
        reason: /the tenant is handed-over/,
      },
    ],
  },
];
