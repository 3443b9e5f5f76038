/**
 * CiDeployerIdentity: how CI deploys without a single service account key (IAM-3, CI-1, DPA Annex
 * II 3). Two Workload Identity Federation pools trust GitHub Actions' OIDC tokens: `ci-plan` admits
 * any workflow run of this repository, `ci-apply` only runs on the main branch. Each pool may
 * impersonate one service account: ci-plan reads (plans on change requests), ci-apply changes
 * (applies on main). Separate pools, not one pool with two providers, because a pool's principal
 * sets span all its providers: with one pool, a token from any branch would match the apply binding.
 *
 * The roles are the narrowest predefined roles that let Terraform manage what the stacks declare,
 * granted on the folders the platform manages rather than the organization wherever the role allows.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { OrganizationIamMember } from '@cdktf/provider-google/lib/organization-iam-member';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { BillingAccountIamMember } from '@cdktf/provider-google/lib/billing-account-iam-member';
import { OrganizationIamCustomRole } from '@cdktf/provider-google/lib/organization-iam-custom-role';
import { serviceAccountEmail } from '../config/naming';
import { assertGrantable, roleKey, type IWorkloadGrantee } from './grant-policy';
import { GITHUB_ACTIONS_ISSUER } from './organization-policies';
import { serviceAccount, type IGrantee } from './principal';
import type { TerraformStateBucket } from './terraform-state-bucket';

/** Where a deployer role is bound. */
export interface DeployerRoles {
  /** On the organization: roles that can only be granted there. */
  readonly organization: readonly string[];
  /** On the billing account: linking new projects to it. */
  readonly billingAccount: readonly string[];
  /** On every managed folder (platform and tenant folders), inherited by their projects. */
  readonly everyFolder: readonly string[];
  /** On the platform folder only (shared project: registry, CI identity). */
  readonly platformFolder: readonly string[];
  /** On the tenant folders only (the tenant data plane). */
  readonly tenantFolders: readonly string[];
  /** On the shared project: using it as the quota project of API calls. */
  readonly sharedProject: readonly string[];
  /**
   * A custom role for the permissions no suitable predefined role carries, declared on the
   * organization (a folder grant of a custom role needs an organization-level role) and granted on
   * every managed folder.
   */
  readonly customRole?: DeployerCustomRole;
}

/**
 * An organization-level custom role of one deployer. Only permissions a custom role may carry work
 * here (cloud.google.com/iam/docs/custom-roles-permissions-support); the canary's first apply, which
 * creates the roles, confirms it for these.
 */
export interface DeployerCustomRole {
  /** Suffix of the role id; the id is `<shared project id with _>.<suffix>`, so environments sharing an organization do not collide. */
  readonly idSuffix: string;
  readonly title: string;
  readonly description: string;
  /** Each permission with why the deployer needs it (the permission table row that asks for it). */
  readonly permissions: Readonly<Record<string, string>>;
}

/**
 * What `terraform plan` must refresh and no read-only predefined role carries
 * (compliance/deployability/data/permissions.json; DEP-PERM). Nothing here reads log entries,
 * Firestore entities, table data or secret values.
 */
export const PLAN_CUSTOM_ROLE: DeployerCustomRole = {
  idSuffix: 'ciPlanRefresh',
  title: 'CI plan: refresh reads',
  description: 'Reads terraform plan refreshes that no read-only predefined role carries. Reads no data.',
  permissions: {
    // google_logging_folder_settings Read: folders.getSettings (logging/docs/reference/v2/rest/v2/folders/getSettings).
    'logging.settings.get': 'google_logging_folder_settings',
    // data.google_bigquery_default_service_account: projects.getServiceAccount "Requires the bigquery.jobs.create
    // permission" (bigquery/docs/reference/rest/v2/projects/getServiceAccount). A job reads no table without
    // bigquery.tables.getData, which ci-plan holds nowhere, so this opens no data access.
    'bigquery.jobs.create': 'data.google_bigquery_default_service_account',
    // google_firestore_field Read: GET .../fields/{field}, the field's index configuration, not documents.
    'datastore.schemas.get': 'google_firestore_field',
  },
};

/**
 * What `terraform apply` needs beyond the admin roles (DEP-PERM): a project created with
 * auto_create_network=false has its default network and firewall rules deleted by the provider
 * (google/services/resourcemanager/resource_google_project.go, forceDeleteComputeNetwork), labels and
 * names are changed with Projects.Update, and the BigQuery encryption account is read on every apply.
 */
