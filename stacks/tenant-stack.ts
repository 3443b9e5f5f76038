/**
 * TenantStack: one per tenant, `tenant-<env>-<tenant>`, with its own remote state. It stands up the
 * tenant's project and its compliance baseline; the data plane is composed on top of `project`. In a
 * handover's release it builds only what remains: the removed blocks and the release's last step.
 */
import { Construct } from 'constructs';
import { App, Aspects, GcsBackend, TerraformDataSource, TerraformResource } from 'cdktf';
import { tenantLifecycle } from '../config/lifecycle';
import { SelfContainedStack } from './self-contained-stack';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { EnvironmentConfig, ResolvedTenant } from '../config/loader';
import { jurisdictionRules } from '../config/jurisdictions';
import { runtimeAccountIds, serviceAccountEmail, sharedProjectId, tenantDeployerId, tenantStackName } from '../config/naming';
import { group, serviceAccount } from '../constructs/principal';
import { suppress } from '../compliance/suppressions';
import { RequiredLabels } from '../constructs/required-labels';
import { TenantProject } from '../constructs/tenant-project';
import { LogRetention } from '../constructs/log-retention';
import { DataAccessAuditLogs } from '../constructs/data-access-audit-logs';
import { EssentialContacts } from '../constructs/essential-contacts';
import { ProjectSecretAccessDetection } from '../constructs/project-secret-access-detection';
import { HandoverAdmission } from '../constructs/handover-admission';
import { SupportAccess } from '../constructs/support-access';
import { OffboardingTagBinding } from '../constructs/offboarding-tag-binding';
import { TenantDataPlane } from '../constructs/tenant-data-plane';
import { ProjectHandoff } from '../constructs/project-handoff';
import { assertReleasable, declareReleased, releasedGrants, releasedResources, type ReleasedResource } from '../constructs/state-release';
import { handoverPermissions, type StackItem } from '../compliance/deployability/handover-permissions';
import { requireTerraformVersion } from './required-terraform';

/** The service account id of the plan identity (constructs/ci-deployer-identity.ts). */
const PLANNER_ACCOUNT_ID = 'ci-plan';

export interface TenantStackProps {
  readonly environment: EnvironmentConfig;
  readonly tenant: ResolvedTenant;
}

export class TenantStack extends SelfContainedStack {
  readonly tenant: ResolvedTenant;
  readonly environment: EnvironmentConfig;
  private readonly builtProject?: TenantProject;
  private readonly builtDataPlane?: TenantDataPlane;
  readonly handoff?: ProjectHandoff;
  /** The release's removed-block addresses (HAND-1). */
  readonly released?: readonly string[];

