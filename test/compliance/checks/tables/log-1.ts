/** LOG-1 (DPA Annex II 4, 10.3): logs are kept for a stated time; a tenant's _Default bucket 30 days. */
import { log1RetentionStated, log1TenantDefaultBucket } from '../../../../compliance/rules/log-1-log-retention';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const bucket = (type: string, values: Record<string, unknown>) => stackJson({ [type]: { b: { bucket_id: '_Default', ...values } } });
const projectBucket = (values: Record<string, unknown>) => bucket('google_logging_project_bucket_config', { project: ACME.projectId, ...values });

const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });

export const LOG_1_TABLES: CheckTable[] = [
  {
    check: log1RetentionStated,
    violating: [
      { name: 'project bucket without retention', json: projectBucket({}), address: 'google_logging_project_bucket_config.b' },
      { name: 'folder bucket without retention', kind: 'platform', json: bucket('google_logging_folder_bucket_config', { folder: 'folders/1' }) },
      { name: 'organization bucket without retention', kind: 'platform', json: bucket('google_logging_organization_bucket_config', {}) },
      { name: 'billing account bucket without retention', kind: 'platform', json: bucket('google_logging_billing_account_bucket_config', {}) },
    ],
    compliant: [
      { name: 'a number of days', json: projectBucket({ retention_days: 30 }) },
      { name: 'days as a string', kind: 'platform', json: bucket('google_logging_folder_bucket_config', { retention_days: '400' }), evidence: /_Default keeps logs 400 days/ },
    ],
    inapplicable: [{ name: 'no log bucket', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
  {
    check: log1TenantDefaultBucket,
    violating: [
      { name: '_Default kept 31 days', json: projectBucket({ retention_days: 31 }), address: 'google_logging_project_bucket_config.b', problem: /keeps logs 31 days, not the 30 days/ },
      { name: '_Default kept 29 days', json: projectBucket({ retention_days: 29 }) },
      { name: 'no _Default bucket set', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)' },
      { name: "only another bucket of the tenant's project", json: projectBucket({ bucket_id: 'audit', retention_days: 30 }) },
      { name: "only another project's _Default", json: projectBucket({ project: 'ssx-platform', retention_days: 30 }) },
    ],
    compliant: [
      { name: '_Default kept 30 days', json: projectBucket({ retention_days: 30 }) },
      { name: '30 as a string', json: projectBucket({ retention_days: '30' }), evidence: /keeps logs 30 days/ },
    ],
    inapplicable: [{ name: "the customer's own project (HAND-2)", reason: /the customer's own project: its log buckets are the customer's/, tenant: customerProject, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
];
