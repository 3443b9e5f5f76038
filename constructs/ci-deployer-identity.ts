/**
 * CiDeployerIdentity: how CI deploys without a single service account key (IAM-3, CI-1, DPA Annex
 * II 2-4), and why no CI identity can read what it deploys (docs/security.md).
 *
 * Deployers, each with a Workload Identity Federation pool of its own trusting GitHub Actions' OIDC
 * tokens and one service account:
 * - `ci-plan` plans every stack on change requests. Read-only, and it reads no Customer Data: no
 *   log entries, no Firestore entities, no table data, no secret values (PLAN_ROLES).
 * - `ci-platform` applies the platform stack (organization policies, folders' guardrails, sinks,
 *   alerts, identity pools, the state bucket, the registry, deny policies), admitted only from the
 *   main branch, in the named workflow files, in the protected GitHub environment
 *   `<githubEnvironment>-platform` (required reviewers: docs/ci.md).
 * - `ci-tenant-<j>`, one per served jurisdiction, applies the tenant stacks of that jurisdiction and
 *   holds roles only on that jurisdiction's tenant folder (TENANT_ROLES), admitted like ci-platform
 *   but from the environment `<githubEnvironment>`.
 * Separate pools, not one pool with several providers, because a pool's principal sets span all its
 * providers: with one pool, a token admitted for planning would match the apply bindings.
 *
 * Which roles each holds comes from the deployability model's permission table: DEP-PERM fails a
 * stack its deployer cannot plan or apply, and test/deployability/dep-perm.test.ts fails a role no
 * stack needs. What the roles still carry that no deployer may use (Customer Data reads, key
 * destruction, secret values) the deny policies take away (constructs/ci-deny-policies.ts).
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
import type { Jurisdiction } from '../config/jurisdictions';
import { PLATFORM_DEPLOYER_ID, serviceAccountEmail, tenantDeployerId } from '../config/naming';
import { SUPPORT_SCOPE_IDS, scopeRoles } from '../config/support-access';
import { PROJECT_LEVEL_ONLY_ROLES } from '../policy/iam-roles';
import { assertGrantable, roleKey, type IWorkloadGrantee } from './grant-policy';
import { GITHUB_ACTIONS_ISSUER } from './organization-policies';
import { serviceAccount, type IGrantee } from './principal';
import type { TerraformStateBucket } from './terraform-state-bucket';

/** The folders a deployer role can be bound on. */
export type DeployerFolder = 'platformFolder' | 'auditFolders' | 'tenantFolders';
export const DEPLOYER_FOLDERS: readonly DeployerFolder[] = ['platformFolder', 'auditFolders', 'tenantFolders'];

