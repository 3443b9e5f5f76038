/**
 * The customer's takeover of a project Smart Segments provisioned for it (HAND-1, DPA 10.2, A.7),
 * following Google's guide to migrating projects between organizations
 * (cloud.google.com/resource-manager/docs/project-migration, .../assign-iam-roles,
 * .../configure-org-policy). No phase deletes data or leaves the project without an administrator:
 *
 * - prepare:  the customer's administrators' group gets non-basic administration roles on the project
 *             (CUSTOMER_ADMIN_ROLES); the tenant folder allows exports to the customer's organization
 *             (`constraints/resourcemanager.allowedExportDestinations`, set on the project's parent);
 *             the deployer that moves the project gets roles/resourcemanager.projectMover on that
 *             folder, time-bound by an IAM condition; and the handover grants (policy/handover.ts):
 *             two custom roles in the project, its read role to ci-plan and its apply role to the
 *             tenant deployer and to the platform administrators (an organization administrator
 *             applies the release), with the move grant's expiry, so that both still reach the project
 *             once it has left the tenant folder (the deployer gave back the creator's owner role
 *             when it created the project, TenantProject);
 * - transfer: the same, while TenantProject moves the project to the customer's organization and
 *             billing account (the apply performs the move with the grant above);
 * - release:  nothing of this construct is declared, so the apply destroys the export policy and the
 *             move grant; the customer's grants and the handover grants leave state with the project
 *             (state-release.ts), so the release's destroys still run with the handover grants;
 *             in the release's last step (`ownAccessRemoved`) it removes the handover grants with
 *             one google_project_iam_member_remove per grant, the deployer's own last.
 */
import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectIamMemberRemove } from '@cdktf/provider-google/lib/project-iam-member-remove';
import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import type { HandoverPhase } from '../config/lifecycle';
import {
  CUSTOMER_ADMIN_ROLES,
  EXPORT_CONSTRAINT,
  HANDOVER_APPLY_ROLE_ID,
  HANDOVER_NEVER,
  HANDOVER_READ_ROLE_ID,
  MOVER_ROLE,
  expiryExpression,
  handoverApplyExpression,
  handoverRoleName,
  underOrganization,
} from '../policy/handover';
import { CUSTOMER_DATA_DENIALS } from './ci-deny-policies';
import { assertGrantable, roleKey } from './grant-policy';
import { group, type IGrantee } from './principal';
import type { HandoverAdmission } from './handover-admission';
import type { TenantProject } from './tenant-project';

/** The phase comes from the tenant's lifecycle (config/lifecycle.ts handoverPhase). */
export type HandoffPhase = HandoverPhase;

export { CUSTOMER_ADMIN_ROLES, MOVER_ROLE, EXPORT_CONSTRAINT };

/** The IAM condition that ends the move grant at the start of `expires` (UTC). */
export function moverCondition(expires: string): { title: string; description: string; expression: string } {
  return {
    title: `handover-move-until-${expires}`,
    description: `Moves the project to the customer's organization during the handover only (HAND-1); expires ${expires}.`,
    expression: expiryExpression(expires),
  };
}

/** The handover condition of a grant that ends at the start of `expires` (UTC), with the expression given. */
function handoverCondition(kind: 'read' | 'apply', expires: string, expression: string) {
  return {
    title: `handover-${kind}-until-${expires}`,
    description: `Reaches the project after the move out of the tenant folder, during the handover only (HAND-1); expires ${expires}.`,
    expression,
  };
}

/**
 * What a handover role may never hold: a Customer Data read the deny policies take from CI on the
 * tenant folders (they stop applying once the project leaves the folder), Data Access log reads
 * (fenced by no CI role carrying them, docs/security.md), and custom-role changes.
 */
const HANDOVER_FORBIDDEN: ReadonlyMap<string, string> = new Map<string, string>([
  ...CUSTOMER_DATA_DENIALS.map((d) => [d.iam, `a Customer Data read the deny policies take from CI (${d.why})`] as const),
  ['logging.privateLogEntries.list', 'Data Access audit log reads, which no CI role carries'],
  ...HANDOVER_NEVER.map((p) => [p, 'a custom-role change or a move, which would let the holder give itself more'] as const),
]);

/** The permissions of the two handover roles (computed by the stack from the permission table). */
export interface HandoverRolePermissions {
  readonly read: readonly string[];
  readonly apply: readonly string[];
}

