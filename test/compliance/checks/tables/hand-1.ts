/** HAND-1 tables: the owner grant until release, no deletion, the transfer's target, the release from state. */
import { hand1NoDeletion, hand1OwnerGrant, hand1ReleaseFromState, hand1TransferTarget } from '../../../../compliance/rules/hand-1-phased-takeover';
import type { LifecycleState } from '../../../../config/lifecycle-states';
import type { TerraformJson } from '../../../../compliance/synthesized-stack';
import { stackJson, tableTenant, type CheckTable } from '../table';

const details = { customerOrganizationId: '987654321', customerBillingAccount: '01ABCD-23EF45-6789AC', customerOwnerGroup: 'owners@acme.example', customerDirectoryCustomerId: 'C02acme12' };
const inState = (state: LifecycleState) =>
  tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-handover', provisionedBy: 'smart-segments' }, lifecycle: { state, handover: details } });
const prepare = inState('handover-prepare');
const transfer = inState('handover-transfer');
const released = inState('handed-over');
const owner = { project: 'acme-handover', role: 'roles/owner', member: 'group:owners@acme.example' };
const atCustomer = { project_id: 'acme-handover', org_id: '987654321', billing_account: '01ABCD-23EF45-6789AC', deletion_policy: 'PREVENT' };
const handed = (project: Record<string, unknown> | undefined, grant: Record<string, unknown> | null = owner) =>
  stackJson({ ...(project ? { google_project: { p: project } } : {}), ...(grant ? { google_project_iam_member: { owner: grant } } : {}) });
const removedBlocks = (blocks: unknown[], rest: TerraformJson['resource'] = {}): TerraformJson => ({ resource: rest, removed: blocks } as TerraformJson);
const releaseProject = { from: 'google_project.p', lifecycle: { destroy: false } };
const releaseOwner = { from: 'google_project_iam_member.owner', lifecycle: { destroy: false } };

export const HAND_1_TABLES: CheckTable[] = [
  {
    check: hand1OwnerGrant,
    violating: [
      { name: 'prepare without the owner grant', tenant: prepare, json: handed(atCustomer, null), address: '(stack)', problem: /the prepare phase has no roles\/owner grant to the customer's owner group owners@acme\.example/ },
      { name: 'prepare, the tenant project missing', tenant: prepare, json: handed(undefined), problem: /the prepare phase needs the tenant project in the stack/ },
      { name: 'transfer, the owner group holding roles/editor only', tenant: transfer, json: handed(atCustomer, { ...owner, role: 'roles/editor' }), problem: /the transfer phase has no roles\/owner grant/ },
      { name: 'prepare, roles/owner to another group', tenant: prepare, json: handed(atCustomer, { ...owner, member: 'group:ops@acme.example' }) },
      { name: 'prepare, roles/owner on another project', tenant: prepare, json: handed(atCustomer, { ...owner, project: 'ssx-platform' }) },
      { name: 'prepare, a project of another id only', tenant: prepare, json: handed({ ...atCustomer, project_id: 'other' }), problem: /needs the tenant project/ },
    ],
    compliant: [
      { name: 'prepare with the owner grant', tenant: prepare, json: handed(atCustomer), evidence: /owners@acme\.example owns acme-handover/ },
      { name: 'transfer with the owner grant', tenant: transfer, json: handed(atCustomer), evidence: /owns acme-handover/ },
    ],
    inapplicable: [
      { name: 'an active tenant', json: handed(undefined), reason: /the tenant is active, not in a handover/ },
      { name: 'the release phase', tenant: released, json: removedBlocks([releaseProject, releaseOwner]), reason: /HAND-1\/release-from-state/ },
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
      { name: 'a removed block that destroys', tenant: released, json: removedBlocks([{ from: 'google_project.p', lifecycle: { destroy: true } }, releaseOwner]), problem: /removed block for google_project\.p does not set lifecycle\.destroy = false/ },
      { name: 'a removed block without lifecycle', tenant: released, json: removedBlocks([{ from: 'google_project.p' }, releaseOwner]), problem: /does not set lifecycle\.destroy = false/ },
      { name: 'the owner grant not released', tenant: released, json: removedBlocks([releaseProject]), problem: /no removed block releases a google_project_iam_member:/ },
      { name: 'the project not released', tenant: released, json: removedBlocks([releaseOwner]), problem: /no removed block releases a google_project:/ },
      { name: 'the project still managed', tenant: released, json: removedBlocks([releaseProject, releaseOwner], { google_project: { p: atCustomer } }), address: 'google_project.p', problem: /still managed by this stack/ },
    ],
    compliant: [{ name: 'project and owner grant released without destroying', tenant: released, json: removedBlocks([releaseProject, releaseOwner]), evidence: /released from state without destroying: google_project\.p, google_project_iam_member\.owner/ }],
    inapplicable: [
      { name: 'the transfer phase', tenant: transfer, json: handed(atCustomer), reason: /the transfer phase keeps the project in state/ },
      { name: 'an active tenant', json: stackJson({}), reason: /not in a handover/ },
    ],
  },
];
