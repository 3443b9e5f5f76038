/**
 * Google-managed service agents of the tenant's project, as grantees. Pub/Sub's agent publishes
 * dead letters and writes BigQuery subscriptions; Secret Manager's agent publishes rotation notices.
 * With customer-managed keys (ENC-2) each store's agent also encrypts and decrypts with its key:
 * Pub/Sub, Secret Manager and Firestore through their `service-<number>@gcp-sa-*` agents, BigQuery
 * through `bq-<number>@bigquery-encryption.iam.gserviceaccount.com`.
 * Their addresses carry the project number, which comes from the google_project we create or, in a
 * customer's own project (HAND-2), from a data source that only reads it.
 */
import { Construct } from 'constructs';
import { DataGoogleBigqueryDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-bigquery-default-service-account';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import type { IWorkloadGrantee } from './grant-policy';
import type { TenantProject } from './tenant-project';

/** The service agents the data plane grants to, with the API that creates each. */
export const SERVICE_AGENT_DOMAINS = {
  pubsub: { domain: 'gcp-sa-pubsub.iam.gserviceaccount.com', api: 'pubsub.googleapis.com' },
  secretmanager: { domain: 'gcp-sa-secretmanager.iam.gserviceaccount.com', api: 'secretmanager.googleapis.com' },
  firestore: { domain: 'gcp-sa-firestore.iam.gserviceaccount.com', api: 'firestore.googleapis.com' },
  /** Cloud Run's agent pulls the container images of services and jobs. */
  run: { domain: 'serverless-robot-prod.iam.gserviceaccount.com', api: 'run.googleapis.com' },
} as const;

export type ServiceAgentName = keyof typeof SERVICE_AGENT_DOMAINS | 'bigquery-encryption';

export interface ServiceAgentsProps {
  readonly project: TenantProject;
}

export class ServiceAgents extends Construct {
  private readonly project: TenantProject;
  private numberCache?: string;
  private readonly agents = new Map<ServiceAgentName, IWorkloadGrantee>();

  constructor(scope: Construct, id: string, props: ServiceAgentsProps) {
    super(scope, id);
    this.project = props.project;
  }

  /** The project number (an interpolation), read lazily so an unused construct adds nothing. */
  get projectNumber(): string {
    if (this.numberCache === undefined) {
      this.numberCache = this.project.project
        ? this.project.project.number
        : new DataGoogleProject(this, 'project', { projectId: this.project.projectId }).number;
    }
    return this.numberCache;
  }

  /** The service agent of `name`, as a grantee whose grants wait for its API to be enabled. */
  agent(name: ServiceAgentName): IWorkloadGrantee {
    let agent = this.agents.get(name);
    if (!agent && name === 'bigquery-encryption') {
      // BigQuery's encryption account (bq-<number>@bigquery-encryption.iam.gserviceaccount.com) is
      // created on first request; the data source asks for it, so it exists before any grant. It
      // waits for the API, which defers the read to apply time in a project created in the same run.
      const service = this.project.enableApi('bigquery.googleapis.com');
      const account = new DataGoogleBigqueryDefaultServiceAccount(this, 'bigquery-encryption', {
        project: this.project.projectId,
        dependsOn: service ? [service] : [],
      });
      agent = {
        member: `serviceAccount:${account.email}`,
        grantKey: 'bigquery-encryption-agent',
        grantDependencies: service ? [service] : [],
      };
      this.agents.set(name, agent);
    }
    if (!agent) {
      const { domain, api } = SERVICE_AGENT_DOMAINS[name as keyof typeof SERVICE_AGENT_DOMAINS];
      const service = this.project.enableApi(api);
      agent = {
        member: `serviceAccount:service-${this.projectNumber}@${domain}`,
        grantKey: `${name}-service-agent`,
        grantDependencies: service ? [service] : [],
      };
      this.agents.set(name, agent);
    }
    return agent;
  }
}
