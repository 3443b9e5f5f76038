/**
 * BreachDetection: the signals that start the 48-hour clock of DPA 8.1 (BRE-1). Bucket-scoped
 * log-based metrics on a central audit log count three kinds of event across every project routed
 * into it, and an alert policy on each emails the security contact within minutes:
 *
 * - an IAM policy changed by anyone but the CI apply identity (changes through CI are reviewed on
 *   the main branch; any other change is unexplained until someone explains it);
 * - an attempt to create or upload a service account key (forbidden by IAM-3; the attempt is the signal);
 * - a secret version read by a principal other than the workloads of the secret's own tenant project.
 *
 * Metrics live on the audit bucket, not in tenant projects, so a tenant project's owner cannot mute them.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import type { CentralAuditLog } from './central-audit-log';

/** Cloud Logging's limit on a log-based metric filter. */
export const MAX_METRIC_FILTER_LENGTH = 20000;

export const SECRET_ACCESS_METHOD = 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion';
export const SERVICE_ACCOUNT_KEY_METHODS = ['google.iam.admin.v1.CreateServiceAccountKey', 'google.iam.admin.v1.UploadServiceAccountKey'] as const;

/** The workloads of one project that are expected to read its secrets. */
export interface ExpectedSecretAccessors {
  readonly projectId: string;
  /** Service account ids in that project (config/naming.ts runtimeAccountIds). */
  readonly accountIds: readonly string[];
}

export interface BreachDetectionProps {
  /** The central audit log whose bucket the metrics read. */
  readonly auditLog: CentralAuditLog;
  /** Where alerts go (platform.yaml `contacts.security`). */
  readonly securityEmail: string;
  /** Identities whose IAM changes are expected (the CI apply account). Default none. */
  readonly expectedIamChangers?: readonly string[];
  /** Per tenant project, the accounts expected to read its secrets. Default none: every secret read alerts. */
  readonly expectedSecretAccessors?: readonly ExpectedSecretAccessors[];
}

/** One detector: the metric, and the alert policy on it. */
export interface Detector {
  readonly metric: LoggingMetric;
  readonly alert: MonitoringAlertPolicy;
}

const PRINCIPAL = 'protoPayload.authenticationInfo.principalEmail';

function anyEqual(field: string, values: readonly string[]): string {
  return `(${values.map((v) => `${field}="${v}"`).join(' OR ')})`;
}

/** The logging-query filters of the three detectors; exported so the tests and the report read the same text. */
export function breachFilters(props: Pick<BreachDetectionProps, 'expectedIamChangers' | 'expectedSecretAccessors'>): {
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

  // Each tenant's workloads are expected only in their own project: a relay of tenant A reading a
  // secret of tenant B is exactly what must alert (ISO-2). `[.]` is a literal dot without escaping.
  const expected = [...(props.expectedSecretAccessors ?? [])]
    .filter((e) => e.accountIds.length > 0)
    .sort((a, b) => a.projectId.localeCompare(b.projectId))
    .map(
      (e) =>
        `(logName:"projects/${e.projectId}/" AND ${PRINCIPAL}=~"^(${[...e.accountIds].sort().join('|')})@${e.projectId}[.]iam[.]gserviceaccount[.]com$")`,
    );
  const unexpectedSecretAccess = [
    'protoPayload.serviceName="secretmanager.googleapis.com"',
    `protoPayload.methodName="${SECRET_ACCESS_METHOD}"`,
    ...(expected.length > 0 ? [`NOT (${expected.join(' OR ')})`] : []),
  ].join(' AND ');
  return { iamPolicyChange, serviceAccountKey, unexpectedSecretAccess };
}

