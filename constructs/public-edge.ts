/**
 * PublicEdge (NET-1, ENC-1; DPA Annex II 1 and 3): the one way in from the internet to a tenant's
 * services. A global external Application Load Balancer serves `<tenant>.<edge domain>` with a
 * Google-managed certificate and an SSL policy of minimum TLS 1.2; every backend (a serverless NEG
 * per public Cloud Run service) sits behind a Cloud Armor policy that throttles each client IP and
 * answers 404 for any path no service owns. The services themselves accept only internal and
 * load-balancer ingress, so the run.app URL is closed.
 *
 * A backend whose service waits for its secrets (config/workload-secrets.ts) is not routed yet, and
 * Cloud Armor answers 404 for its paths. While no backend is ready, the edge is only its reserved
 * address (and the output naming it): the operator can point DNS at it while filling the secrets,
 * so the managed certificate, which provisions only once the hostname points at a load balancer
 * that serves it (provider v6.50.0 website/docs/r/compute_managed_ssl_certificate.html.markdown),
 * is not delayed further.
 * The address keeps its construct path, so it does not change when the rest of the edge appears.
 */
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ComputeSecurityPolicy } from '@cdktf/provider-google/lib/compute-security-policy';
import { WAF_DENY_ACTION, WAF_RULES, wafExpression } from '../policy/edge-waf';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import type { RelayService } from './relay-service';
import type { TenantProject } from './tenant-project';

/** Cloud Armor's allowed rate-limit intervals, seconds. */
const RATE_INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600];
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** A path prefix a backend owns: `/segment` or `/segment/more`, no wildcards. */
const PATH_PREFIX = /^(\/[a-z0-9][a-z0-9-]*)+$/;

export interface EdgeBackend {
  /** The public service; its exposure must be `public-webhook` or `authenticated-edge`. */
  readonly service: RelayService;
  /** Path prefixes routed to it, for example `/sources`; each also matches everything below it. */
  readonly pathPrefixes: readonly string[];
}

export interface PublicEdgeProps {
  readonly project: TenantProject;
  /** The served hostname, `<tenant>.<edge domain>`. */
  readonly hostname: string;
  /**
   * The public services that run, the first one also the URL map's default (Cloud Armor still
   * refuses unknown paths). Empty while every public service waits for its secrets: then only the
   * address is reserved.
   */
  readonly backends: readonly EdgeBackend[];
  /** `MODERN` or `RESTRICTED`, both with minimum TLS 1.2 (ENC-1). Default `MODERN`. */
  readonly sslProfile?: 'MODERN' | 'RESTRICTED';
  /** Requests one client IP may make per interval before it gets 429. Default 600. */
  readonly requestsPerIp?: number;
  /** The rate-limit interval in seconds (a Cloud Armor interval). Default 60. */
  readonly rateIntervalSeconds?: number;
  /**
   * The preconfigured WAF rules (policy/edge-waf.ts): `preview` logs what they would block,
   * `enforce` blocks with 403; sensitivity 1-4 (platform.yaml `edge.waf`).
   */
  readonly waf: { readonly mode: 'preview' | 'enforce'; readonly sensitivity: number };
}

export class PublicEdge extends Construct {
  readonly address: ComputeGlobalAddress;
  /** The load balancer; undefined while no backend is ready (only the address is reserved). */
  readonly balancer?: {
    readonly certificate: ComputeManagedSslCertificate;
    readonly sslPolicy: ComputeSslPolicy;
    readonly securityPolicy: ComputeSecurityPolicy;
    readonly urlMap: ComputeUrlMap;
    readonly proxy: ComputeTargetHttpsProxy;
    readonly forwardingRule: ComputeGlobalForwardingRule;
    readonly backendServices: ReadonlyMap<string, ComputeBackendService>;
  };
  readonly hostname: string;

