/**
 * SupportAccess: the support group's time-bound grants on one tenant's project (IAM-5, DPA Annex II
 * 2). Each grant of the tenant file becomes one binding per role of its scope (config/support-access.ts),
 * each with an IAM condition that stops matching at the grant's expiry, so access ends even if
 * nobody removes the grant; `npm run support-access` then takes expired grants out of the config.
 */
import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SUPPORT_SCOPES, supportCondition, type SupportGrant, type SupportTarget } from '../config/support-access';
import { assertGrantable, roleKey } from './grant-policy';
import { group } from './principal';
import type { TenantProject } from './tenant-project';

export interface SupportAccessProps {
  readonly project: TenantProject;
  /** The platform's support group (platform.yaml groups.support). */
  readonly supportGroup: string;
  readonly grants: readonly SupportGrant[];
  /** The tenant's region and jurisdiction, which name the resources a scope is limited to. */
  readonly target: Omit<SupportTarget, 'projectId'>;
}

export class SupportAccess extends Construct {
  readonly bindings: ProjectIamMember[] = [];

  constructor(scope: Construct, id: string, props: SupportAccessProps) {
    super(scope, id);
    const grantee = group(props.supportGroup);
    const target: SupportTarget = { ...props.target, projectId: props.project.projectId };
    for (const grant of props.grants) {
      for (const role of SUPPORT_SCOPES[grant.scope].grants) {
        assertGrantable({ role: role.role, grantee, resource: `project ${props.project.projectId}` });
        this.bindings.push(
          new ProjectIamMember(this, `${grant.scope}-${roleKey(role.role)}`, {
            project: props.project.projectId,
            role: role.role,
            member: grantee.member,
            condition: supportCondition(grant, role, target),
            // The project must exist before its allow policy can change (DEP-ORDER).
            dependsOn: props.project.project ? [props.project.project] : [],
          }),
        );
      }
    }
  }
}
