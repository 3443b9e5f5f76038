/**
 * The customer's takeover of a project Smart Segments provisioned for it (HAND-1, DPA 10.2, A.7),
 * in three phases that never delete data and never leave the project without an owner:
 *
 * - prepare:  the customer's owner group is granted roles/owner on the project (the one basic-role
 *             grant IAM-1 allows: the customer's own principal during handover);
 * - transfer: the project moves to the customer's organization and billing account
 *             (TenantProject takes the customer's `orgId` and billing instead of our folder);
 * - release:  Smart Segments' workloads, grants and sinks leave the configuration (the apply
 *             destroys them), while the project, the customer's owner grant and the data stores
 *             leave Terraform state without being destroyed (`removed` blocks, destroy = false).
 */
import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import type { HandoverPhase } from '../config/lifecycle';
import { group } from './principal';
import type { TenantProject } from './tenant-project';

/** The phase comes from the tenant's lifecycle (config/lifecycle.ts handoverPhase). */
export type HandoffPhase = HandoverPhase;

export interface ProjectHandoffProps {
  readonly project: TenantProject;
  readonly phase: HandoffPhase;
  /** The customer's group that takes ownership (`group:` only, IAM-5). */
  readonly customerOwnerGroup: string;
}

export class ProjectHandoff extends Construct {
  readonly phase: HandoffPhase;
  /** The customer's ownership grant; kept through every phase and released, not destroyed, at the end. */
  readonly customerOwnerGrant: ProjectIamMember;

  constructor(scope: Construct, id: string, props: ProjectHandoffProps) {
    super(scope, id);
    if (!props.project.isOwnedBySmartSegments) {
      throw new Error(
        `ProjectHandoff ${props.project.projectId}: only a project Smart Segments provisioned can be handed over; a customer's own project is already theirs`,
      );
    }
    this.phase = props.phase;
    // IAM-1 exception: roles/owner for the customer's own principal, only during handover.
    this.customerOwnerGrant = new ProjectIamMember(this, 'customer-owner', {
      project: props.project.projectId,
      role: 'roles/owner',
      member: group(props.customerOwnerGroup).member,
      // The project must exist before its allow policy can change (DEP-ORDER).
      dependsOn: props.project.project ? [props.project.project] : [],
    });
  }
}
