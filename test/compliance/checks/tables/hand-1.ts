/** HAND-1 tables: the customer's administration grants, the move prerequisites, no deletion, the transfer's target, the release from state and our own access. */
import {
  hand1AdminGrants,
  hand1MovePrerequisites,
  hand1NoDeletion,
  hand1OwnAccessRemoved,
  hand1ReleaseFromState,
  hand1TransferTarget,
} from '../../../../compliance/rules/hand-1-phased-takeover';
import type { LifecycleState } from '../../../../config/lifecycle-states';
import type { TerraformJson } from '../../../../compliance/synthesized-stack';
import { stackJson, tableTenant, type CheckTable } from '../table';

const details = {
  customerOrganizationId: '987654321',
  customerBillingAccount: '01ABCD-23EF45-6789AC',
  customerOwnerGroup: 'owners@acme.example',
  customerDirectoryCustomerId: 'C02acme12',
  moverGrantExpires: '2026-12-01',
};
const inState = (state: LifecycleState, extra: Record<string, string> = {}) =>
  tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' }, lifecycle: { state, handover: { ...details, ...extra } } });
const prepare = inState('handover-prepare');
const transfer = inState('handover-transfer');
const released = inState('handed-over', { effectiveDate: '2026-11-20' });
const relinquished = inState('handed-over', { effectiveDate: '2026-11-20', ownAccessRemoved: '2026-11-21' });
const DEPLOYER = 'serviceAccount:ci-tenant-eea@ssx-platform.iam.gserviceaccount.com';
const FOLDER = 'folders/100000000001';

const admin = (role: string, extra: Record<string, unknown> = {}) => ({ project: 'acme-handover', role, member: 'group:owners@acme.example', ...extra });
const admins = {
  iam: admin('roles/resourcemanager.projectIamAdmin'),
  bq: admin('roles/bigquery.admin'),
  kms: admin('roles/cloudkms.admin'),
};
const atCustomer = { project_id: 'acme-handover', org_id: '987654321', billing_account: '01ABCD-23EF45-6789AC', deletion_policy: 'PREVENT' };
const handed = (project: Record<string, unknown> | undefined, grants: Record<string, Record<string, unknown>> | null = admins) =>
  stackJson({ ...(project ? { google_project: { p: project } } : {}), ...(grants ? { google_project_iam_member: grants } : {}) });

const exportPolicy = (allowed = 'under:organizations/987654321', parent = FOLDER) => ({
  name: `${parent}/policies/resourcemanager.allowedExportDestinations`,
  parent,
  spec: { rules: [{ values: { allowed_values: [allowed] } }] },
});
const mover = (condition: Record<string, unknown> | null = { title: 't', expression: 'request.time < timestamp("2026-12-01T00:00:00Z")' }, extra: Record<string, unknown> = {}) => ({
  folder: FOLDER,
  role: 'roles/resourcemanager.projectMover',
  member: DEPLOYER,
  ...(condition ? { condition } : {}),
  ...extra,
});
const prerequisites = (policy: Record<string, unknown> | null = exportPolicy(), grant: Record<string, unknown> | null = mover()) =>
  stackJson({
    ...(policy ? { google_org_policy_policy: { export: policy } } : {}),
    ...(grant ? { google_folder_iam_member: { mover: grant } } : {}),
  });

const removedBlocks = (blocks: unknown[], rest: TerraformJson['resource'] = {}): TerraformJson => ({ resource: rest, removed: blocks } as TerraformJson);
const release = (from: string) => ({ from, lifecycle: { destroy: false } });
const allReleased = [
  release('google_project.p'),
  release('google_bigquery_dataset.d'),
  release('google_kms_crypto_key.k'),
  release('google_project_iam_member.admin'),
];
const ownerRemoval = { project: 'acme-handover', role: 'roles/owner', member: DEPLOYER };