/** Where a deployer's roles are bound. */
export interface DeployerRoles {
  /** On the organization: roles that can only be granted there. */
  readonly organization: readonly string[];
  /** On the billing account: linking new projects to it. */
  readonly billingAccount: readonly string[];
  /** On the platform folder (shared project: state bucket, registry, CI identities). */
  readonly platformFolder: readonly string[];
  /** On the audit folders (the central audit log projects). */
  readonly auditFolders: readonly string[];
  /** On the tenant folders: every one for ci-plan and ci-platform, its own jurisdiction's for a tenant deployer. */
  readonly tenantFolders: readonly string[];
  /** On the shared project: using it as the quota project of API calls. */
  readonly sharedProject: readonly string[];
  /**
   * A custom role for the permissions no suitable predefined role carries, declared on the
   * organization (a folder grant of a custom role needs an organization-level role) and granted on
   * every folder the deployer holds a role on.
   */
  readonly customRole?: DeployerCustomRole;
  /**
   * Project IAM Admin limited to the roles listed (an IAM condition on
   * `iam.googleapis.com/modifiedGrantsByRole`, cloud.google.com/iam/docs/setting-limits-on-granting-roles):
   * the deployer can grant exactly the project-level roles its stacks grant, and no other role, to
   * itself or anyone. By folder.
   */
  readonly limitedProjectIamAdmin?: Readonly<Partial<Record<DeployerFolder, readonly string[]>>>;
  /** A custom role bound on the organization, for reads of organization-level resources (the lifecycle tag value's IAM policy). */
  readonly organizationCustomRole?: DeployerCustomRole;
  /** Further custom roles bound on one kind of folder only. */
  readonly folderCustomRoles?: Readonly<Partial<Record<DeployerFolder, DeployerCustomRole>>>;
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

/** The IAM condition that limits Project IAM Admin to granting and revoking `roles` only. */
export function grantLimitCondition(roles: readonly string[]): { title: string; description: string; expression: string } {
  const list = [...new Set(roles)].sort();
  return {
    title: 'grants-limited',
    description: `May grant or revoke only: ${list.join(', ')}`.slice(0, 256),
    expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${list.map((r) => `'${r}'`).join(', ')}])`,
  };
}

/**
 * What `terraform plan` must refresh and no read-only predefined role without Customer Data reads
 * carries (compliance/deployability/data/permissions.json; DEP-PERM). Security Reviewer and Logs
 * Viewer are not granted: they list log entries (Security Reviewer private ones: Data Access audit
 * logs) and Firestore entities; the IAM policy and logging configuration reads they carried are here.
 */
export const PLAN_CUSTOM_ROLE: DeployerCustomRole = {
  idSuffix: 'ciPlanRefresh',
  title: 'CI plan: refresh reads',
  description: 'Reads terraform plan refreshes that no read-only predefined role without data reads carries. Reads no data.',
  permissions: {
    // google_logging_folder_settings Read: folders.getSettings (logging/docs/reference/v2/rest/v2/folders/getSettings).
    'logging.settings.get': 'google_logging_folder_settings',
    // data.google_bigquery_default_service_account: projects.getServiceAccount "Requires the bigquery.jobs.create
    // permission" (bigquery/docs/reference/rest/v2/projects/getServiceAccount). A job reads no table without
    // bigquery.tables.getData, which ci-plan holds nowhere and the deny policies take away, so this opens no data access.
    'bigquery.jobs.create': 'data.google_bigquery_default_service_account',
    // google_firestore_field Read: GET .../fields/{field}, the field's index configuration, not documents.
    'datastore.schemas.get': 'google_firestore_field',
    'logging.buckets.get': 'google_logging_project_bucket_config',
    'logging.logMetrics.get': 'google_logging_metric',
    'logging.sinks.get': 'google_logging_folder_sink',
    'resourcemanager.folders.getIamPolicy': 'google_folder_iam_member',
    'storage.buckets.getIamPolicy': 'google_storage_bucket_iam_member',
    'pubsub.topics.getIamPolicy': 'google_pubsub_topic_iam_member',
    'pubsub.subscriptions.getIamPolicy': 'google_pubsub_subscription_iam_member',
    'cloudkms.cryptoKeys.getIamPolicy': 'google_kms_crypto_key_iam_member',
    'artifactregistry.repositories.getIamPolicy': 'google_artifact_registry_repository_iam_member',
  },
};

/**
 * Who may bind the offboarding tag (constructs/lifecycle-tag.ts) is an IAM policy of an
 * organization-level tag value: refreshing it needs this one read on the organization, where no
 * read-only predefined role without far wider reads (Security Reviewer) carries it.
 */
export const TAG_POLICY_READER_ROLE: DeployerCustomRole = {
  idSuffix: 'ciTagPolicyReader',
  title: 'CI: lifecycle tag policy read',
  description: "Reads the IAM policy of the environment's lifecycle tag value.",
  permissions: { 'resourcemanager.tagValues.getIamPolicy': 'google_tags_tag_value_iam_member read' },
};

/** Creating and changing service accounts without their IAM policy (Service Account Admin would let a deployer grant itself any account). */
const SERVICE_ACCOUNT_LIFECYCLE: Readonly<Record<string, string>> = {
  'iam.serviceAccounts.create': 'google_service_account create',
  'iam.serviceAccounts.get': 'google_service_account read',
  'iam.serviceAccounts.list': 'google_project_default_service_accounts',
  'iam.serviceAccounts.update': 'google_service_account update, google_project_default_service_accounts',
  'iam.serviceAccounts.delete': 'google_service_account delete',
};

/**
 * What a project-creating apply needs beyond the admin roles (DEP-PERM): a project created with
 * auto_create_network=false has its default network and firewall rules deleted by the provider
 * (google/services/resourcemanager/resource_google_project.go, forceDeleteComputeNetwork), labels and
 * names are changed with Projects.Update.
 */
const PROJECT_CHANGES: Readonly<Record<string, string>> = {
  'resourcemanager.projects.update': 'google_project update',
  'compute.networks.get': 'google_project create (default network)',
  'compute.networks.delete': 'google_project create (default network)',
  'compute.firewalls.list': 'google_project create (default network firewall rules)',
  'compute.firewalls.delete': 'google_project create (default network firewall rules)',
  'compute.globalOperations.get': 'google_project create (waits for the network deletion)',
};

export const PLATFORM_CUSTOM_ROLE: DeployerCustomRole = {
  idSuffix: 'ciPlatformExtras',
  title: 'CI platform: project and account changes',
  description: 'Project updates, default network removal, service accounts without their IAM policy.',
  permissions: {
    ...PROJECT_CHANGES,
    ...SERVICE_ACCOUNT_LIFECYCLE,
    // Refreshes the CI accounts' federation bindings, which an organization administrator applies.
    'iam.serviceAccounts.getIamPolicy': 'google_service_account_iam_member read',
  },
};

export const TENANT_CUSTOM_ROLE: DeployerCustomRole = {
  idSuffix: 'ciTenantExtras',
  title: 'CI tenant: project changes',
  description: 'Project updates, default network removal, service accounts, project organization policies, the BigQuery encryption account read.',
  permissions: {
    ...PROJECT_CHANGES,
    ...SERVICE_ACCOUNT_LIFECYCLE,
    'bigquery.jobs.create': 'data.google_bigquery_default_service_account',
    // A tenant project's own policies (IAM-7: the handover customer's domain). On the tenant folder, not the
    // organization: Organization Policy Administrator can only be granted on the organization, where it
    // would let a tenant deployer relax every policy of every folder.
    'orgpolicy.policy.get': 'google_org_policy_policy (project)',
    'orgpolicy.policy.set': 'google_org_policy_policy (project)',
    // Tagging an offboarding tenant's project (constructs/offboarding-tag-binding.ts); which value it may bind is
    // decided on the value (Tag User on the offboarding value only).
    'resourcemanager.hierarchyNodes.createTagBinding': 'google_tags_tag_binding create (the project)',
    'resourcemanager.hierarchyNodes.deleteTagBinding': 'google_tags_tag_binding delete (the project)',
    // Per-secret IAM (SEC-3). Secret Manager Admin would carry versions.access: a folder-wide reader.
    'secretmanager.secrets.getIamPolicy': 'google_secret_manager_secret_iam_member',
    // Refreshing a handover's time-bound Project Mover grant on the tenant folder; changing it is an
    // organization administrator's (a deployer that could set folder IAM could grant itself anything there).
    'resourcemanager.folders.getIamPolicy': 'google_folder_iam_member (a handover move grant, read)',
    'secretmanager.secrets.setIamPolicy': 'google_secret_manager_secret_iam_member',
  },
};

/**
 * A tenant stack lets its Cloud Run service agent pull the platform's images (a Google-managed
 * account the platform stack cannot name before the tenant project exists): IAM policy of the
 * registry repository, on the platform folder. Writing to the repository is denied to every
 * deployer but ci-platform (constructs/ci-deny-policies.ts), so a grant the tenant deployer makes
 * itself there cannot push an image.
 */
export const TENANT_REGISTRY_ROLE: DeployerCustomRole = {
  idSuffix: 'ciTenantImagePull',
  title: 'CI tenant: image pull grants',
  description: "Grants a tenant's Cloud Run service agent read on the platform's image repository.",
  permissions: {
    'artifactregistry.repositories.getIamPolicy': 'google_artifact_registry_repository_iam_member (tenant image pull)',
    'artifactregistry.repositories.setIamPolicy': 'google_artifact_registry_repository_iam_member (tenant image pull)',
  },
};

/** Plan: read what Terraform refreshes, change nothing, read no Customer Data. */
export const PLAN_ROLES: DeployerRoles = {
  organization: ['roles/orgpolicy.policyViewer', 'roles/iam.organizationRoleViewer', 'roles/resourcemanager.tagViewer'],
  // Reads the billing account's IAM policy (the deployers' billing.user grants).
  billingAccount: ['roles/billing.viewer'],
  platformFolder: [
    'roles/artifactregistry.reader',
    'roles/browser',
    'roles/essentialcontacts.viewer',
    'roles/iam.denyReviewer',
    'roles/iam.serviceAccountViewer',
    'roles/iam.workloadIdentityPoolViewer',
    'roles/monitoring.viewer',
    'roles/serviceusage.serviceUsageViewer',
    'roles/storage.bucketViewer',
  ],
  auditFolders: [
    'roles/browser',
    'roles/essentialcontacts.viewer',
    'roles/iam.denyReviewer',
    'roles/iam.serviceAccountViewer',
    'roles/monitoring.viewer',
    'roles/serviceusage.serviceUsageViewer',
  ],
  tenantFolders: [
    'roles/bigquery.metadataViewer',
    'roles/browser',
    'roles/cloudkms.viewer',
    'roles/cloudscheduler.viewer',
    'roles/compute.viewer',
    // Firestore database metadata without document access.
    'roles/datastore.keyVisualizerViewer',
    'roles/essentialcontacts.viewer',
    'roles/iam.denyReviewer',
    'roles/iam.serviceAccountViewer',
    'roles/monitoring.viewer',
    'roles/pubsub.viewer',
    'roles/run.viewer',
    'roles/secretmanager.viewer',
    'roles/serviceusage.serviceUsageViewer',
  ],
  sharedProject: ['roles/serviceusage.serviceUsageConsumer'],
  customRole: PLAN_CUSTOM_ROLE,
  organizationCustomRole: TAG_POLICY_READER_ROLE,
};

/**
 * The platform deployer: what the platform stack declares. On the organization only organization
 * policies: it cannot create folders or change any IAM policy of the organization, a folder or a
 * CI service account (those grants are CI's own, applied by an organization administrator), and its
 * Project IAM Admin grants only the roles the platform stack grants on its projects.
 */
export const PLATFORM_ROLES: DeployerRoles = {
  // Organization Role Viewer reads the organization's IAM policy, to refresh the CI identities' own grants there.
  organization: ['roles/iam.organizationRoleViewer', 'roles/orgpolicy.policyAdmin', 'roles/resourcemanager.tagViewer'],
  billingAccount: ['roles/billing.user'],
  platformFolder: [
    'roles/artifactregistry.admin',
    'roles/billing.projectManager',
    // The shared project is deleted by nobody: deletion_policy PREVENT and a lien (constructs/project-lien.ts).
    'roles/resourcemanager.projectDeleter',
    'roles/essentialcontacts.admin',
    // The deny policy on the registry (constructs/ci-deny-policies.ts).
    'roles/iam.denyAdmin',
    'roles/iam.workloadIdentityPoolAdmin',
    'roles/logging.configWriter',
    'roles/resourcemanager.folderEditor',
    'roles/resourcemanager.projectCreator',
    'roles/serviceusage.serviceUsageAdmin',
    'roles/storage.admin',
  ],
  auditFolders: [
    'roles/billing.projectManager',
    'roles/essentialcontacts.admin',
    'roles/logging.configWriter',
    'roles/monitoring.alertPolicyEditor',
    'roles/monitoring.notificationChannelEditor',
    'roles/resourcemanager.folderEditor',
    'roles/resourcemanager.projectCreator',
    // The audit projects are deleted by nobody: deletion_policy PREVENT and a lien each.
    'roles/resourcemanager.projectDeleter',
    'roles/serviceusage.serviceUsageAdmin',
  ],
  tenantFolders: [
    'roles/essentialcontacts.admin',
    // The deny policies on the tenant folders (constructs/ci-deny-policies.ts).
    'roles/iam.denyAdmin',
    'roles/logging.configWriter',
    'roles/resourcemanager.folderEditor',
  ],
  sharedProject: ['roles/serviceusage.serviceUsageConsumer'],
  customRole: PLATFORM_CUSTOM_ROLE,
  organizationCustomRole: TAG_POLICY_READER_ROLE,
  limitedProjectIamAdmin: {
    // The state bucket and registry are granted on their own resources; on the shared project only the quota role.
    platformFolder: ['roles/serviceusage.serviceUsageConsumer'],
    // The audit log projects: the sinks' writers and the security responders' log view.
    auditFolders: ['roles/logging.bucketWriter', 'roles/logging.viewAccessor'],
  },
};

/**
 * A tenant deployer: what the tenant stacks of its jurisdiction declare, on that jurisdiction's
 * tenant folder only. It holds the services' admin roles because the stacks set IAM on their own
 * resources (grant methods); what those roles also carry that no deployer may use (table data,
 * entities, messages, secret values and versions, key destruction of an active tenant) the deny
 * policies on the folder take away.
 */
export const TENANT_ROLES: DeployerRoles = {
  // Finds the offboarding tag value by name (constructs/offboarding-tag-binding.ts). Binding it needs
  // Tag User, granted on that one value (constructs/lifecycle-tag.ts grantUse).
  organization: ['roles/resourcemanager.tagViewer'],
  billingAccount: ['roles/billing.user'],
  platformFolder: [],
  auditFolders: [],
  tenantFolders: [
    'roles/bigquery.dataOwner',
    'roles/billing.projectManager',
    'roles/cloudkms.admin',
    'roles/cloudscheduler.admin',
    'roles/compute.loadBalancerAdmin',
    'roles/compute.securityAdmin',
    'roles/datastore.owner',
    'roles/essentialcontacts.admin',
    'roles/iam.serviceAccountUser',
    'roles/logging.configWriter',
    'roles/monitoring.alertPolicyEditor',
    'roles/monitoring.notificationChannelEditor',
    'roles/pubsub.admin',
    'roles/resourcemanager.projectCreator',
    // Offboarding deletes the tenant project once its data stores are gone (DPA 10.1).
    'roles/resourcemanager.projectDeleter',
    'roles/run.admin',
    // Secrets without their values (SEC-3); adding or destroying a version is denied (deny policies).
    'roles/secretmanager.editor',
    'roles/serviceusage.serviceUsageAdmin',
  ],
  sharedProject: ['roles/serviceusage.serviceUsageConsumer'],
  customRole: TENANT_CUSTOM_ROLE,
  // The data plane's project-level roles, and the support scopes' (npm run support-access, IAM-5): none
  // reads Customer Data past the deny policies (constructs/ci-deny-policies.ts), so a deployer granting
  // one to itself gains no data; the IAM-change alert reports any such grant (docs/security.md).
  limitedProjectIamAdmin: { tenantFolders: [...new Set([...Object.keys(PROJECT_LEVEL_ONLY_ROLES), ...SUPPORT_SCOPE_IDS.flatMap(scopeRoles)])].sort() },
  folderCustomRoles: { platformFolder: TENANT_REGISTRY_ROLE },
};

/** The workflow files whose main-branch runs may apply (the `job_workflow_ref` claim, docs/ci.md). */
export const APPLY_WORKFLOWS = {
  platform: ['.github/workflows/terraform-stage.yml', '.github/workflows/reconcile.yml'],
  tenant: ['.github/workflows/terraform-stage.yml', '.github/workflows/reconcile.yml', '.github/workflows/deploy.yml'],
} as const;

/** The GitHub environment the platform deployer is admitted from, given the environment of the tenant applies. */
export function platformGithubEnvironment(githubEnvironment: string): string {
  return `${githubEnvironment}-platform`;
}

/** GitHub repository names: owner/name with letters, digits, `.`, `_` and `-` only (nothing that could end a CEL string). */
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** Branch names that are safe inside a CEL string literal. */
const BRANCH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const NUMERIC_ID = /^[1-9][0-9]{0,19}$/;
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,39}$/;

export interface TrustProps {
  /** `owner/name` of the only repository whose workflows may deploy (platform.yaml `ci.repository`). */
  readonly repository: string;
  /** GitHub's numeric ids of the repository and its owner (`ci.repositoryId`, `ci.repositoryOwnerId`). */
  readonly repositoryId: string;
  readonly repositoryOwnerId: string;
  /** The only branch whose workflows may apply. */
  readonly mainBranch: string;
}

function validateTrust(props: TrustProps): void {
  if (!REPOSITORY.test(props.repository)) {
    throw new Error(`CiDeployerIdentity: repository "${props.repository}" must be "owner/name" (letters, digits, ".", "_", "-")`);
  }
  if (!BRANCH.test(props.mainBranch)) {
    throw new Error(`CiDeployerIdentity: mainBranch "${props.mainBranch}" is not a plain branch name (letters, digits, ".", "_", "-", "/")`);
  }
  for (const [field, value] of [['repositoryId', props.repositoryId], ['repositoryOwnerId', props.repositoryOwnerId]] as const) {
    if (!NUMERIC_ID.test(value)) throw new Error(`CiDeployerIdentity: ${field} "${value}" must be GitHub's numeric id (platform.yaml ci.${field})`);
  }
}