export interface ProjectHandoffProps {
  readonly projectId: string;
  /** The project Smart Segments created; required until the release, which no longer declares it. */
  readonly project?: TenantProject;
  readonly phase: HandoffPhase;
  /** The customer's administrators' group (`group:` only, IAM-5); schema field `customerOwnerGroup`. */
  readonly customerAdminGroup: string;
  /** The customer's numeric organization id. */
  readonly customerOrganizationId: string;
  /** `folders/<id>`: the tenant folder the project is moved out of. */
  readonly sourceFolder: string;
  /** The deployer that creates, moves and releases the project (the tenant deployer of its jurisdiction, constructs/ci-deployer-identity.ts). */
  readonly deployer: IGrantee;
  /** The identity that plans the stack (ci-plan), which gets the handover read role. */
  readonly planner: IGrantee;
  /**
   * The platform administrators' group (`groups.platformAdmins`), which gets the handover apply role
   * too: an organization administrator applies the release (it removes the folder's move grant,
   * which no deployer may change), and after the move no role of ours on the organization reaches the project.
   */
  readonly administrators: IGrantee;
  /** prepare and transfer: when the move grant expires (YYYY-MM-DD, lifecycle.handover.moverGrantExpires). */
  readonly moverGrantExpires?: string;
  /** release: remove the handover grants now (the release's last step). */
  readonly removeOwnAccess?: boolean;
  /** prepare and transfer: the customer's organization is admitted on the project before its group is granted (IAM-7). */
  readonly admission?: HandoverAdmission;
}

export class ProjectHandoff extends Construct {
  readonly phase: HandoffPhase;
  /** The customer's administration grants, by role (prepare and transfer). */
  readonly customerAdminGrants: readonly ProjectIamMember[];
  /** The source folder's export policy naming the customer's organization (prepare and transfer). */
  readonly exportPolicy?: OrgPolicyPolicy;
  /** The deployer's time-bound move grant on the source folder (prepare and transfer). */
  readonly moverGrant?: FolderIamMember;
  /** The handover roles in the project, read and apply (prepare and transfer, with a recorded expiry). */
  readonly handoverRoles?: { readonly read: ProjectIamCustomRole; readonly apply: ProjectIamCustomRole };
  /** The handover grants: the read role to ci-plan, the apply role to the deployer and to the platform administrators. */
  readonly handoverGrants?: { readonly read: ProjectIamMember; readonly apply: ProjectIamMember; readonly administrators: ProjectIamMember };
  /** The last step's removals of the handover grants: ci-plan's and the administrators' first, then the deployer's own. */
  readonly handoverRemovals: readonly ProjectIamMemberRemove[];
  private readonly moverGrantExpires?: string;
  private readonly projectId: string;
  private limited = false;

