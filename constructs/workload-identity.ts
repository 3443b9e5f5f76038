/**
 * WorkloadIdentity: the service account one workload runs as (IAM-2, ISO-2). Each workload of a
 * tenant has its own account in the tenant's project, with an id fixed in config/naming.ts, and
 * holds only the grants the stack gives it through resource grant methods. Project-level roles
 * are allowed only for roles that have no resource-level form, with the reason on the binding.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { serviceAccountEmail } from '../config/naming';
import { PROJECT_LEVEL_ONLY_ROLES } from '../policy/iam-roles';
import { assertGrantable, grantDependencies, grantKey, roleKey, type IWorkloadGrantee } from './grant-policy';
import type { IGrantee } from './principal';
import type { TenantProject } from './tenant-project';

/** Service account ids: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter. */
const ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export interface WorkloadIdentityProps {
  readonly project: TenantProject;
  /** Account id from config/naming.ts (6-30 characters). */
  readonly accountId: string;
  /** Human-readable name shown in the console. */
  readonly displayName: string;
  /** What the workload does with data, for auditors. Default: none. */
  readonly description?: string;
  /**
   * The workload reads or writes conversion events, so no role carrying pubsub.snapshots.create
   * may ever be granted to it (RET-1). Default false.
   */
  readonly handlesConversionEvents?: boolean;
}

export interface ProjectRoleOptions {
  /** An IAM condition narrowing the binding, required for roles whose only narrowing is a condition. */
  readonly condition?: { readonly title: string; readonly expression: string; readonly description?: string };
}

/** Account ids already used per project: two workloads never share an account (IAM-2). */
const usedAccountIds = new WeakMap<TenantProject, Set<string>>();

export class WorkloadIdentity extends Construct implements IWorkloadGrantee {
  readonly account: ServiceAccount;
  readonly accountId: string;
  /** Known before apply, so the synthesized bindings name the account plainly. */
  readonly email: string;
  readonly member: string;
  readonly handlesConversionEvents: boolean;
  readonly grantDependencies: readonly ITerraformDependable[];
  readonly grantKey: string;
  private readonly project: TenantProject;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    if (!ACCOUNT_ID.test(props.accountId)) {
      throw new Error(
        `WorkloadIdentity ${this.node.path}: accountId "${props.accountId}" is not a valid service account id (6-30 lowercase letters, digits and hyphens, starting with a letter); add a short name in config/naming.ts`,
      );
    }
    const used = usedAccountIds.get(props.project) ?? new Set<string>();
    if (used.has(props.accountId)) {
      throw new Error(
        `WorkloadIdentity ${this.node.path}: accountId "${props.accountId}" is already used in project ${props.project.projectId}; every workload needs its own service account (IAM-2)`,
      );
    }
    used.add(props.accountId);
    usedAccountIds.set(props.project, used);

    this.project = props.project;
    this.accountId = props.accountId;
    this.handlesConversionEvents = props.handlesConversionEvents ?? false;
    this.email = serviceAccountEmail(props.project.projectId, props.accountId);
    this.member = `serviceAccount:${this.email}`;
    this.grantKey = props.accountId;
    const iam = props.project.enableApi('iam.googleapis.com');
    this.account = new ServiceAccount(this, 'account', {
      project: props.project.projectId,
      accountId: props.accountId,
      displayName: props.displayName,
      description: props.description,
      dependsOn: iam ? [iam] : [],
    });
    this.grantDependencies = [this.account];
  }

  /**
   * Binds a role on the project. Only for roles in PROJECT_LEVEL_ONLY_ROLES, which have no
   * resource-level form (IAM-2); everything else is granted on the resource by its grant method.
   */
  grantProjectRole(role: string, options: ProjectRoleOptions = {}): ProjectIamMember {
    const where = `google_project_iam_member on ${this.project.projectId}`;
    const allowed = PROJECT_LEVEL_ONLY_ROLES[role];
    if (!allowed) {
      throw new Error(
        `${where}: ${role} has a resource-level form, so it may not be granted on the project (IAM-2); use the grant method of the resource (topic, subscription, secret, dataset, service, job). Project-level roles: ${Object.keys(
          PROJECT_LEVEL_ONLY_ROLES,
        ).join(', ')}`,
      );
    }
    if (allowed.conditionRequired && !options.condition) {
      throw new Error(`${where}: ${role} needs an IAM condition that limits it to one resource (${allowed.reason})`);
    }
    assertGrantable({ role, grantee: this, resource: where });
    // IAM-2: a project-level binding, only because this role has no resource-level form; the reason
    // travels with the binding into the synthesized JSON for rules and auditors.
    const binding = new ProjectIamMember(this, `project-${roleKey(role)}`, {
      project: this.project.projectId,
      role,
      member: this.member,
      condition: options.condition
        ? { title: options.condition.title, expression: options.condition.expression, description: options.condition.description ?? allowed.reason }
        : undefined,
      dependsOn: [...this.grantDependencies],
    });
    binding.addOverride('//.reason', `project-level: ${allowed.reason} (IAM-2)`);
    return binding;
  }

  /**
   * Lets `grantee` mint tokens for this account (roles/iam.serviceAccountTokenCreator on this account
   * only). Used for the Pub/Sub service agent, which signs push tokens as the push identity.
   */
  grantTokenCreation(grantee: IGrantee): ServiceAccountIamMember {
    const role = 'roles/iam.serviceAccountTokenCreator';
    assertGrantable({ role, grantee, resource: `google_service_account ${this.accountId}` });
    return new ServiceAccountIamMember(this, `token-creator-${grantKey(grantee)}`, {
      serviceAccountId: this.account.name,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
  }
}
