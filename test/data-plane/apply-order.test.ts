/**
 * A tenant's first apply succeeds whatever order Terraform picks among independent resources: in a
 * project the stack creates, every resource waits for the project and for the API it calls, every
 * service agent exists before a grant names it, and the stack states the Terraform it needs.
 * Asserted on the synthesized JSON, as Terraform reads it.
 */
import { Testing, TerraformStack } from 'cdktf';
import { SynthesizedStack, dependenciesOf, type SynthesizedResource } from '../../compliance/synthesized-stack';
import { labelAttribute } from '../../compliance/labelable';
import { resolvePrincipal } from '../../compliance/principals';
import { CUSTOMER_DATA_SERVICES } from '../../constructs/data-access-audit-logs';
import { SERVICE_AGENT_DOMAINS, ServiceAgents } from '../../constructs/service-agents';
import { TenantProject } from '../../constructs/tenant-project';
import { PlatformStack } from '../../stacks/platform-stack';
import { REQUIRED_TERRAFORM_VERSION } from '../../stacks/required-terraform';
import { exampleEnvironment, makeTenant, synthStack, synthTenant } from '../support/synth';
import { example, exampleTenants } from './support';

/**
 * The API each resource type of the tenant stacks calls in the tenant project. Project IAM and
 * audit configs call the Resource Manager API, and project services and service identities the
 * Service Usage API, against the caller's project (the provider sends no user project for them,
 * google/transport/config.go), so they need only the project itself.
 */
const API_OF: Readonly<Record<string, string | null>> = {
  google_project_service: null,
  google_project_service_identity: null, // waits for the API named in its `service` (asserted below)
  google_project_iam_audit_config: null,
  google_project_iam_member: null,
  google_project_default_service_accounts: 'iam.googleapis.com',
  google_service_account: 'iam.googleapis.com',
  google_service_account_iam_member: 'iam.googleapis.com',
  google_kms_key_ring: 'cloudkms.googleapis.com',
  google_kms_crypto_key: 'cloudkms.googleapis.com',
  google_kms_crypto_key_iam_member: 'cloudkms.googleapis.com',
  google_pubsub_topic: 'pubsub.googleapis.com',
  google_pubsub_topic_iam_member: 'pubsub.googleapis.com',
  google_pubsub_subscription: 'pubsub.googleapis.com',
  google_pubsub_subscription_iam_member: 'pubsub.googleapis.com',
  google_secret_manager_secret: 'secretmanager.googleapis.com',
  google_secret_manager_secret_iam_member: 'secretmanager.googleapis.com',
  google_firestore_database: 'firestore.googleapis.com',
  google_firestore_field: 'firestore.googleapis.com',
  google_bigquery_dataset: 'bigquery.googleapis.com',
  google_bigquery_dataset_iam_member: 'bigquery.googleapis.com',
  google_bigquery_table: 'bigquery.googleapis.com',
  google_bigquery_table_iam_member: 'bigquery.googleapis.com',
  google_cloud_run_v2_service: 'run.googleapis.com',
  google_cloud_run_v2_service_iam_member: 'run.googleapis.com',
  google_cloud_run_v2_job: 'run.googleapis.com',
  google_cloud_run_v2_job_iam_member: 'run.googleapis.com',
  google_cloud_scheduler_job: 'cloudscheduler.googleapis.com',
  google_logging_project_bucket_config: 'logging.googleapis.com',
  google_essential_contacts_contact: 'essentialcontacts.googleapis.com',
  google_compute_global_address: 'compute.googleapis.com',
  google_compute_global_forwarding_rule: 'compute.googleapis.com',
  google_compute_managed_ssl_certificate: 'compute.googleapis.com',
  google_compute_region_network_endpoint_group: 'compute.googleapis.com',
  google_compute_backend_service: 'compute.googleapis.com',
  google_compute_security_policy: 'compute.googleapis.com',
  google_compute_ssl_policy: 'compute.googleapis.com',
  google_compute_target_https_proxy: 'compute.googleapis.com',
  google_compute_url_map: 'compute.googleapis.com',
  'data.google_bigquery_default_service_account': 'bigquery.googleapis.com',
};

