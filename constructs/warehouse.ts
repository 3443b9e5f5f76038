/**
 * Warehouse (DPA A.7): the tenant's BigQuery dataset, in the jurisdiction (the EU multi-region for
 * EEA tenants, RES-1). Deleted data leaves the live system within the 48-hour time-travel window and
 * BigQuery's 7-day fail-safe, 9 days in all, inside the 14 days of DPA 10.1 (RET-3). While the
 * tenant is served the dataset cannot be destroyed; only offboarding lifts that. Access is granted on
 * the dataset itself: edit for the dbt transformation account (SUB-1), read for the MCP endpoint.
 * The dataset is created with an explicit access list, the project's owners only (nobody holds
 * roles/owner: IAM-1, and the creator's is removed at creation), so no deployer is ever its OWNER
 * (IAM-1/dataset-creator-access); once a handover gives the project to the customer, its owners are.
 * Given the tenant's keys, the dataset's default encryption is the tenant's warehouse key in the
 * KMS location of the dataset (KMS `europe` for the `EU` multi-region), which BigQuery's encryption
 * account may use before the dataset is created (ENC-2). The default applies to tables created
 * after it is set; tables that existed before keep the key they were created with.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { WAREHOUSE_DATASET_ID } from '../config/naming';
import { assertGrantable, grantDependencies, grantKey, roleKey } from './grant-policy';
import type { IGrantee } from './principal';
import type { EncryptionKey, StoreEncryption } from './tenant-keys';
import type { TenantProject } from './tenant-project';
import { MAX_TIME_TRAVEL } from '../policy/dpa';


const DATASET_ID = /^[A-Za-z_][A-Za-z0-9_]{0,1023}$/;

export interface WarehouseProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** The tenant's region; the location when the jurisdiction has no multi-region. */
  readonly region: string;
  /** Dataset id. Default `smart_segments`. */
  readonly datasetId?: string;
  /** Protect the dataset and its tables from destroy. Default true; false only when offboarding. */
  readonly protectData?: boolean;
  /** Encrypt the dataset's tables with the tenant's warehouse key (ENC-2). Default: Google-managed encryption. */
  readonly encryption?: StoreEncryption;
}

