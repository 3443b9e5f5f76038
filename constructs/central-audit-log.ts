/**
 * CentralAuditLog: one jurisdiction's central audit log (LOG-2, DPA Annex II 4 and 8). A platform
 * logging project in the jurisdiction holds a locked log bucket in the jurisdiction's log location;
 * aggregated folder sinks route the Admin Activity, Data Access and Policy Denied audit logs of every
 * project under a folder into it. Each sink's writer identity may write to that one bucket and
 * nothing else. Because the bucket is locked, nobody (Smart Segments included) can shorten the
 * retention or delete the bucket while it holds logs, so the record outlives an incident.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingFolderSink } from '@cdktf/provider-google/lib/logging-folder-sink';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { assertGrantable, grantKey, roleKey } from './grant-policy';
import type { IGrantee } from './principal';
import { TenantProject } from './tenant-project';
import type { LoggingLocation } from './logging-location';
import { AUDIT_LOG_RETENTION_DAYS, STANDARD_LOG_RETENTION_DAYS } from '../policy/dpa';



/** Cloud Logging's maximum bucket retention. */
const MAX_RETENTION_DAYS = 3650;

/**
 * What the sinks route: Admin Activity and Data Access audit logs (LOG-2), plus Policy Denied logs,
 * which record requests a guardrail refused (a denied service account key creation, for example).
 */
export const AUDIT_LOG_FILTER = [
  'LOG_ID("cloudaudit.googleapis.com/activity")',
  'LOG_ID("cloudaudit.googleapis.com/data_access")',
  'LOG_ID("cloudaudit.googleapis.com/policy")',
].join(' OR ');

export interface CentralAuditLogProps {
  /** The logging project's id (config/naming.ts auditLogProjectId). */
  readonly projectId: string;
  /** The folder the logging project is created in (numeric id): its jurisdiction's folder, so the folder's location policy covers it. */
  readonly folderId: string;
  /**
   * The logging settings of that folder: the project waits for them, so its own `_Default` and
   * `_Required` buckets are created in the jurisdiction (RES-4), not in `global`.
   */
  readonly folderLoggingLocation: LoggingLocation;
  /**
   * The folder's domain-restricted sharing policies (OrganizationPolicies.identityPolicies): grants in
   * the logging project, to the sinks' Google-managed writer identities above all, wait for them. Default none.
   */
  readonly identityPolicies?: readonly ITerraformDependable[];
  readonly billingAccount: string;
  /** The deployer that applies the stack, so creates the project; its implicit roles/owner is removed (IAM-1). */
  readonly creator?: IGrantee;
  /** Whose logs these are; the bucket is created in this jurisdiction's log location. */
  readonly jurisdiction: Jurisdiction;
  /** Days to keep audit logs. Default AUDIT_LOG_RETENTION_DAYS (policy/dpa.ts); must be an integer from 31 to 3650. */
  readonly retentionDays?: number;
  /** Log bucket id. Default `central-audit`. */
  readonly bucketId?: string;
}

