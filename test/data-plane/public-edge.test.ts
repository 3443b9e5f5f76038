/** The only way in from the internet: ENC-1 and NET-1. */
import { waitingWorkloads } from '../../config/workload-secrets';
import { Testing, TerraformStack } from 'cdktf';
import { PublicEdge } from '../../constructs/public-edge';
import { RelayService, type RelayExposure } from '../../constructs/relay-service';
import { TenantProject } from '../../constructs/tenant-project';
import { WorkloadIdentity } from '../../constructs/workload-identity';
import { fixtureEnvironment } from '../support/synth';
import { exampleTenants, iamGrants, mustFind, referenced } from './support';

// Tenants whose workloads all run; lisboa-parque's wait for their secrets (test/data-plane/workload-secrets.test.ts).
const built = exampleTenants().filter((b) => waitingWorkloads(b.tenant).length === 0);
const cases = built.map((b) => [b.tenant.id, b] as const);
const IMAGE = `europe-west1-docker.pkg.dev/p/r/i@sha256:${'a'.repeat(64)}`;

function unitService(exposure: RelayExposure) {
  const stack = new TerraformStack(Testing.app(), 'unit');
  const project = new TenantProject(stack, 'project', { projectId: 'unit-test-project', ownership: 'customer' });
  const identity = new WorkloadIdentity(stack, 'identity', { project, accountId: 'unit-workload', displayName: 'Unit' });
  const service = new RelayService(stack, 'service', {
    project,
    jurisdiction: 'EEA',
    region: 'europe-west1',
    name: 'unit-service',
    image: IMAGE,
    identity,
    exposure,
  });
  return { stack, project, service };
}

describe('ENC-1: public HTTPS endpoints require TLS 1.2 or higher', () => {
  it.each(cases)('%s serves HTTPS only, through a proxy whose SSL policy is MODERN or RESTRICTED with minimum TLS 1.2', (_id, b) => {
    const proxies = b.synth.ofType('google_compute_target_https_proxy');
    expect(proxies).toHaveLength(1);
    for (const p of proxies) {
      const policy = referenced(b.synth, p.values.ssl_policy);
      expect(policy?.type).toBe('google_compute_ssl_policy');
      expect(policy?.values.min_tls_version).toBe('TLS_1_2');
      expect(['MODERN', 'RESTRICTED']).toContain(policy?.values.profile);
      const certs = (p.values.ssl_certificates as string[]).map((c) => referenced(b.synth, c));
      expect(certs.map((c) => (c?.values.managed as { domains: string[] }).domains)).toEqual([
        [`${b.tenant.id}.${fixtureEnvironment().platform.edgeDomain}`],
      ]);
    }
    expect(b.synth.ofType('google_compute_target_http_proxy')).toEqual([]);
    for (const rule of b.synth.ofType('google_compute_global_forwarding_rule')) {
      expect(rule.values.port_range).toBe('443');
      expect(referenced(b.synth, rule.values.target)?.type).toBe('google_compute_target_https_proxy');
    }
  });

  it('refuses a weaker SSL profile', () => {
    const { stack, project, service } = unitService('public-webhook');
    expect(
      () =>
        new PublicEdge(stack, 'edge', {
          project,
          hostname: 'unit.hooks.example.com',
          backends: [{ service, pathPrefixes: ['/sources'] }],
          sslProfile: 'COMPATIBLE' as 'MODERN',
          waf: { mode: 'enforce', sensitivity: 1 },
        }),
    ).toThrow(/sslProfile.*ENC-1/);
  });
});

