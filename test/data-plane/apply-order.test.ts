/**
 * A tenant's first apply succeeds whatever order Terraform picks among independent resources: in a
 * project the stack creates, every resource waits for the project and for the API it calls, every
 * service agent exists before a grant names it, and the stack states the Terraform it needs.
 * Asserted on the synthesized JSON, as Terraform reads it.
 */
import { Testing, TerraformStack } from 'cdktf';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { labelAttribute } from '../../compliance/labelable';
import { resolvePrincipal } from '../../compliance/principals';
import { CUSTOMER_DATA_SERVICES } from '../../policy/audit-logs';
import { SERVICE_AGENT_DOMAINS, ServiceAgents } from '../../constructs/service-agents';
import { TenantProject } from '../../constructs/tenant-project';
import { REQUIRED_TERRAFORM_VERSION } from '../../stacks/required-terraform';
import { FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack, makeTenant, synthTenant } from '../support/synth';
import { runDeployCheck } from '../deployability/support';
import type { ResolvedTenant } from '../../config/loader';
import { example, exampleTenants } from './support';

const owned = exampleTenants().filter((b) => b.stack.project.isOwnedBySmartSegments);
const AGENT_DOMAIN = /@(gcp-sa-[a-z0-9-]+|serverless-robot-prod|bigquery-encryption)\.iam\.gserviceaccount\.com$/;

// The ordering itself is DEP-ORDER's (compliance/deployability/checks/dep-order.ts, with its
// resource type -> API table); here it is asserted on the example tenants and on breakages of them.
/** A resource (`type.name`) or data source (`data.type.name`) of the stack, by address. */
function nodeAt(s: SynthesizedStack, address: string): { values: Record<string, unknown> } | undefined {
  const data = /^data\.([a-z0-9_]+)\.(.+)$/.exec(address);
  if (data) {
    const block = s.json.data?.[data[1]]?.[data[2]];
    return block ? { values: block as Record<string, unknown> } : undefined;
  }
  const r = s.resources.find((x) => x.address === address);
  return r ? { values: r.values as Record<string, unknown> } : undefined;
}

const orderingViolations = (b: { synth: SynthesizedStack; tenant: ResolvedTenant }) =>
  runDeployCheck('DEP-ORDER', b.synth, fixtureEnvironment(), b.tenant).violations;

describe('ordering: in a project the stack creates, everything waits for the project and its API', () => {
  it('the example has owned tenants to check', () => {
    expect(owned.map((b) => b.tenant.id).sort()).toEqual(['alpen-sport', 'brightwave-leisure', 'harbour-play', 'lisboa-parque', 'thames-bowl']);
  });

  it.each(owned.map((b) => [b.tenant.id, b] as const))('%s: no resource can run before the project or its API (DEP-ORDER)', (_id, b) => {
    const outcome = runDeployCheck('DEP-ORDER', b.synth, fixtureEnvironment(), b.tenant);
    expect(outcome.violations).toEqual([]);
    expect(outcome.compliant.length).toBeGreaterThan(20);
  });

  it.each(owned.map((b) => [b.tenant.id, b] as const))('%s: each Data Access audit config depends on the google_project itself', (_id, b) => {
    const project = b.synth.ofType('google_project')[0];
    const configs = b.synth.ofType('google_project_iam_audit_config');
    expect(configs).toHaveLength(CUSTOMER_DATA_SERVICES.length);
    for (const c of configs) expect(c.values.depends_on).toEqual([project.address]);
  });

  it('an audit config that has lost its dependency is refused (the first-apply race)', () => {
    const b = example('brightwave-leisure');
    const json = JSON.parse(JSON.stringify(b.synth.json));
    const configs = json.resource.google_project_iam_audit_config as Record<string, Record<string, unknown>>;
    const [name] = Object.keys(configs);
    delete configs[name].depends_on;
    const violations = orderingViolations({ synth: new SynthesizedStack(b.synth.name, json), tenant: b.tenant });
    expect(violations).toEqual([expect.stringContaining(`google_project_iam_audit_config.${name}`)]);
    expect(violations[0]).toMatch(/breaks DEP-ORDER .*nothing orders it after google_project\./);
  });

  it('a KMS key ring that does not wait for cloudkms.googleapis.com is refused, with what waits only through it', () => {
    const b = example('brightwave-leisure');
    const json = JSON.parse(JSON.stringify(b.synth.json));
    const rings = json.resource.google_kms_key_ring as Record<string, Record<string, unknown>>;
    for (const ring of Object.values(rings)) ring.depends_on = [b.synth.ofType('google_project')[0].address];
    const violations = orderingViolations({ synth: new SynthesizedStack(b.synth.name, json), tenant: b.tenant });
    expect(violations.filter((v) => v.includes('google_kms_key_ring.'))).toHaveLength(Object.keys(rings).length);
    for (const v of violations) expect(v).toMatch(/google_kms_(key_ring|crypto_key|crypto_key_iam_member)\..*needs cloudkms\.googleapis\.com/);
  });
});

describe('service agents exist before any grant names them', () => {
  it.each(owned.map((b) => [b.tenant.id, b] as const))(
    '%s: every grant to a service agent takes its member from the resource that creates the agent',
    (_id, b) => {
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
        const source = nodeAt(b.synth, (identity ?? bigquery)![1])!;
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
    // No grant names the Cloud Run agent: it pulls from the project's own repository (config/relay-images.ts).
    expect(b.stack.dataPlane.serviceAgents.agentsTheCustomerMustCreate).toEqual(['pubsub.googleapis.com', 'secretmanager.googleapis.com']);
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
    ['the platform', () => fixtureStack(FIXTURE_PLATFORM_STACK)],
  ])('%s', (_what, synth) => {
    const s = synth();
    expect((s.json.terraform as { required_version?: string }).required_version).toBe(REQUIRED_TERRAFORM_VERSION);
    if (_what.startsWith('a tenant handed over')) expect(Array.isArray(s.json.removed)).toBe(true);
    expect(REQUIRED_TERRAFORM_VERSION).toBe('>= 1.7.0');
  });
});
