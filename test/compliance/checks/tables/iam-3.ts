/** IAM-3 (DPA Annex II 2): no service account keys; key creation disabled by policy; CI federated to this repository. */
import { iam3CiFederation, iam3KeyCreationDisabled, iam3NoServiceAccountKeys } from '../../../../compliance/rules/iam-3-no-service-account-keys';
import { TABLE_PLATFORM, stackJson, type CheckTable } from '../table';
import { FOLDERS, ORGANIZATION, booleanPolicy, onEveryFolder } from './org-policy-fixtures';

const C = 'iam.disableServiceAccountKeyCreation';
const REPO = TABLE_PLATFORM.ci.repository;
const key = { google_service_account_key: { key: { service_account_id: 'relay' } } };
const policies = (byName: Record<string, Record<string, unknown>>) => stackJson({ google_org_policy_policy: byName });
const provider = (attribute_condition?: unknown) =>
  stackJson({ google_iam_workload_identity_pool_provider: { plan: { workload_identity_pool_provider_id: 'plan', ...(attribute_condition === undefined ? {} : { attribute_condition }) } } });

export const IAM_3_TABLES: CheckTable[] = [
  {
    check: iam3NoServiceAccountKeys,
    violating: [
      { name: 'a key in a tenant stack', json: stackJson(key), address: 'google_service_account_key.key', problem: /^declares a service account key/ },
      { name: 'a key in the platform stack', kind: 'platform', json: stackJson(key), address: 'google_service_account_key.key' },
    ],
    compliant: [
      { name: 'no key (tenant)', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), evidence: /^\(stack\): no google_service_account_key in the stack$/ },
      { name: 'no key (platform)', kind: 'platform', json: stackJson({}) },
    ],
  },
  {
    check: iam3KeyCreationDisabled,
    violating: [
      { name: 'set on no folder', kind: 'platform', json: stackJson({}), address: '(stack)', problem: /^iam\.disableServiceAccountKeyCreation is not set on the EEA tenant folder\.$/ },
      { name: 'missing on the AU folder', kind: 'platform', json: policies(onEveryFolder(C, 'AU')), problem: /not set on the AU tenant folder/ },
      { name: 'not enforced on the UK folder', kind: 'platform', json: policies({ ...onEveryFolder(C), uk: booleanPolicy(FOLDERS.UK, C, 'FALSE') }), address: 'google_org_policy_policy.uk', problem: /is not unconditionally enforced on the UK tenant folder/ },
      { name: 'enforced on the CH folder only under a condition', kind: 'platform', json: policies({ ...onEveryFolder(C), ch: booleanPolicy(FOLDERS.CH, C, 'TRUE', { expression: 'true' }) }), address: 'google_org_policy_policy.ch' },
      { name: 'on the organization under a condition, and on no folder', kind: 'platform', json: policies({ org: booleanPolicy(ORGANIZATION, C, 'TRUE', { expression: 'true' }) }), problem: /not set on the EEA tenant folder/ },
      { name: 'on the organization, not enforced', kind: 'platform', json: policies({ org: booleanPolicy(ORGANIZATION, C, 'FALSE') }) },
      { name: 'another constraint on every folder', kind: 'platform', json: policies(onEveryFolder('iam.automaticIamGrantsForDefaultServiceAccounts')) },
    ],
    compliant: [
      { name: 'enforced on the organization', kind: 'platform', json: policies({ org: booleanPolicy(ORGANIZATION, C) }), evidence: /^google_org_policy_policy\.org: iam\.disableServiceAccountKeyCreation enforced on the organization$/ },
      { name: 'enforced on every tenant folder', kind: 'platform', json: policies(onEveryFolder(C)), evidence: /^google_org_policy_policy\.au: .* enforced on the AU folder$/ },
      { name: 'enforce written as a boolean', kind: 'platform', json: policies({ org: booleanPolicy(ORGANIZATION, C, true) }) },
    ],
  },
  {
    check: iam3CiFederation,
    violating: [
      { name: 'no provider', kind: 'platform', json: stackJson({}), address: '(stack)', problem: /^no workload identity pool provider exists for CI/ },
      { name: 'a provider with no condition', kind: 'platform', json: provider(), address: 'google_iam_workload_identity_pool_provider.plan', problem: /^attribute_condition null does not restrict the provider to smart-segments\/platform\.$/ },
      { name: 'a condition that is not a string', kind: 'platform', json: provider(['x']) },
      { name: 'the right condition, but in a list rather than a string', kind: 'platform', json: provider([`assertion.repository == '${REPO}'`]) },
      { name: 'another repository', kind: 'platform', json: provider(`assertion.repository == 'smart-segments/other'`), problem: /attribute_condition "assertion\.repository == 'smart-segments\/other'"/ },
      { name: 'a longer repository name', kind: 'platform', json: provider(`assertion.repository == '${REPO}-fork'`) },
      { name: 'a repository with any character for the dot or slash', kind: 'platform', json: provider(`assertion.repository == 'smart-segmentsXplatform'`) },
      { name: 'this repository or another', kind: 'platform', json: provider(`assertion.repository == '${REPO}' || assertion.repository == 'x/y'`) },
      { name: 'the owner only', kind: 'platform', json: provider(`assertion.repository_owner == 'smart-segments'`) },
    ],
    compliant: [
      { name: 'assertion.repository, single quotes', kind: 'platform', json: provider(`assertion.repository == '${REPO}'`), evidence: /^google_iam_workload_identity_pool_provider\.plan: admits only smart-segments\/platform$/ },
      { name: 'attribute.repository, double quotes, no spaces', kind: 'platform', json: provider(`attribute.repository=="${REPO}" && assertion.ref == 'refs/heads/main'`) },
    ],
  },
];