  constructor(scope: Construct, props: TenantStackProps) {
    const { environment, tenant } = props;
    const name = tenantStackName(environment.name, tenant.id);
    super(scope, name);
    this.tenant = tenant;
    this.environment = environment;
    const platform = environment.platform;
    const residency = jurisdictionRules(tenant.jurisdiction);
    // Every lifecycle decision below is read from the one view the loader computed (config/lifecycle.ts).
    const lifecycle = tenant.lifecycleView;
    const protection = lifecycle.protection;

    // CI-1: remote state per stack, in the versioned platform state bucket.
    new GcsBackend(this, { bucket: platform.stateBucket.name, prefix: `stacks/${name}` });
    new GoogleProvider(this, 'google', { region: tenant.region });
    requireTerraformVersion(this);

    // ISO-3: every labelable resource carries these three labels.
    Aspects.of(this).add(
      new RequiredLabels({ tenant: tenant.id, environment: environment.name, 'data-residency': residency.residencyLabel }),
    );

    const ownsProject = lifecycle.ownsProject;
    // In a project we create, service agents are created on request, which only google-beta can
    // (google_project_service_identity, see ServiceAgents); same region as the GA provider. Kept in
    // the release: Terraform needs the provider of every resource it destroys there.
    const beta = ownsProject ? new GoogleBetaProvider(this, 'google-beta', { region: tenant.region }) : undefined;
    const handover = tenant.lifecycle.handover;
    const phase = lifecycle.handoverPhase;
    // The jurisdiction's tenant deployer creates, moves and releases the project.
    const deployer = serviceAccount(serviceAccountEmail(sharedProjectId(platform), tenantDeployerId(tenant.jurisdiction)));
    // The plan identity of every stack (constructs/ci-deployer-identity.ts), which a handover's read role reaches the moved project with.
    const planner = serviceAccount(serviceAccountEmail(sharedProjectId(platform), PLANNER_ACCOUNT_ID));

    if (lifecycle.released && handover) {
      // HAND-1 release: only what remains declared is built (issue 10). What the customer keeps leaves
      // state through removed blocks (the one table of state-release.ts); everything else of ours
      // is no longer declared, so the apply destroys it (its protection was lifted at prepare), but
      // every grant, which it forgets. The release's last step removes the handover grants, and nothing else.
      this.released = declareReleased(this, TenantStack.releasedAtRelease(environment, tenant, App.of(this).outdir));
      this.handoff = new ProjectHandoff(this, 'handoff', {
        projectId: tenant.projectId,
        phase: 'release',
        customerAdminGroup: handover.customerOwnerGroup,
        customerOrganizationId: handover.customerOrganizationId,
        sourceFolder: platform.tenantFolders[tenant.jurisdiction] ?? '',
        deployer,
        planner,
        administrators: group(platform.groups.platformAdmins),
        removeOwnAccess: lifecycle.ownAccessRemoved,
      });
      return;
    }

    // HAND-1: from the transfer phase on, the project sits in the customer's organization and billing.
    const transferred = handover !== undefined && lifecycle.transferred;
    const project = new TenantProject(this, 'project', {
      projectId: tenant.projectId,
      displayName: tenant.displayName,
      ownership: ownsProject ? 'smart-segments' : 'customer',
      folderId: ownsProject && !transferred ? platform.tenantFolders[tenant.jurisdiction] : undefined,
      organizationId: transferred ? handover.customerOrganizationId : undefined,
      billingAccount: !ownsProject ? undefined : transferred ? handover.customerBillingAccount : platform.billingAccount,
      deletionPolicy: protection.projectDeletionPolicy,
      // LLM-1: the customer's restriction on LLM-assisted support is visible on its project.
      projectLabels: { 'llm-support': tenant.llmSupport },
      betaProvider: beta,
      // The deployer creates the project, and gives back the owner role that brings (IAM-1).
      creator: ownsProject ? deployer : undefined,
    });

    // Project-wide settings only in a project we own; a customer's project keeps its own (HAND-2).
    if (ownsProject) {
      new LogRetention(this, 'log-retention', { project: project, jurisdiction: tenant.jurisdiction });
      new DataAccessAuditLogs(this, 'data-access-audit-logs', { project: project });
      new EssentialContacts(this, 'essential-contacts', {
        project: project,
        securityEmails: [tenant.contacts.security, platform.contacts.security],
        legalEmails: [tenant.contacts.privacy ?? tenant.contacts.security, platform.contacts.legal],
      });
      // BRE-1: another tenant's workload reading this project's secrets alerts the security contact.
      new ProjectSecretAccessDetection(this, 'secret-access-detection', {
        project: project,
        accountIds: runtimeAccountIds(tenant),
        securityEmail: platform.contacts.security,
      });
      // The deny policies let CI destroy key versions only in a project tagged offboarding (constructs/ci-deny-policies.ts).
      if (lifecycle.offboarding && lifecycle.inTenantFolder) {
        new OffboardingTagBinding(this, 'offboarding-tag', { project, organizationId: platform.organization.id, environment: environment.name });
      }
      // IAM-5: the support group's time-bound grants (npm run support-access).
      if (tenant.supportAccess.length > 0) {
        new SupportAccess(this, 'support-access', {
          project,
          supportGroup: platform.groups.support,
          grants: tenant.supportAccess,
          target: { region: tenant.region, jurisdiction: tenant.jurisdiction },
        });
      }
    }

    // The services that carry the tenant's data (DPA Annex I A.5-A.10, Section C).
    const dataPlane = new TenantDataPlane(this, 'data-plane', { tenant, platform, project });
    this.builtProject = project;
    this.builtDataPlane = dataPlane;

    if (phase && handover) {
      // IAM-7: the customer's organization is admitted on this project only, until release.
      const admission = new HandoverAdmission(this, 'handover-admission', {
        project: project,
        ownOrganizationId: platform.organization.id,
        customerOrganizationId: handover.customerOrganizationId,
      });
      this.handoff = new ProjectHandoff(this, 'handoff', {
        projectId: tenant.projectId,
        project: project,
        phase,
        customerAdminGroup: handover.customerOwnerGroup,
        customerOrganizationId: handover.customerOrganizationId,
        sourceFolder: platform.tenantFolders[tenant.jurisdiction]!,
        deployer,
        planner,
        administrators: group(platform.groups.platformAdmins),
        moverGrantExpires: lifecycle.moverGrantExpires,
        admission,
      });
      for (const grant of Object.values(this.handoff.handoverGrants ?? {})) {
        suppress(
          grant,
          'IAM-2/resource-level-grants',
          "the handover roles reach every resource of the stack in the project once it has left the tenant folder (policy/handover.ts); each expires with the move grant and HAND-1/handover-grants checks it",
        );
      }
      if (this.handoff.moverGrant) {
        suppress(
          this.handoff.moverGrant,
          'IAM-2/resource-level-grants',
          "the deployer, not a workload, needs resourcemanager.projects.move on the project's current parent to move it (cloud.google.com/resource-manager/docs/assign-iam-roles); the grant expires by its IAM condition and HAND-1/move-prerequisites checks it",
        );
      }
      // The release names these addresses; prove now that they are the ones this stack declares.
      const listed = releasedResources(tenant);
      assertReleasable(this, listed);
      const released = [...listed, ...releasedGrants(this, listed)];
      // The handover roles hold what this stack's resources need once the project has left the folder.
      this.handoff.limitHandoverRoles(handoverPermissions(this.handoverItems(released)));
    }
  }