/**
 * The attribute condition of the plan provider: this repository by its numeric ids (a fork, or a
 * repository re-created under the same name, has other ids), never a `pull_request_target` run (it
 * runs the base's workflow with a change request's code at hand, and secrets).
 */
export function planCondition(props: TrustProps): string {
  validateTrust(props);
  return [
    `assertion.repository_id == '${props.repositoryId}'`,
    `assertion.repository_owner_id == '${props.repositoryOwnerId}'`,
    `assertion.repository == '${props.repository}'`,
    `assertion.event_name != 'pull_request_target'`,
  ].join(' && ');
}

/**
 * The attribute condition of an apply provider: the plan condition, and the main branch, and a job
 * of one of `workflows` as main holds it (`job_workflow_ref`: the reusable workflow a job runs, so
 * a workflow file added on main cannot borrow the identity), in the protected `environment`.
 */
export function applyCondition(props: TrustProps, workflows: readonly string[], environment: string): string {
  if (!ENVIRONMENT.test(environment)) throw new Error(`CiDeployerIdentity: GitHub environment "${environment}" must be lowercase letters, digits and "-"`);
  const ref = `refs/heads/${props.mainBranch}`;
  const refs = workflows.map((w) => {
    if (!/^\.github\/workflows\/[a-z0-9-]+\.ya?ml$/.test(w)) throw new Error(`CiDeployerIdentity: workflow "${w}" must be .github/workflows/<name>.yml`);
    return `'${props.repository}/${w}@${ref}'`;
  });
  return [
    planCondition(props),
    `assertion.ref == '${ref}'`,
    refs.length === 1 ? `assertion.job_workflow_ref == ${refs[0]}` : `assertion.job_workflow_ref in [${refs.join(', ')}]`,
    `assertion.environment == '${environment}'`,
  ].join(' && ');
}

