/**
 * BreachDetection: the signals that start the 48-hour clock of DPA 8.1 (BRE-1). Bucket-scoped
 * log-based metrics on a central audit log count three kinds of event across every project routed
 * into it, and an alert policy on each emails the security contact within minutes:
 *
 * - an IAM policy changed by anyone but the CI apply identity (changes through CI are reviewed on
 *   the main branch; any other change is unexplained until someone explains it);
 * - an attempt to create or upload a service account key (forbidden by IAM-3; the attempt is the signal);
 * - a secret version read by a principal that is no tenant workload account (a person, CI, any other account).
 *
 * Metrics live on the audit bucket, not in tenant projects, so a tenant project's owner cannot mute them.
 * No filter names a tenant: a workload of one tenant reading another's secret is caught in the
 * secret's own project (ProjectSecretAccessDetection, in the tenant stack), so this construct, and the
 * platform stack, stay the same whatever the tenant list.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { INTEGRATIONS, SOURCES } from '../config/catalog';
import { runtimeAccountIds } from '../config/naming';
import type { TenantConfig } from '../config/schema';
import { BREACH_NOTICE } from '../policy/dpa';
import type { CentralAuditLog } from './central-audit-log';

/**
 * Cloud Logging's limit on a log-based metric filter. The filters here name no tenant, so their
 * length does not grow with the tenant list (https://cloud.google.com/logging/quotas, "Length of a
 * Logging query language query": 20,000 characters).
 */
export const MAX_METRIC_FILTER_LENGTH = 20000;

export const SECRET_ACCESS_METHOD = 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion';
export const SERVICE_ACCOUNT_KEY_METHODS = ['google.iam.admin.v1.CreateServiceAccountKey', 'google.iam.admin.v1.UploadServiceAccountKey'] as const;

/**
 * Every account id a tenant workload can run as, whatever the tenant's features: the only principals
 * that ever read a tenant's secrets. A fact of the catalog (config/catalog.ts, config/naming.ts),
 * not of the tenant list.
 */
export const TENANT_WORKLOAD_ACCOUNT_IDS: readonly string[] = [
  ...new Set(
    runtimeAccountIds({
      sources: [...SOURCES],
      integrations: [...INTEGRATIONS],
      conversionTracking: { enabled: true } as TenantConfig['conversionTracking'],
      mcp: { enabled: true },
    }),
  ),
].sort();

export interface BreachDetectionProps {
  /** The central audit log whose bucket the metrics read. */
  readonly auditLog: CentralAuditLog;
  /** Where alerts go (platform.yaml `contacts.security`). */
  readonly securityEmail: string;
  /** Identities whose IAM changes are expected (the CI apply account). Default none. */
  readonly expectedIamChangers?: readonly string[];
}

/** One detector: the metric, and the alert policy on it. */
export interface Detector {
  readonly metric: LoggingMetric;
  readonly alert: MonitoringAlertPolicy;
}

const PRINCIPAL = 'protoPayload.authenticationInfo.principalEmail';
const PLAIN_ID = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function anyEqual(field: string, values: readonly string[]): string {
  return `(${values.map((v) => `${field}="${v}"`).join(' OR ')})`;
}

/** A regex matching the service accounts with these ids, in one project or (`[a-z0-9-]+`) in any. `[.]` is a literal dot without escaping. */
function accountsPattern(accountIds: readonly string[], project = '[a-z0-9-]+'): string {
  return `"^(${[...accountIds].sort().join('|')})@${project}[.]iam[.]gserviceaccount[.]com$"`;
}

const SECRET_READ = ['protoPayload.serviceName="secretmanager.googleapis.com"', `protoPayload.methodName="${SECRET_ACCESS_METHOD}"`];

/**
 * The logging-query filters of the three central detectors; exported so the tests and the report read
 * the same text. None lists a tenant: the platform stack is the same for 6 tenants or 10,000.
 */
