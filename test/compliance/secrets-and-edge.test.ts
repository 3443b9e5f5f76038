/** Secret and public-edge rules (SEC-1 to SEC-3, ENC-1, NET-1): broken stacks rejected, twins accepted. */
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { WAF_RULES, wafExpression } from '../../policy/edge-waf';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ComputeSecurityPolicy } from '@cdktf/provider-google/lib/compute-security-policy';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import type { TerraformStack } from 'cdktf';
import { bareTenantStack, check, expectAccepted, expectRejected, realTenantStack, findResource } from './support';

const labels = { tenant: 'rule-test', environment: 'fixture', 'data-residency': 'eu' };
const sa = (project: string, id: string) => `${id}@${project}.iam.gserviceaccount.com`;

function secret(
  stack: TerraformStack,
  id: string,
  project: string,
  topic?: PubsubTopic,
  extra: Partial<ConstructorParameters<typeof SecretManagerSecret>[2]> = {},
) {
  return new SecretManagerSecret(stack, id, {
    project,
    secretId: id,
    replication: { userManaged: { replicas: [{ location: 'europe-west1' }] } },
    rotation: topic ? { rotationPeriod: '7776000s', nextRotationTime: '2030-01-01T00:00:00Z' } : undefined,
    topics: topic ? [{ name: topic.id }] : undefined,
    labels,
    ...extra,
  });
}


describe('SEC-1: credentials in Secret Manager, replicated in the jurisdiction, never in the config', () => {
  it('rejects automatic replication, a replica in London and a literal secret version; accepts user-managed EU replicas', () => {
    const broken = bareTenantStack({ integrations: ['mailchimp'] });
    const p = broken.tenant.projectId;
    secret(broken.stack, 'auto', p, undefined, { replication: { auto: {} } });
    const london = secret(broken.stack, 'london', p, undefined, {
      replication: { userManaged: { replicas: [{ location: 'europe-west2' }] } },
    });
    new SecretManagerSecretVersion(broken.stack, 'value', { secret: london.id, secretData: 'api-key-123' });
    const out = check('SEC-1', broken.stack, broken.env);
    for (const a of [
      'google_secret_manager_secret.auto',
      'google_secret_manager_secret.london',
      'google_secret_manager_secret_version.value',
    ])
      expectRejected(out, 'SEC-1', broken.stack.node.id, a);

    const twin = bareTenantStack({ integrations: ['mailchimp'] });
    secret(twin.stack, 'mailchimp', twin.tenant.projectId);
    expectAccepted(check('SEC-1', twin.stack, twin.env));
  });

  it('rejects a tenant whose integrations need credentials but whose stack holds no secret', () => {
    const empty = bareTenantStack({ integrations: ['mailchimp'] });
    expectRejected(check('SEC-1', empty.stack, empty.env), 'SEC-1', empty.stack.node.id, '(stack)');
  });
});

describe('SEC-2: secrets rotate, with notices on a topic', () => {
  it('rejects a secret without rotation; accepts rotation with a topic of the stack', () => {
    const broken = bareTenantStack({ integrations: ['mailchimp'] });
    secret(broken.stack, 'static', broken.tenant.projectId);
    expectRejected(check('SEC-2', broken.stack, broken.env), 'SEC-2', broken.stack.node.id, 'google_secret_manager_secret.static');

    const twin = bareTenantStack({ integrations: ['mailchimp'] });
    const topic = new PubsubTopic(twin.stack, 'rotation', {
      project: twin.tenant.projectId,
      name: 'secret-rotation',
      messageStoragePolicy: { allowedPersistenceRegions: ['europe-west1'] },
      labels,
    });
    secret(twin.stack, 'rotating', twin.tenant.projectId, topic);
    expectAccepted(check('SEC-2', twin.stack, twin.env));
  });

  it('sees an override that removes rotation from a real integration secret', () => {
    const { stack, env } = realTenantStack({ integrations: ['xero'] });
    expectAccepted(check('SEC-2', stack, env));
    findResource(stack, 'google_secret_manager_secret').addOverride('rotation', undefined);
    expectRejected(check('SEC-2', stack, env), 'SEC-2', stack.node.id, 'google_secret_manager_secret.');
  });
});