interface Node {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

/** Resources and data sources of the stack, by address (`data.` prefix for data sources). */
function nodesOf(s: SynthesizedStack): Map<string, Node> {
  const nodes = new Map<string, Node>();
  for (const r of s.resources) nodes.set(r.address, { address: r.address, type: r.type, values: r.values as Record<string, unknown> });
  for (const [type, byName] of Object.entries(s.json.data ?? {})) {
    for (const [name, raw] of Object.entries(byName)) {
      const { ['//']: _meta, ...values } = raw as Record<string, unknown>;
      nodes.set(`data.${type}.${name}`, { address: `data.${type}.${name}`, type: `data.${type}`, values });
    }
  }
  return nodes;
}

/** Every address `address` waits for, directly or through others (references and depends_on). */
function reach(nodes: Map<string, Node>, address: string): Set<string> {
  const seen = new Set<string>();
  const visit = (a: string): void => {
    const node = nodes.get(a);
    if (!node) return;
    for (const d of dependenciesOf(node as unknown as SynthesizedResource)) {
      if (!seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
    // dependenciesOf reads resource references; data references need the `data.` prefix kept.
    for (const m of JSON.stringify(node.values).matchAll(/\$\{data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
      const d = `data.${m[1]}.${m[2]}`;
      if (!seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(address);
  return seen;
}

/**
 * What is wrong with the ordering of a stack that creates project `projectId`: each resource or
 * data source placed in that project that does not wait for the google_project, or for the
 * google_project_service of its API; and types the table above does not know.
 */
function orderingProblems(s: SynthesizedStack, projectId: string): string[] {
  const nodes = nodesOf(s);
  const project = s.ofType('google_project').find((p) => p.values.project_id === projectId);
  if (!project) return [`no google_project ${projectId}`];
  const services = new Map(
    s
      .ofType('google_project_service')
      .filter((x) => x.values.project === projectId)
      .map((x) => [String(x.values.service), x.address] as const),
  );
  const problems: string[] = [];
  for (const node of nodes.values()) {
    if (node.type === 'google_project') continue;
    const inProject = node.values.project === projectId || JSON.stringify(node.values).includes(`\${${project.address}.`);
    const ownReference = [...dependenciesOf(node as unknown as SynthesizedResource)].some((d) => {
      const target = nodes.get(d);
      return target !== undefined && target.values.project === projectId && target.type !== 'google_project_service_identity';
    });
    if (!inProject && !ownReference) continue;
    const waitsFor = reach(nodes, node.address);
    if (!waitsFor.has(project.address)) problems.push(`${node.address}: does not wait for ${project.address}`);
    if (!(node.type in API_OF)) {
      problems.push(`${node.address}: no API known for ${node.type}`);
      continue;
    }
    const api = node.type === 'google_project_service_identity' ? String(node.values.service) : API_OF[node.type];
    if (api === null) continue;
    const service = services.get(api);
    if (!service) problems.push(`${node.address}: ${api} is not enabled by the stack`);
    else if (!waitsFor.has(service)) problems.push(`${node.address}: does not wait for ${service} (${api})`);
  }
  return problems.sort();
}

const owned = exampleTenants().filter((b) => b.stack.project.isOwnedBySmartSegments);
const AGENT_DOMAIN = /@(gcp-sa-[a-z0-9-]+|serverless-robot-prod|bigquery-encryption)\.iam\.gserviceaccount\.com$/;

describe('ordering: in a project the stack creates, everything waits for the project and its API', () => {
  it('the example has owned tenants to check', () => {
    expect(owned.map((b) => b.tenant.id).sort()).toEqual(['alpen-sport', 'brightwave-leisure', 'harbour-play', 'lisboa-parque', 'thames-bowl']);
  });

  it.each(owned.map((b) => [b.tenant.id, b] as const))('%s: no resource can run before the project or its API', (_id, b) => {
    expect(orderingProblems(b.synth, b.tenant.projectId)).toEqual([]);
  });

  it.each(owned.map((b) => [b.tenant.id, b] as const))('%s: each Data Access audit config depends on the google_project itself', (_id, b) => {
    const project = b.synth.ofType('google_project')[0];
    const configs = b.synth.ofType('google_project_iam_audit_config');
    expect(configs).toHaveLength(CUSTOMER_DATA_SERVICES.length);
    for (const c of configs) expect(c.values.depends_on).toEqual([project.address]);
  });

  it('the check fails on a stack whose audit config has lost its dependency (the first-apply race)', () => {
    const b = example('brightwave-leisure');
    const json = JSON.parse(JSON.stringify(b.synth.json));
    const configs = json.resource.google_project_iam_audit_config as Record<string, Record<string, unknown>>;
    const [name] = Object.keys(configs);
    delete configs[name].depends_on;
    const broken = new SynthesizedStack(b.synth.name, json);
    expect(orderingProblems(broken, b.tenant.projectId)).toEqual([
      `google_project_iam_audit_config.${name}: does not wait for ${b.synth.ofType('google_project')[0].address}`,
    ]);
  });

  it('the check fails on a KMS key ring that does not wait for cloudkms.googleapis.com', () => {
    const b = example('brightwave-leisure');
    const json = JSON.parse(JSON.stringify(b.synth.json));
    const rings = json.resource.google_kms_key_ring as Record<string, Record<string, unknown>>;
    for (const ring of Object.values(rings)) ring.depends_on = [b.synth.ofType('google_project')[0].address];
    const problems = orderingProblems(new SynthesizedStack(b.synth.name, json), b.tenant.projectId);
    // The rings, and the keys and grants that wait only through them.
    expect(problems.filter((p) => p.startsWith('google_kms_key_ring.'))).toHaveLength(Object.keys(rings).length);
    for (const p of problems) expect(p).toMatch(/^google_kms_(key_ring|crypto_key|crypto_key_iam_member)\..*: does not wait for google_project_service\.[^ ]+ \(cloudkms\.googleapis\.com\)$/);
  });
});

describe('service agents exist before any grant names them', () => {
  it.each(owned.map((b) => [b.tenant.id, b] as const))(
    '%s: every grant to a service agent takes its member from the resource that creates the agent',
    (_id, b) => {
      const nodes = nodesOf(b.synth);
      const grants = b.synth.resources.filter((r) => r.type.endsWith('_iam_member'));
      const toAgents = grants.filter((g) => {
        const member = String(g.values.member);
        return AGENT_DOMAIN.test(member) || /google_project_service_identity\.|google_bigquery_default_service_account\./.test(member);
      });
      expect(toAgents.length).toBeGreaterThan(0);
      for (const g of toAgents) {
        const member = String(g.values.member);
        const identity = /^\$\{(google_project_service_identity\.[A-Za-z0-9_-]+)\.member\}$/.exec(member);
        const bigquery = /^serviceAccount:\$\{(data\.google_bigquery_default_service_account\.[A-Za-z0-9_-]+)\.email\}$/.exec(member);
        expect([g.address, identity !== null || bigquery !== null]).toEqual([g.address, true]);
        const source = nodes.get((identity ?? bigquery)![1])!;
        expect(source).toBeDefined();
        if (identity) {
          // The identity is created in this project, by google-beta, after its API is enabled.
          expect(source.values).toMatchObject({ project: b.tenant.projectId, provider: 'google-beta' });
          const service = b.synth.ofType('google_project_service').find((x) => x.values.service === source.values.service)!;
          expect(source.values.depends_on).toEqual([service.address]);
          expect(g.values.depends_on).toEqual([identity[1]]);
        } else {
          const service = b.synth.ofType('google_project_service').find((x) => x.values.service === 'bigquery.googleapis.com')!;
          expect(source.values).toMatchObject({ project: b.tenant.projectId, depends_on: [service.address] });
        }
      }
    },
  );

  it.each(owned.map((b) => [b.tenant.id, b] as const))('%s: one identity per agent the stack grants to, only for known agents', (_id, b) => {
    const identities = b.synth.ofType('google_project_service_identity');
    const apis = identities.map((i) => String(i.values.service)).sort();
    expect(new Set(apis).size).toBe(apis.length);
    const known: string[] = Object.values(SERVICE_AGENT_DOMAINS).map((a) => a.api);
    for (const api of apis) expect(known).toContain(api);
    // Every owned example tenant has a source pipeline, rotation notices and Cloud Run workloads.
    for (const api of ['pubsub.googleapis.com', 'run.googleapis.com', 'secretmanager.googleapis.com']) expect(apis).toContain(api);
    // Firestore's agent only where a CMEK Firestore database exists.
    expect(apis.includes('firestore.googleapis.com')).toBe(
      b.synth.ofType('google_firestore_database').some((d) => d.values.cmek_config !== undefined),
    );
  });

  it('the google-beta provider that creates them has the GA provider\'s region, and is pinned like it', () => {
    const s = example('brightwave-leisure').synth;
    const providers = s.json.provider as Record<string, Array<Record<string, unknown>>>;
    expect(providers['google-beta']).toEqual([{ region: example('brightwave-leisure').tenant.region }]);
    expect(providers['google-beta']).toEqual(providers.google);
    const required = (s.json.terraform as { required_providers: Record<string, { version: string }> }).required_providers;
    expect(required['google-beta'].version).toBe(required.google.version);
  });

  it("in the customer's own project (HAND-2) nothing is created on request: the customer creates the agents, which the grants name by address", () => {
    const b = example('nordic-climb');
    expect(b.stack.project.isOwnedBySmartSegments).toBe(false);
    expect(b.synth.ofType('google_project_service_identity')).toEqual([]);
    expect(Object.keys(b.synth.json.provider ?? {})).toEqual(['google']);
    expect(b.stack.dataPlane.serviceAgents.agentsTheCustomerMustCreate).toEqual([
      'pubsub.googleapis.com',
      'run.googleapis.com',
      'secretmanager.googleapis.com',
    ]);
    const members = b.synth.resources.filter((r) => r.type.endsWith('_iam_member') && AGENT_DOMAIN.test(String(r.values.member)));
    expect(members.length).toBeGreaterThan(0);
    for (const g of members) expect(String(g.values.member)).toMatch(/^serviceAccount:service-\$\{data\.google_project\.[^}]+\.number\}@/);
  });

  it('an owned project has no list for the customer: the stack creates every agent itself', () => {
    expect(example('brightwave-leisure').stack.dataPlane.serviceAgents.agentsTheCustomerMustCreate).toEqual([]);
  });

  it('refuses an owned project without the google-beta provider, naming the fix', () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    const project = new TenantProject(stack, 'p', { projectId: 'ss-agents-test', ownership: 'smart-segments', folderId: 'folders/1', billingAccount: '000000-000000-000000' });
    const agents = new ServiceAgents(stack, 'agents', { project });
    expect(() => agents.agent('secretmanager')).toThrow(
      /project ss-agents-test is created by Smart Segments, so its secretmanager\.googleapis\.com service agent is created with google_project_service_identity.*pass betaProvider/,
    );
    // BigQuery's account needs no identity: its data source creates it.
    expect(() => agents.agent('bigquery-encryption')).not.toThrow();
  });
});

describe('the DPA pack reads the google-beta service identity', () => {
  it('knows the beta-only type (it takes no labels) and still refuses a type no provider has', () => {
    expect(labelAttribute('google_project_service_identity')).toBeUndefined();
    expect(() => labelAttribute('google_project_service_identiti')).toThrow();
  });

  it("recognises a grant's member taken from an identity as a Google service agent", () => {
    const s = example('brightwave-leisure').synth;
    const identity = s.ofType('google_project_service_identity')[0];
    const principal = resolvePrincipal(s, `\${${identity.address}.member}`);
    expect(principal).toMatchObject({ kind: 'serviceAccount', isServiceAgent: true, resolvedFrom: identity.address, unresolved: false });
  });
});

describe('Firestore Data Access audit logs are configured under datastore.googleapis.com', () => {
  it.each(owned.map((b) => [b.tenant.id, b] as const))('%s', (_id, b) => {
    const services = b.synth.ofType('google_project_iam_audit_config').map((c) => c.values.service);
    expect(services).toContain('datastore.googleapis.com');
    expect(services).not.toContain('firestore.googleapis.com');
  });
});

describe('every stack declares the Terraform version its removed blocks need', () => {
  it.each([
    ['an owned tenant', () => example('brightwave-leisure').synth],
    ["a customer's project", () => example('nordic-climb').synth],
    ['a tenant handed over (the release, with removed blocks)', () =>
      synthTenant(
        makeTenant({
          id: 'takeover',
          warehouse: { mode: 'customer', projectId: 'takeover-dwh', provisionedBy: 'smart-segments' },
          lifecycle: {
            state: 'handed-over',
            handover: {
              customerOrganizationId: '998877665544',
              customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
              customerOwnerGroup: 'gcp-owners@customer.example',
              customerDirectoryCustomerId: 'C09cust01',
            },
          },
        }),
      )],
    ['the platform', () => synthStack(new PlatformStack(Testing.app(), { environment: exampleEnvironment() }))],
  ])('%s', (_what, synth) => {
    const s = synth();
    expect((s.json.terraform as { required_version?: string }).required_version).toBe(REQUIRED_TERRAFORM_VERSION);
    if (_what.startsWith('a tenant handed over')) expect(Array.isArray(s.json.removed)).toBe(true);
    expect(REQUIRED_TERRAFORM_VERSION).toBe('>= 1.7.0');
  });
});
