/**
 * The tenant project's `_Default` log bucket: logs kept 30 days (LOG-1, DPA Annex II 4) and stored
 * in the tenant's jurisdiction (RES-4). A log bucket cannot be built here without a retention.
 */
import { Construct } from 'constructs';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { type Jurisdiction, jurisdictionRules } from '../config/jurisdictions';
import { STANDARD_LOG_RETENTION_DAYS } from '../policy/dpa';
import type { TenantProject } from './tenant-project';


export interface LogRetentionProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** Days to keep logs. Default STANDARD_LOG_RETENTION_DAYS (the DPA's standard); must be 1-3650. */
  readonly retentionDays?: number;
}

export class LogRetention extends Construct {
  readonly bucket: LoggingProjectBucketConfig;
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: LogRetentionProps) {
    super(scope, id);
    this.retentionDays = props.retentionDays ?? STANDARD_LOG_RETENTION_DAYS;
    if (!Number.isInteger(this.retentionDays) || this.retentionDays < 1 || this.retentionDays > 3650) {
      throw new Error(`LogRetention: retentionDays must be an integer from 1 to 3650, got ${this.retentionDays}`);
    }
    const api = props.project.enableApi('logging.googleapis.com');
    this.bucket = new LoggingProjectBucketConfig(this, 'default-bucket', {
      project: props.project.projectId,
      bucketId: '_Default',
      // The _Default bucket is created with the project; its location comes from the folder's
      // logging settings (PlatformStack). Naming it here makes a mismatch fail the apply.
      location: jurisdictionRules(props.jurisdiction).logLocation,
      retentionDays: this.retentionDays,
      dependsOn: api ? [api] : [],
    });
  }
}
