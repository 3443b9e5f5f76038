/**
 * HandoverAdmission: during a handover (HAND-1, DPA 10.2) the customer's owner group is granted the
 * project before the project moves, so domain-restricted sharing (IAM-7) must admit the customer's
 * organization for that window, on this one project and nowhere else.
 *
 * The folder's `iam.managed.allowedPolicyMembers` admits only Smart Segments' organization
 * (OrganizationPolicies). A policy on the project replaces the folder's for the project (a managed
 * constraint with parameters is not a list constraint: `inherit_from_parent` "can be set only for
 * policies which configure list constraints", google/services/orgpolicy/resource_org_policy_policy.go
 * v6.50.0), so it names both organizations. The legacy `iam.allowedPolicyMemberDomains` stays lifted
 * by the folder's allow-all, which the project inherits. Declared in handover-prepare and
 * handover-transfer; at release it is no longer declared, so the apply removes it.
 */
import { Construct } from 'constructs';
import { dependable, type TerraformResource } from 'cdktf';
import { OrgPolicyPolicy } from '@cdktf/provider-google/lib/org-policy-policy';
import { allowedMembersParameters } from './organization-policies';
import type { TenantProject } from './tenant-project';

export const MANAGED_MEMBERS_CONSTRAINT = 'iam.managed.allowedPolicyMembers';

export interface HandoverAdmissionProps {
  readonly project: TenantProject;
  /** Smart Segments' organization id (platform.yaml `organization.id`). */
  readonly ownOrganizationId: string;
  /** The customer's organization id (`lifecycle.handover.customerOrganizationId`). */
  readonly customerOrganizationId: string;
}

export class HandoverAdmission extends Construct {
  readonly policy: OrgPolicyPolicy;

  constructor(scope: Construct, id: string, props: HandoverAdmissionProps) {
    super(scope, id);
    if (!props.project.project) {
      throw new Error(`HandoverAdmission ${props.project.projectId}: only a project Smart Segments created is handed over (HAND-1)`);
    }
    const parent = `projects/${props.project.projectId}`;
    this.policy = new OrgPolicyPolicy(this, 'allowed-policy-members', {
      name: `${parent}/policies/${MANAGED_MEMBERS_CONSTRAINT}`,
      parent,
      spec: {
        rules: [
          {
            enforce: 'TRUE',
            parameters: allowedMembersParameters(`HandoverAdmission ${props.project.projectId}`, [props.ownOrganizationId, props.customerOrganizationId]),
          },
        ],
      },
      dependsOn: [props.project.project],
    });
  }

  /** Makes a grant to the customer's identities wait until the project admits the customer's organization. */
  admit(grant: TerraformResource): void {
    grant.dependsOn = [...(grant.dependsOn ?? []), dependable(this.policy)];
  }
}