  constructor(scope: Construct, id: string, props: ProjectHandoffProps) {
    super(scope, id);
    this.phase = props.phase;
    const projectId = props.projectId;
    this.moverGrantExpires = props.moverGrantExpires;
    this.projectId = props.projectId;
    if (props.phase === 'release') {
      this.customerAdminGrants = [];
      if (!props.removeOwnAccess) {
        this.handoverRemovals = [];
        return;
      }
      // Last of all: after this neither CI identity can read the project, so nothing else may follow
      // in this stack (google/services/resourcemanager/resource_google_project_iam_member_remove.go
      // v6.50.0: Create removes the member from every binding of the role; Delete only forgets).
      // The deployer's own grant carries the setIamPolicy the other removals need, so it goes last.
      const planRemoval = new ProjectIamMemberRemove(this, 'handover-read-removal', {
        project: projectId,
        role: handoverRoleName(projectId, HANDOVER_READ_ROLE_ID),
        member: props.planner.member,
      });
      const administratorsRemoval = new ProjectIamMemberRemove(this, 'handover-administrators-removal', {
        project: projectId,
        role: handoverRoleName(projectId, HANDOVER_APPLY_ROLE_ID),
        member: props.administrators.member,
        // Removals set the policy without the provider's lock or a retry, so none runs beside another (DEP-POLICY-ORDER).
        dependsOn: [planRemoval],
      });
      const ownRemoval = new ProjectIamMemberRemove(this, 'handover-apply-removal', {
        project: projectId,
        role: handoverRoleName(projectId, HANDOVER_APPLY_ROLE_ID),
        member: props.deployer.member,
        dependsOn: [planRemoval, administratorsRemoval],
      });
      this.handoverRemovals = [planRemoval, administratorsRemoval, ownRemoval];
      return;
    }
    this.handoverRemovals = [];
    const project = props.project?.project;
    if (!project) {
      throw new Error(
        `ProjectHandoff ${projectId}: only a project Smart Segments provisioned can be handed over, and the ${props.phase} phase needs it in the stack; a customer's own project is already theirs`,
      );
    }
    const admins = group(props.customerAdminGroup);
    this.customerAdminGrants = CUSTOMER_ADMIN_ROLES.map((role) => {
      assertGrantable({ role, grantee: admins, resource: `projects/${projectId}` });
      const grant = new ProjectIamMember(this, `customer-${roleKey(role)}`, {
        project: projectId,
        role,
        member: admins.member,
        // The project must exist before its allow policy can change (DEP-ORDER).
        dependsOn: [project],
      });
      props.admission?.admit(grant);
      return grant;
    });
    // On the project's parent, as the guide asks; only a move also holding the grant below can use it.
    this.exportPolicy = new OrgPolicyPolicy(this, 'export-destinations', {
      name: `${props.sourceFolder}/policies/${EXPORT_CONSTRAINT}`,
      parent: props.sourceFolder,
      spec: { rules: [{ values: { allowedValues: [underOrganization(props.customerOrganizationId)] } }] },
    });
    // Without a recorded expiry there is no move grant, and HAND-1/move-prerequisites refuses the
    // stack: the transfer's move would fail (record it with `npm run handover -- --phase prepare`).
    if (props.moverGrantExpires) {
      assertGrantable({ role: MOVER_ROLE, grantee: props.deployer, resource: props.sourceFolder });
      this.moverGrant = new FolderIamMember(this, 'deployer-project-mover', {
        folder: props.sourceFolder,
        role: MOVER_ROLE,
        member: props.deployer.member,
        condition: moverCondition(props.moverGrantExpires),
      });
      // The handover grants, with the same expiry. Their permissions are set by limitHandoverRoles once
      // the stack knows every resource it holds; the roles live in the project, so they move with it.
      // Custom roles are IAM API calls in the project (resource_google_project_iam_custom_role.go v6.50.0, NewIamClient).
      const iamApi = props.project!.enableApi('iam.googleapis.com');
      const role = (id: string, kind: 'read' | 'apply') =>
        new ProjectIamCustomRole(this, `handover-${kind}-role`, {
          project: projectId,
          roleId: id,
          title: `Smart Segments handover ${kind}`,
          description: `What ${kind === 'read' ? 'ci-plan needs to plan' : "the tenant deployer needs to apply"} the handover's transfer and release after the move (HAND-1); granted until ${props.moverGrantExpires}.`,
          permissions: [],
          dependsOn: iamApi ? [project, iamApi] : [project],
        });
      this.handoverRoles = { read: role(HANDOVER_READ_ROLE_ID, 'read'), apply: role(HANDOVER_APPLY_ROLE_ID, 'apply') };
      const grant = (kind: 'read' | 'apply', grantee: IGrantee, to: 'planner' | 'deployer' | 'administrators') =>
        new ProjectIamMember(this, `handover-${kind}-${to}`, {
          project: projectId,
          role: this.handoverRoles![kind].name,
          member: grantee.member,
          condition: handoverCondition(kind, props.moverGrantExpires!, expiryExpression(props.moverGrantExpires!)),
          dependsOn: [project],
        });
      this.handoverGrants = {
        read: grant('read', props.planner, 'planner'),
        apply: grant('apply', props.deployer, 'deployer'),
        administrators: grant('apply', props.administrators, 'administrators'),
      };
      this.node.addValidation({
        validate: () => (this.limited ? [] : [`ProjectHandoff ${projectId}: the handover roles have no permissions; call limitHandoverRoles with the stack's (TenantStack)`]),
      });
    }
  }

  /**
   * Sets the handover roles' permissions and limits the apply grants' IAM policy changes to the two
   * handover roles' bindings (the release forgets every other grant, state-release.ts releasedGrants,
   * so only the last step's removals change an IAM policy). Throws if a role would carry what a
   * handover role never may.
   */
  limitHandoverRoles(permissions: HandoverRolePermissions): void {
    if (!this.handoverRoles || !this.handoverGrants || !this.moverGrantExpires) return;
    for (const [kind, list] of Object.entries(permissions) as Array<['read' | 'apply', readonly string[]]>) {
      const forbidden = list.filter((p) => HANDOVER_FORBIDDEN.has(p));
      if (forbidden.length > 0) {
        throw new Error(
          `ProjectHandoff ${this.projectId}: the handover ${kind} role would carry ${forbidden.map((p) => `${p} (${HANDOVER_FORBIDDEN.get(p)!})`).join(', ')}; once the project has left the tenant folder no deny policy takes it away. Change the resource's row in the permission table or keep the resource out of a handover.`,
        );
      }
      if (list.length === 0) throw new Error(`ProjectHandoff ${this.projectId}: the handover ${kind} role would have no permissions`);
    }
    this.handoverRoles.read.permissions = [...permissions.read];
    this.handoverRoles.apply.permissions = [...permissions.apply];
    const projectId = this.projectId;
    const roles = [handoverRoleName(projectId, HANDOVER_READ_ROLE_ID), handoverRoleName(projectId, HANDOVER_APPLY_ROLE_ID)].sort();
    for (const g of [this.handoverGrants.apply, this.handoverGrants.administrators])
      g.putCondition(handoverCondition('apply', this.moverGrantExpires, handoverApplyExpression(this.moverGrantExpires, roles)));
    this.limited = true;
  }
}
