/** RES-4 (DPA 6.5, 10.3): log buckets, sink destinations and logging settings stay in the jurisdiction. */
import {
  res4DefaultLogBucket,
  res4FolderLogSettings,
  res4LogBucketLocation,
  res4OrganizationLogSettings,
  res4SinkDestination,
} from '../../../../compliance/rules/res-4-log-storage-location';
import { ACME, TABLE_PLATFORM, stackJson, tableTenant, type CheckTable } from '../table';
import { FOLDERS } from './org-policy-fixtures';

const UK = tableTenant({ jurisdiction: 'UK', region: 'europe-west2' });
const customerProject = tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } });
const bucket = (values: Record<string, unknown>) => ({ project: ACME.projectId, bucket_id: 'audit', ...values });
const buckets = (byName: Record<string, Record<string, unknown>>) => stackJson({ google_logging_project_bucket_config: byName });
const defaultBucket = (location: unknown, project = ACME.projectId) => ({ project, bucket_id: '_Default', location });
const sink = (destination: unknown, extra: Record<string, unknown> = {}, type = 'google_logging_project_sink') =>
  stackJson({ [type]: { s: { name: 's', ...(destination === undefined ? {} : { destination }), ...extra } } });
const logBucketPath = (loc: string) => `logging.googleapis.com/projects/ssx-audit-eea/locations/${loc}/buckets/audit`;
const settings = (byName: Record<string, Record<string, unknown>>, rest: Record<string, Record<string, Record<string, unknown>>> = {}) =>
  stackJson({ google_logging_folder_settings: byName, ...rest });
const RIGHT = {
  eea: { folder: FOLDERS.EEA, storage_location: 'eu' },
  uk: { folder: FOLDERS.UK, storage_location: 'europe-west2' },
  ch: { folder: FOLDERS.CH, storage_location: 'europe-west6' },
  au: { folder: FOLDERS.AU, storage_location: 'australia-southeast1' },
};
/** A first deploy: platform.yaml names no tenant folder yet; the stack creates the EEA and UK folders. */
const FIRST_DEPLOY = { tenantFolders: {} };
const newFolders = { google_folder: { eea: { display_name: 'tables-eea', parent: 'organizations/123456789012' }, uk: { display_name: 'tables-uk', parent: 'organizations/123456789012' } } };
const newFolderSettings = (uk: Record<string, unknown> | null = { folder: '${google_folder.uk.name}', storage_location: 'europe-west2' }) =>
  settings({ eea: { folder: '${google_folder.eea.name}', storage_location: 'eu' }, ...(uk ? { uk } : {}) }, newFolders);
const orgSettings = (values: Record<string, unknown>) => stackJson({ google_logging_organization_settings: { o: { organization: TABLE_PLATFORM.organization.id, ...values } } });