export interface CiDeployerIdentityProps extends TrustProps {
  /** The shared project that holds the pools and the deployer service accounts. */
  readonly projectId: string;
  readonly organizationId: string;
  readonly billingAccount: string;
  /** The protected GitHub environment of tenant applies (`ci.githubEnvironment`); the platform's is `<it>-platform`. */
  readonly githubEnvironment: string;
  /** `folders/<id>` of the platform folder. */
  readonly platformFolder: string;
  /** The audit folders, keyed by a stable construct-id fragment. */
  readonly auditFolders: ReadonlyArray<{ readonly key: string; readonly name: string }>;
  /** Each tenant folder with its jurisdiction: it gets its own tenant deployer. */
  readonly tenantFolders: ReadonlyArray<{ readonly jurisdiction: Jurisdiction; readonly name: string }>;
  /** The state bucket: plan reads state (and takes the lock), the deployers write it. */
  readonly stateBucket: TerraformStateBucket;
  /** Resources the pools and accounts wait for (the project's IAM APIs). Default none. */
  readonly dependsOn?: ITerraformDependable[];
  /** Role sets. Default PLAN_ROLES, PLATFORM_ROLES and TENANT_ROLES. */
  readonly planRoles?: DeployerRoles;
  readonly platformRoles?: DeployerRoles;
  readonly tenantRoles?: DeployerRoles;
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
  readonly platform: Deployer;
  /** The tenant deployers, by jurisdiction. */
  readonly tenants: ReadonlyMap<Jurisdiction, Deployer>;
  /**
   * The deployers' organization-level custom roles, by role set. Creating or changing them needs
   * iam.roles.create on the organization, which CI does not hold: an organization administrator
   * applies them, like CI's other own grants.
   */
  readonly customRoles: Record<string, OrganizationIamCustomRole> = {};
  private readonly declaredRoles = new Map<string, { name: string; role: OrganizationIamCustomRole }>();