describe('SEC-3: one reader per secret, the workload that mounts it', () => {
  it('rejects two readers, a project-wide accessor and a reader other than the mounting workload; accepts one reader that mounts it', () => {
    const broken = bareTenantStack({ integrations: ['mailchimp'] });
    const p = broken.tenant.projectId;
    const s = secret(broken.stack, 'shared', p);
    new SecretManagerSecretIamMember(broken.stack, 'a', {
      project: p,
      secretId: s.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${sa(p, 'sync-mailchimp')}`,
    });
    new SecretManagerSecretIamMember(broken.stack, 'b', {
      project: p,
      secretId: s.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${sa(p, 'ingest-webhook')}`,
    });
    new ProjectIamMember(broken.stack, 'all-secrets', {
      project: p,
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${sa(p, 'mcp-endpoint')}`,
    });
    const out = check('SEC-3', broken.stack, broken.env);
    expectRejected(out, 'SEC-3', broken.stack.node.id, 'google_project_iam_member.all-secrets');
    expect(out.violations.some((v) => v.includes('2 principals can read it'))).toBe(true);

    const mismatch = bareTenantStack({ integrations: ['mailchimp'] });
    const q = mismatch.tenant.projectId;
    const m = secret(mismatch.stack, 'key', q);
    new SecretManagerSecretIamMember(mismatch.stack, 'reader', {
      project: q,
      secretId: m.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${sa(q, 'ingest-webhook')}`,
    });
    new CloudRunV2Service(mismatch.stack, 'job', {
      project: q,
      name: 'sync',
      location: 'europe-west1',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      template: {
        serviceAccount: sa(q, 'sync-mailchimp'),
        containers: [{ image: 'x', env: [{ name: 'KEY', valueSource: { secretKeyRef: { secret: m.secretId, version: 'latest' } } }] }],
      },
      labels,
    });
    expectRejected(check('SEC-3', mismatch.stack, mismatch.env), 'SEC-3', mismatch.stack.node.id, 'mounted by');

    const twin = bareTenantStack({ integrations: ['mailchimp'] });
    const r = twin.tenant.projectId;
    const t = secret(twin.stack, 'key', r);
    new SecretManagerSecretIamMember(twin.stack, 'reader', {
      project: r,
      secretId: t.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${sa(r, 'sync-mailchimp')}`,
    });
    new CloudRunV2Service(twin.stack, 'job', {
      project: r,
      name: 'sync',
      location: 'europe-west1',
      ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
      template: {
        serviceAccount: sa(r, 'sync-mailchimp'),
        containers: [{ image: 'x', env: [{ name: 'KEY', valueSource: { secretKeyRef: { secret: t.secretId, version: 'latest' } } }] }],
      },
      labels,
    });
    expectAccepted(check('SEC-3', twin.stack, twin.env));
  });
});

/** A public edge: a webhook service behind a serverless NEG, a backend with Cloud Armor, an HTTPS proxy. */
function edge(
  stack: TerraformStack,
  project: string,
  opts: { tls: string; profile: string; rateLimit: boolean; ingress: string; scheme?: string; plainHttp?: boolean },
) {
  const svc = new CloudRunV2Service(stack, 'webhook', {
    project,
    name: 'ingest-webhook',
    location: 'europe-west1',
    ingress: opts.ingress,
    invokerIamDisabled: true,
    template: { serviceAccount: sa(project, 'ingest-webhook'), containers: [{ image: 'x' }] },
    labels,
  });
  const neg = new ComputeRegionNetworkEndpointGroup(stack, 'neg', {
    project,
    name: 'neg',
    region: 'europe-west1',
    networkEndpointType: 'SERVERLESS',
    cloudRun: { service: svc.name },
  });
  const armor = new ComputeSecurityPolicy(stack, 'armor', {
    project,
    name: 'armor',
    rule: opts.rateLimit
      ? [
          // The preconfigured WAF rules NET-1/waf asks for, as PublicEdge declares them.
          ...WAF_RULES.map((w, i) => ({ action: 'deny(403)', priority: 800 + i, preview: false, match: { expr: { expression: wafExpression(w.name, 1) } } })),
          {
            action: 'throttle',
            priority: 1000,
            match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
            rateLimitOptions: {
              conformAction: 'allow',
              exceedAction: 'deny(429)',
              enforceOnKey: 'IP',
              rateLimitThreshold: { count: 100, intervalSec: 60 },
            },
          },
        ]
      : [{ action: 'allow', priority: 2147483647, match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } } }],
  });
  const backend = new ComputeBackendService(stack, 'backend-service', {
    project,
    name: 'backend',
    loadBalancingScheme: opts.scheme ?? 'EXTERNAL_MANAGED',
    securityPolicy: armor.id,
    backend: [{ group: neg.id }],
  });
  const map = new ComputeUrlMap(stack, 'map', { project, name: 'map', defaultService: backend.id });
  const ssl = new ComputeSslPolicy(stack, 'ssl', { project, name: 'ssl', minTlsVersion: opts.tls, profile: opts.profile });
  new ComputeTargetHttpsProxy(stack, 'https', {
    project,
    name: 'https',
    urlMap: map.id,
    sslPolicy: ssl.id,
    sslCertificates: ['projects/x/global/sslCertificates/c'],
  });
  if (opts.plainHttp) new ComputeTargetHttpProxy(stack, 'http', { project, name: 'http', urlMap: map.id });
}

describe('ENC-1: TLS 1.2 or newer on public endpoints', () => {
  it('rejects a COMPATIBLE TLS 1.0 policy and a plain-HTTP proxy; accepts MODERN TLS 1.2', () => {
    const broken = bareTenantStack();
    edge(broken.stack, broken.tenant.projectId, {
      tls: 'TLS_1_0',
      profile: 'COMPATIBLE',
      rateLimit: true,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
      plainHttp: true,
    });
    const out = check('ENC-1', broken.stack, broken.env);
    expectRejected(out, 'ENC-1', broken.stack.node.id, 'google_compute_ssl_policy.ssl');
    expect(out.violations.some((v) => v.includes('google_compute_target_http_proxy.http'))).toBe(true);

    const twin = bareTenantStack();
    edge(twin.stack, twin.tenant.projectId, {
      tls: 'TLS_1_2',
      profile: 'MODERN',
      rateLimit: true,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
    });
    expectAccepted(check('ENC-1', twin.stack, twin.env));
  });

  it('sees an override that detaches the SSL policy of the real load balancer', () => {
    const { stack, env } = realTenantStack();
    expectAccepted(check('ENC-1', stack, env));
    findResource(stack, 'google_compute_target_https_proxy').addOverride('ssl_policy', undefined);
    expectRejected(check('ENC-1', stack, env), 'ENC-1', stack.node.id, 'google_compute_target_https_proxy.');
  });
});

describe('NET-1: public endpoints behind the load balancer with rate-limiting Cloud Armor', () => {
  it('rejects direct ingress and a Cloud Armor policy without rate limiting; accepts the full edge', () => {
    const direct = bareTenantStack();
    edge(direct.stack, direct.tenant.projectId, { tls: 'TLS_1_2', profile: 'MODERN', rateLimit: true, ingress: 'INGRESS_TRAFFIC_ALL' });
    expectRejected(check('NET-1', direct.stack, direct.env), 'NET-1', direct.stack.node.id, 'google_cloud_run_v2_service.webhook');

    const noLimit = bareTenantStack();
    edge(noLimit.stack, noLimit.tenant.projectId, {
      tls: 'TLS_1_2',
      profile: 'MODERN',
      rateLimit: false,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
    });
    expectRejected(check('NET-1', noLimit.stack, noLimit.env), 'NET-1', noLimit.stack.node.id, 'google_compute_security_policy.armor');

    const twin = bareTenantStack();
    edge(twin.stack, twin.tenant.projectId, {
      tls: 'TLS_1_2',
      profile: 'MODERN',
      rateLimit: true,
      ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
    });
    expectAccepted(check('NET-1', twin.stack, twin.env));
  });

  it('rejects an MCP endpoint opened to unauthenticated callers in a real stack', () => {
    const { stack, env } = realTenantStack({ mcp: { enabled: true } });
    expectAccepted(check('NET-1', stack, env));
    findResource(stack, 'google_cloud_run_v2_service', (r) => r.node.path.includes('mcp')).addOverride('invoker_iam_disabled', true);
    expectRejected(check('NET-1', stack, env), 'NET-1', stack.node.id, 'MCP endpoint');
  });
});
