/** RES-2 (DPA 6.5): jurisdiction folders allow only their locations; tenant projects sit in their folder. */
import { res2FolderLocationPolicy, res2NoOpenLocationPolicy, res2ProjectInFolder } from '../../../../compliance/rules/res-2-folder-location-policy';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';
import { FOLDERS, ORGANIZATION } from './org-policy-fixtures';

const C = 'gcp.resourceLocations';
const UK = tableTenant({ jurisdiction: 'UK', region: 'europe-west2' });
const handover = (state: 'handover-prepare' | 'handover-transfer' | 'handed-over') =>
  tableTenant({
    warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' },
    lifecycle: {
      state,
      handover: { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' },
    },
  });
const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });
const project = (folder_id?: unknown) => stackJson({ google_project: { p: { project_id: ACME.projectId, ...(folder_id === undefined ? {} : { folder_id }) } } });

const policy = (parent: string, rule: Record<string, unknown>) => ({ name: `${parent}/policies/${C}`, parent, spec: { rules: [rule] } });
const allow = (...allowed_values: string[]) => ({ values: { allowed_values } });
const RIGHT: Record<string, Record<string, unknown>> = {
  eea: policy(FOLDERS.EEA, allow('in:eu-locations')),
  uk: policy(FOLDERS.UK, allow('in:europe-west2-locations')),
  ch: policy(FOLDERS.CH, allow('in:europe-west6-locations')),
  au: policy(FOLDERS.AU, allow('in:australia-southeast2-locations', 'in:australia-southeast1-locations')),
};
const policies = (byName: Record<string, Record<string, unknown>>) => stackJson({ google_org_policy_policy: byName });
const without = (name: string) => policies(Object.fromEntries(Object.entries(RIGHT).filter(([k]) => k !== name)));

export const RES_2_TABLES: CheckTable[] = [
  {
    check: res2ProjectInFolder,
    violating: [
      { name: 'no folder', json: project(), address: 'google_project.p', problem: /^folder_id is undefined, not the EEA folder folders\/100000000001 that carries the location policy\.$/ },
      { name: "another jurisdiction's folder", json: project(FOLDERS.UK), problem: /^folder_id is "folders\/100000000002", not the EEA folder/ },
      { name: 'a UK tenant in the EEA folder', tenant: UK, json: project(FOLDERS.EEA), problem: /not the UK folder folders\/100000000002/ },
      { name: 'no project at all', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)', problem: /creates no google_project/ },
      { name: 'during handover preparation the project is still ours', tenant: handover('handover-prepare'), json: project(FOLDERS.UK) },
    ],
    compliant: [
      { name: 'in the EEA folder', json: project(FOLDERS.EEA), evidence: /^google_project\.p: in the EEA folder folders\/100000000001$/ },
      { name: 'a UK tenant in the UK folder', tenant: UK, json: project(FOLDERS.UK), evidence: /in the UK folder/ },
    ],
    inapplicable: [
      { name: "the customer's own project", tenant: customerProject, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /lives in the customer's organization \(HAND-1, HAND-2\)/ },
      { name: 'a project being transferred', tenant: handover('handover-transfer'), json: project(FOLDERS.UK), reason: /HAND-1/ },
      { name: 'a project handed over', tenant: handover('handed-over'), json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) },
    ],
  },
  {
    check: res2FolderLocationPolicy,
    violating: [
      { name: 'no policy at all', kind: 'platform', json: stackJson({}), address: '(stack)', problem: /^no gcp\.resourceLocations policy is set on the EEA tenant folder\.$/ },
      { name: 'the AU folder lacks it', kind: 'platform', json: without('au'), problem: /on the AU tenant folder/ },
      { name: 'the EEA folder allows more', kind: 'platform', json: policies({ ...RIGHT, eea: policy(FOLDERS.EEA, allow('in:eu-locations', 'in:us-locations')) }), address: 'google_org_policy_policy.eea', problem: /^the EEA folder's gcp\.resourceLocations allows \["in:eu-locations","in:us-locations"\]\.$/ },
      { name: 'the AU folder allows fewer', kind: 'platform', json: policies({ ...RIGHT, au: policy(FOLDERS.AU, allow('in:australia-southeast1-locations')) }), address: 'google_org_policy_policy.au' },
      { name: 'the AU folder allows as many, one wrong', kind: 'platform', json: policies({ ...RIGHT, au: policy(FOLDERS.AU, allow('in:australia-southeast1-locations', 'in:us-locations')) }), address: 'google_org_policy_policy.au' },
      { name: 'the UK folder allows all', kind: 'platform', json: policies({ ...RIGHT, uk: policy(FOLDERS.UK, { allow_all: 'TRUE' }) }), problem: /^the UK folder's gcp\.resourceLocations allows all locations\.$/ },
      { name: 'the right values and allow_all', kind: 'platform', json: policies({ ...RIGHT, uk: { name: `${FOLDERS.UK}/policies/${C}`, parent: FOLDERS.UK, spec: { rules: [allow('in:europe-west2-locations'), { allow_all: 'TRUE' }] } } }), problem: /allows all locations/ },
      { name: 'the right values under a condition', kind: 'platform', json: policies({ ...RIGHT, ch: policy(FOLDERS.CH, { ...allow('in:europe-west6-locations'), condition: { expression: 'true' } }) }), problem: /^the CH folder's gcp\.resourceLocations allows \["in:europe-west6-locations"\] under a condition\.$/ },
      { name: 'another constraint on the folders', kind: 'platform', json: policies({ ...without('eea'), eea: { ...policy(FOLDERS.EEA, allow('in:eu-locations')), name: `${FOLDERS.EEA}/policies/gcp.restrictServiceUsage` } }), problem: /on the EEA tenant folder/ },
    ],
    compliant: [
      { name: 'every folder its own locations', kind: 'platform', json: policies(RIGHT), evidence: /^google_org_policy_policy\.au: AU folder allows only in:australia-southeast1-locations, in:australia-southeast2-locations$/ },
    ],
  },
  {
    check: res2NoOpenLocationPolicy,
    violating: [
      { name: 'allow all on the organization', kind: 'platform', json: policies({ ...RIGHT, org: policy(ORGANIZATION, { allow_all: 'TRUE' }) }), address: 'google_org_policy_policy.org', problem: /^gcp\.resourceLocations on organizations\/123456789012 allows every location\.$/ },
      { name: 'no values on another folder', kind: 'platform', json: policies({ other: policy('folders/999', { deny_all: 'FALSE' }) }), address: 'google_org_policy_policy.other' },
    ],
    compliant: [{ name: 'a restricted policy on the organization', kind: 'platform', json: policies({ ...RIGHT, org: policy(ORGANIZATION, allow('in:eu-locations')) }), evidence: /^google_org_policy_policy\.org: gcp\.resourceLocations on organizations\/123456789012 allows only in:eu-locations$/ }],
    inapplicable: [
      { name: 'only folder policies', kind: 'platform', json: policies(RIGHT), reason: /no gcp\.resourceLocations policy outside the jurisdiction folders/ },
      { name: 'another constraint on the organization', kind: 'platform', json: policies({ org: { ...policy(ORGANIZATION, { allow_all: 'TRUE' }), name: `${ORGANIZATION}/policies/gcp.restrictServiceUsage` } }) },
    ],
  },
];
