/** Helpers for the data-plane tests: synthesized example stacks, grants, env and references. */
import { Testing } from 'cdktf';
import { SynthesizedStack, walkStrings, type SynthesizedResource } from '../../compliance/synthesized-stack';
import type { ResolvedTenant } from '../../config/loader';
import { sharedProjectId } from '../../config/naming';
import { CONTAINER_REPOSITORY_ID } from '../../constructs/container-registry';
import { SERVICE_AGENT_DOMAINS } from '../../constructs/service-agents';
import { TenantStack } from '../../stacks/tenant-stack';
import { fixtureEnvironment, fixtureStack, fixtureTenantStackName } from '../support/synth';

export interface BuiltTenant {
  readonly tenant: ResolvedTenant;
  readonly stack: TenantStack;
  readonly synth: SynthesizedStack;
}

/** Builds and synthesizes a tenant's stack, keeping the construct tree for construct-level facts. */
export function buildTenant(tenant: ResolvedTenant): BuiltTenant {
  const app = Testing.app();
  const stack = new TenantStack(app, { environment: fixtureEnvironment(), tenant });
  return { tenant, stack, synth: SynthesizedStack.parse(stack.node.id, Testing.synth(stack)) };
}

/**
 * A fixture tenant: its JSON from the run's one synthesis of the fixture environment (the bytes a
 * build here would give, metadata aside), its construct tree built only when a test asks for it.
 */
function exampleOf(tenant: ResolvedTenant): BuiltTenant {
  let stack: TenantStack | undefined;
  return {
    tenant,
    get stack() {
      stack ??= new TenantStack(Testing.app(), { environment: fixtureEnvironment(), tenant });
      return stack;
    },
    synth: fixtureStack(fixtureTenantStackName(tenant.id)),
  };
}

let examples: BuiltTenant[] | undefined;
/** Every fixture tenant, once per test file. */
export function exampleTenants(): BuiltTenant[] {
  examples ??= fixtureEnvironment().tenants.map(exampleOf);
  return examples;
}

export function example(id: string): BuiltTenant {
  const found = exampleTenants().find((b) => b.tenant.id === id);
  if (!found) throw new Error(`no example tenant ${id}`);
  return found;
}

/** Resources of the data plane (construct ids under `data-plane`). */
/**
 * The one data-plane resource outside the tenant's project, in a project Smart Segments owns: its
 * Cloud Run agent's read access to the platform's image registry (images, no Customer Data), made by
 * ImagePullAccess. A customer's own project has none: it pulls from its own copy (TenantImageRepository).
 */
export function isPlatformImagePull(r: SynthesizedResource, s: SynthesizedStack): boolean {
  return (
    r.type === 'google_artifact_registry_repository_iam_member' &&
    r.values.project === sharedProjectId(fixtureEnvironment().platform) &&
    r.values.repository === CONTAINER_REPOSITORY_ID &&
    r.values.role === 'roles/artifactregistry.reader' &&
    /^serviceAccount:service-\$\{[^}]+\}@serverless-robot-prod\.iam\.gserviceaccount\.com$/.test(agentAddress(s, String(r.values.member)))
  );
}

/**
 * A grant's member with a service agent written as its documented address: in a project we create
 * the member is `${google_project_service_identity.<name>.member}` (ServiceAgents), which becomes
 * `serviceAccount:service-${google_project_service_identity.<name>}@<domain of its service>`;
 * any other member is returned as written. Throws for an identity the stack does not declare.
 */
export function agentAddress(s: SynthesizedStack, member: string): string {
  const m = /^\$\{google_project_service_identity\.([A-Za-z0-9_-]+)\.member\}$/.exec(member);
  if (!m) return member;
  const identity = s.resources.find((r) => r.type === 'google_project_service_identity' && r.name === m[1]);
  if (!identity) throw new Error(`${member}: no such google_project_service_identity in the stack`);
  const agent = Object.values(SERVICE_AGENT_DOMAINS).find((a) => a.api === identity.values.service);
  if (!agent) throw new Error(`${member}: service ${String(identity.values.service)} has no known agent domain`);
  return `serviceAccount:service-\${google_project_service_identity.${m[1]}}@${agent.domain}`;
}

export function dataPlane(s: SynthesizedStack, ...types: string[]): SynthesizedResource[] {
  return (types.length ? s.ofType(...types) : s.resources).filter((r) => r.name.startsWith('data-plane_'));
}