export function breachFilters(props: Pick<BreachDetectionProps, 'expectedIamChangers'>): {
  iamPolicyChange: string;
  serviceAccountKey: string;
  unexpectedSecretAccess: string;
} {
  const changers = [...(props.expectedIamChangers ?? [])].sort();
  const iamPolicyChange = [
    'LOG_ID("cloudaudit.googleapis.com/activity")',
    // SetIamPolicy of any service, and BigQuery dataset access changes, which BigQuery logs as dataset updates.
    '(protoPayload.methodName:"SetIamPolicy" OR protoPayload.metadata.datasetChange.bindingDeltas:*)',
    ...(changers.length > 0 ? [`NOT ${anyEqual(PRINCIPAL, changers)}`] : []),
  ].join(' AND ');

  const serviceAccountKey = anyEqual('protoPayload.methodName', SERVICE_ACCOUNT_KEY_METHODS);

  // A secret read by anyone who is not a tenant workload account at all: a person, CI, another service
  // account. A workload of another tenant reading this one's secret is the tenant project's own detector
  // (projectSecretAccessFilter), which is the only place that knows the project's own accounts.
  const unexpectedSecretAccess = [...SECRET_READ, `NOT ${PRINCIPAL}=~${accountsPattern(TENANT_WORKLOAD_ACCOUNT_IDS)}`].join(' AND ');
  return { iamPolicyChange, serviceAccountKey, unexpectedSecretAccess };
}

/**
 * The filter of a tenant project's own detector: a secret of this project read by a tenant workload
 * account of another project (a relay of tenant A reading a secret of tenant B, ISO-2). Reads by
 * principals that are no workload account are the central detector's, so one read alerts once.
 * A project-level metric only sees the project's own entries, so the filter needs no project list.
 */
export function projectSecretAccessFilter(projectId: string, accountIds: readonly string[]): string {
  for (const id of [projectId, ...accountIds]) {
    // These are spliced into a logging query: only plain ids, nothing that could end a string or a regex.
    if (!PLAIN_ID.test(id)) throw new Error(`ProjectSecretAccessDetection: "${id}" is not a project or service account id`);
  }
  return [
    'LOG_ID("cloudaudit.googleapis.com/data_access")',
    ...SECRET_READ,
    `${PRINCIPAL}=~${accountsPattern(TENANT_WORKLOAD_ACCOUNT_IDS)}`,
    ...(accountIds.length > 0 ? [`NOT ${PRINCIPAL}=~${accountsPattern(accountIds, projectId)}`] : []),
  ].join(' AND ');
}

/** What an alert says: its title, what happened, what to check, and where the entries are. */
export interface DetectorText {
  readonly title: string;
  readonly what: string;
  readonly check: string;
  /** Where the log entries are, for the responder. */
  readonly entries: string;
}

export interface DetectorPlacement {
  /** The project holding the metric, the alert policy and its channel. */
  readonly project: string;
  /** A bucket-scoped metric's log bucket (`bucket.id`); undefined for a project-level metric. */
  readonly bucketName?: string;
  /** The email channel of the security contact, in the same project as the alert policy. */
  readonly channel: MonitoringNotificationChannel;
  /** The project's Logging and Monitoring APIs (and anything else the metric and alert wait for). */
  readonly dependsOn: ITerraformDependable[];
}

/** Refuses what cannot be an email address (the security contact). */
export function requireEmail(owner: string, email: string): void {
  if (!EMAIL.test(email)) throw new Error(`${owner}: securityEmail "${email}" is not an email address`);
}

/** The security contact's email channel (BRE-1). */
export function securityChannel(scope: Construct, project: string, securityEmail: string, dependsOn: ITerraformDependable[]): MonitoringNotificationChannel {
  return new MonitoringNotificationChannel(scope, 'security-contact', {
    project,
    type: 'email',
    displayName: `Security contact (${securityEmail})`,
    description: 'Breach detection alerts (BRE-1, DPA 8.1)',
    labels: { email_address: securityEmail },
    dependsOn,
  });
}

