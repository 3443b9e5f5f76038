/**
 * IntegrationJob (DPA A.8-A.10): for one integration the tenant activated, a scheduled Cloud Run job
 * that reads the tenant's warehouse and sends the configured fields to that one system. It runs as
 * its own account (`sync-<integration>`), reads only that integration's secret, reads the warehouse
 * and nothing else. The systems are the customer's recipients, not subprocessors (DPA 5.5).
 */
import { Construct } from 'constructs';
import { INTEGRATION_INFO, type Integration, type IntegrationCategory } from '../config/catalog';
import type { Jurisdiction } from '../config/jurisdictions';
import { integrationAccountId, integrationSchedulerAccountId, integrationSecretId } from '../config/naming';
import { IntegrationSecret } from './integration-secret';
import { ScheduledJob } from './scheduled-job';
import type { SecretRotationNotices } from './secret-rotation-notices';
import type { StoreEncryption } from './tenant-keys';
import type { TenantProject } from './tenant-project';
import type { Warehouse } from './warehouse';
import { WorkloadIdentity } from './workload-identity';

/**
 * How often each kind of integration syncs: audiences hourly, fiscal and invoicing records every
 * 15 minutes so receipts follow sales closely, operational systems every 6 hours.
 */
export const DEFAULT_SYNC_SCHEDULE: Readonly<Record<IntegrationCategory, string>> = {
  marketing: '0 * * * *',
  pos: '*/15 * * * *',
  other: '0 */6 * * *',
};

export interface IntegrationJobProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  readonly region: string;
  readonly integration: Integration;
  /** The integration-sync image, pinned by digest. */
  readonly image: string;
  readonly warehouse: Warehouse;
  readonly rotationNotices: SecretRotationNotices;
  /** unix-cron schedule. Default: DEFAULT_SYNC_SCHEDULE for the integration's category. */
  readonly schedule?: string;
  /** Delete protection on the job and its secret. Default true; lifted when offboarding or while the integration retires. */
  readonly protectData?: boolean;
  /**
   * Whether the secret's value has been added (the tenant's `populatedSecrets`). Until then only the
   * secret, the account and its grants exist: the job mounts the secret's latest version and could
   * not start without one (config/workload-secrets.ts). Default true.
   */
  readonly secretPopulated?: boolean;
  /** Encrypt the secret with the tenant's key (ENC-2). Default: Google-managed encryption. */
  readonly encryption?: StoreEncryption;
}

export class IntegrationJob extends Construct {
  readonly identity: WorkloadIdentity;
  readonly secret: IntegrationSecret;
  /** The scheduled job; undefined while the secret waits for its value. */
  readonly job?: ScheduledJob;
  readonly integration: Integration;

  constructor(scope: Construct, id: string, props: IntegrationJobProps) {
    super(scope, id);
    const info = INTEGRATION_INFO[props.integration];
    this.integration = props.integration;
    const protect = props.protectData ?? true;
    this.identity = new WorkloadIdentity(this, 'identity', {
      project: props.project,
      accountId: integrationAccountId(props.integration),
      displayName: `${info.displayName} sync`,
      description: `Sends the tenant's configured fields to ${info.displayName} (DPA ${info.dpaClause}); reads the warehouse only.`,
    });
    this.secret = new IntegrationSecret(this, 'secret', {
      project: props.project,
      jurisdiction: props.jurisdiction,
      secretId: integrationSecretId(props.integration),
      purpose: `${info.displayName} API credentials (DPA ${info.dpaClause})`,
      replicaLocations: [props.region],
      rotationNotices: props.rotationNotices,
      deletionProtection: protect,
      encryption: props.encryption,
    });
    props.warehouse.grantRead(this.identity);
    // IAM-2: project-level because BigQuery query jobs can only be created in a project.
    this.identity.grantProjectRole('roles/bigquery.jobUser');
    // Granted from the first apply, so it has propagated when the job appears (IAM changes propagate in typically 2, up to 7+ minutes: cloud.google.com/iam/docs/access-change-propagation).
    this.secret.grantAccess(this.identity);
    if (props.secretPopulated === false) return;
    this.job = new ScheduledJob(this, 'job', {
      project: props.project,
      jurisdiction: props.jurisdiction,
      region: props.region,
      name: `sync-${props.integration}`,
      description: `Sync to ${info.displayName} (DPA ${info.dpaClause})`,
      image: props.image,
      identity: this.identity,
      schedulerAccountId: integrationSchedulerAccountId(props.integration),
      schedule: props.schedule ?? DEFAULT_SYNC_SCHEDULE[info.category],
      env: {
        INTEGRATION: props.integration,
        WAREHOUSE_PROJECT: props.warehouse.projectId,
        WAREHOUSE_DATASET: props.warehouse.datasetId,
        WAREHOUSE_LOCATION: props.warehouse.location,
      },
      secrets: { INTEGRATION_CREDENTIALS: this.secret },
      deletionProtection: protect,
    });
  }
}