export const APPLY_CUSTOM_ROLE: DeployerCustomRole = {
  idSuffix: 'ciApplyExtras',
  title: 'CI apply: project changes',
  description: 'Project updates, default network removal and the BigQuery encryption account read.',
  permissions: {
    'resourcemanager.projects.update': 'google_project update',
    'compute.networks.get': 'google_project create (default network)',
    'compute.networks.delete': 'google_project create (default network)',
    'compute.firewalls.list': 'google_project create (default network firewall rules)',
    'compute.firewalls.delete': 'google_project create (default network firewall rules)',
    'compute.globalOperations.get': 'google_project create (waits for the network deletion)',
    'bigquery.jobs.create': 'data.google_bigquery_default_service_account',
  },
};

/**
 * Plan: read what Terraform refreshes, change nothing. No role here reads secret values, table data,
 * object data or Firestore documents; Security Reviewer (the only predefined role that reads folder
 * and bucket IAM policies) does list log entries and Firestore entities. No read-only predefined role
 * carries logging.settings.get (folder logging settings) or bigquery.jobs.create (the BigQuery encryption
 * account): PLAN_CUSTOM_ROLE adds them, so every plan refreshes.
 */
export const PLAN_ROLES: DeployerRoles = {
  organization: ['roles/orgpolicy.policyViewer', 'roles/iam.organizationRoleViewer'],
  // Reads the billing account's IAM policy (the apply account's billing.user grant).
  billingAccount: ['roles/billing.viewer'],
  everyFolder: [
    'roles/browser',
    'roles/essentialcontacts.viewer',
    'roles/iam.securityReviewer',
    'roles/iam.serviceAccountViewer',
    'roles/logging.viewer',
    'roles/monitoring.viewer',
    'roles/serviceusage.serviceUsageViewer',
    'roles/storage.bucketViewer',
  ],
  platformFolder: ['roles/artifactregistry.reader', 'roles/iam.workloadIdentityPoolViewer'],
  tenantFolders: [
    'roles/bigquery.metadataViewer',
    'roles/cloudkms.viewer',
    'roles/cloudscheduler.viewer',
    'roles/compute.viewer',
    // Firestore database metadata without document access.
    'roles/datastore.keyVisualizerViewer',
    'roles/pubsub.viewer',
    'roles/run.viewer',
    'roles/secretmanager.viewer',
  ],
  sharedProject: ['roles/serviceusage.serviceUsageConsumer'],
  customRole: PLAN_CUSTOM_ROLE,
};

/**
 * Apply: create, change and delete what the stacks declare. Admin roles per service, because the
 * stacks set IAM on their own resources (grant methods), which only the admin roles allow. On the
 * organization only organization policies and reading its IAM policy: the apply identity cannot
 * create folders or change organization-level grants, so a new jurisdiction folder (with the CI
 * roles on it) and any change to CI's own organization or billing grants are applied by an administrator.
 */
export const APPLY_ROLES: DeployerRoles = {
  // Organization Role Viewer reads the organization's IAM policy, to refresh the CI identities' own grants there.
  organization: ['roles/iam.organizationRoleViewer', 'roles/orgpolicy.policyAdmin'],
  billingAccount: ['roles/billing.user'],
  everyFolder: [
    'roles/billing.projectManager',
    'roles/essentialcontacts.admin',
    'roles/iam.serviceAccountAdmin',
    'roles/iam.serviceAccountUser',
    'roles/logging.configWriter',
    'roles/monitoring.alertPolicyEditor',
    'roles/monitoring.notificationChannelEditor',
    'roles/resourcemanager.folderEditor',
    'roles/resourcemanager.folderIamAdmin',
    'roles/resourcemanager.projectCreator',
    // Offboarding deletes the tenant project once its data stores are gone (DPA 10.1).
    'roles/resourcemanager.projectDeleter',
    'roles/resourcemanager.projectIamAdmin',
    'roles/serviceusage.serviceUsageAdmin',
    'roles/storage.admin',
  ],
  platformFolder: ['roles/artifactregistry.admin', 'roles/iam.workloadIdentityPoolAdmin'],
  tenantFolders: [
    'roles/bigquery.dataOwner',
    'roles/cloudkms.admin',
    'roles/cloudscheduler.admin',
    'roles/compute.loadBalancerAdmin',
    'roles/compute.securityAdmin',
    'roles/datastore.owner',
    'roles/pubsub.admin',
    'roles/run.admin',
    // Secrets without reading their values (SEC-3); per-secret IAM comes from Security Admin.
    'roles/iam.securityAdmin',
    'roles/secretmanager.editor',
  ],
  sharedProject: ['roles/serviceusage.serviceUsageConsumer'],
  customRole: APPLY_CUSTOM_ROLE,
};

