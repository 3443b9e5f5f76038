/** LOG-2 (DPA Annex II 4, 8): Data Access logs on in tenant projects; each jurisdiction folder's audit logs centralised and kept. */
import { log2AuditBucket, log2DataAccessLogs, log2FolderSink } from '../../../../compliance/rules/log-2-audit-logs';
import { ACME, stackJson, tableTenant, TABLE_PLATFORM, type CheckTable } from '../table';

const SERVICES = ['bigquery.googleapis.com', 'datastore.googleapis.com', 'pubsub.googleapis.com', 'secretmanager.googleapis.com', 'storage.googleapis.com'];
const ALL_TYPES = [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }];
const auditConfig = (service: string, types: unknown[] = ALL_TYPES, project = ACME.projectId) => ({ project, service, audit_log_config: types });
const everyService = (override: Record<string, Record<string, unknown>> = {}) =>
  stackJson({ google_project_iam_audit_config: { ...Object.fromEntries(SERVICES.map((s, i) => [`s${i}`, auditConfig(s)])), ...override } });

const J = ['EEA', 'UK', 'CH', 'AU'] as const;
const folders = TABLE_PLATFORM.tenantFolders as Record<string, string>;
const bucket = (j: string, values: Record<string, unknown> = {}) => ({ project: `ssx-audit-${j.toLowerCase()}`, bucket_id: 'audit', location: 'europe-west1', retention_days: 400, ...values });
const sink = (j: string, values: Record<string, unknown> = {}) => ({
  folder: folders[j],
  name: `audit-${j.toLowerCase()}`,
  destination: `\${google_logging_project_bucket_config.${j.toLowerCase()}.id}`,
  include_children: true,
  filter: 'logName:"cloudaudit.googleapis.com"',
  ...values,
});
/** The platform's audit logging with one jurisdiction's bucket or sink changed (null: left out). */
function platform(bucketOf: (j: string) => Record<string, unknown> | null = (j) => bucket(j), sinkOf: (j: string) => Record<string, unknown> | null = (j) => sink(j)) {
  const buckets: Record<string, Record<string, unknown>> = {};
  const sinks: Record<string, Record<string, unknown>> = {};
  for (const j of J) {
    const b = bucketOf(j);
    if (b) buckets[j.toLowerCase()] = b;
    const s = sinkOf(j);
    if (s) sinks[j.toLowerCase()] = s;
  }
  return stackJson({ google_logging_project_bucket_config: buckets, google_logging_folder_sink: sinks });
}
const onlyFor = (target: string, changed: (j: string) => Record<string, unknown> | null, normal: (j: string) => Record<string, unknown>) => (j: string) => (j === target ? changed(j) : normal(j));