  constructor(scope: Construct, id: string, props: CiDeployerIdentityProps) {
    super(scope, id);
    validateTrust(props);
    this.plan = this.deployer('plan', 'ci-plan', props, planCondition(props), 'Plans on change requests: reads, never changes, reads no Customer Data (CI-1)');
    this.platform = this.deployer(
      'platform',
      PLATFORM_DEPLOYER_ID,
      props,
      applyCondition(props, APPLY_WORKFLOWS.platform, platformGithubEnvironment(props.githubEnvironment)),
      `Applies the platform stack from ${props.mainBranch}, environment ${platformGithubEnvironment(props.githubEnvironment)} (CI-1)`,
    );
    const tenants = new Map<Jurisdiction, Deployer>();
    for (const folder of props.tenantFolders) {
      const kind = `tenant-${folder.jurisdiction.toLowerCase()}`;
      tenants.set(
        folder.jurisdiction,
        this.deployer(
          kind,
          tenantDeployerId(folder.jurisdiction),
          props,
          applyCondition(props, APPLY_WORKFLOWS.tenant, props.githubEnvironment),
          `Applies the ${folder.jurisdiction} tenant stacks from ${props.mainBranch}, environment ${props.githubEnvironment} (CI-1)`,
        ),
      );
    }
    this.tenants = tenants;

    const allTenantFolders = props.tenantFolders.map((f) => ({ key: f.jurisdiction.toLowerCase(), name: f.name }));
    this.grantRoles('plan', 'plan', this.plan, props.planRoles ?? PLAN_ROLES, props, allTenantFolders);
    this.grantRoles('platform', 'platform', this.platform, props.platformRoles ?? PLATFORM_ROLES, props, allTenantFolders);
    for (const folder of props.tenantFolders) {
      const kind = `tenant-${folder.jurisdiction.toLowerCase()}`;
      this.grantRoles(kind, 'tenant', tenants.get(folder.jurisdiction)!, props.tenantRoles ?? TENANT_ROLES, props, [{ key: folder.jurisdiction.toLowerCase(), name: folder.name }]);
    }
    props.stateBucket.grantPlan(this.plan.grantee);
    props.stateBucket.grantApply(this.platform.grantee);
    for (const deployer of tenants.values()) props.stateBucket.grantApply(deployer.grantee);
  }