/** GitHub repository names: owner/name with letters, digits, `.`, `_` and `-` only (nothing that could end a CEL string). */
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** Branch names that are safe inside a CEL string literal. */
const BRANCH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export interface CiDeployerIdentityProps {
  /** The shared project that holds the pools and the deployer service accounts. */
  readonly projectId: string;
  /** `owner/name` of the only repository whose workflows may deploy (platform.yaml `ci.repository`). */
  readonly repository: string;
  /** The only branch whose workflows may apply. */
  readonly mainBranch: string;
  readonly organizationId: string;
  readonly billingAccount: string;
  /** `folders/<id>` of the platform folder. */
  readonly platformFolder: string;
  /** `folders/<id>` of each tenant folder, keyed by a stable construct-id fragment. */
  readonly tenantFolders: ReadonlyArray<{ readonly key: string; readonly name: string }>;
  /** The state bucket: plan reads state (and takes the lock), apply writes it. */
  readonly stateBucket: TerraformStateBucket;
  /** Resources the pools and accounts wait for (the project's IAM APIs). Default none. */
  readonly dependsOn?: ITerraformDependable[];
  /** Role sets. Default PLAN_ROLES and APPLY_ROLES. */
  readonly planRoles?: DeployerRoles;
  readonly applyRoles?: DeployerRoles;
}

/** One deployer: its pool, provider and service account. */
export interface Deployer {
  readonly pool: IamWorkloadIdentityPool;
  readonly provider: IamWorkloadIdentityPoolProvider;
  readonly account: ServiceAccount;
  readonly email: string;
  readonly grantee: IGrantee;
}

export class CiDeployerIdentity extends Construct {
  readonly plan: Deployer;
  readonly apply: Deployer;
  /**
   * The deployers' organization-level custom roles, by deployer. Creating or changing them needs
   * iam.roles.create on the organization, which CI does not hold: an organization administrator
   * applies them, like CI's other organization-level grants.
   */
  readonly customRoles: Partial<Record<'plan' | 'apply', OrganizationIamCustomRole>> = {};

  constructor(scope: Construct, id: string, props: CiDeployerIdentityProps) {
    super(scope, id);
    if (!REPOSITORY.test(props.repository)) {
      throw new Error(`CiDeployerIdentity: repository "${props.repository}" must be "owner/name" (letters, digits, ".", "_", "-")`);
    }
    if (!BRANCH.test(props.mainBranch)) {
      throw new Error(`CiDeployerIdentity: mainBranch "${props.mainBranch}" is not a plain branch name (letters, digits, ".", "_", "-", "/")`);
    }
    const repositoryCondition = `assertion.repository == '${props.repository}'`;
    this.plan = this.deployer('plan', props, repositoryCondition, 'Plans on change requests: reads, never changes (CI-1)');
    this.apply = this.deployer(
      'apply',
      props,
      `${repositoryCondition} && assertion.ref == 'refs/heads/${props.mainBranch}'`,
      `Applies from the ${props.mainBranch} branch only (CI-1)`,
    );
    this.grantRoles('plan', this.plan, props.planRoles ?? PLAN_ROLES, props);
    this.grantRoles('apply', this.apply, props.applyRoles ?? APPLY_ROLES, props);
    props.stateBucket.grantPlan(this.plan.grantee);
    props.stateBucket.grantApply(this.apply.grantee);
  }

