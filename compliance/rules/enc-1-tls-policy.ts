/**
 * ENC-1 (DPA Annex II 1): public HTTPS endpoints accept TLS 1.2 or newer only: every HTTPS or SSL
 * proxy names an SSL policy of profile MODERN or RESTRICTED with minimum TLS 1.2 (without one,
 * Google's default policy admits TLS 1.0), and an HTTP proxy only redirects to HTTPS.
 */
import { runsDataPlane } from '../scope';
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { workloadRuns } from '../../config/workload-secrets';
import { findTarget } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable } from '../rule';
import type { SynthesizedResource } from '../synthesized-stack';

const GOOD_PROFILES = ['MODERN', 'RESTRICTED'];
const GOOD_TLS = ['TLS_1_2', 'TLS_1_3'];
const TLS_PROXIES = ['google_compute_target_https_proxy', 'google_compute_region_target_https_proxy', 'google_compute_target_ssl_proxy'];
const HTTP_PROXIES = ['google_compute_target_http_proxy', 'google_compute_region_target_http_proxy'];

function policyProblem(p: SynthesizedResource): string | undefined {
  const profile = String(p.values.profile ?? 'COMPATIBLE');
  const tls = String(p.values.min_tls_version ?? 'TLS_1_0');
  if (!GOOD_PROFILES.includes(profile)) return `profile ${profile} admits weak cipher suites`;
  if (!GOOD_TLS.includes(tls)) return `min_tls_version ${tls} admits TLS older than 1.2`;
  return undefined;
}

export const enc1SslPolicy = defineCheck({
  id: 'ENC-1/ssl-policy',
  explanation: 'Every SSL policy has profile MODERN or RESTRICTED and minimum TLS 1.2 or newer.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const policies = ctx.stack.ofType('google_compute_ssl_policy', 'google_compute_region_ssl_policy');
    if (policies.length === 0) return [notApplicable('the stack declares no SSL policy')];
    return policies.map((p) => {
      const problem = policyProblem(p);
      return problem
        ? nonCompliant(p.address, `${problem}.`, 'set profile MODERN (or RESTRICTED) and min_tls_version TLS_1_2.')
        : compliant(p.address, `${String(p.values.profile)}, minimum ${String(p.values.min_tls_version)}`);
    });
  },
});

export const enc1TlsPolicy = defineCheck({
  id: 'ENC-1/tls-policy',
  explanation: "Every HTTPS or SSL proxy names an SSL policy of the stack with minimum TLS 1.2 and profile MODERN or RESTRICTED.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const proxies = ctx.stack.ofType(...TLS_PROXIES);
    if (proxies.length === 0) return [notApplicable('the stack has no HTTPS or SSL proxy')];
    return proxies.map((proxy) => {
      const policy = findTarget(
        ctx.stack,
        'google_compute_ssl_policy',
        typeof proxy.values.ssl_policy === 'string' ? proxy.values.ssl_policy : undefined,
      );
      if (!policy)
        return nonCompliant(
          proxy.address,
          proxy.values.ssl_policy
            ? `ssl_policy ${String(proxy.values.ssl_policy)} is not a policy of this stack, so its settings cannot be checked.`
            : "names no ssl_policy, so Google's default policy admits TLS 1.0.",
          "attach the stack's SSL policy (MODERN, TLS 1.2).",
        );
      const problem = policyProblem(policy);
      return problem
        ? nonCompliant(proxy.address, `its SSL policy ${policy.address}: ${problem}.`, 'set profile MODERN (or RESTRICTED) and min_tls_version TLS_1_2.')
        : compliant(proxy.address, `uses ${policy.address}`);
    });
  },
});

export const enc1HttpRedirect = defineCheck({
  id: 'ENC-1/http-redirect',
  explanation: 'A plain HTTP proxy only redirects every request to HTTPS.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const proxies = ctx.stack.ofType(...HTTP_PROXIES);
    if (proxies.length === 0) return [notApplicable('the stack has no plain HTTP proxy')];
    return proxies.map((proxy) => {
      const map = findTarget(
        ctx.stack,
        'google_compute_url_map',
        typeof proxy.values.url_map === 'string' ? proxy.values.url_map : undefined,
      );
      const redirect = map?.values.default_url_redirect as Record<string, unknown> | undefined;
      return redirect?.https_redirect === true
        ? compliant(proxy.address, 'plain HTTP only redirects to HTTPS')
        : nonCompliant(
            proxy.address,
            'serves plain HTTP: its URL map does not redirect every request to HTTPS.',
            'give the HTTP proxy a URL map with default_url_redirect { https_redirect = true }, or remove it.',
          );
    });
  },
});

export const enc1HttpsEdge = defineCheck({
  id: 'ENC-1/https-edge',
  explanation: "A tenant whose source webhooks run has a public HTTPS endpoint (an HTTPS proxy) to receive them over TLS.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    // The ingest is declared once its sources' signing secrets are populated (populatedSecrets).
    if (!runsDataPlane(tenant) || !workloadRuns(tenant, WORKLOAD_ACCOUNT_IDS.ingestWebhook))
      return [notApplicable('the tenant runs no source webhook')];
    const proxies = ctx.stack.ofType(...TLS_PROXIES);
    if (proxies.length === 0)
      return [
        nonCompliant(
          STACK_ADDRESS,
          "the tenant's source webhooks need a public HTTPS endpoint, but the stack has no HTTPS load balancer with an SSL policy.",
          'build the PublicEdge for the tenant.',
        ),
      ];
    return [compliant(STACK_ADDRESS, `source webhooks received through ${proxies.map((p) => p.address).join(', ')}`)];
  },
});

/** The checks of ENC-1, in the order the report lists them. */
export const enc1TlsPolicyChecks = [enc1SslPolicy, enc1TlsPolicy, enc1HttpRedirect, enc1HttpsEdge] as const;