export const HAND_1_TABLES: CheckTable[] = [
  {
    check: hand1AdminGrants,
    violating: [
      { name: 'prepare without the admin grants', tenant: prepare, json: handed(atCustomer, null), address: '(stack)', problem: /does not grant the customer's administrators' group owners@acme\.example roles\/resourcemanager\.projectIamAdmin, roles\/bigquery\.admin, roles\/cloudkms\.admin/ },
      { name: 'prepare, the tenant project missing', tenant: prepare, json: handed(undefined), problem: /the prepare phase needs the tenant project in the stack/ },
      { name: 'transfer without Cloud KMS Admin', tenant: transfer, json: handed(atCustomer, { iam: admins.iam, bq: admins.bq }), problem: /roles\/cloudkms\.admin on acme-handover/ },
      { name: 'prepare, roles/owner to the customer (setIamPolicy refuses it)', tenant: prepare, json: handed(atCustomer, { ...admins, owner: admin('roles/owner') }), address: 'google_project_iam_member.owner', problem: /basic role roles\/owner to the customer's group owners@acme\.example: setIamPolicy grants roles\/owner only to principals of the project's own organization/ },
      { name: 'prepare, the roles to another group', tenant: prepare, json: handed(atCustomer, { iam: admin('roles/resourcemanager.projectIamAdmin', { member: 'group:ops@acme.example' }), bq: admins.bq, kms: admins.kms }), problem: /roles\/resourcemanager\.projectIamAdmin on acme-handover/ },
      { name: 'prepare, the roles on another project', tenant: prepare, json: handed(atCustomer, { iam: admins.iam, bq: admin('roles/bigquery.admin', { project: 'ssx-platform' }), kms: admins.kms }), problem: /roles\/bigquery\.admin on acme-handover/ },
      { name: 'prepare, a project of another id only', tenant: prepare, json: handed({ ...atCustomer, project_id: 'other' }), problem: /needs the tenant project/ },
    ],
    compliant: [
      { name: 'prepare with the three admin grants', tenant: prepare, json: handed(atCustomer), evidence: /owners@acme\.example administers acme-handover: roles\/resourcemanager\.projectIamAdmin, roles\/bigquery\.admin, roles\/cloudkms\.admin/ },
      { name: 'transfer with the three admin grants', tenant: transfer, json: handed(atCustomer), evidence: /administers acme-handover/ },
    ],
    inapplicable: [
      { name: 'an active tenant', json: handed(undefined), reason: /the tenant is active, not in a handover/ },
      { name: 'the release phase', tenant: released, json: removedBlocks(allReleased), reason: /HAND-1\/release-from-state/ },
    ],
  },
  {
    check: hand1MovePrerequisites,
    violating: [
      { name: 'prepare without the export policy', tenant: prepare, json: prerequisites(null), address: '(stack)', problem: /no resourcemanager\.allowedExportDestinations policy on the tenant folder folders\/100000000001 allows under:organizations\/987654321, so the move fails with FAILED_PRECONDITION/ },
      { name: 'an export policy naming another organization', tenant: transfer, json: prerequisites(exportPolicy('under:organizations/111111111')), address: 'google_org_policy_policy.export', problem: /allows under:organizations\/987654321/ },
      { name: 'the export policy on another folder', tenant: prepare, json: prerequisites(exportPolicy(undefined, 'folders/100000000002')), problem: /on the tenant folder folders\/100000000001/ },
      { name: 'transfer without the move grant', tenant: transfer, json: prerequisites(undefined, null), problem: /holds no roles\/resourcemanager\.projectMover on the tenant folder folders\/100000000001, so it cannot move the project/ },
      { name: 'the move grant without expiry', tenant: prepare, json: prerequisites(undefined, mover(null)), address: 'google_folder_iam_member.mover', problem: /has no expiry condition .* so it would outlive the handover/ },
      { name: 'the move grant to another identity', tenant: prepare, json: prerequisites(undefined, mover(null, { member: 'serviceAccount:ci-plan@ssx-platform.iam.gserviceaccount.com' })), problem: /holds no roles\/resourcemanager\.projectMover/ },
      { name: 'the move grant expiring on another day than recorded', tenant: prepare, json: prerequisites(undefined, mover({ title: 't', expression: 'request.time < timestamp("2027-06-01T00:00:00Z")' })), problem: /expires 2027-06-01, but the tenant file records 2026-12-01/ },
      { name: 'no expiry recorded', tenant: inState('handover-prepare', { moverGrantExpires: undefined as unknown as string }), json: prerequisites(undefined, null), problem: /lifecycle\.handover\.moverGrantExpires is not recorded/ },
      { name: 'the release still declaring the move grant', tenant: released, json: prerequisites(null), address: 'google_folder_iam_member.mover', problem: /the release still declares a move prerequisite/ },
    ],
    compliant: [
      { name: 'prepare with both', tenant: prepare, json: prerequisites(), evidence: /roles\/resourcemanager\.projectMover on folders\/100000000001 until 2026-12-01/ },
      { name: 'transfer with both', tenant: transfer, json: prerequisites(), evidence: /folders\/100000000001 allows exports to under:organizations\/987654321/ },
      { name: 'the release without either', tenant: released, json: removedBlocks(allReleased), evidence: /the release declares no export policy and no move grant/ },
    ],
    inapplicable: [{ name: 'an active tenant', json: prerequisites(), reason: /not in a handover/ }],
  },
  {
    check: hand1NoDeletion,
    violating: [{ name: 'deletion_policy DELETE during prepare', tenant: prepare, json: handed({ ...atCustomer, deletion_policy: 'DELETE' }), address: 'google_project.p', problem: /deletion_policy is DELETE during a handover/ }],
    compliant: [
      { name: 'PREVENT during transfer', tenant: transfer, json: handed(atCustomer), evidence: /deletion_policy is PREVENT during the transfer phase/ },
      { name: 'deletion_policy unset during prepare', tenant: prepare, json: handed({ project_id: 'acme-handover' }), evidence: /PREVENT \(the default\) during the prepare phase/ },
    ],
    inapplicable: [
      { name: 'an active tenant with DELETE', json: stackJson({ google_project: { p: { project_id: 'x', deletion_policy: 'DELETE' } } }), reason: /not in a handover/ },
      { name: 'no tenant project', tenant: prepare, json: handed(undefined), reason: /manages no tenant project here/ },
    ],
  },
  {
    check: hand1TransferTarget,
    violating: [
      { name: 'still in our organization', tenant: transfer, json: handed({ ...atCustomer, org_id: '123456789012' }), address: 'google_project.p', problem: /org_id is "123456789012", not the customer's 987654321/ },
      { name: 'still in a folder', tenant: transfer, json: handed({ ...atCustomer, folder_id: 'folders/100000000001' }), problem: /it still names folder folders\/100000000001/ },
      { name: 'in our organization and a folder', tenant: transfer, json: handed({ ...atCustomer, org_id: '123456789012', folder_id: 'folders/1' }), problem: /not the customer's 987654321; it still names folder folders\/1\./ },
      { name: 'still billed to us', tenant: transfer, json: handed({ ...atCustomer, billing_account: '01ABCD-23EF45-6789AB' }), problem: /billing_account is "01ABCD-23EF45-6789AB", not the customer's 01ABCD-23EF45-6789AC/ },
    ],
    compliant: [{ name: "in the customer's organization and billing account", tenant: transfer, json: handed(atCustomer), evidence: /in organization 987654321, billed to 01ABCD-23EF45-6789AC/ }],
    inapplicable: [
      { name: 'the prepare phase, project still ours', tenant: prepare, json: handed({ ...atCustomer, org_id: '123456789012' }), reason: /the prepare phase does not move the project/ },
      { name: 'transfer, no tenant project', tenant: transfer, json: handed(undefined), reason: /manages no tenant project here/ },
      { name: 'an active tenant', json: handed(atCustomer), reason: /not in a handover/ },
    ],
  },
  {
    check: hand1ReleaseFromState,
    violating: [
      { name: 'no removed blocks', tenant: released, json: stackJson({}), address: '(stack)', problem: /the release phase has no removed blocks/ },
      { name: 'a removed block that destroys', tenant: released, json: removedBlocks([{ from: 'google_project.p', lifecycle: { destroy: true } }, ...allReleased.slice(1)]), problem: /removed block for google_project\.p does not set lifecycle\.destroy = false/ },
      { name: 'a removed block without lifecycle', tenant: released, json: removedBlocks([{ from: 'google_project.p' }, ...allReleased.slice(1)]), problem: /does not set lifecycle\.destroy = false/ },
      { name: 'the admin grants not released', tenant: released, json: removedBlocks(allReleased.slice(0, 3)), problem: /no removed block releases a google_project_iam_member \(the customer's administration grants\)/ },
      { name: 'the project not released', tenant: released, json: removedBlocks(allReleased.slice(1)), problem: /no removed block releases a google_project \(the project\)/ },
      { name: 'the warehouse not released', tenant: released, json: removedBlocks(allReleased.filter((r) => !r.from.startsWith('google_bigquery'))), problem: /google_bigquery_dataset \(the warehouse dataset\)/ },
      { name: 'the warehouse key not released', tenant: released, json: removedBlocks(allReleased.filter((r) => !r.from.startsWith('google_kms'))), problem: /google_kms_crypto_key \(the key that encrypts the warehouse\)/ },
      { name: 'the project still managed', tenant: released, json: removedBlocks(allReleased, { google_project: { p: atCustomer } }), address: 'google_project.p', problem: /still managed by this stack/ },
      { name: 'a workload still declared', tenant: released, json: removedBlocks(allReleased, { google_cloud_run_v2_service: { s: { name: 'ingest' } } }), address: 'google_cloud_run_v2_service.s', problem: /still declared in the release/ },
    ],
    compliant: [
      { name: 'everything the customer keeps released without destroying', tenant: released, json: removedBlocks(allReleased), evidence: /released from state without destroying: google_project\.p, google_bigquery_dataset\.d, google_kms_crypto_key\.k, google_project_iam_member\.admin/ },
      { name: 'the last step: the owner removal declared beside the removed blocks', tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: { own: ownerRemoval } }), evidence: /released from state without destroying/ },
    ],
    inapplicable: [
      { name: 'the transfer phase', tenant: transfer, json: handed(atCustomer), reason: /the transfer phase keeps the project in state/ },
      { name: 'an active tenant', json: stackJson({}), reason: /not in a handover/ },
    ],
  },
  {
    check: hand1OwnAccessRemoved,
    violating: [
      { name: 'a grant left after the release', tenant: released, json: removedBlocks(allReleased, { google_project_iam_member: { left: { project: 'acme-handover', role: 'roles/bigquery.dataViewer', member: DEPLOYER } } }), address: 'google_project_iam_member.left', problem: /ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com is still granted roles\/bigquery\.dataViewer after the release/ },
      { name: 'the last step without the owner removal', tenant: relinquished, json: removedBlocks(allReleased), address: '(stack)', problem: /does not remove roles\/owner of serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com, which Google gave the project's creator/ },
      { name: 'the last step removing another member', tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: { own: { ...ownerRemoval, member: 'serviceAccount:other@x.iam.gserviceaccount.com' } } }), problem: /does not remove roles\/owner/ },
      { name: 'the owner removed in the release apply itself', tenant: released, json: removedBlocks(allReleased, { google_project_iam_member_remove: { own: ownerRemoval } }), address: 'google_project_iam_member_remove.own', problem: /removed in the same apply that destroys Smart Segments' resources/ },
    ],
    compliant: [
      { name: 'the release: no grant declared', tenant: released, json: removedBlocks(allReleased), evidence: /no Smart Segments grant is declared; the deployer's implicit owner role is removed in the last step/ },
      { name: 'the last step: the implicit owner removed', tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: { own: ownerRemoval } }), evidence: /roles\/owner of serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com removed; no other Smart Segments grant remains/ },
    ],
    inapplicable: [
      { name: 'the transfer phase', tenant: transfer, json: handed(atCustomer), reason: /the transfer phase still runs Smart Segments' deploys/ },
      { name: 'an active tenant', json: stackJson({}), reason: /not in a handover/ },
    ],
  },
];