export const RES_4_TABLES: CheckTable[] = [
  {
    check: res4LogBucketLocation,
    violating: [
      { name: 'a bucket in global (no location)', json: buckets({ b: bucket({}) }), address: 'google_logging_project_bucket_config.b', problem: /^log bucket audit is in "global", outside EEA\.$/ },
      { name: 'a bucket in London for an EEA tenant', json: buckets({ b: bucket({ location: 'europe-west2' }) }), problem: /is in "europe-west2", outside EEA/ },
      { name: 'a location that is not a string', json: buckets({ b: bucket({ location: ['eu'] }) }), problem: /is in \["eu"\]/ },
      { name: 'a folder bucket of the platform in the US', kind: 'platform', json: stackJson({ google_logging_folder_bucket_config: { f: { folder: FOLDERS.EEA, bucket_id: '_Default', location: 'us' } } }), address: 'google_logging_folder_bucket_config.f' },
      { name: 'platform: a UK audit bucket in eu', kind: 'platform', json: buckets({ b: { project: 'ssx-audit-uk', bucket_id: 'audit', location: 'eu' } }), problem: /outside UK/ },
    ],
    compliant: [
      { name: 'a bucket in eu', json: buckets({ b: bucket({ location: 'eu' }) }), evidence: /^google_logging_project_bucket_config\.b: log bucket audit in eu \(EEA\)$/ },
      { name: 'a UK tenant in London', tenant: UK, json: buckets({ b: bucket({ location: 'europe-west2' }) }), evidence: /in europe-west2 \(UK\)/ },
      { name: 'platform: the UK audit bucket in London', kind: 'platform', json: buckets({ b: { project: 'ssx-audit-uk', bucket_id: 'audit', location: 'europe-west2' } }) },
    ],
    inapplicable: [{ name: 'no log bucket', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
  {
    check: res4DefaultLogBucket,
    violating: [
      { name: '_Default not configured', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), address: '(stack)', problem: /^the tenant project's _Default log bucket is not configured/ },
      { name: "another bucket, not _Default", json: buckets({ b: bucket({ location: 'eu' }) }), address: '(stack)' },
      { name: "another project's _Default", json: buckets({ b: defaultBucket('eu', 'ssx-other') }), address: '(stack)' },
      { name: '_Default in an EEA region, not eu', json: buckets({ d: defaultBucket('europe-west1') }), address: 'google_logging_project_bucket_config.d', problem: /^the _Default bucket names "europe-west1", not eu, the location the EEA folder's logging settings give new projects\.$/ },
      { name: 'a UK tenant, _Default in eu', tenant: UK, json: buckets({ d: defaultBucket('eu') }), problem: /not europe-west2/ },
    ],
    compliant: [
      { name: '_Default in eu', json: buckets({ d: defaultBucket('eu') }), evidence: /^google_logging_project_bucket_config\.d: _Default log bucket of ssx-acme in eu$/ },
      { name: 'a UK tenant, _Default in London', tenant: UK, json: buckets({ d: defaultBucket('europe-west2') }) },
    ],
    inapplicable: [{ name: "the customer's own project", tenant: customerProject, json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /its log buckets are the customer's/ }],
  },
  {
    check: res4SinkDestination,
    violating: [
      { name: 'no destination', json: sink(undefined), address: 'google_logging_project_sink.s', problem: /^the sink sends logs to , whose location the rule cannot read\.$/ },
      { name: 'a log bucket path behind a prefix', json: sink(`https://${logBucketPath('eu')}`), problem: /whose location the rule cannot read/ },
      { name: 'a log view path, not a bucket', json: sink(`${logBucketPath('eu')}/views/v`), problem: /whose location the rule cannot read/ },
      { name: 'a declared topic whose storage policy lists no regions', json: stackJson({ google_pubsub_topic: { t: { name: 'logs', message_storage_policy: {} } }, google_logging_project_sink: { s: { name: 's', destination: 'pubsub.googleapis.com/projects/ssx-acme/topics/logs' } } }), problem: /cannot read/ },
      { name: 'a log bucket path with an interpolated location', json: sink('logging.googleapis.com/projects/p/locations/${var.loc}/buckets/b'), problem: /whose location the rule cannot read/ },
      { name: 'a storage bucket outside the stack', json: sink('storage.googleapis.com/elsewhere'), problem: /storage\.googleapis\.com\/elsewhere, whose location/ },
      { name: 'an unknown service', json: sink('example.com/x') },
      { name: 'a log bucket in the US', json: sink(logBucketPath('us')), problem: /^the sink sends EEA logs to us\.$/ },
      { name: 'a dataset of the stack in the US', json: stackJson({ google_bigquery_dataset: { d: { dataset_id: 'logs', location: 'US' } }, google_logging_project_sink: { s: { name: 's', destination: 'bigquery.googleapis.com/projects/ssx-acme/datasets/logs' } } }), problem: /sends EEA logs to US/ },
      { name: 'a topic of the stack persisting in the US', json: stackJson({ google_pubsub_topic: { t: { name: 'logs', message_storage_policy: { allowed_persistence_regions: ['us-east1'] } } }, google_logging_project_sink: { s: { name: 's', destination: 'pubsub.googleapis.com/projects/ssx-acme/topics/logs' } } }), problem: /to us-east1/ },
      { name: 'a declared bucket whose location is an expression', json: stackJson({ google_storage_bucket: { b: { name: 'logs', location: '${var.loc}' } }, google_logging_project_sink: { s: { name: 's', destination: 'storage.googleapis.com/logs' } } }), problem: /cannot read/ },
      { name: 'a declared topic with no storage policy', json: stackJson({ google_pubsub_topic: { t: { name: 'logs' } }, google_logging_project_sink: { s: { name: 's', destination: 'pubsub.googleapis.com/projects/ssx-acme/topics/logs' } } }), problem: /cannot read/ },
      { name: 'platform: a sink on the UK folder to eu', kind: 'platform', json: sink(logBucketPath('eu'), { folder: FOLDERS.UK }, 'google_logging_folder_sink'), address: 'google_logging_folder_sink.s', problem: /sends UK logs to eu/ },
    ],
    compliant: [
      { name: 'a log bucket path in eu', json: sink(logBucketPath('eu')), evidence: /^google_logging_project_sink\.s: sink to eu \(EEA\)$/ },
      { name: 'a storage bucket of the stack in EU', json: stackJson({ google_storage_bucket: { b: { name: 'logs', location: 'EU' } }, google_logging_project_sink: { s: { name: 's', destination: 'storage.googleapis.com/logs' } } }), evidence: /sink to EU \(EEA\)/ },
      { name: 'a storage bucket of the stack, by reference', json: stackJson({ google_storage_bucket: { b: { name: 'logs', location: 'europe-west1' } }, google_logging_project_sink: { s: { name: 's', destination: 'storage.googleapis.com/${google_storage_bucket.b.name}' } } }), evidence: /sink to europe-west1/ },
      { name: 'a topic of the stack persisting in the EEA', json: stackJson({ google_pubsub_topic: { t: { name: 'logs', message_storage_policy: { allowed_persistence_regions: ['europe-west1'] } } }, google_logging_project_sink: { s: { name: 's', destination: 'pubsub.googleapis.com/projects/ssx-acme/topics/logs' } } }) },
      { name: 'a log bucket config of the stack', json: stackJson({ google_logging_project_bucket_config: { b: { project: ACME.projectId, bucket_id: 'audit', location: 'eu' } }, google_logging_project_sink: { s: { name: 's', destination: 'logging.googleapis.com/${google_logging_project_bucket_config.b.id}' } } }), evidence: /sink to eu/ },
      { name: 'platform: a sink on the UK folder to London', kind: 'platform', json: sink(logBucketPath('europe-west2'), { folder: FOLDERS.UK }, 'google_logging_folder_sink'), evidence: /sink to europe-west2 \(UK\)/ },
      { name: 'platform: an organization sink to eu', kind: 'platform', json: sink(logBucketPath('eu'), {}, 'google_logging_organization_sink') },
    ],
    inapplicable: [{ name: 'no sink', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }) }],
  },
  {
    check: res4FolderLogSettings,
    violating: [
      { name: 'no settings at all', kind: 'platform', json: settings({}), address: '(stack)', problem: /^the EEA folder has no logging settings, so its projects' log buckets are created in global\.$/ },
      { name: 'the UK folder lacks settings', kind: 'platform', json: settings({ eea: RIGHT.eea, ch: RIGHT.ch, au: RIGHT.au }), problem: /^the UK folder has no logging settings/ },
      { name: 'the CH folder stores logs in eu', kind: 'platform', json: settings({ ...RIGHT, ch: { folder: FOLDERS.CH, storage_location: 'eu' } }), address: 'google_logging_folder_settings.ch', problem: /^the CH folder stores logs in "eu"\.$/ },
      { name: 'the EEA folder stores logs in an EEA region, not eu', kind: 'platform', json: settings({ ...RIGHT, eea: { folder: FOLDERS.EEA, storage_location: 'europe-west1' } }), address: 'google_logging_folder_settings.eea' },
      { name: 'no storage location', kind: 'platform', json: settings({ ...RIGHT, au: { folder: FOLDERS.AU } }), problem: /stores logs in undefined/ },
      { name: 'first deploy: a folder the stack creates lacks settings', kind: 'platform', platform: FIRST_DEPLOY, json: newFolderSettings(null), address: '(stack)', problem: /^the UK folder has no logging settings/ },
    ],
    compliant: [
      { name: 'every folder its log location', kind: 'platform', json: settings(RIGHT), evidence: /^google_logging_folder_settings\.au: AU folder logs stored in australia-southeast1$/ },
      { name: 'first deploy: the folders the stack creates, and only those, judged', kind: 'platform', platform: FIRST_DEPLOY, json: newFolderSettings(), evidence: /^google_logging_folder_settings\.uk: UK folder logs stored in europe-west2$/ },
    ],
  },
  {
    check: res4OrganizationLogSettings,
    violating: [
      { name: 'no storage location', kind: 'platform', json: orgSettings({}), address: 'google_logging_organization_settings.o', problem: /^the organization stores new log buckets in "global"\.$/ },
      { name: 'in the US', kind: 'platform', json: orgSettings({ storage_location: 'us' }), problem: /in "us"/ },
      { name: 'in London (not EEA)', kind: 'platform', json: orgSettings({ storage_location: 'europe-west2' }) },
    ],
    compliant: [
      { name: 'in eu', kind: 'platform', json: orgSettings({ storage_location: 'eu' }), evidence: /^google_logging_organization_settings\.o: organization logs stored in eu$/ },
      { name: 'in an EEA region', kind: 'platform', json: orgSettings({ storage_location: 'europe-west1' }) },
    ],
    inapplicable: [{ name: 'no organization settings', kind: 'platform', json: stackJson({}) }],
  },
];