  private deployer(kind: 'plan' | 'apply', props: CiDeployerIdentityProps, condition: string, purpose: string): Deployer {
    const pool = new IamWorkloadIdentityPool(this, `${kind}-pool`, {
      project: props.projectId,
      workloadIdentityPoolId: `ci-${kind}`,
      displayName: `CI ${kind}`,
      description: `GitHub Actions of ${props.repository}. ${purpose}`,
      dependsOn: props.dependsOn,
    });
    const provider = new IamWorkloadIdentityPoolProvider(this, `${kind}-github`, {
      project: props.projectId,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'github',
      displayName: 'GitHub Actions',
      description: `Admits only: ${condition}`,
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.repository': 'assertion.repository',
        'attribute.ref': 'assertion.ref',
      },
      // The gate: a token that fails it is refused before any binding is consulted.
      attributeCondition: condition,
      oidc: { issuerUri: GITHUB_ACTIONS_ISSUER },
    });
    const accountId = `ci-${kind}`;
    const email = serviceAccountEmail(props.projectId, accountId);
    const account = new ServiceAccount(this, `${kind}-account`, {
      project: props.projectId,
      accountId,
      displayName: `CI ${kind}`,
      description: purpose,
      dependsOn: props.dependsOn,
    });
    new ServiceAccountIamMember(this, `${kind}-federation`, {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      // Only identities of this pool (already gated by its provider) from this repository.
      member: `principalSet://iam.googleapis.com/${pool.name}/attribute.repository/${props.repository}`,
    });
    const grantee: IWorkloadGrantee = { ...serviceAccount(email), grantDependencies: [account], grantKey: `ci-${kind}` };
    return { pool, provider, account, email, grantee };
  }

  private grantRoles(kind: 'plan' | 'apply', deployer: Deployer, roles: DeployerRoles, props: CiDeployerIdentityProps): void {
    const member = deployer.grantee.member;
    const dependsOn: ITerraformDependable[] = [deployer.account];
    const custom = roles.customRole ? this.customRole(kind, roles.customRole, props) : undefined;
    const check = (role: string, where: string) => assertGrantable({ role, grantee: deployer.grantee, resource: where });
    for (const role of roles.organization) {
      check(role, `organizations/${props.organizationId}`);
      new OrganizationIamMember(this, `${kind}-org-${roleKey(role)}`, { orgId: props.organizationId, role, member, dependsOn });
    }
    for (const role of roles.billingAccount) {
      check(role, `billingAccounts/${props.billingAccount}`);
      new BillingAccountIamMember(this, `${kind}-billing-${roleKey(role)}`, { billingAccountId: props.billingAccount, role, member, dependsOn });
    }
    const folders = [{ key: 'platform', name: props.platformFolder, extra: roles.platformFolder }, ...props.tenantFolders.map((f) => ({ ...f, extra: roles.tenantFolders }))];
    for (const folder of folders) {
      for (const role of [...roles.everyFolder, ...folder.extra]) {
        check(role, `folder ${folder.key}`);
        new FolderIamMember(this, `${kind}-${folder.key}-${roleKey(role)}`, { folder: folder.name, role, member, dependsOn });
      }
      if (custom) {
        check(custom.name, `folder ${folder.key}`);
        new FolderIamMember(this, `${kind}-${folder.key}-custom`, { folder: folder.name, role: custom.name, member, dependsOn: [...dependsOn, custom.role] });
      }
    }
    for (const role of roles.sharedProject) {
      check(role, `projects/${props.projectId}`);
      new ProjectIamMember(this, `${kind}-project-${roleKey(role)}`, { project: props.projectId, role, member, dependsOn });
    }
  }

  /** Declares a deployer's custom role on the organization; grants name it by its literal name (IAM-2 and DEP-PERM read it). */
  private customRole(kind: 'plan' | 'apply', spec: DeployerCustomRole, props: CiDeployerIdentityProps): { name: string; role: OrganizationIamCustomRole } {
    const roleId = `${props.projectId.replace(/-/g, '_')}.${spec.idSuffix}`;
    if (!/^[a-zA-Z0-9_.]{3,64}$/.test(roleId)) {
      throw new Error(`CiDeployerIdentity: custom role id "${roleId}" must be 3-64 letters, digits, "_" or "." (from projectId "${props.projectId}" and idSuffix "${spec.idSuffix}")`);
    }
    const role = new OrganizationIamCustomRole(this, `${kind}-custom-role`, {
      orgId: props.organizationId,
      roleId,
      title: spec.title,
      description: spec.description,
      permissions: Object.keys(spec.permissions).sort(),
      stage: 'GA',
    });
    this.customRoles[kind] = role;
    return { name: `organizations/${props.organizationId}/roles/${roleId}`, role };
  }
}