  /** Every CI identity: the plan identity, the platform deployer and the tenant deployers. */
  get all(): readonly Deployer[] {
    return [this.plan, this.platform, ...this.tenants.values()];
  }

  /** The deployers that apply (every identity but the plan identity). */
  get appliers(): readonly Deployer[] {
    return [this.platform, ...this.tenants.values()];
  }

  private deployer(kind: string, accountId: string, props: CiDeployerIdentityProps, condition: string, purpose: string): Deployer {
    if (condition.length > 4096) {
      // google/services/iambeta/resource_iam_workload_identity_pool_provider.go: at most 4096 characters.
      throw new Error(`CiDeployerIdentity: the attribute condition of ${accountId} is ${condition.length} characters; the limit is 4096`);
    }
    const pool = new IamWorkloadIdentityPool(this, `${kind}-pool`, {
      project: props.projectId,
      workloadIdentityPoolId: accountId,
      displayName: accountId,
      description: `GitHub Actions of ${props.repository}. ${purpose}`.slice(0, 256),
      dependsOn: props.dependsOn,
    });
    const provider = new IamWorkloadIdentityPoolProvider(this, `${kind}-github`, {
      project: props.projectId,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'github',
      displayName: 'GitHub Actions',
      description: purpose.slice(0, 256),
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.repository': 'assertion.repository',
        'attribute.repository_id': 'assertion.repository_id',
        'attribute.ref': 'assertion.ref',
      },
      // The gate: a token that fails it is refused before any binding is consulted.
      attributeCondition: condition,
      oidc: { issuerUri: GITHUB_ACTIONS_ISSUER },
    });
    const email = serviceAccountEmail(props.projectId, accountId);
    const account = new ServiceAccount(this, `${kind}-account`, {
      project: props.projectId,
      accountId,
      displayName: accountId,
      description: purpose.slice(0, 256),
      dependsOn: props.dependsOn,
    });
    new ServiceAccountIamMember(this, `${kind}-federation`, {
      serviceAccountId: account.name,
      role: 'roles/iam.workloadIdentityUser',
      // Only identities of this pool (already gated by its provider) from this repository, by its numeric id.
      member: `principalSet://iam.googleapis.com/${pool.name}/attribute.repository_id/${props.repositoryId}`,
    });
    const grantee: IWorkloadGrantee = { ...serviceAccount(email), grantDependencies: [account], grantKey: accountId };
    return { pool, provider, account, email, grantee };
  }

  private grantRoles(
    kind: string,
    set: 'plan' | 'platform' | 'tenant',
    deployer: Deployer,
    roles: DeployerRoles,
    props: CiDeployerIdentityProps,
    tenantFolders: ReadonlyArray<{ readonly key: string; readonly name: string }>,
  ): void {
    const member = deployer.grantee.member;
    const dependsOn: ITerraformDependable[] = [deployer.account];
    const custom = roles.customRole ? this.customRole(set, roles.customRole, props) : undefined;
    const check = (role: string, where: string) => assertGrantable({ role, grantee: deployer.grantee, resource: where });
    for (const role of roles.organization) {
      check(role, `organizations/${props.organizationId}`);
      new OrganizationIamMember(this, `${kind}-org-${roleKey(role)}`, { orgId: props.organizationId, role, member, dependsOn });
    }
    if (roles.organizationCustomRole) {
      const orgRole = this.customRole('organization', roles.organizationCustomRole, props);
      check(orgRole.name, `organizations/${props.organizationId}`);
      new OrganizationIamMember(this, `${kind}-org-custom`, { orgId: props.organizationId, role: orgRole.name, member, dependsOn: [...dependsOn, orgRole.role] });
    }
    for (const role of roles.billingAccount) {
      check(role, `billingAccounts/${props.billingAccount}`);
      new BillingAccountIamMember(this, `${kind}-billing-${roleKey(role)}`, { billingAccountId: props.billingAccount, role, member, dependsOn });
    }
    const folders: Array<{ key: string; name: string; field: DeployerFolder }> = [
      { key: 'platform', name: props.platformFolder, field: 'platformFolder' },
      ...props.auditFolders.map((f) => ({ ...f, field: 'auditFolders' as const })),
      ...tenantFolders.map((f) => ({ ...f, field: 'tenantFolders' as const })),
    ];
    for (const folder of folders) {
      const folderRoles = roles[folder.field];
      const limited = roles.limitedProjectIamAdmin?.[folder.field];
      const extra = roles.folderCustomRoles?.[folder.field];
      if (extra) {
        const role = this.customRole(`${set}-${folder.field}`, extra, props);
        check(role.name, `folder ${folder.key}`);
        new FolderIamMember(this, `${kind}-${folder.key}-${extra.idSuffix.toLowerCase()}`, { folder: folder.name, role: role.name, member, dependsOn: [...dependsOn, role.role] });
      }
      if (folderRoles.length === 0 && !limited) continue;
      for (const role of folderRoles) {
        check(role, `folder ${folder.key}`);
        new FolderIamMember(this, `${kind}-${folder.key}-${roleKey(role)}`, { folder: folder.name, role, member, dependsOn });
      }
      if (limited) {
        const role = 'roles/resourcemanager.projectIamAdmin';
        check(role, `folder ${folder.key}`);
        new FolderIamMember(this, `${kind}-${folder.key}-project-iam-limited`, { folder: folder.name, role, member, condition: grantLimitCondition(limited), dependsOn });
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

  /** Declares a role set's custom role on the organization (once); grants name it by its literal name (IAM-2 and DEP-PERM read it). */
  private customRole(set: string, spec: DeployerCustomRole, props: CiDeployerIdentityProps): { name: string; role: OrganizationIamCustomRole } {
    const declared = this.declaredRoles.get(set);
    if (declared) return declared;
    const roleId = `${props.projectId.replace(/-/g, '_')}.${spec.idSuffix}`;
    if (!/^[a-zA-Z0-9_.]{3,64}$/.test(roleId)) {
      throw new Error(`CiDeployerIdentity: custom role id "${roleId}" must be 3-64 letters, digits, "_" or "." (from projectId "${props.projectId}" and idSuffix "${spec.idSuffix}")`);
    }
    const role = new OrganizationIamCustomRole(this, `${set}-custom-role`, {
      orgId: props.organizationId,
      roleId,
      title: spec.title,
      description: spec.description,
      permissions: Object.keys(spec.permissions).sort(),
      stage: 'GA',
    });
    this.customRoles[set] = role;
    const result = { name: `organizations/${props.organizationId}/roles/${roleId}`, role };
    this.declaredRoles.set(set, result);
    return result;
  }
}
