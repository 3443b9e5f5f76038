/**
 * Google-managed service agents of the tenant's project, as grantees. Pub/Sub's agent publishes
 * dead letters and writes BigQuery subscriptions; Secret Manager's agent publishes rotation notices.
 * With customer-managed keys (ENC-2) each store's agent also encrypts and decrypts with its key:
 * Pub/Sub, Secret Manager and Firestore through their `service-<number>@gcp-sa-*` agents, BigQuery
 * through `bq-<number>@bigquery-encryption.iam.gserviceaccount.com`. Cloud Run's agent pulls images.
 *
 * A grant to an agent that does not exist yet fails, and Google creates agents only "at some point
 * after you activate and use the API" (cloud.google.com/iam/docs/service-agents), and "if a service
 * agent hasn't been created yet, then you can't grant roles to" it (cloud.google.com/iam/docs/
 * create-service-agents); Firestore's CMEK page says to create its agent first
 * (cloud.google.com/firestore/docs/use-cmek). So in a project Smart Segments creates, every agent is
 * created on request in the same apply, before any grant names it: google-beta's
 * google_project_service_identity (generateServiceIdentity, idempotent; the GA provider has no such
 * resource in v6.50.0), and each grant's member is that resource's `member`, so the grant waits for it.
 * BigQuery's encryption account comes from data.google_bigquery_default_service_account, which
 * creates it on request (projects.getServiceAccount).
 *
 * Google does not grant an agent created on request the project role it grants an agent it creates
 * itself ("service agents created at user request are not automatically granted roles",
 * cloud.google.com/iam/docs/create-service-agents). The identities here wait for their API, so an
 * agent Google creates when the API is enabled already exists and is returned as is; an agent it
 * would create only on first use holds only the grants this stack makes. Which default roles the
 * services need for what these stacks do is for the canary to settle.
 *
 * In a customer's own project (HAND-2) nothing is created on request. The stack creates there only
 * what the tenant config names and nothing project-wide: it enables no API (the customer does,
 * before the first apply), so an identity could not even wait for its API, and a service agent is an
 * identity of the whole project that the stack could never remove again (the resource's destroy is
 * a no-op), the same reason it creates no key ring there. The agents' addresses are derived from the
 * project number instead, and the customer creates the agents listed in
 * `agentsTheCustomerMustCreate` when it enables the APIs, before the first apply: its project
 * exists already, so it can (creating an agent needs no IAM permission, same page).
 */
import { Construct } from 'constructs';
import { DataGoogleBigqueryDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-bigquery-default-service-account';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import type { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { GoogleProjectServiceIdentity } from '@cdktf/provider-google-beta/lib/google-project-service-identity';
import type { IWorkloadGrantee } from './grant-policy';
import type { TenantProject } from './tenant-project';

/** The service agents the data plane grants to, with the API that creates each. */
export const SERVICE_AGENT_DOMAINS = {
  pubsub: { domain: 'gcp-sa-pubsub.iam.gserviceaccount.com', api: 'pubsub.googleapis.com', defaultRole: 'roles/pubsub.serviceAgent' },
  secretmanager: { domain: 'gcp-sa-secretmanager.iam.gserviceaccount.com', api: 'secretmanager.googleapis.com', defaultRole: undefined },
  firestore: { domain: 'gcp-sa-firestore.iam.gserviceaccount.com', api: 'firestore.googleapis.com', defaultRole: 'roles/firestore.serviceAgent' },
  /** Cloud Run's agent pulls the container images of services and jobs. */
  run: { domain: 'serverless-robot-prod.iam.gserviceaccount.com', api: 'run.googleapis.com', defaultRole: 'roles/run.serviceAgent' },
} as const;

export type ServiceAgentName = keyof typeof SERVICE_AGENT_DOMAINS | 'bigquery-encryption';

export interface ServiceAgentsProps {
  readonly project: TenantProject;
}

export class ServiceAgents extends Construct {
  private readonly project: TenantProject;
  private numberCache?: string;
  private readonly agents = new Map<ServiceAgentName, IWorkloadGrantee>();
  private readonly identities = new Map<string, GoogleProjectServiceIdentity>();
  private readonly customerCreated = new Set<string>();

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

  /**
   * In a customer's own project, the APIs whose service agents the customer creates before the
   * first apply (`gcloud beta services identity create --service=<api> --project=<project>`), sorted.
   * Empty for a project Smart Segments creates: the stack creates them itself.
   */
  get agentsTheCustomerMustCreate(): string[] {
    return [...this.customerCreated].sort();
  }

  /** The google_project_service_identity resources created so far, by API. */
  get serviceIdentities(): ReadonlyMap<string, GoogleProjectServiceIdentity> {
    return this.identities;
  }

  /** The service agent of `name`, as a grantee whose grants wait for the agent to exist. */
  agent(name: ServiceAgentName): IWorkloadGrantee {
    let agent = this.agents.get(name);
    if (agent) return agent;
    if (name === 'bigquery-encryption') {
      // BigQuery's encryption account (bq-<number>@bigquery-encryption.iam.gserviceaccount.com) is
      // created on first request; the data source asks for it, so it exists before any grant. It
      // waits for the API, which depends on the project, so in a project created in the same run
      // the read is deferred to apply time, after both exist.
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
    } else {
      const { domain, api } = SERVICE_AGENT_DOMAINS[name];
      const service = this.project.enableApi(api);
      if (service) {
        const identity = this.identity(api, service);
        const role = SERVICE_AGENT_DOMAINS[name].defaultRole;
        // "Service agents that are created on request aren't automatically granted roles": the role
        // Google grants an agent it creates itself must then be granted here, or the service may not
        // work (cloud.google.com/iam/docs/create-service-agents). Additive, so harmless when Google
        // had already created the agent with its role.
        const roleGrant = role
          ? new ProjectIamMember(this, `identity-${api.split('.')[0]}-${role.replace(/^roles\//, '').replace(/\./g, '-')}`, {
              project: this.project.projectId,
              role,
              member: identity.member,
              dependsOn: [identity],
            })
          : undefined;
        roleGrant?.addOverride('//.reason', `project-level: ${role} is the service agent's own role, which Google grants only on the project (IAM-2)`);
        agent = { member: identity.member, grantKey: `${name}-service-agent`, grantDependencies: [identity] };
      } else {
        this.customerCreated.add(api);
        agent = { member: `serviceAccount:service-${this.projectNumber}@${domain}`, grantKey: `${name}-service-agent`, grantDependencies: [] };
      }
    }
    this.agents.set(name, agent);
    return agent;
  }

  private identity(api: string, service: ProjectService): GoogleProjectServiceIdentity {
    let identity = this.identities.get(api);
    if (!identity) {
      const provider = this.project.betaProvider;
      if (!provider) {
        throw new Error(
          `ServiceAgents ${this.node.path}: project ${this.project.projectId} is created by Smart Segments, so its ${api} service agent is created with google_project_service_identity, which only the google-beta provider has; pass betaProvider (a GoogleBetaProvider of the stack) to its TenantProject`,
        );
      }
      identity = new GoogleProjectServiceIdentity(this, `identity-${api.split('.')[0]}`, {
        provider,
        project: this.project.projectId,
        service: api,
        // The API first: its agent is the API's, and the project must exist.
        dependsOn: [service],
      });
      this.identities.set(api, identity);
    }
    return identity;
  }
}