export class Warehouse extends Construct {
  readonly dataset: BigqueryDataset;
  readonly datasetId: string;
  readonly location: string;
  readonly projectId: string;
  readonly protectData: boolean;
  /** The key the dataset's tables are encrypted with, when the warehouse has one (ENC-2). */
  readonly encryptionKey?: EncryptionKey;
  private readonly tables = new Map<string, BigqueryTable>();

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    const rules = jurisdictionRules(props.jurisdiction);
    if (!rules.regions.includes(props.region)) {
      throw new Error(`Warehouse ${this.node.path}: region "${props.region}" is not in jurisdiction ${props.jurisdiction} (RES-1); allowed: ${rules.regions.join(', ')}`);
    }
    this.datasetId = props.datasetId ?? WAREHOUSE_DATASET_ID;
    if (!DATASET_ID.test(this.datasetId)) {
      throw new Error(`Warehouse ${this.node.path}: datasetId "${this.datasetId}" may hold only letters, digits and underscores`);
    }
    this.location = rules.storageMultiRegion ?? props.region;
    this.projectId = props.project.projectId;
    this.protectData = props.protectData ?? true;
    const api = props.project.enableApi('bigquery.googleapis.com');
    const deps: ITerraformDependable[] = api ? [api] : [];
    if (props.encryption) {
      this.encryptionKey = props.encryption.keys.keyFor('warehouse', [this.location]);
      deps.push(this.encryptionKey.grantEncryptDecrypt(props.encryption.serviceAgents.agent('bigquery-encryption')));
    }
    this.dataset = new BigqueryDataset(this, 'dataset', {
      project: this.projectId,
      datasetId: this.datasetId,
      friendlyName: 'Smart Segments warehouse',
      description: 'Customer Data processed for the tenant (DPA Annex I A.5-A.7)',
      location: this.location,
      // BigQuery's shortest time travel, the longest that keeps the deletion promise with fail-safe (RET-3, BAK-1).
      maxTimeTravelHours: String(MAX_TIME_TRAVEL.hours),
      // Offboarding destroys the dataset with its tables; while served, destroy is refused twice over.
      deleteContentsOnDestroy: !this.protectData,
      labels: { 'data-class': 'customer-data' },
      defaultEncryptionConfiguration: this.encryptionKey ? { kmsKeyName: this.encryptionKey.keyName } : undefined,
      // An explicit list, so BigQuery adds no OWNER entry for the deployer that creates the dataset
      // (REST datasets `access`: "If unspecified at dataset creation time, BigQuery adds default
      // dataset access for ... [dataset creator email]: OWNER"). One entry, because the provider
      // sends no empty list (resource_bigquery_dataset.go v6.50.0, Create: IsEmptyValue).
      access: [{ role: 'OWNER', specialGroup: 'projectOwners' }],
      // The grant methods' dataset IAM members read-modify-write the same list
      // (iam_bigquery_dataset.go v6.50.0), and the provider docs warn they "fight" with `access`:
      // after creation the members own the entries, so this resource never rewrites them.
      lifecycle: { preventDestroy: this.protectData, ignoreChanges: ['access'] },
      dependsOn: deps,
    });
  }

  /** The resources that hold the customer's data (the dataset and its tables), without any grant. */
  get storageResources(): Construct[] {
    return [this.dataset, ...this.tables.values()];
  }

  /**
   * The landing table a Pub/Sub BigQuery subscription writes to: one row per message with Pub/Sub's
   * metadata columns, partitioned by publish day. Returns `{project}.{dataset}.{table}`.
   * `protect: false` lifts the table's delete protection while the dataset's stays (the feature that
   * writes it is retiring, config/lifecycle.ts featureProtection). Default: the dataset's protection.
   */
  addLandingTable(tableId: string, description: string, options: { readonly protect?: boolean } = {}): string {
    if (this.tables.has(tableId)) throw new Error(`Warehouse ${this.node.path}: table ${tableId} already exists`);
    const table = new BigqueryTable(this, `table-${tableId.replace(/_/g, '-')}`, {
      project: this.projectId,
      datasetId: this.dataset.datasetId,
      tableId,
      description,
      labels: { 'data-class': 'customer-data' },
      deletionProtection: options.protect ?? this.protectData,
      timePartitioning: { type: 'DAY', field: 'publish_time' },
      schema: JSON.stringify([
        { name: 'subscription_name', type: 'STRING', mode: 'NULLABLE', description: 'Pub/Sub subscription that wrote the row' },
        { name: 'message_id', type: 'STRING', mode: 'NULLABLE', description: 'Pub/Sub message id, for deduplicating redeliveries' },
        { name: 'publish_time', type: 'TIMESTAMP', mode: 'NULLABLE', description: 'When the webhook event was published' },
        { name: 'data', type: 'STRING', mode: 'NULLABLE', description: 'The source event payload (JSON)' },
        { name: 'attributes', type: 'STRING', mode: 'NULLABLE', description: 'Message attributes (JSON): source, event type' },
      ]),
    });
    this.tables.set(tableId, table);
    return `${this.projectId}.${this.datasetId}.${tableId}`;
  }

  /** Lets `grantee` read and write rows of one table (roles/bigquery.dataEditor on that table only). */
  grantTableWrite(tableId: string, grantee: IGrantee): BigqueryTableIamMember {
    const table = this.tables.get(tableId);
    if (!table) throw new Error(`Warehouse ${this.node.path}: no table ${tableId}; add it with addLandingTable first`);
    const role = 'roles/bigquery.dataEditor';
    assertGrantable({ role, grantee, resource: `google_bigquery_table ${this.datasetId}.${tableId}` });
    return new BigqueryTableIamMember(this, `table-${tableId.replace(/_/g, '-')}-${roleKey(role)}-${grantKey(grantee)}`, {
      project: this.projectId,
      datasetId: this.dataset.datasetId,
      tableId: table.tableId,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
  }

  /** Lets `grantee` create, change and delete tables and rows in the dataset (roles/bigquery.dataEditor). */
  grantEdit(grantee: IGrantee): BigqueryDatasetIamMember {
    return this.grant('roles/bigquery.dataEditor', grantee);
  }

  /** Lets `grantee` read the dataset's tables and rows (roles/bigquery.dataViewer). */
  grantRead(grantee: IGrantee): BigqueryDatasetIamMember {
    return this.grant('roles/bigquery.dataViewer', grantee);
  }

  private grant(role: string, grantee: IGrantee): BigqueryDatasetIamMember {
    assertGrantable({ role, grantee, resource: `google_bigquery_dataset ${this.datasetId}` });
    return new BigqueryDatasetIamMember(this, `${roleKey(role)}-${grantKey(grantee)}`, {
      project: this.projectId,
      datasetId: this.dataset.datasetId,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
  }
}