export const LOG_2_TABLES: CheckTable[] = [
  {
    check: log2DataAccessLogs,
    violating: [
      { name: 'no audit config', json: stackJson({}), address: '(stack)', problem: /^bigquery\.googleapis\.com does not log ADMIN_READ, DATA_READ, DATA_WRITE/ },
      { name: 'storage lacks DATA_WRITE', json: everyService({ s4: auditConfig('storage.googleapis.com', ALL_TYPES.slice(0, 2)) }), address: 'google_project_iam_audit_config.s4', problem: /^storage\.googleapis\.com does not log DATA_WRITE/ },
      { name: 'an exempted member', json: everyService({ s0: auditConfig('bigquery.googleapis.com', [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ', exempted_members: ['user:x@smartsegments.example'] }, { log_type: 'DATA_WRITE' }]) }), problem: /bigquery\.googleapis\.com does not log DATA_READ/ },
      { name: 'allServices of another project', json: stackJson({ google_project_iam_audit_config: { all: auditConfig('allServices', ALL_TYPES, 'ssx-other') } }) },
    ],
    compliant: [
      { name: 'every service by name', json: everyService(), evidence: /google_project_iam_audit_config\.s0: bigquery\.googleapis\.com: ADMIN_READ, DATA_READ, DATA_WRITE/ },
      { name: 'allServices, with an empty exemption list', json: stackJson({ google_project_iam_audit_config: { all: auditConfig('allServices', ALL_TYPES.map((t) => ({ ...t, exempted_members: [] }))) } }) },
    ],
    inapplicable: [
      { name: "the customer's own project", tenant: tableTenant({ warehouse: { mode: 'customer', projectId: 'acme-own-warehouse', provisionedBy: 'customer' } }), json: stackJson({}), reason: /its audit log settings are the customer's/ },
    ],
  },
  {
    check: log2AuditBucket,
    violating: [
      { name: 'no UK bucket', kind: 'platform', json: platform(onlyFor('UK', () => null, bucket)), address: '(stack)', problem: /^no central audit log bucket exists in ssx-audit-uk for UK\./ },
      { name: 'the CH bucket at exactly 30 days', kind: 'platform', json: platform(onlyFor('CH', (j) => bucket(j, { retention_days: 30 }), bucket)), address: 'google_logging_project_bucket_config.ch', problem: /^the CH audit bucket keeps logs 30 days, not longer than the 30-day standard\./ },
      { name: 'the AU bucket without retention', kind: 'platform', json: platform(onlyFor('AU', (j) => bucket(j, { retention_days: undefined }), bucket)), problem: /keeps logs for an unstated time/ },
    ],
    compliant: [
      { name: 'every bucket at 400 days', kind: 'platform', json: platform(), evidence: /google_logging_project_bucket_config\.eea: EEA audit logs kept 400 days in europe-west1/ },
      { name: 'one day past the standard', kind: 'platform', json: platform((j) => bucket(j, { retention_days: 31 })) },
    ],
  },
  {
    check: log2FolderSink,
    violating: [
      { name: 'no EEA sink', kind: 'platform', json: platform(undefined, onlyFor('EEA', () => null, sink)), address: '(stack)', problem: /^no folder sink routes the EEA folder's audit logs \(with include_children\) to ssx-audit-eea\./ },
      { name: 'the UK sink without children', kind: 'platform', json: platform(undefined, onlyFor('UK', (j) => sink(j, { include_children: false }), sink)), problem: /the UK folder's/ },
      { name: 'the CH sink to another project', kind: 'platform', json: platform(undefined, onlyFor('CH', (j) => sink(j, { destination: 'logging.googleapis.com/projects/ssx-other/locations/x/buckets/y' }), sink)), problem: /the CH folder's/ },
      { name: 'the AU sink filtering other logs', kind: 'platform', json: platform(undefined, onlyFor('AU', (j) => sink(j, { filter: 'severity>=ERROR' }), sink)), problem: /the AU folder's/ },
      { name: "the AU sink on the UK folder", kind: 'platform', json: platform(undefined, onlyFor('AU', (j) => sink(j, { folder: folders.UK }), sink)), problem: /the AU folder's/ },
      { name: 'no buckets, the CH sink to another project', kind: 'platform', json: platform(() => null, onlyFor('CH', (j) => sink(j, { destination: 'logging.googleapis.com/projects/ssx-other/locations/x/buckets/y' }), (j) => sink(j, { destination: `logging.googleapis.com/projects/ssx-audit-${j.toLowerCase()}/locations/x/buckets/audit` }))), problem: /the CH folder's/ },
      { name: 'an organization sink does not count', kind: 'platform', json: stackJson({ google_logging_project_bucket_config: { eea: bucket('EEA') }, google_logging_organization_sink: { eea: sink('EEA') } }), problem: /the EEA folder's/ },
    ],
    compliant: [
      { name: 'a sink per folder to its bucket', kind: 'platform', json: platform(), evidence: /google_logging_folder_sink\.eea: EEA folder audit logs routed to google_logging_project_bucket_config\.eea/ },
      {
        name: 'by destination path, without filter, bucket declared elsewhere',
        kind: 'platform',
        json: platform(() => null, (j) => sink(j, { filter: undefined, destination: `logging.googleapis.com/projects/ssx-audit-${j.toLowerCase()}/locations/x/buckets/audit` })),
        evidence: /EEA folder audit logs routed to ssx-audit-eea$/,
      },
      { name: 'a folder number without the folders/ prefix', kind: 'platform', json: platform(undefined, (j) => sink(j, { folder: folders[j].replace('folders/', '') })) },
    ],
  },
];