  constructor(scope: Construct, id: string, props: PublicEdgeProps) {
    super(scope, id);
    const what = `PublicEdge ${this.node.path}`;
    if (!HOSTNAME.test(props.hostname)) throw new Error(`${what}: hostname "${props.hostname}" is not a DNS name such as acme.hooks.example.com`);
    const prefixes = new Set<string>();
    for (const b of props.backends) {
      if (b.service.exposure === 'internal') {
        throw new Error(
          `${what}: service ${b.service.name} is internal; only "public-webhook" and "authenticated-edge" services (ingress INTERNAL_LOAD_BALANCER) may sit behind the edge (NET-1)`,
        );
      }
      if (b.pathPrefixes.length === 0) throw new Error(`${what}: service ${b.service.name} has no pathPrefixes`);
      for (const p of b.pathPrefixes) {
        if (!PATH_PREFIX.test(p)) throw new Error(`${what}: path prefix "${p}" of ${b.service.name} must look like /segment or /segment/more`);
        if (prefixes.has(p)) throw new Error(`${what}: path prefix "${p}" is routed twice`);
        prefixes.add(p);
      }
    }
    const profile = props.sslProfile ?? 'MODERN';
    if (profile !== 'MODERN' && profile !== 'RESTRICTED') {
      throw new Error(`${what}: sslProfile must be MODERN or RESTRICTED (ENC-1: TLS 1.2 or higher), got ${String(profile)}`);
    }
    const requestsPerIp = props.requestsPerIp ?? 600;
    if (!Number.isInteger(requestsPerIp) || requestsPerIp < 1) throw new Error(`${what}: requestsPerIp must be a positive whole number, got ${requestsPerIp}`);
    const interval = props.rateIntervalSeconds ?? 60;
    if (!RATE_INTERVALS.includes(interval)) throw new Error(`${what}: rateIntervalSeconds must be one of ${RATE_INTERVALS.join(', ')}, got ${interval}`);
    this.hostname = props.hostname;

    const api = props.project.enableApi('compute.googleapis.com');
    const dependsOn = api ? [api] : [];
    const project = props.project.projectId;

    this.address = new ComputeGlobalAddress(this, 'address', {
      project,
      name: 'edge',
      description: `Public address of ${props.hostname}`,
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
      dependsOn,
    });
    // The DNS record for the hostname (outside this stack) must point here before the certificate provisions.
    // A stable name operators read (`terraform output -raw edge_ip_address`), not a construct path.
    new TerraformOutput(this, 'ip-address', {
      value: this.address.address,
      description: `A record for ${props.hostname}`,
    }).overrideLogicalId('edge_ip_address');
    if (props.backends.length === 0) return;

    // A managed certificate cannot change its domains in place: a new name per domain set lets the
    // replacement be created before the old one is released.
    const certHash = createHash('sha256').update(props.hostname).digest('hex').slice(0, 8);
    const certificate = new ComputeManagedSslCertificate(this, 'certificate', {
      project,
      name: `edge-${certHash}`,
      description: `Google-managed certificate for ${props.hostname}`,
      managed: { domains: [props.hostname] },
      lifecycle: { createBeforeDestroy: true },
      dependsOn,
    });
    const sslPolicy = new ComputeSslPolicy(this, 'ssl-policy', {
      project,
      name: 'edge-tls',
      description: 'TLS 1.2 or higher with modern ciphers only (DPA Annex II 1, ENC-1)',
      profile,
      minTlsVersion: 'TLS_1_2',
      dependsOn,
    });

    // Cloud Armor's expression language allows five subexpressions, so the owned paths are one
    // regex; prefixes hold only letters, digits, hyphens and slashes, none special in a regex.
    const pathRegex = `^(${[...prefixes].sort().join('|')})(/.*)?$`;
    const waf = props.waf;
    if (!Number.isInteger(waf.sensitivity) || waf.sensitivity < 1 || waf.sensitivity > 4) {
      throw new Error(`${what}: WAF sensitivity ${waf.sensitivity} must be 1-4 (platform.yaml edge.waf.sensitivity; 0 would enable no signature)`);
    }
    const securityPolicy = new ComputeSecurityPolicy(this, 'security-policy', {
      project,
      name: 'edge-rate-limit',
      description: 'WAF, per-client-IP throttling and path allowlist for the public webhooks (NET-1)',
      type: 'CLOUD_ARMOR',
      rule: [
        // Before everything else: an attack is refused whatever its path. In preview Cloud Armor logs
        // the match (enforcedSecurityPolicy.preconfiguredExprIds in the request log) and lets it through.
        ...WAF_RULES.map((rule, i) => ({
          priority: 800 + i,
          action: WAF_DENY_ACTION,
          preview: waf.mode === 'preview',
          description: `WAF: ${rule.what} (${rule.name}, sensitivity ${waf.sensitivity})`,
          match: { expr: { expression: wafExpression(rule.name, waf.sensitivity) } },
        })),
        {
          priority: 900,
          action: 'deny(404)',
          description: 'Paths no service owns',
          match: { expr: { expression: `!request.path.matches('${pathRegex}')` } },
        },
        {
          priority: 1000,
          action: 'throttle',
          description: `At most ${requestsPerIp} requests per ${interval}s from one client IP`,
          match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
          rateLimitOptions: {
            enforceOnKey: 'IP',
            rateLimitThreshold: { count: requestsPerIp, intervalSec: interval },
            conformAction: 'allow',
            exceedAction: 'deny(429)',
          },
        },
        {
          // Cloud Armor requires the default rule to be stated when any rule is.
          priority: 2147483647,
          action: 'allow',
          description: 'Default rule',
          match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
        },
      ],
      dependsOn,
    });

    const backends = new Map<string, ComputeBackendService>();
    for (const b of props.backends) {
      const neg = new ComputeRegionNetworkEndpointGroup(this, `neg-${b.service.name}`, {
        project,
        name: `edge-${b.service.name}`,
        region: b.service.region,
        networkEndpointType: 'SERVERLESS',
        cloudRun: { service: b.service.service.name },
        dependsOn,
      });
      backends.set(
        b.service.name,
        new ComputeBackendService(this, `backend-${b.service.name}`, {
          project,
          name: `edge-${b.service.name}`,
          description: `Serverless backend ${b.service.name}`,
          loadBalancingScheme: 'EXTERNAL_MANAGED',
          protocol: 'HTTPS',
          securityPolicy: securityPolicy.id,
          backend: [{ group: neg.id }],
          // Request logs go to the project's 30-day log bucket (LOG-1) for abuse investigation.
          logConfig: { enable: true, sampleRate: 1 },
          dependsOn,
        }),
      );
    }

    const first = backends.get(props.backends[0].service.name)!;
    const urlMap = new ComputeUrlMap(this, 'url-map', {
      project,
      name: 'edge',
      description: `Routes ${props.hostname} to the tenant's public services`,
      defaultService: first.id,
      hostRule: [{ hosts: [props.hostname], pathMatcher: 'tenant' }],
      pathMatcher: [
        {
          name: 'tenant',
          defaultService: first.id,
          pathRule: props.backends.map((b) => ({
            paths: b.pathPrefixes.flatMap((p) => [p, `${p}/*`]),
            service: backends.get(b.service.name)!.id,
          })),
        },
      ],
      dependsOn,
    });
    const proxy = new ComputeTargetHttpsProxy(this, 'https-proxy', {
      project,
      name: 'edge',
      urlMap: urlMap.id,
      sslCertificates: [certificate.id],
      sslPolicy: sslPolicy.id,
      dependsOn,
    });
    // HTTPS only: no port-80 listener, so nothing is ever served in clear text.
    this.balancer = {
      certificate,
      sslPolicy,
      securityPolicy,
      urlMap,
      proxy,
      forwardingRule: new ComputeGlobalForwardingRule(this, 'https', {
        project,
        name: 'edge-https',
        loadBalancingScheme: 'EXTERNAL_MANAGED',
        ipProtocol: 'TCP',
        portRange: '443',
        ipAddress: this.address.id,
        target: proxy.id,
        dependsOn,
      }),
      backendServices: backends,
    };
  }
}
