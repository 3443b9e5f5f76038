/** IAM-1 tables of the implicit ownership Google gives a creator: a dataset's OWNER entry and a project's roles/owner. */
import { iam1CreatorOwnerRemoved, iam1DatasetCreatorAccess } from '../../../../compliance/rules/iam-1-no-basic-roles';
import { ACME, stackJson, type CheckTable } from '../table';

const DEPLOYER_EMAIL = 'ci-tenant-eea@ssx-platform.iam.gserviceaccount.com';
const OWNERS = { role: 'OWNER', special_group: 'projectOwners' };
const DEPLOYER = `serviceAccount:${DEPLOYER_EMAIL}`;
const PROJECT = { project_id: ACME.projectId, folder_id: 'folders/100000000001' };
const removal = (extra: Record<string, unknown> = {}) => ({ project: ACME.projectId, role: 'roles/owner', member: DEPLOYER, depends_on: ['google_project.p'], ...extra });
const created = (removals: Record<string, Record<string, unknown>> | null = { own: removal() }) =>
  stackJson({ google_project: { p: PROJECT }, ...(removals ? { google_project_iam_member_remove: removals } : {}) });
const dataset = (access?: unknown, id = 'smart_segments') =>
  stackJson({ google_bigquery_dataset: { d: { project: ACME.projectId, dataset_id: id, location: 'EU', ...(access === undefined ? {} : { access }) } } });

export const IAM_1_TABLES: CheckTable[] = [
  {
    check: iam1DatasetCreatorAccess,
    violating: [
      { name: 'a dataset without an access list (BigQuery adds the creator as OWNER)', json: dataset(), address: 'google_bigquery_dataset.d', problem: /dataset smart_segments declares no access list, so BigQuery makes the identity that creates it \(the deployer\) an OWNER/ },
      { name: 'an empty access list (the provider sends none)', json: dataset([]), problem: /declares no access list/ },
      { name: 'the tenant deployer named as OWNER', json: dataset([OWNERS, { role: 'OWNER', user_by_email: DEPLOYER_EMAIL }]), address: 'google_bigquery_dataset.d', problem: /names serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com, a CI deployer/ },
      { name: 'the plan identity as an IAM member entry', json: dataset([{ role: 'READER', iam_member: 'serviceAccount:ci-plan@ssx-platform.iam.gserviceaccount.com' }]), problem: /names serviceAccount:ci-plan@ssx-platform\.iam\.gserviceaccount\.com, a CI deployer/ },
      { name: 'a person', json: dataset([OWNERS, { role: 'WRITER', user_by_email: 'alice@smartsegments.example' }]), problem: /names user:alice@smartsegments\.example, a person/ },
      { name: 'one of two datasets without a list', json: stackJson({ google_bigquery_dataset: { a: { dataset_id: 'a', access: [OWNERS] }, b: { dataset_id: 'b' } } }), address: 'google_bigquery_dataset.b', problem: /dataset b declares no access list/ },
    ],
    compliant: [
      { name: "the project's owners only", json: dataset([OWNERS]), evidence: /dataset smart_segments is created with an explicit access list of 1 entry, none a deployer or a user/ },
      { name: 'a workload account of the tenant and a group', json: dataset([OWNERS, { role: 'READER', user_by_email: `mcp@${ACME.projectId}.iam.gserviceaccount.com` }, { role: 'READER', group_by_email: 'analysts@smartsegments.example' }]), evidence: /list of 3 entries/ },
      { name: 'a ci- named account of another project is no deployer', json: dataset([{ role: 'READER', user_by_email: `ci-report@${ACME.projectId}.iam.gserviceaccount.com` }]), evidence: /none a deployer or a user/ },
    ],
    inapplicable: [{ name: 'no dataset', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /declares no BigQuery dataset/ }],
  },
  {
    check: iam1CreatorOwnerRemoved,
    violating: [
      { name: 'a created project whose creator stays Owner', json: created(null), address: 'google_project.p', problem: /creates project ssx-acme(-[a-z0-9]+)? but does not remove roles\/owner of serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com, which Google gives the project's creator/ },
      { name: 'the removal of another member', json: created({ own: removal({ member: 'serviceAccount:ci-plan@ssx-platform.iam.gserviceaccount.com' }) }), problem: /does not remove roles\/owner of serviceAccount:ci-tenant-eea/ },
      { name: 'the removal of another role', json: created({ own: removal({ role: 'roles/editor' }) }), problem: /does not remove roles\/owner/ },
      { name: 'the removal on another project', json: created({ own: removal({ project: 'ssx-platform' }) }), problem: /does not remove roles\/owner/ },
      { name: "another jurisdiction's deployer (the stack's applier is ci-tenant-eea)", json: created({ own: removal({ member: 'serviceAccount:ci-tenant-uk@ssx-platform.iam.gserviceaccount.com' }) }), problem: /does not remove roles\/owner of serviceAccount:ci-tenant-eea/ },
      { name: 'a removal that may run before the project exists', json: created({ own: removal({ depends_on: [] }) }), address: 'google_project_iam_member_remove.own', problem: /does not depend on google_project\.p, so Terraform may run it before the project exists/ },
      { name: "the platform stack removing a tenant deployer (its applier is ci-platform)", kind: 'platform', json: created(), problem: /does not remove roles\/owner of serviceAccount:ci-platform@ssx-platform\.iam\.gserviceaccount\.com/ },
    ],
    compliant: [
      { name: 'the deployer removed from roles/owner after the project is created', json: created(), evidence: /roles\/owner of serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com, the creator of ssx-acme.*, is removed once the project exists/ },
      { name: 'the project named by reference', json: created({ own: removal({ project: '${google_project.p.project_id}', depends_on: undefined }) }), evidence: /is removed once the project exists/ },
      { name: 'the platform stack removing ci-platform', kind: 'platform', json: created({ own: removal({ member: 'serviceAccount:ci-platform@ssx-platform.iam.gserviceaccount.com' }) }), evidence: /roles\/owner of serviceAccount:ci-platform@ssx-platform\.iam\.gserviceaccount\.com, the creator of ssx-acme.*, is removed/ },
    ],
    inapplicable: [{ name: "a stack that creates no project (the customer's own)", json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /creates no project/ }],
  },
];
