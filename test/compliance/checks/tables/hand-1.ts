/** HAND-1 tables: the customer's administration grants, the move prerequisites, no deletion, the transfer's target, the release from state and our own access. */
import {
  hand1AdminGrants,
  hand1HandoverGrants,
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
const PLANNER = 'serviceAccount:ci-plan@ssx-platform.iam.gserviceaccount.com';
const READ_ROLE = 'projects/acme-handover/roles/smartSegmentsHandoverRead';
const APPLY_ROLE = 'projects/acme-handover/roles/smartSegmentsHandoverApply';
const LIMIT = `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['${APPLY_ROLE}', '${READ_ROLE}'])`;
const UNTIL = 'request.time < timestamp("2026-12-01T00:00:00Z")';
const ADMINS = 'group:platform-admins@smartsegments.example';
const removals = (extra: { read?: Record<string, unknown>; admins?: Record<string, unknown>; apply?: Record<string, unknown> } = {}) => ({
  read: { project: 'acme-handover', role: READ_ROLE, member: PLANNER, ...extra.read },
  admins: { project: 'acme-handover', role: APPLY_ROLE, member: ADMINS, ...extra.admins },
  apply: { project: 'acme-handover', role: APPLY_ROLE, member: DEPLOYER, depends_on: ['google_project_iam_member_remove.read', 'google_project_iam_member_remove.admins'], ...extra.apply },
});
const handoverRoles = {
  read: { project: 'acme-handover', role_id: 'smartSegmentsHandoverRead', permissions: ['resourcemanager.projects.get'] },
  apply: { project: 'acme-handover', role_id: 'smartSegmentsHandoverApply', permissions: ['resourcemanager.projects.get'] },
};
const handoverGrants = (extra: { read?: Record<string, unknown>; apply?: Record<string, unknown>; admins?: Record<string, unknown> } = {}) => ({
  'hread': { project: 'acme-handover', role: '${google_project_iam_custom_role.read.name}', member: PLANNER, condition: { title: 't', expression: UNTIL }, ...extra.read },
  'happly': { project: 'acme-handover', role: '${google_project_iam_custom_role.apply.name}', member: DEPLOYER, condition: { title: 't', expression: `${UNTIL} && ${LIMIT}` }, ...extra.apply },
  'hadmins': { project: 'acme-handover', role: '${google_project_iam_custom_role.apply.name}', member: ADMINS, condition: { title: 't', expression: `${UNTIL} && ${LIMIT}` }, ...extra.admins },
});
const withHandoverGrants = (grants: Record<string, Record<string, unknown>> = handoverGrants(), roles: Record<string, Record<string, unknown>> = handoverRoles) =>
  stackJson({ google_project: { p: atCustomer }, google_project_iam_custom_role: roles, google_project_iam_member: grants });

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
    check: hand1HandoverGrants,
    violating: [
      { name: 'prepare without the handover roles', tenant: prepare, json: withHandoverGrants(handoverGrants(), {}), address: '(stack)', problem: /no custom role smartSegmentsHandoverRead in acme-handover: after the move ci-plan reaches the project through nothing/ },
      { name: "the platform administrators' apply grant missing (the release's applier)", tenant: prepare, json: withHandoverGrants({ hread: handoverGrants().hread, happly: handoverGrants().happly }), address: 'google_project_iam_custom_role.apply', problem: /group:platform-admins@smartsegments\.example is not granted projects\/acme-handover\/roles\/smartSegmentsHandoverApply/ },
      { name: "the administrators' apply grant without the grant limit", tenant: prepare, json: withHandoverGrants(handoverGrants({ admins: { condition: { title: 't', expression: UNTIL } } })), address: 'google_project_iam_member.hadmins', problem: /so group:platform-admins@smartsegments\.example could grant itself any role/ },
      { name: 'transfer without the apply grant', tenant: transfer, json: withHandoverGrants({ hread: handoverGrants().hread, hadmins: handoverGrants().hadmins }), address: 'google_project_iam_custom_role.apply', problem: /serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com is not granted projects\/acme-handover\/roles\/smartSegmentsHandoverApply/ },
      { name: 'the read role granted without an expiry', tenant: prepare, json: withHandoverGrants(handoverGrants({ read: { condition: undefined } })), address: 'google_project_iam_member.hread', problem: /has no expiry condition .* so it would outlive the handover/ },
      { name: 'an expiry other than the move grant\'s', tenant: prepare, json: withHandoverGrants(handoverGrants({ read: { condition: { title: 't', expression: 'request.time < timestamp("2027-03-01T00:00:00Z")' } } })), problem: /expires 2027-03-01, but the move grant, recorded in the tenant file, 2026-12-01/ },
      { name: 'the apply grant without the grant limit', tenant: transfer, json: withHandoverGrants(handoverGrants({ apply: { condition: { title: 't', expression: UNTIL } } })), address: 'google_project_iam_member.happly', problem: /does not limit its IAM policy changes to the handover roles' bindings/ },
      { name: 'the apply role granted to ci-plan instead', tenant: prepare, json: withHandoverGrants(handoverGrants({ apply: { member: PLANNER } })), problem: /ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com is not granted projects\/acme-handover\/roles\/smartSegmentsHandoverApply/ },
    ],
    compliant: [
      { name: 'prepare with both roles and grants', tenant: prepare, json: withHandoverGrants(), evidence: /serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com holds projects\/acme-handover\/roles\/smartSegmentsHandoverApply on acme-handover until 2026-12-01, changing only the handover roles' bindings/ },
      { name: 'transfer, roles named literally', tenant: transfer, json: withHandoverGrants(handoverGrants({ read: { role: READ_ROLE } })), evidence: /ci-plan@ssx-platform\.iam\.gserviceaccount\.com holds projects\/acme-handover\/roles\/smartSegmentsHandoverRead on acme-handover until 2026-12-01/ },
    ],
    inapplicable: [
      { name: 'an active tenant', json: withHandoverGrants(), reason: /not in a handover/ },
      { name: 'the release', tenant: released, json: removedBlocks(allReleased), reason: /the release keeps the handover grants out of state/ },
      { name: 'no expiry recorded', tenant: inState('handover-prepare', { moverGrantExpires: undefined as unknown as string }), json: withHandoverGrants({}), reason: /no move-grant expiry is recorded/ },
    ],
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
      { name: 'the admin grants not released', tenant: released, json: removedBlocks(allReleased.slice(0, 3)), problem: /no removed block releases a google_project_iam_member \(the customer's administration grants and the handover grants\)/ },
      { name: 'the project not released', tenant: released, json: removedBlocks(allReleased.slice(1)), problem: /no removed block releases a google_project \(the project\)/ },
      { name: 'the warehouse not released', tenant: released, json: removedBlocks(allReleased.filter((r) => !r.from.startsWith('google_bigquery'))), problem: /google_bigquery_dataset \(the warehouse dataset\)/ },
      { name: 'the warehouse key not released', tenant: released, json: removedBlocks(allReleased.filter((r) => !r.from.startsWith('google_kms'))), problem: /google_kms_crypto_key \(the key that encrypts the warehouse\)/ },
      { name: 'the project still managed', tenant: released, json: removedBlocks(allReleased, { google_project: { p: atCustomer } }), address: 'google_project.p', problem: /still managed by this stack/ },
      { name: 'a workload still declared', tenant: released, json: removedBlocks(allReleased, { google_cloud_run_v2_service: { s: { name: 'ingest' } } }), address: 'google_cloud_run_v2_service.s', problem: /still declared in the release/ },
    ],
    compliant: [
      { name: 'everything the customer keeps released without destroying', tenant: released, json: removedBlocks(allReleased), evidence: /released from state without destroying: google_project\.p, google_bigquery_dataset\.d, google_kms_crypto_key\.k, google_project_iam_member\.admin/ },
      { name: 'the last step: the removals declared beside the removed blocks', tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: removals() }), evidence: /released from state without destroying/ },
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
      { name: 'the last step without any removal', tenant: relinquished, json: removedBlocks(allReleased), address: '(stack)', problem: /does not remove serviceAccount:ci-plan@ssx-platform\.iam\.gserviceaccount\.com from projects\/acme-handover\/roles\/smartSegmentsHandoverRead/ },
      { name: "the last step without the administrators' removal", tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: { read: removals().read, apply: removals({ apply: { depends_on: ['google_project_iam_member_remove.read'] } }).apply } }), problem: /does not remove group:platform-admins@smartsegments\.example from projects\/acme-handover\/roles\/smartSegmentsHandoverApply/ },
      { name: "the deployer's removal not waiting for the administrators'", tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: removals({ apply: { depends_on: ['google_project_iam_member_remove.read'] } }) }), address: 'google_project_iam_member_remove.apply', problem: /does not wait for the removal of group:platform-admins@smartsegments\.example \(google_project_iam_member_remove\.admins\)/ },
      { name: "the last step without the deployer's own removal", tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: { read: removals().read, admins: removals().admins } }), problem: /does not remove serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com from projects\/acme-handover\/roles\/smartSegmentsHandoverApply/ },
      { name: 'the last step removing another member', tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: removals({ apply: { member: 'serviceAccount:other@x.iam.gserviceaccount.com' } }) }), problem: /does not remove serviceAccount:ci-tenant-eea/ },
      { name: "the deployer's removal not waiting for ci-plan's", tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: removals({ apply: { depends_on: [] } }) }), address: 'google_project_iam_member_remove.apply', problem: /does not wait for the removal of serviceAccount:ci-plan@ssx-platform\.iam\.gserviceaccount\.com \(google_project_iam_member_remove\.read\)/ },
      { name: 'a removal in the release apply itself', tenant: released, json: removedBlocks(allReleased, { google_project_iam_member_remove: { read: removals().read } }), address: 'google_project_iam_member_remove.read', problem: /removed in the same apply that destroys Smart Segments' resources/ },
      { name: 'the old owner removal in the release apply', tenant: released, json: removedBlocks(allReleased, { google_project_iam_member_remove: { own: ownerRemoval } }), address: 'google_project_iam_member_remove.own', problem: /removed in the same apply/ },
    ],
    compliant: [
      { name: 'the release: no grant declared', tenant: released, json: removedBlocks(allReleased), evidence: /no Smart Segments grant is declared; the handover grants are removed in the last step/ },
      { name: 'the last step: both handover grants removed, the deployer last', tenant: relinquished, json: removedBlocks(allReleased, { google_project_iam_member_remove: removals() }), evidence: /the handover grants of serviceAccount:ci-plan@ssx-platform\.iam\.gserviceaccount\.com, group:platform-admins@smartsegments\.example, serviceAccount:ci-tenant-eea@ssx-platform\.iam\.gserviceaccount\.com are removed, the deployer's last/ },
    ],
    inapplicable: [
      { name: 'the transfer phase', tenant: transfer, json: handed(atCustomer), reason: /the transfer phase still runs Smart Segments' deploys/ },
      { name: 'an active tenant', json: stackJson({}), reason: /not in a handover/ },
    ],
  },
];