/** A log-based metric and an alert policy that emails the security contact on its first count (BRE-1). */
export function breachDetector(scope: Construct, name: string, filter: string, at: DetectorPlacement, text: DetectorText): Detector {
  if (filter.length > MAX_METRIC_FILTER_LENGTH) {
    throw new Error(`BreachDetection ${name}: the filter is ${filter.length} characters, over Cloud Logging's ${MAX_METRIC_FILTER_LENGTH}`);
  }
  const metric = new LoggingMetric(scope, `${name}-metric`, {
    project: at.project,
    name: `breach-${name}`,
    description: `${text.what} (BRE-1)`,
    // Bucket-scoped: counts entries routed into that bucket from every project under the folder.
    // Project-level (no bucket): counts the project's own entries as the project receives them.
    bucketName: at.bucketName,
    filter,
    metricDescriptor: {
      metricKind: 'DELTA',
      valueType: 'INT64',
      unit: '1',
      labels: [
        { key: 'principal', valueType: 'STRING', description: 'Who did it' },
        { key: 'project', valueType: 'STRING', description: 'Where it happened' },
      ],
    },
    labelExtractors: {
      principal: `EXTRACT(${PRINCIPAL})`,
      project: 'REGEXP_EXTRACT(logName, "^projects/([^/]+)/")',
    },
    dependsOn: at.dependsOn,
  });
  const alert = new MonitoringAlertPolicy(scope, `${name}-alert`, {
    project: at.project,
    displayName: `BRE-1: ${text.title}`,
    combiner: 'OR',
    severity: 'CRITICAL',
    conditions: [
      {
        displayName: text.title,
        conditionThreshold: {
          filter: `metric.type="logging.googleapis.com/user/${metric.name}"`,
          comparison: 'COMPARISON_GT',
          thresholdValue: 0,
          // One event is enough: no waiting period.
          duration: '0s',
          aggregations: [
            {
              alignmentPeriod: '60s',
              perSeriesAligner: 'ALIGN_SUM',
              crossSeriesReducer: 'REDUCE_SUM',
              groupByFields: ['metric.label.principal', 'metric.label.project'],
            },
          ],
          trigger: { count: 1 },
        },
      },
    ],
    // The channel lives in the alert policy's own project: the API names channels per project
    // (projects/[PROJECT_ID]/notificationChannels/[CHANNEL_ID], resource_monitoring_alert_policy.go v6.50.0).
    notificationChannels: [at.channel.name],
    alertStrategy: { autoClose: '604800s' },
    // The metric reference orders it after the metric; the Monitoring API must be on too.
    dependsOn: at.dependsOn,
    documentation: {
      subject: `BRE-1: ${text.title}`,
      mimeType: 'text/markdown',
      content: [
        text.what,
        '',
        `Check: ${text.check} The entries are in ${text.entries}.`,
        '',
        `If Customer Data was or may have been accessed, this is a suspected Personal Data Breach: notify the affected customers without undue delay and within ${BREACH_NOTICE.hours} hours of becoming aware (DPA ${BREACH_NOTICE.clause}), with what DPA 8.2 lists as far as it is known.`,
      ].join('\n'),
    },
  });
  return { metric, alert };
}

export class BreachDetection extends Construct {
  readonly channel: MonitoringNotificationChannel;
  readonly iamPolicyChange: Detector;
  readonly serviceAccountKey: Detector;
  readonly unexpectedSecretAccess: Detector;

  constructor(scope: Construct, id: string, props: BreachDetectionProps) {
    super(scope, id);
    requireEmail('BreachDetection', props.securityEmail);
    for (const email of props.expectedIamChangers ?? []) {
      if (!/^[a-z0-9-]+@[a-z0-9.-]+$/.test(email)) throw new Error(`BreachDetection: "${email}" is not a service account email`);
    }
    const project = props.auditLog.project.projectId;
    const monitoring = props.auditLog.project.enableApi('monitoring.googleapis.com');
    const dependsOn = monitoring ? [monitoring] : [];
    this.channel = securityChannel(this, project, props.securityEmail, dependsOn);
    // The bucket reference orders the metrics after the bucket, its Logging API and its project.
    const at: DetectorPlacement = { project, bucketName: props.auditLog.bucket.id, channel: this.channel, dependsOn };
    const entries = `the central audit log ${props.auditLog.bucketPath}`;
    const filters = breachFilters(props);
    this.iamPolicyChange = breachDetector(this, 'iam-policy-change', filters.iamPolicyChange, at, {
      title: 'IAM policy changed outside CI',
      what: 'An IAM policy was changed by a principal other than the CI apply identity.',
      check: 'Who changed what (protoPayload.serviceData.policyDelta): a grant nobody can explain is a potential breach.',
      entries,
    });
    this.serviceAccountKey = breachDetector(this, 'service-account-key-creation', filters.serviceAccountKey, at, {
      title: 'Service account key creation attempted',
      what: 'Someone tried to create or upload a service account key, which the organization policies forbid (IAM-3).',
      check: 'Whether the attempt succeeded (status), and why the principal wanted a long-lived credential.',
      entries,
    });
    this.unexpectedSecretAccess = breachDetector(this, 'unexpected-secret-access', filters.unexpectedSecretAccess, at, {
      title: 'Secret read by a principal that is no tenant workload',
      what: 'A secret version was read by a person or an account that is not a tenant workload account.',
      check: 'Which secret (protoPayload.resourceName) and whether the integration credential must be rotated at the provider.',
      entries,
    });
  }
}
