/**
 * BreachDetection: the signals that start the 48-hour clock of DPA 8.1 (BRE-1). Bucket-scoped
 * log-based metrics on a central audit log count these events across every project routed into it,
 * and an alert policy on each emails the security contact within minutes:
 *
 * - an IAM policy changed, by anyone: the CI deployers too (a compromised deployer is what this must
 *   catch); the deployers expected to change IAM are named in the alert's documentation, so the
 *   responder matches the change against a reviewed plan instead of the filter hiding it;
 * - an attempt to create or upload a service account key (forbidden by IAM-3; the attempt is the signal);
 * - a secret version read by a principal that is no tenant workload account (a person, CI, any other account);
 * - the audit trail changed: sinks, exclusions, log buckets and views, logging settings, log-based
 *   metrics, alert policies and notification channels;
 * - a guardrail changed: organization policies, deny policies, workload identity pool providers;
 * - a key version scheduled for destruction (crypto-shredding outside offboarding is data loss);
 * - a secret version added (operators add values with `npm run secrets`, as members of the
 *   platform admins group; a version added by anyone else re-routes an integration);
 * - a project deletion requested.
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
  /**
   * Identities whose IAM changes are expected (the CI deployers): named in the alert's documentation,
   * never excluded from the filter. Default none.
   */
  readonly expectedIamChangers?: readonly string[];
  /** The group whose members add secret versions (platform.yaml `groups.platformAdmins`), for the alert's documentation. */
  readonly secretOperatorsGroup?: string;
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
export function breachFilters(): {
  iamPolicyChange: string;
  serviceAccountKey: string;
  unexpectedSecretAccess: string;
  auditTrailChange: string;
  guardrailChange: string;
  keyDestruction: string;
  secretVersionAdded: string;
  projectDeletion: string;
} {
  const activity = 'LOG_ID("cloudaudit.googleapis.com/activity")';
  const iamPolicyChange = [
    activity,
    // SetIamPolicy of any service, and BigQuery dataset access changes, which BigQuery logs as dataset updates.
    // Every principal: the deployers' changes alert too (BreachDetectionProps.expectedIamChangers).
    '(protoPayload.methodName:"SetIamPolicy" OR protoPayload.metadata.datasetChange.bindingDeltas:*)',
  ].join(' AND ');

  const serviceAccountKey = anyEqual('protoPayload.methodName', SERVICE_ACCOUNT_KEY_METHODS);

  // A secret read by anyone who is not a tenant workload account at all: a person, CI, another service
  // account. A workload of another tenant reading this one's secret is the tenant project's own detector
  // (projectSecretAccessFilter), which is the only place that knows the project's own accounts.
  const unexpectedSecretAccess = [...SECRET_READ, `NOT ${PRINCIPAL}=~${accountsPattern(TENANT_WORKLOAD_ACCOUNT_IDS)}`].join(' AND ');
  const methods = (names: readonly string[]) => `${activity} AND ${anyEqual('protoPayload.methodName', names)}`;
  return {
    iamPolicyChange,
    serviceAccountKey,
    unexpectedSecretAccess,
    auditTrailChange: methods(AUDIT_TRAIL_METHODS),
    guardrailChange: methods(GUARDRAIL_METHODS),
    // Cloud KMS logs the method without its package (cloud.google.com/kms/docs/audit-logging).
    keyDestruction: `${activity} AND protoPayload.serviceName="cloudkms.googleapis.com" AND protoPayload.methodName:"DestroyCryptoKeyVersion"`,
    secretVersionAdded: methods(['google.cloud.secretmanager.v1.SecretManagerService.AddSecretVersion']),
    projectDeletion: `${activity} AND protoPayload.serviceName="cloudresourcemanager.googleapis.com" AND protoPayload.methodName:"DeleteProject"`,
  };
}

/** What changes the audit trail (Cloud Logging and Cloud Monitoring audit logging method names). */
export const AUDIT_TRAIL_METHODS = [
  ...['CreateSink', 'UpdateSink', 'DeleteSink', 'CreateExclusion', 'UpdateExclusion', 'DeleteExclusion', 'UpdateBucket', 'DeleteBucket', 'UpdateView', 'DeleteView', 'UpdateSettings', 'UpdateCmekSettings'].map(
    (m) => `google.logging.v2.ConfigServiceV2.${m}`,
  ),
  ...['UpdateLogMetric', 'DeleteLogMetric'].map((m) => `google.logging.v2.MetricsServiceV2.${m}`),
  ...['UpdateAlertPolicy', 'DeleteAlertPolicy'].map((m) => `google.monitoring.v3.AlertPolicyService.${m}`),
  ...['UpdateNotificationChannel', 'DeleteNotificationChannel'].map((m) => `google.monitoring.v3.NotificationChannelService.${m}`),
] as const;