export class BreachDetection extends Construct {
  readonly channel: MonitoringNotificationChannel;
  readonly iamPolicyChange: Detector;
  readonly serviceAccountKey: Detector;
  readonly unexpectedSecretAccess: Detector;
  private readonly auditLog: CentralAuditLog;
  /** The logging project's Monitoring API: alert policies and the channel are created after it. */
  private readonly monitoring: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: BreachDetectionProps) {
    super(scope, id);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.securityEmail)) {
      throw new Error(`BreachDetection: securityEmail "${props.securityEmail}" is not an email address`);
    }
    for (const e of props.expectedSecretAccessors ?? []) {
      for (const id of [e.projectId, ...e.accountIds]) {
        // These are spliced into a logging query: only plain ids, nothing that could end a string or a regex.
        if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(id)) throw new Error(`BreachDetection: "${id}" is not a project or service account id`);
      }
    }
    for (const email of props.expectedIamChangers ?? []) {
      if (!/^[a-z0-9-]+@[a-z0-9.-]+$/.test(email)) throw new Error(`BreachDetection: "${email}" is not a service account email`);
    }
    this.auditLog = props.auditLog;
    const project = props.auditLog.project.projectId;
    const monitoring = props.auditLog.project.enableApi('monitoring.googleapis.com');
    this.monitoring = monitoring ? [monitoring] : [];
    this.channel = new MonitoringNotificationChannel(this, 'security-contact', {
      project,
      type: 'email',
      displayName: `Security contact (${props.securityEmail})`,
      description: 'Breach detection alerts (BRE-1, DPA 8.1)',
      labels: { email_address: props.securityEmail },
      dependsOn: this.monitoring,
    });
    const filters = breachFilters(props);
    this.iamPolicyChange = this.detector('iam-policy-change', filters.iamPolicyChange, {
      title: 'IAM policy changed outside CI',
      what: 'An IAM policy was changed by a principal other than the CI apply identity.',
      check: 'Who changed what (protoPayload.serviceData.policyDelta): a grant nobody can explain is a potential breach.',
    });
    this.serviceAccountKey = this.detector('service-account-key-creation', filters.serviceAccountKey, {
      title: 'Service account key creation attempted',
      what: 'Someone tried to create or upload a service account key, which the organization policies forbid (IAM-3).',
      check: 'Whether the attempt succeeded (status), and why the principal wanted a long-lived credential.',
    });
    this.unexpectedSecretAccess = this.detector('unexpected-secret-access', filters.unexpectedSecretAccess, {
      title: 'Secret read by an unexpected principal',
      what: "A secret version was read by a principal other than the workloads of the secret's own tenant project.",
      check: 'Which secret (protoPayload.resourceName) and whether the integration credential must be rotated at the provider.',
    });
  }

  private detector(name: string, filter: string, text: { title: string; what: string; check: string }): Detector {
    if (filter.length > MAX_METRIC_FILTER_LENGTH) {
      throw new Error(
        `BreachDetection ${name}: the filter is ${filter.length} characters, over Cloud Logging's ${MAX_METRIC_FILTER_LENGTH}; split the jurisdiction's tenants across more audit logs`,
      );
    }
    const project = this.auditLog.project.projectId;
    const metric = new LoggingMetric(this, `${name}-metric`, {
      project,
      name: `breach-${name}`,
      description: `${text.what} (BRE-1)`,
      // Bucket-scoped: counts entries routed into the central audit log from every project under the folder.
      // The reference also orders the metric after the bucket, its Logging API and its project.
      bucketName: this.auditLog.bucket.id,
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
    });
    const alert = new MonitoringAlertPolicy(this, `${name}-alert`, {
      project,
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
      notificationChannels: [this.channel.name],
      alertStrategy: { autoClose: '604800s' },
      // The metric reference orders it after the logging project; the Monitoring API must be on too.
      dependsOn: this.monitoring,
      documentation: {
        subject: `BRE-1: ${text.title}`,
        mimeType: 'text/markdown',
        content: [
          text.what,
          '',
          `Check: ${text.check} The entries are in the central audit log ${this.auditLog.bucketPath}.`,
          '',
          'If Customer Data was or may have been accessed, this is a suspected Personal Data Breach: notify the affected customers without undue delay and within 48 hours of becoming aware (DPA 8.1), with what DPA 8.2 lists as far as it is known.',
        ].join('\n'),
      },
    });
    return { metric, alert };
  }
}