  /**
   * What the release removes from state: the table of state-release.ts and every IAM member the
   * handover's earlier phases declare, read from a transfer-phase tree built for the purpose (the
   * release builds nothing of its own; nothing of that tree is synthesized).
   */
  static releasedAtRelease(environment: EnvironmentConfig, tenant: ResolvedTenant, outdir: string): ReleasedResource[] {
    const lifecycle = { ...tenant.lifecycle, state: 'handover-transfer' as const };
    // The real App's output folder, which exists: an App without one would create cdktf.out (or CDKTF_OUTDIR) in the working directory.
    const transfer = new TenantStack(new App({ outdir, skipValidation: true }), {
      environment,
      tenant: { ...tenant, lifecycle, lifecycleView: tenantLifecycle({ warehouse: tenant.warehouse, lifecycle }) },
    });
    const listed = releasedResources(tenant);
    return [...listed, ...releasedGrants(transfer, listed)];
  }

  /**
   * Every resource and data source in the tenant project, and whether the release destroys it. The
   * folder's export policy and move grant are not in the project: the release destroys them on the
   * folder (HAND-1/move-prerequisites), where no handover role reaches.
   */
  private handoverItems(released: readonly ReleasedResource[]): StackItem[] {
    const keep = new Set(released.map((r) => r.path.join('/')));
    const items: StackItem[] = [];
    for (const c of this.node.findAll()) {
      if (!(c instanceof TerraformResource) && !(c instanceof TerraformDataSource)) continue;
      if (c.terraformResourceType === 'google_folder_iam_member') continue;
      if (c.terraformResourceType === 'google_org_policy_policy') {
        // The literal parent as it will be synthesized (the getter would return a token).
        const parent = (c as unknown as { synthesizeAttributes(): Record<string, unknown> }).synthesizeAttributes().parent;
        if (typeof parent === 'string' && parent.startsWith('folders/')) continue;
      }
      const path = c.node.scopes.slice(c.node.scopes.indexOf(this) + 1).map((s) => s.node.id).join('/');
      items.push({ kind: c instanceof TerraformResource ? 'resource' : 'data', type: c.terraformResourceType, destroyedByRelease: c instanceof TerraformResource && !keep.has(path) });
    }
    return items;
  }

  /** The tenant's project; a handover's release builds none (HAND-1), so asking for it there is a mistake. */
  get project(): TenantProject {
    if (!this.builtProject) throw new Error(`${this.node.id}: the handover release builds no project (it is the customer's, released from state)`);
    return this.builtProject;
  }

  /** The tenant's data plane; a handover's release builds none (HAND-1). */
  get dataPlane(): TenantDataPlane {
    if (!this.builtDataPlane) throw new Error(`${this.node.id}: the handover release builds no data plane (Smart Segments processes nothing there)`);
    return this.builtDataPlane;
  }
}