/** What changes a guardrail: organization policies (v2 API and v1 SetOrgPolicy), deny policies, identity pool providers. */
export const GUARDRAIL_METHODS = [
  ...['CreatePolicy', 'UpdatePolicy', 'DeletePolicy'].map((m) => `google.cloud.orgpolicy.v2.OrgPolicy.${m}`),
  'SetOrgPolicy',
  'ClearOrgPolicy',
  ...['CreatePolicy', 'UpdatePolicy', 'DeletePolicy'].map((m) => `google.iam.v2.Policies.${m}`),
  ...['CreateWorkloadIdentityPoolProvider', 'UpdateWorkloadIdentityPoolProvider', 'DeleteWorkloadIdentityPoolProvider', 'UndeleteWorkloadIdentityPoolProvider'].map(
    (m) => `google.iam.v1.WorkloadIdentityPools.${m}`,
  ),
] as const;

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
  readonly auditTrailChange: Detector;
  readonly guardrailChange: Detector;
  readonly keyDestruction: Detector;
  readonly secretVersionAdded: Detector;
  readonly projectDeletion: Detector;

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
    const filters = breachFilters();
    const expected = [...(props.expectedIamChangers ?? [])].sort();
    const expectedNote =
      expected.length > 0
        ? ` Expected changers, whose changes must match a reviewed plan of the deploy workflow (docs/ci.md): ${expected.join(', ')}.`
        : '';
    this.iamPolicyChange = breachDetector(this, 'iam-policy-change', filters.iamPolicyChange, at, {
      title: 'IAM policy changed',
      what: `An IAM policy was changed.${expectedNote}`,
      check: 'Who changed what (protoPayload.serviceData.policyDelta), and for a deployer, that the change is in a reviewed plan: a grant nobody can explain is a potential breach.',
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
    this.auditTrailChange = breachDetector(this, 'audit-trail-change', filters.auditTrailChange, at, {
      title: 'Audit trail changed',
      what: `A log sink, exclusion, bucket, view, logging setting, log-based metric, alert policy or notification channel was changed or deleted.${expectedNote}`,
      check: 'That the change is in a reviewed plan of the platform stack; otherwise someone is blinding the audit trail.',
      entries,
    });
    this.guardrailChange = breachDetector(this, 'guardrail-change', filters.guardrailChange, at, {
      title: 'Guardrail changed',
      what: `An organization policy, a deny policy or a workload identity pool provider was created, changed or deleted.${expectedNote}`,
      check: 'That the change is in a reviewed plan of the platform stack (ci-platform, environment protected by required reviewers).',
      entries,
    });
    this.keyDestruction = breachDetector(this, 'key-version-destruction', filters.keyDestruction, at, {
      title: 'Key version destruction scheduled',
      what: 'A Cloud KMS key version was scheduled for destruction: the data it encrypts becomes unreadable when the schedule ends (DEL-2).',
      check: 'That the tenant is offboarding (DPA 10.1); otherwise restore the version (RestoreCryptoKeyVersion) before the schedule ends.',
      entries,
    });
    this.secretVersionAdded = breachDetector(this, 'secret-version-added', filters.secretVersionAdded, at, {
      title: 'Secret version added',
      what: `A secret version was added.${props.secretOperatorsGroup ? ` Only members of ${props.secretOperatorsGroup} add values (npm run secrets).` : ''}`,
      check: 'That the principal is an operator of that group and the change is expected: a value set by anyone else can send Customer Data to another account.',
      entries,
    });
    this.projectDeletion = breachDetector(this, 'project-deletion', filters.projectDeletion, at, {
      title: 'Project deletion requested',
      what: 'A project was scheduled for deletion (recoverable for 30 days).',
      check: 'That it is an offboarded tenant whose deletion certificate is issued (DPA 10.1); otherwise restore it (gcloud projects undelete).',
      entries,
    });
  }
}