export class CentralAuditLog extends Construct {
  readonly project: TenantProject;
  readonly bucket: LoggingProjectBucketConfig;
  readonly retentionDays: number;
  /** The bucket's Cloud Logging location. */
  readonly location: string;
  readonly bucketId: string;
  /** `projects/<p>/locations/<l>/buckets/<b>`, known before apply. */
  readonly bucketPath: string;
  /** The sinks routing into this bucket, by construct id. */
  private readonly sinks = new Map<string, LoggingFolderSink>();
  private readonly identityPolicies: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: CentralAuditLogProps) {
    super(scope, id);
    this.retentionDays = props.retentionDays ?? AUDIT_LOG_RETENTION_DAYS;
    if (!Number.isInteger(this.retentionDays) || this.retentionDays <= STANDARD_LOG_RETENTION_DAYS || this.retentionDays > MAX_RETENTION_DAYS) {
      throw new Error(
        `CentralAuditLog ${props.projectId}: retentionDays must be an integer above the ${STANDARD_LOG_RETENTION_DAYS}-day standard and at most ${MAX_RETENTION_DAYS} (LOG-2), got ${this.retentionDays}`,
      );
    }
    this.bucketId = props.bucketId ?? 'central-audit';
    this.location = jurisdictionRules(props.jurisdiction).logLocation;
    this.bucketPath = `projects/${props.projectId}/locations/${this.location}/buckets/${this.bucketId}`;
    this.identityPolicies = props.identityPolicies ?? [];

    this.project = new TenantProject(this, 'project', {
      projectId: props.projectId,
      displayName: `Audit logs ${props.jurisdiction}`,
      ownership: 'smart-segments',
      folderId: props.folderId,
      billingAccount: props.billingAccount,
      deletionPolicy: 'PREVENT',
      creator: props.creator,
    });
    props.folderLoggingLocation.precede(this.project.project!);
    const logging = this.project.enableApi('logging.googleapis.com');
    this.bucket = new LoggingProjectBucketConfig(this, 'bucket', {
      project: props.projectId,
      bucketId: this.bucketId,
      location: this.location,
      retentionDays: this.retentionDays,
      // Locked: the retention can never be shortened and the bucket cannot be deleted while it holds logs.
      locked: true,
      description: `Central audit log (${props.jurisdiction}): Admin Activity, Data Access and Policy Denied audit logs, kept ${this.retentionDays} days (LOG-2)`,
      dependsOn: logging ? [logging] : [],
      lifecycle: { preventDestroy: true },
    });
  }

  /**
   * Routes the audit logs of every project under `folderName` (include_children) into this bucket,
   * and lets the sink's writer identity write to this bucket only.
   */
  routeFolder(id: string, folderName: string): LoggingFolderSink {
    if (this.sinks.has(id)) throw new Error(`CentralAuditLog ${this.bucketPath}: a sink "${id}" is already routed here`);
    const sink = new LoggingFolderSink(this, `${id}-sink`, {
      name: 'central-audit-log',
      description: `Audit logs of every project under the folder, to ${this.bucketPath} (LOG-2)`,
      folder: folderName,
      destination: `logging.googleapis.com/${this.bucketPath}`,
      filter: AUDIT_LOG_FILTER,
      includeChildren: true,
      // The projects keep their own copies too: interception would strip tenants of their _Required logs.
      interceptChildren: false,
      // The destination bucket (and through it the logging project and its Logging API) exists first.
      dependsOn: [this.bucket],
    });
    const role = 'roles/logging.bucketWriter';
    assertGrantable({ role, grantee: { member: sink.writerIdentity }, resource: `log bucket ${this.bucketPath}` });
    // Log buckets have no IAM policy of their own: the grant is on the project, narrowed by a
    // condition to this bucket (the resource name ends the same whether it carries the project id or number).
    new ProjectIamMember(this, `${id}-writer`, {
      project: this.project.projectId,
      role,
      member: sink.writerIdentity,
      condition: {
        title: `${id}-writes-${this.bucketId}-only`,
        description: `The ${id} folder sink may write to ${this.bucketPath} and nothing else`,
        expression: `resource.name.endsWith("/locations/${this.location}/buckets/${this.bucketId}")`,
      },
      // The writer is a Google-managed identity (service-folder-<n>@gcp-sa-logging): the folder's
      // domain-restricted sharing must admit it before the grant (docs/domain-restricted-sharing.md).
      dependsOn: [this.bucket, ...this.identityPolicies],
    });
    this.sinks.set(id, sink);
    return sink;
  }

  /** Lets `grantee` read every log in the bucket, Data Access logs included, and nothing else in the project. */
  grantRead(grantee: IGrantee): ProjectIamMember {
    const role = 'roles/logging.viewAccessor';
    assertGrantable({ role, grantee, resource: `log bucket ${this.bucketPath}` });
    return new ProjectIamMember(this, `read-${roleKey(role)}-${grantKey(grantee)}`, {
      project: this.project.projectId,
      role,
      member: grantee.member,
      condition: {
        title: `reads-${this.bucketId}-only`,
        description: `Read access to the _AllLogs view of ${this.bucketPath} only`,
        expression: `resource.name.endsWith("/locations/${this.location}/buckets/${this.bucketId}/views/_AllLogs")`,
      },
      dependsOn: [this.bucket, ...this.identityPolicies],
    });
  }
}