export interface IamGrant {
  readonly resource: SynthesizedResource;
  readonly role: string;
  readonly member: string;
  /** The type granted on, from the IAM resource type: `google_pubsub_topic` for `google_pubsub_topic_iam_member`. */
  readonly targetType: string;
}

/** Every `*_iam_member` grant of the stack. */
export function iamGrants(s: SynthesizedStack): IamGrant[] {
  return s.resources
    .filter((r) => r.type.endsWith('_iam_member'))
    .map((r) => ({
      resource: r,
      role: String(r.values.role),
      // Service agents as their documented addresses, whichever way the stack names them.
      member: agentAddress(s, String(r.values.member)),
      targetType: r.type.replace(/_iam_member$/, ''),
    }));
}

/**
 * In a customer's own project, the one grant to a principal of the platform's project: the tenant
 * deployer of its jurisdiction reads the tenant's copy of the relay images, because Cloud Run checks that whoever deploys
 * an image may read it (TenantImageRepository).
 */
export function isDeployerImageRead(r: SynthesizedResource, tenant: Pick<ResolvedTenant, 'projectId' | 'jurisdiction'>): boolean {
  return (
    r.type === 'google_artifact_registry_repository_iam_member' &&
    r.values.project === tenant.projectId &&
    r.values.role === 'roles/artifactregistry.reader' &&
    r.values.member === `serviceAccount:ci-tenant-${tenant.jurisdiction.toLowerCase()}@${sharedProjectId(fixtureEnvironment().platform)}.iam.gserviceaccount.com`
  );
}

/** The first resource a `${type.name.attr}` reference inside `value` points at. */
export function referenced(s: SynthesizedStack, value: unknown): SynthesizedResource | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[^}]*\}/.exec(value);
  return m ? s.resources.find((r) => r.type === m[1] && r.name === m[2]) : undefined;
}

export function byAttr(s: SynthesizedStack, type: string, attr: string, value: string): SynthesizedResource | undefined {
  return s.ofType(type).find((r) => r.values[attr] === value);
}

export function mustFind(s: SynthesizedStack, type: string, attr: string, value: string): SynthesizedResource {
  const r = byAttr(s, type, attr, value);
  if (!r) throw new Error(`${s.name}: no ${type} with ${attr} = ${value}`);
  return r;
}

export interface EnvVar {
  readonly value?: string;
  /** The secret a `value_source.secret_key_ref` names (a reference). */
  readonly secretRef?: string;
  readonly version?: string;
}

type Container = { env?: Array<{ name: string; value?: string; value_source?: { secret_key_ref?: { secret: string; version?: string } } }> };

function containersOf(r: SynthesizedResource): Container[] {
  const t = r.values.template as { containers?: Container[]; template?: { containers?: Container[] } } | undefined;
  return t?.containers ?? t?.template?.containers ?? [];
}

/** The env of a Cloud Run service or job's (single) container. */
export function envOf(r: SynthesizedResource): Record<string, EnvVar> {
  const out: Record<string, EnvVar> = {};
  for (const c of containersOf(r)) {
    for (const e of c.env ?? []) {
      out[e.name] = { value: e.value, secretRef: e.value_source?.secret_key_ref?.secret, version: e.value_source?.secret_key_ref?.version };
    }
  }
  return out;
}

/** The service account a Cloud Run service or job runs as. */
export function runsAs(r: SynthesizedResource): string | undefined {
  const t = r.values.template as { service_account?: string; template?: { service_account?: string } } | undefined;
  return t?.service_account ?? t?.template?.service_account;
}

/** Every string anywhere in the stack's resources and data sources. */
export function allStrings(s: SynthesizedStack): string[] {
  return [...walkStrings(s.json.resource ?? {}), ...walkStrings(s.json.data ?? {})].map((x) => x.value);
}

/** The seconds of a Pub/Sub duration such as "43200s"; 0 when unset. */
export function seconds(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const m = /^(\d+)s$/.exec(String(value));
  if (!m) throw new Error(`not a duration: ${JSON.stringify(value)}`);
  return Number(m[1]);
}

export function labels(r: SynthesizedResource): Record<string, string> {
  return (r.values.labels as Record<string, string> | undefined) ?? {};
}
