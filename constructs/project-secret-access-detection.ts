/**
 * ProjectSecretAccessDetection: in a tenant's own project, a log-based metric over the project's
 * Secret Manager Data Access logs (DataAccessAuditLogs turns them on) and an alert policy that emails
 * Smart Segments' security contact when a workload account of another project reads one of this
 * project's secrets (BRE-1, DPA 8.1: the 48-hour clock; ISO-2: tenant A's relay reading tenant B's
 * secret). Reads by a person or any other account alert centrally (BreachDetection on the
 * jurisdiction's audit log, whose filter names no tenant).
 *
 * Why here and not on the central audit log: only the tenant stack knows the tenant's accounts, so
 * onboarding a tenant changes only that tenant's stack; and Cloud Logging and Cloud Monitoring cap
 * user-defined log-based metrics and alert policies per project (https://cloud.google.com/logging/quotas,
 * https://cloud.google.com/monitoring/quotas), so one metric per tenant in a shared audit project
 * would reach a ceiling, while one per tenant project never does.
 */
import { Construct } from 'constructs';
import type { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import type { TenantProject } from './tenant-project';
import { breachDetector, projectSecretAccessFilter, requireEmail, securityChannel, type Detector } from './breach-detection';

export interface ProjectSecretAccessDetectionProps {
  /** The tenant project whose secrets are watched; one Smart Segments created. */
  readonly project: TenantProject;
  /** The project's own workload account ids, expected to read its secrets (config/naming.ts runtimeAccountIds). */
  readonly accountIds: readonly string[];
  /** Where alerts go (platform.yaml `contacts.security`). */
  readonly securityEmail: string;
}

export class ProjectSecretAccessDetection extends Construct {
  readonly channel: MonitoringNotificationChannel;
  readonly crossTenantSecretAccess: Detector;

  constructor(scope: Construct, id: string, props: ProjectSecretAccessDetectionProps) {
    super(scope, id);
    if (!props.project.isOwnedBySmartSegments) {
      throw new Error(
        `ProjectSecretAccessDetection ${props.project.projectId}: only a project Smart Segments created is watched here; a customer's own project keeps its own monitoring (HAND-2)`,
      );
    }
    requireEmail('ProjectSecretAccessDetection', props.securityEmail);
    const project = props.project.projectId;
    const filter = projectSecretAccessFilter(project, props.accountIds);
    // The APIs come after the project (TenantProject.enableApi depends on it), so both order the rest.
    const dependsOn = [props.project.enableApi('logging.googleapis.com')!, props.project.enableApi('monitoring.googleapis.com')!];
    this.channel = securityChannel(this, project, props.securityEmail, dependsOn);
    this.crossTenantSecretAccess = breachDetector(
      this,
      'cross-tenant-secret-access',
      filter,
      { project, channel: this.channel, dependsOn },
      {
        title: `Secret of ${project} read by another project's workload`,
        what: `A secret version in ${project} was read by a tenant workload account of another project.`,
        check: 'Which account (label principal) and which secret (protoPayload.resourceName): no tenant workload is granted another project\'s secrets (ISO-2), so rotate the credential at the provider.',
        entries: `the Data Access audit log of ${project} (and the jurisdiction's central audit log)`,
      },
    );
  }
}
