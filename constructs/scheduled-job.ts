/**
 * ScheduledJob: a Cloud Run v2 job in the tenant's region, run on a schedule by Cloud Scheduler in
 * the same region. The job runs as its own WorkloadIdentity with its secrets mounted by reference
 * (SEC-1, SEC-3). Cloud Scheduler calls the Cloud Run Admin API with an OAuth token of a dedicated
 * scheduler account that holds run.invoker on this one job and nothing else (IAM-2).
 */
import { Construct } from 'constructs';
import { CloudRunV2Job } from '@cdktf/provider-google/lib/cloud-run-v2-job';
import { CloudRunV2JobIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-job-iam-member';
import { CloudSchedulerJob } from '@cdktf/provider-google/lib/cloud-scheduler-job';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { assertEnvNames, containerEnv, grantSecretAccess } from './cloud-run-env';
import { assertGrantable, grantDependencies } from './grant-policy';
import type { IntegrationSecret } from './integration-secret';
import type { TenantProject } from './tenant-project';
import { WorkloadIdentity } from './workload-identity';

const JOB_NAME = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
/** Five unix-cron fields. */
const CRON = /^(\S+\s+){4}\S+$/;

export interface ScheduledJobProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** The tenant's region, for the job and its scheduler (RES-1). */
  readonly region: string;
  /** Job name, also the scheduler job's name. */
  readonly name: string;
  readonly description: string;
  /** Container image pinned by digest (CI-1). */
  readonly image: string;
  /** Container arguments. Default: none. */
  readonly args?: readonly string[];
  /** The job's own service account. */
  readonly identity: WorkloadIdentity;
  /** Account id of the scheduler's invoker account, from config/naming.ts. */
  readonly schedulerAccountId: string;
  /** unix-cron schedule, evaluated in `timeZone`. */
  readonly schedule: string;
  /** Default `Etc/UTC`. */
  readonly timeZone?: string;
  /** Plain configuration, by name. Default: none. */
  readonly env?: Readonly<Record<string, string>>;
  /** Secrets mounted as env vars by reference; each is granted to `identity`. Default: none. */
  readonly secrets?: Readonly<Record<string, IntegrationSecret>>;
  /** Seconds one task may run (1-86400). Default 1800. */
  readonly timeoutSeconds?: number;
  /** Retries of a failed task (0-10). Default 1. */
  readonly maxRetries?: number;
  /** Terraform may not destroy the job. Default true; lifted only when offboarding. */
  readonly deletionProtection?: boolean;
}

export class ScheduledJob extends Construct {
  readonly job: CloudRunV2Job;
  readonly scheduler: CloudSchedulerJob;
  readonly schedulerIdentity: WorkloadIdentity;
  readonly name: string;
  readonly timeoutSeconds: number;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const what = `ScheduledJob ${this.node.path}`;
    if (!JOB_NAME.test(props.name)) throw new Error(`${what}: name "${props.name}" must be 2-63 lowercase letters, digits and hyphens`);
    const regions = jurisdictionRules(props.jurisdiction).regions;
    if (!regions.includes(props.region)) {
      throw new Error(`${what}: region "${props.region}" is not in jurisdiction ${props.jurisdiction} (RES-1); allowed: ${regions.join(', ')}`);
    }
    if (!/@sha256:[a-f0-9]{64}$/.test(props.image)) {
      throw new Error(`${what}: image "${props.image}" must be pinned by digest (<registry>/<path>@sha256:<64 hex>) (CI-1)`);
    }
    if (!CRON.test(props.schedule.trim())) throw new Error(`${what}: schedule "${props.schedule}" is not a five-field unix-cron expression`);
    this.timeoutSeconds = props.timeoutSeconds ?? 1800;
    if (!Number.isInteger(this.timeoutSeconds) || this.timeoutSeconds < 1 || this.timeoutSeconds > 86400) {
      throw new Error(`${what}: timeoutSeconds must be a whole number from 1 to 86400, got ${this.timeoutSeconds}`);
    }
    const maxRetries = props.maxRetries ?? 1;
    if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
      throw new Error(`${what}: maxRetries must be a whole number from 0 to 10, got ${maxRetries}`);
    }
    const env = props.env ?? {};
    const secrets = props.secrets ?? {};
    assertEnvNames(what, env, secrets);
    this.name = props.name;

    const runApi = props.project.enableApi('run.googleapis.com');
    const secretGrants = grantSecretAccess(secrets, props.identity);
    this.job = new CloudRunV2Job(this, 'job', {
      project: props.project.projectId,
      location: props.region,
      name: props.name,
      deletionProtection: props.deletionProtection ?? true,
      template: {
        taskCount: 1,
        parallelism: 1,
        template: {
          serviceAccount: props.identity.email,
          timeout: `${this.timeoutSeconds}s`,
          maxRetries,
          containers: [
            {
              image: props.image,
              args: props.args ? [...props.args] : undefined,
              resources: { limits: { cpu: '1', memory: '512Mi' } },
              env: containerEnv(env, secrets),
            },
          ],
        },
      },
      dependsOn: [...(runApi ? [runApi] : []), ...grantDependencies(props.identity), ...secretGrants],
    });

    this.schedulerIdentity = new WorkloadIdentity(this, 'scheduler-identity', {
      project: props.project,
      accountId: props.schedulerAccountId,
      displayName: `Scheduler for ${props.name}`,
      description: `Cloud Scheduler runs job ${props.name} as this account; it holds run.invoker on that job only.`,
      handlesConversionEvents: props.identity.handlesConversionEvents,
    });
    const role = 'roles/run.invoker';
    assertGrantable({ role, grantee: this.schedulerIdentity, resource: `google_cloud_run_v2_job ${props.name}` });
    const invoke = new CloudRunV2JobIamMember(this, 'scheduler-invoke', {
      project: props.project.projectId,
      location: props.region,
      name: this.job.name,
      role,
      member: this.schedulerIdentity.member,
      dependsOn: grantDependencies(this.schedulerIdentity),
    });

    const schedulerApi = props.project.enableApi('cloudscheduler.googleapis.com');
    this.scheduler = new CloudSchedulerJob(this, 'scheduler', {
      project: props.project.projectId,
      region: props.region,
      name: props.name,
      description: props.description,
      schedule: props.schedule.trim(),
      timeZone: props.timeZone ?? 'Etc/UTC',
      // The Admin API answers as soon as the execution starts; the job's own retries cover failures.
      attemptDeadline: '180s',
      retryConfig: { retryCount: 1, minBackoffDuration: '60s', maxBackoffDuration: '300s' },
      httpTarget: {
        httpMethod: 'POST',
        uri: `https://run.googleapis.com/v2/projects/${props.project.projectId}/locations/${props.region}/jobs/${props.name}:run`,
        oauthToken: {
          serviceAccountEmail: this.schedulerIdentity.email,
          scope: 'https://www.googleapis.com/auth/cloud-platform',
        },
      },
      dependsOn: [...(schedulerApi ? [schedulerApi] : []), invoke],
    });
  }
}
