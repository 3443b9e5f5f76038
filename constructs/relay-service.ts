/**
 * RelayService: a Cloud Run v2 service that carries a tenant's data (DPA A.5, A.6, C.1), in the
 * tenant's region, running as its own WorkloadIdentity (IAM-2), with secrets mounted by reference
 * so their values never appear in Terraform (SEC-1). Mounting a secret grants this workload, and
 * only this workload, access to it (SEC-3). How the service may be reached is one of three
 * exposures, each with the ingress and invoker check NET-1 and IAM-6 require:
 *
 * - `public-webhook`: reached only through the load balancer (ingress INTERNAL_LOAD_BALANCER);
 *   webhook senders cannot present Google credentials, so the Cloud Run invoker IAM check is
 *   disabled instead of granting run.invoker to allUsers, which domain-restricted sharing
 *   (iam.allowedPolicyMemberDomains) rejects. The application verifies each sender's signature.
 * - `authenticated-edge`: reached only through the load balancer, and every request must carry an
 *   identity token of a principal holding run.invoker on the service (the MCP endpoint).
 * - `internal`: reached only from inside the project (Pub/Sub push, Cloud Scheduler), IAM-checked.
 */
import { Construct } from 'constructs';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { jurisdictionRules, type Jurisdiction } from '../config/jurisdictions';
import { assertEnvNames, containerEnv, grantSecretAccess } from './cloud-run-env';
import { assertGrantable, grantDependencies, grantKey } from './grant-policy';
import type { IntegrationSecret } from './integration-secret';
import type { IGrantee } from './principal';
import type { TenantProject } from './tenant-project';
import type { WorkloadIdentity } from './workload-identity';

export type RelayExposure = 'public-webhook' | 'authenticated-edge' | 'internal';

export const EXPOSURE_INGRESS: Readonly<Record<RelayExposure, string>> = {
  'public-webhook': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
  'authenticated-edge': 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
};

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,47}[a-z0-9]$/;
/** Names Cloud Run sets itself; a container may not override them. */
const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']);

export interface RelayServiceProps {
  readonly project: TenantProject;
  readonly jurisdiction: Jurisdiction;
  /** The tenant's region; must be a region of the jurisdiction (RES-1). */
  readonly region: string;
  /** Service name (2-49 lowercase letters, digits and hyphens). */
  readonly name: string;
  /** Container image pinned by digest (CI-1). */
  readonly image: string;
  /** The workload's own service account. */
  readonly identity: WorkloadIdentity;
  readonly exposure: RelayExposure;
  /** Plain configuration, by name. Default: none. */
  readonly env?: Readonly<Record<string, string>>;
  /** Secrets mounted as env vars by reference, by env var name; each is granted to `identity`. Default: none. */
  readonly secrets?: Readonly<Record<string, IntegrationSecret>>;
  /** Terraform may not destroy the service. Default true; lifted only when offboarding. */
  readonly deletionProtection?: boolean;
  /** Instance ceiling, which also bounds what a burst can cost. Default 10. */
  readonly maxInstances?: number;
  /** Seconds a request may take. Default 60. */
  readonly timeoutSeconds?: number;
  /** Extra token audiences accepted, for clients that call through the load balancer's hostname. Default: none. */
  readonly customAudiences?: readonly string[];
  readonly description?: string;
}

export class RelayService extends Construct {
  readonly service: CloudRunV2Service;
  readonly name: string;
  readonly exposure: RelayExposure;
  readonly region: string;
  readonly identity: WorkloadIdentity;
  readonly projectId: string;

  constructor(scope: Construct, id: string, props: RelayServiceProps) {
    super(scope, id);
    const what = `RelayService ${this.node.path}`;
    if (!SERVICE_NAME.test(props.name)) {
      throw new Error(`${what}: name "${props.name}" must be 2-49 lowercase letters, digits and hyphens, starting with a letter`);
    }
    const regions = jurisdictionRules(props.jurisdiction).regions;
    if (!regions.includes(props.region)) {
      throw new Error(`${what}: region "${props.region}" is not in jurisdiction ${props.jurisdiction} (RES-1); allowed: ${regions.join(', ')}`);
    }
    if (!/@sha256:[a-f0-9]{64}$/.test(props.image)) {
      throw new Error(`${what}: image "${props.image}" must be pinned by digest (<registry>/<path>@sha256:<64 hex>) so deploys are reproducible (CI-1)`);
    }
    const env = props.env ?? {};
    const secrets = props.secrets ?? {};
    assertEnvNames(what, env, secrets, RESERVED_ENV);
    const maxInstances = props.maxInstances ?? 10;
    if (!Number.isInteger(maxInstances) || maxInstances < 1 || maxInstances > 1000) {
      throw new Error(`${what}: maxInstances must be a whole number from 1 to 1000, got ${maxInstances}`);
    }
    const timeout = props.timeoutSeconds ?? 60;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
      throw new Error(`${what}: timeoutSeconds must be a whole number from 1 to 3600, got ${timeout}`);
    }
    this.name = props.name;
    this.exposure = props.exposure;
    this.region = props.region;
    this.identity = props.identity;
    this.projectId = props.project.projectId;

    const secretGrants = grantSecretAccess(secrets, props.identity);
    const api = props.project.enableApi('run.googleapis.com');
    this.service = new CloudRunV2Service(this, 'service', {
      project: props.project.projectId,
      location: props.region,
      name: props.name,
      description: props.description,
      ingress: EXPOSURE_INGRESS[props.exposure],
      // IAM-6: a public webhook is opened by switching the invoker check off, never with allUsers.
      invokerIamDisabled: props.exposure === 'public-webhook' ? true : undefined,
      customAudiences: props.customAudiences ? [...props.customAudiences] : undefined,
      deletionProtection: props.deletionProtection ?? true,
      template: {
        serviceAccount: props.identity.email,
        timeout: `${timeout}s`,
        scaling: { minInstanceCount: 0, maxInstanceCount: maxInstances },
        containers: [
          {
            image: props.image,
            resources: { limits: { cpu: '1', memory: '512Mi' }, cpuIdle: true },
            env: containerEnv(env, secrets),
          },
        ],
      },
      // A revision starts only once its account exists and may read its secrets.
      dependsOn: [...(api ? [api] : []), ...grantDependencies(props.identity), ...secretGrants],
    });
  }

  /** The service's https://…run.app URL (an interpolation). */
  get uri(): string {
    return this.service.uri;
  }

  /** Lets `grantee` call the service (roles/run.invoker on this service only). */
  grantInvoke(grantee: IGrantee): CloudRunV2ServiceIamMember {
    const resource = `google_cloud_run_v2_service ${this.name}`;
    if (this.exposure === 'public-webhook') {
      throw new Error(`${resource}: the invoker check is disabled on a public webhook, so a run.invoker grant would mean nothing; expose the service as "authenticated-edge" or "internal" to control who calls it`);
    }
    const role = 'roles/run.invoker';
    assertGrantable({ role, grantee, resource });
    return new CloudRunV2ServiceIamMember(this, `invoke-${grantKey(grantee)}`, {
      project: this.projectId,
      location: this.region,
      name: this.service.name,
      role,
      member: grantee.member,
      dependsOn: grantDependencies(grantee),
    });
  }
}
