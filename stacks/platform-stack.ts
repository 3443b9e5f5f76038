/**
 * PlatformStack: one per environment, `platform-<env>`, with its own remote state. It stands up what
 * every tenant shares and the guardrails that make a non-compliant tenant impossible to deploy, even
 * by hand: folders per jurisdiction with organization policies and logging locations, a central
 * audit log per jurisdiction with breach detection on it, the Terraform state bucket, the CI
 * deployer identity and the container registry.
 *
 * Tenant stacks learn the folder ids from platform.yaml (`tenantFolders`, recorded from this stack's
 * `tenant_folders` output after its first deploy), never through a cross-stack reference, so a
 * tenant's plan never reads this stack's state.
 *
 * It reads the platform config only, never `environment.tenants`: given the same platform.yaml its
 * JSON is byte-identical for 6 tenants or 10,000 (test/platform-independence), so onboarding,
 * offboarding or handing over a tenant changes that tenant's stack and nothing else.
 */
import { Construct } from 'constructs';
import { Aspects, GcsBackend, LocalBackend, TerraformOutput } from 'cdktf';
import { SelfContainedStack } from './self-contained-stack';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { EnvironmentConfig } from '../config/loader';
import { JURISDICTIONS, jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { PLATFORM_DEPLOYER_ID, auditLogProjectId, platformStackName, serviceAccountEmail, sharedProjectId } from '../config/naming';
import { platformContactDomains } from '../config/contact-domains';
import { RequiredLabels } from '../constructs/required-labels';
import { TenantProject } from '../constructs/tenant-project';
import { group, serviceAccount } from '../constructs/principal';
import type { IWorkloadGrantee } from '../constructs/grant-policy';
import { JurisdictionFolders } from '../constructs/jurisdiction-folders';
import { OrganizationPolicies } from '../constructs/organization-policies';
import { LoggingLocation } from '../constructs/logging-location';
import { FolderEssentialContacts } from '../constructs/folder-essential-contacts';
import { CentralAuditLog } from '../constructs/central-audit-log';
import { BreachDetection } from '../constructs/breach-detection';
import { TerraformStateBucket } from '../constructs/terraform-state-bucket';
import { CiDeployerIdentity } from '../constructs/ci-deployer-identity';
import { ContainerRegistry } from '../constructs/container-registry';
import { KEY_DESTROY_SCHEDULED_DAYS } from '../constructs/tenant-keys';
import { CiDenyPolicies } from '../constructs/ci-deny-policies';
import { LifecycleTag } from '../constructs/lifecycle-tag';
import { ProjectLien } from '../constructs/project-lien';
import { DataAccessAuditLogs } from '../constructs/data-access-audit-logs';
import { requireTerraformVersion } from './required-terraform';

/** The `tenant` label of the platform's own resources (ISO-3). */
export const PLATFORM_TENANT_LABEL = 'platform';

/** APIs the shared project serves: its own resources, and the quota project of every CI API call. */
const SHARED_PROJECT_APIS = [
  'artifactregistry.googleapis.com',
  'cloudbilling.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'essentialcontacts.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'orgpolicy.googleapis.com',
  'serviceusage.googleapis.com',
  'storage.googleapis.com',
  'sts.googleapis.com',
] as const;

/**
 * Data Access audit logs of the platform's own projects (LOG-2): who read the state (which holds
 * every stack's attributes), minted a deployer's token, read the images, or read the central audit logs.
 */
const SHARED_PROJECT_DATA_ACCESS = ['artifactregistry.googleapis.com', 'iam.googleapis.com', 'iamcredentials.googleapis.com', 'storage.googleapis.com', 'sts.googleapis.com'] as const;
const AUDIT_PROJECT_DATA_ACCESS = ['logging.googleapis.com'] as const;

/**
 * What the platform stack may read of an environment: its name and platform.yaml, never its tenants.
 * The type makes a read of `environment.tenants` here a compile error.
 */
export type PlatformEnvironment = Pick<EnvironmentConfig, 'name' | 'platform'>;

export interface PlatformStackProps {
  readonly environment: PlatformEnvironment;
  /**
   * Where this stack's own state lives. `gcs` (default): the state bucket, prefix `stacks/platform-<env>`.
   * `local`: a local file, only for the first deployment, before the state bucket exists (docs/platform.md).
   */
  readonly stateBackend?: 'gcs' | 'local';
}

/**
 * Jurisdictions that get a folder: those platform.yaml serves (`jurisdictions`), whether or not a
 * tenant is there yet, so the first tenant of a jurisdiction finds its folder. The schema makes
 * sure EEA (RES-2) and the platform's own jurisdiction are among them, and the loader refuses a
 * tenant of any other; the tenant list never adds or removes a folder.
 */
export function servedJurisdictions(environment: PlatformEnvironment): Jurisdiction[] {
  return JURISDICTIONS.filter((j) => environment.platform.jurisdictions.includes(j));
}

/**
 * Who may pull the platform's images: every service account of every project in a tenant folder,
 * named by the folder's principal set. Per-account grants (`serviceAccount:<id>@<project>`) cannot
 * work here: IAM refuses a binding to an account that does not exist yet, and a new tenant's
 * accounts only exist after its stack is deployed, which in turn needs this stack first (its folder,
 * its contacts' domains). The images are Smart Segments' own code, not Customer Data.
 */
export function folderServiceAccounts(folderId: string): string {
  return `principalSet://cloudresourcemanager.googleapis.com/folders/${folderId}/type/ServiceAccount`;
}

export class PlatformStack extends SelfContainedStack {
  readonly environment: PlatformEnvironment;
  readonly folders: JurisdictionFolders;
  readonly sharedProject: TenantProject;
  readonly auditLogs: ReadonlyMap<Jurisdiction, CentralAuditLog>;
  readonly breachDetection: ReadonlyMap<Jurisdiction, BreachDetection>;
  readonly stateBucket: TerraformStateBucket;
  readonly deployer: CiDeployerIdentity;
  readonly registry: ContainerRegistry;
  readonly lifecycleTag: LifecycleTag;
  readonly denyPolicies: CiDenyPolicies;

  constructor(scope: Construct, props: PlatformStackProps) {
    const { environment } = props;
    const name = platformStackName(environment.name);
    super(scope, name);
    this.environment = environment;
    const platform = environment.platform;
    const home = platform.platformJurisdiction;
    const homeRules = jurisdictionRules(home);

    // CI-1: remote state per stack. The very first apply cannot use the bucket it creates.
    if ((props.stateBackend ?? 'gcs') === 'gcs') {
      new GcsBackend(this, { bucket: platform.stateBucket.name, prefix: `stacks/${name}` });
    } else {
      new LocalBackend(this, {});
    }
    new GoogleProvider(this, 'google', { region: homeRules.defaultRegion });
    requireTerraformVersion(this);

    // ISO-3. Resources of another jurisdiction (its audit log) get that jurisdiction's residency below.
    Aspects.of(this).add(
      new RequiredLabels({ tenant: PLATFORM_TENANT_LABEL, environment: environment.name, 'data-residency': homeRules.residencyLabel }),
    );

    const parent = platform.parentFolder ?? `organizations/${platform.organization.id}`;
    this.folders = new JurisdictionFolders(this, 'folders', {
      parent,
      environment: environment.name,
      jurisdictions: servedJurisdictions(environment),
      recordedFolderIds: platform.tenantFolders,
    });

    // Guardrails, logging location and security contacts on every folder (RES-2, RES-4, IAM-3, IAM-4, IAM-7, BRE-1).
    const guardrails = new Map<string, OrganizationPolicies>();
    const loggingLocations = new Map<string, LoggingLocation>();
    for (const { key, folder, jurisdiction, audit } of this.folders.all) {
      const j = jurisdiction ?? home;
      guardrails.set(
        key,
        new OrganizationPolicies(this, `policies-${key}`, {
          folderName: folder.name,
          jurisdiction: j,
          // IAM-7 and BRE-1 for Smart Segments' own identities and contacts; a tenant's handover
          // organization and contact domains are admitted on its project (tenant stack).
          organizationIds: [platform.organization.id],
          contactDomains: platformContactDomains(platform),
          // A tenant folder holds Customer Data: CMEK only, keys in its projects, 7-day key destruction at least (DEL-2).
          ...(jurisdiction && !audit ? { customerData: { minimumKeyDestroyScheduledDays: KEY_DESTROY_SCHEDULED_DAYS } } : {}),
        }),
      );
      loggingLocations.set(key, new LoggingLocation(this, `logging-location-${key}`, { folderId: folder.folderId, jurisdiction: j }));
      new FolderEssentialContacts(this, `contacts-${key}`, {
        folderName: folder.name,
        securityEmail: platform.contacts.security,
        legalEmail: platform.contacts.legal,
      });
    }

    // ci-platform applies this stack, so creates a project it adds later (a new jurisdiction's audit
    // project) and is made its Owner: it gives that role back (IAM-1/creator-owner-removed). On the
    // bootstrap apply the creator is the administrator, who removes their own by hand (docs/security.md).
    const platformDeployer = serviceAccount(serviceAccountEmail(sharedProjectId(platform), PLATFORM_DEPLOYER_ID));
    // The shared project: state, registry, CI identity. Its location policy is the home jurisdiction's.
    this.sharedProject = new TenantProject(this, 'shared-project', {
      projectId: sharedProjectId(platform),
      displayName: `Smart Segments platform ${environment.name}`,
      ownership: 'smart-segments',
      folderId: this.folders.platform.folderId,
      billingAccount: platform.billingAccount,
      deletionPolicy: 'PREVENT',
      creator: platformDeployer,
    });
    // RES-4: the shared project's own log buckets are created in the platform folder's log location.
    loggingLocations.get('platform')!.precede(this.sharedProject.project!);
    const apis = new Map(SHARED_PROJECT_APIS.map((api) => [api, this.sharedProject.enableApi(api)!]));

    // CI-1: the state bucket of every stack of this environment.
    this.stateBucket = new TerraformStateBucket(this, 'state-bucket', {
      projectId: this.sharedProject.projectId,
      name: platform.stateBucket.name,
      jurisdiction: home,
      dependsOn: [apis.get('storage.googleapis.com')!],
    });

    // IAM-3, CI-1: keyless CI, restricted to this repository by its numeric ids; applies only from
    // main, the named workflow files and a protected GitHub environment (docs/security.md).
    this.deployer = new CiDeployerIdentity(this, 'ci-deployer', {
      projectId: this.sharedProject.projectId,
      repository: platform.ci.repository,
      repositoryId: platform.ci.repositoryId,
      repositoryOwnerId: platform.ci.repositoryOwnerId,
      mainBranch: platform.ci.mainBranch,
      githubEnvironment: platform.ci.githubEnvironment,
      organizationId: platform.organization.id,
      billingAccount: platform.billingAccount,
      platformFolder: this.folders.platform.name,
      auditFolders: this.folders.jurisdictions.map((j) => ({ key: `audit-${j.toLowerCase()}`, name: this.folders.auditFolderOf(j).name })),
      tenantFolders: this.folders.jurisdictions.map((j) => ({ jurisdiction: j, name: this.folders.folderOf(j).name })),
      stateBucket: this.stateBucket,
      dependsOn: [apis.get('iam.googleapis.com')!],
    });

    // Crypto-shredding only in an offboarding tenant's project: the tag its stack binds, which the
    // tenant deployers (and nobody else in CI) may use; and the deny policies that key on it.
    this.lifecycleTag = new LifecycleTag(this, 'lifecycle-tag', { organizationId: platform.organization.id, environment: environment.name });
    for (const deployer of this.deployer.tenants.values()) this.lifecycleTag.grantUse(deployer.grantee);
    this.denyPolicies = new CiDenyPolicies(this, 'ci-deny', {
      organizationId: platform.organization.id,
      environment: environment.name,
      allIdentities: this.deployer.all.map((d) => d.email),
      nonPlatformIdentities: [this.deployer.plan, ...this.deployer.tenants.values()].map((d) => d.email),
      tenantFolders: this.folders.jurisdictions.map((j) => ({ key: j.toLowerCase(), name: this.folders.folderOf(j).name })),
      platformFolder: this.folders.platform.name,
    });

    // LOG-2: who read the state, minted a deployer token or read the images is on record; nobody deletes the project.
    new DataAccessAuditLogs(this, 'shared-project-data-access', { project: this.sharedProject, services: SHARED_PROJECT_DATA_ACCESS });
    new ProjectLien(this, 'shared-project-lien', { project: this.sharedProject, reason: 'Terraform state and CI identities of every stack; lifted only by an organization administrator' });

    // LOG-2 and BRE-1: a central audit log per jurisdiction, each with its breach detectors.
    const auditLogs = new Map<Jurisdiction, CentralAuditLog>();
    const detectors = new Map<Jurisdiction, BreachDetection>();
    for (const j of this.folders.jurisdictions) {
      const rules = jurisdictionRules(j);
      const auditLog = new CentralAuditLog(this, `audit-log-${j.toLowerCase()}`, {
        projectId: auditLogProjectId(platform, j),
        // A folder of its own, where no tenant deployer holds any role (docs/security.md).
        folderId: this.folders.auditFolderOf(j).folderId,
        folderLoggingLocation: loggingLocations.get(`audit-${j.toLowerCase()}`)!,
        identityPolicies: guardrails.get(`audit-${j.toLowerCase()}`)!.identityPolicies,
        billingAccount: platform.billingAccount,
        jurisdiction: j,
        creator: platformDeployer,
      });
      auditLog.routeFolder(`${j.toLowerCase()}-folder`, this.folders.folderOf(j).name);
      auditLog.routeFolder(`audit-${j.toLowerCase()}-folder`, this.folders.auditFolderOf(j).name);
      auditLog.grantRead(group(platform.groups.securityResponders));
      new DataAccessAuditLogs(this, `audit-log-${j.toLowerCase()}-data-access`, { project: auditLog.project, services: AUDIT_PROJECT_DATA_ACCESS });
      new ProjectLien(this, `audit-log-${j.toLowerCase()}-lien`, { project: auditLog.project, reason: `Central audit log of ${j} (LOG-2); lifted only by an organization administrator` });
      const detection = new BreachDetection(this, `breach-detection-${j.toLowerCase()}`, {
        auditLog,
        securityEmail: platform.contacts.security,
        expectedIamChangers: this.deployer.appliers.map((d) => d.email),
        secretOperatorsGroup: platform.groups.platformAdmins,
      });
      const labels = new RequiredLabels({ tenant: PLATFORM_TENANT_LABEL, environment: environment.name, 'data-residency': rules.residencyLabel });
      Aspects.of(auditLog).add(labels);
      Aspects.of(detection).add(labels);
      auditLogs.set(j, auditLog);
      detectors.set(j, detection);
    }
    // The platform folder's own audit logs go to the home jurisdiction's bucket.
    auditLogs.get(home)!.routeFolder('platform-folder', this.folders.platform.name);
    this.auditLogs = auditLogs;
    this.breachDetection = detectors;

    // The platform's images, readable by every tenant workload account (each tenant folder's accounts).
    this.registry = new ContainerRegistry(this, 'registry', {
      projectId: this.sharedProject.projectId,
      jurisdiction: home,
      dependsOn: [apis.get('artifactregistry.googleapis.com')!],
    });
    for (const j of this.folders.jurisdictions) {
      const accounts: IWorkloadGrantee = {
        member: folderServiceAccounts(this.folders.folderOf(j).folderId),
        grantKey: `${j.toLowerCase()}-folder-accounts`,
        // The repository sits under the platform folder: its member restriction decides this grant.
        grantDependencies: guardrails.get('platform')!.identityPolicies,
      };
      this.registry.grantRead(accounts);
    }

    // What operators record in platform.yaml and the CI workflow after the first deploy.
    new TerraformOutput(this, 'tenant_folders', {
      description: 'Record these in platform.yaml tenantFolders',
      value: Object.fromEntries(this.folders.jurisdictions.map((j) => [j, this.folders.folderOf(j).name])),
    });
    new TerraformOutput(this, 'ci_workload_identity', {
      description: 'The repository variables of the deploy workflows (docs/ci.md): provider and service account of each CI identity',
      value: {
        plan_provider: this.deployer.plan.provider.name,
        plan_service_account: this.deployer.plan.email,
        platform_provider: this.deployer.platform.provider.name,
        platform_service_account: this.deployer.platform.email,
        // <STAGE>_GCP_TENANT_DEPLOYERS, as JSON: {"EEA": {"provider": ..., "service_account": ...}, ...}
        tenant_deployers: Object.fromEntries(
          [...this.deployer.tenants].map(([j, d]) => [j, { provider: d.provider.name, service_account: d.email }]),
        ),
      },
    });
  }
}