describe('NET-1: public endpoints sit behind the load balancer with per-IP rate limiting; the MCP endpoint needs IAM', () => {
  it.each(cases)('%s puts every public service behind a serverless NEG, a rate-limiting policy and load-balancer-only ingress', (_id, b) => {
    const negs = b.synth.ofType('google_compute_region_network_endpoint_group');
    const behindEdge = new Set<string>();
    for (const neg of negs) {
      expect(neg.values.network_endpoint_type).toBe('SERVERLESS');
      expect(neg.values.region).toBe(b.tenant.region);
      const service = referenced(b.synth, (neg.values.cloud_run as { service: string }).service)!;
      expect(service.values.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
      behindEdge.add(service.name);
    }
    const expected = [...(b.tenant.sources.length ? ['ingest-webhook'] : []), ...(b.tenant.mcp.enabled ? ['mcp-endpoint'] : [])].sort();
    expect(negs.map((n) => referenced(b.synth, (n.values.cloud_run as { service: string }).service)!.values.name).sort()).toEqual(expected);

    for (const backend of b.synth.ofType('google_compute_backend_service')) {
      expect(backend.values.load_balancing_scheme).toBe('EXTERNAL_MANAGED');
      const policy = referenced(b.synth, backend.values.security_policy)!;
      expect(policy.type).toBe('google_compute_security_policy');
      const rules = policy.values.rule as Array<{ action: string; rate_limit_options?: { enforce_on_key: string; rate_limit_threshold: { count: number } } }>;
      const limiting = rules.filter((r) => ['throttle', 'rate_based_ban'].includes(r.action));
      expect(limiting.length).toBeGreaterThan(0);
      for (const r of limiting) {
        expect(r.rate_limit_options?.enforce_on_key).toBe('IP');
        expect(r.rate_limit_options?.rate_limit_threshold.count).toBeGreaterThan(0);
      }
    }
    // Services not behind the edge take internal traffic only; none takes all traffic.
    for (const s of b.synth.ofType('google_cloud_run_v2_service')) {
      expect(s.values.ingress).not.toBe('INGRESS_TRAFFIC_ALL');
      if (!behindEdge.has(s.name)) expect(s.values.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
    }
  });

  it.each(cases)('%s routes only the paths its services own', (_id, b) => {
    const map = b.synth.ofType('google_compute_url_map')[0];
    const rules = (map.values.path_matcher as Array<{ path_rule: Array<{ paths: string[] }> }>)[0].path_rule.flatMap((r) => r.paths);
    const owned = [
      ...(b.tenant.sources.length ? ['/sources'] : []),
      ...(b.tenant.conversionTracking.enabled ? ['/conversions', '/consent'] : []),
      ...(b.tenant.mcp.enabled ? ['/mcp'] : []),
    ];
    expect(rules.sort()).toEqual(owned.flatMap((p) => [p, `${p}/*`]).sort());
    const policy = b.synth.ofType('google_compute_security_policy')[0];
    const deny = (policy.values.rule as Array<{ action: string; match: { expr?: { expression: string } } }>).find((r) => r.action === 'deny(404)')!;
    expect(deny.match.expr!.expression).toBe(`!request.path.matches('^(${[...owned].sort().join('|')})(/.*)?$')`);
  });

  it.each(cases)('%s requires IAM authentication on the MCP endpoint', (_id, b) => {
    const mcp = b.synth.ofType('google_cloud_run_v2_service').find((s) => s.values.name === 'mcp-endpoint');
    if (!b.tenant.mcp.enabled) {
      expect(mcp).toBeUndefined();
      return;
    }
    expect(mcp!.values.invoker_iam_disabled).toBeUndefined();
    expect(mcp!.values.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
    // No invoker grant by default: only principals named explicitly may call it.
    expect(iamGrants(b.synth).filter((g) => g.targetType === 'google_cloud_run_v2_service' && referenced(b.synth, g.resource.values.name) === mcp)).toEqual([]);
  });

  it.each(cases.filter(([, b]) => b.tenant.conversionTracking.enabled))('%s lets only the push identity invoke the internal relay', (_id, b) => {
    const relay = mustFind(b.synth, 'google_cloud_run_v2_service', 'name', 'conversion-relay');
    expect(relay.values.ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
    const invokers = iamGrants(b.synth).filter((g) => g.targetType === 'google_cloud_run_v2_service' && referenced(b.synth, g.resource.values.name) === relay);
    expect(invokers.map((g) => [g.role, g.member])).toEqual([
      ['roles/run.invoker', `serviceAccount:conversion-push@${b.tenant.projectId}.iam.gserviceaccount.com`],
    ]);
  });

  it('refuses an internal service behind the edge, and an invoker grant on a public webhook', () => {
    const internal = unitService('internal');
    expect(
      () => new PublicEdge(internal.stack, 'edge', { project: internal.project, hostname: 'unit.hooks.example.com', backends: [{ service: internal.service, pathPrefixes: ['/x'] }], waf: { mode: 'enforce', sensitivity: 1 } }),
    ).toThrow(/internal.*NET-1/);
    const webhook = unitService('public-webhook');
    expect(() => webhook.service.grantInvoke({ member: 'serviceAccount:a@unit-test-project.iam.gserviceaccount.com' })).toThrow(/invoker check is disabled/);
    expect(
      () => new PublicEdge(webhook.stack, 'edge', { project: webhook.project, hostname: 'unit.hooks.example.com', backends: [{ service: webhook.service, pathPrefixes: ['/x'] }], rateIntervalSeconds: 7, waf: { mode: 'enforce', sensitivity: 1 } }),
    ).toThrow(/rateIntervalSeconds/);
  });
});
