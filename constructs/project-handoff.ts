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
 *             folder, time-bound by an IAM condition;
 * - transfer: the same, while TenantProject moves the project to the customer's organization and
 *             billing account (the apply performs the move with the grant above);
 * - release:  nothing of this construct is declared, so the apply destroys the export policy and the
 *             move grant; the customer's grants leave state with the project (state-release.ts);
 *             in the release's last step (`ownAccessRemoved`) it removes the deployer's implicit
 *             roles/owner, which Google gave the project's creator, with google_project_iam_member_remove.
 */
import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectIamMemberRemove } from '@cdktf/provider-google/lib/project-iam-member-remove';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import type { HandoverPhase } from '../config/lifecycle';
import { CUSTOMER_ADMIN_ROLES, EXPORT_CONSTRAINT, MOVER_ROLE, expiryExpression, underOrganization } from '../policy/handover';
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
  /** prepare and transfer: when the move grant expires (YYYY-MM-DD, lifecycle.handover.moverGrantExpires). */
  readonly moverGrantExpires?: string;
  /** release: remove the deployer's implicit owner role now (the release's last step). */
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
  /** The removal of the deployer's implicit roles/owner (the release's last step). */
  readonly ownAccessRemoval?: ProjectIamMemberRemove;

  constructor(scope: Construct, id: string, props: ProjectHandoffProps) {
    super(scope, id);
    this.phase = props.phase;
    const projectId = props.projectId;
    if (props.phase === 'release') {
      this.customerAdminGrants = [];
      if (props.removeOwnAccess) {
        // Last of all: after this the deployer cannot read the project, so nothing else may follow
        // in this stack (google/services/resourcemanager/resource_google_project_iam_member_remove.go
        // v6.50.0: Create removes the member from the binding; Delete only forgets).
        this.ownAccessRemoval = new ProjectIamMemberRemove(this, 'deployer-owner-removal', {
          project: projectId,
          role: 'roles/owner',
          member: props.deployer.member,
        });
      }
      return;
    }
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
    }
  }
}
