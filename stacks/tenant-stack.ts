/**
 * TenantStack: one per tenant, `tenant-<env>-<tenant>`, with its own remote state. It stands up the
 * tenant's project and its compliance baseline; the data plane is composed on top of `project`.
 */
import { Construct } from 'constructs';
import { Aspects, GcsBackend, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GoogleBetaProvider } from '@cdktf/provider-google-beta/lib/provider';
import type { EnvironmentConfig, ResolvedTenant } from '../config/loader';
import { jurisdictionRules } from '../config/jurisdictions';
import { runtimeAccountIds, tenantStackName } from '../config/naming';
import { RequiredLabels } from '../constructs/required-labels';
import { TenantProject } from '../constructs/tenant-project';
import { LogRetention } from '../constructs/log-retention';
import { DataAccessAuditLogs } from '../constructs/data-access-audit-logs';
import { EssentialContacts } from '../constructs/essential-contacts';
import { ProjectSecretAccessDetection } from '../constructs/project-secret-access-detection';
import { HandoverAdmission } from '../constructs/handover-admission';
import { SupportAccess } from '../constructs/support-access';
import { TenantDataPlane } from '../constructs/tenant-data-plane';
import { ProjectHandoff } from '../constructs/project-handoff';
import { releaseFromState } from '../constructs/state-release';
import { requireTerraformVersion } from './required-terraform';

export interface TenantStackProps {
  readonly environment: EnvironmentConfig;
  readonly tenant: ResolvedTenant;
}

export class TenantStack extends TerraformStack {
  readonly tenant: ResolvedTenant;
  readonly environment: EnvironmentConfig;
  readonly project: TenantProject;
  readonly dataPlane: TenantDataPlane;

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
    // (google_project_service_identity, see ServiceAgents); same region as the GA provider.
    const beta = ownsProject ? new GoogleBetaProvider(this, 'google-beta', { region: tenant.region }) : undefined;
    // HAND-1: from the transfer phase on, the project sits in the customer's organization and billing.
    const handover = tenant.lifecycle.handover;
    const phase = lifecycle.handoverPhase;
    const transferred = handover !== undefined && lifecycle.transferred;
    this.project = new TenantProject(this, 'project', {
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
    });

    const handoff =
      phase && handover
        ? new ProjectHandoff(this, 'handoff', { project: this.project, phase, customerOwnerGroup: handover.customerOwnerGroup })
        : undefined;
    // IAM-7: the customer's organization is admitted on this project only, until release.
    if (handoff && handover && phase !== 'release') {
      new HandoverAdmission(this, 'handover-admission', {
        project: this.project,
        ownOrganizationId: platform.organization.id,
        customerOrganizationId: handover.customerOrganizationId,
      }).admit(handoff.customerOwnerGrant);
    }

    // Project-wide settings only in a project we own; a customer's project keeps its own (HAND-2).
    const kept: Construct[] = [];
    if (ownsProject) {
      kept.push(new LogRetention(this, 'log-retention', { project: this.project, jurisdiction: tenant.jurisdiction }));
      kept.push(new DataAccessAuditLogs(this, 'data-access-audit-logs', { project: this.project }));
      new EssentialContacts(this, 'essential-contacts', {
        project: this.project,
        securityEmails: [tenant.contacts.security, platform.contacts.security],
        legalEmails: [tenant.contacts.privacy ?? tenant.contacts.security, platform.contacts.legal],
      });
      // BRE-1: another tenant's workload reading this project's secrets alerts the security contact.
      new ProjectSecretAccessDetection(this, 'secret-access-detection', {
        project: this.project,
        accountIds: runtimeAccountIds(tenant),
        securityEmail: platform.contacts.security,
      });
      // IAM-5: the support group's time-bound grants (npm run support-access).
      if (tenant.supportAccess.length > 0 && !lifecycle.released) {
        new SupportAccess(this, 'support-access', {
          project: this.project,
          supportGroup: platform.groups.support,
          grants: tenant.supportAccess,
          target: { region: tenant.region, jurisdiction: tenant.jurisdiction },
        });
      }
    }

    // The services that carry the tenant's data (DPA Annex I A.5-A.10, Section C).
    this.dataPlane = new TenantDataPlane(this, 'data-plane', { tenant, platform, project: this.project });

    if (lifecycle.released && handoff) {
      // HAND-1 release: the project, the customer's ownership, its settings and the warehouse data
      // leave our state without being destroyed; our workloads, grants, secrets and contacts are
      // no longer declared, so the apply destroys them (their protection was lifted at transfer).
      // The warehouse keys, their key rings and BigQuery's grants on them go with the warehouse:
      // destroying them would crypto-shred the customer's data (ENC-2, DEL-2).
      releaseFromState(this, [
        this.project,
        handoff,
        ...kept,
        ...this.dataPlane.warehouse.storageResources,
        ...(this.dataPlane.keys?.warehouseEncryption ?? []),
      ]);
      this.node.tryRemoveChild('data-plane');
      this.node.tryRemoveChild('essential-contacts');
      this.node.tryRemoveChild('secret-access-detection');
    }
  }
}
