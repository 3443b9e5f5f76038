/**
 * ENC-1 (DPA Annex II 1): public HTTPS endpoints accept TLS 1.2 or newer only: every HTTPS or SSL
 * proxy names an SSL policy of profile MODERN or RESTRICTED with minimum TLS 1.2 (without one,
 * Google's default policy admits TLS 1.0), and an HTTP proxy only redirects to HTTPS.
 */
import { runsDataPlane } from '../scope';
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { workloadRuns } from '../../config/workload-secrets';
import { findTarget } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
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

export const enc1TlsPolicy = defineCheck({
  id: 'ENC-1/tls-policy',
  explanation:
    'Every public HTTPS endpoint uses an SSL policy with minimum TLS 1.2 and profile MODERN or RESTRICTED; plain HTTP only redirects.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    for (const p of ctx.stack.ofType('google_compute_ssl_policy', 'google_compute_region_ssl_policy')) {
      const problem = policyProblem(p);
      findings.push(
        problem
          ? nonCompliant(p.address, `${problem}.`, 'set profile MODERN (or RESTRICTED) and min_tls_version TLS_1_2.')
          : compliant(p.address, `${String(p.values.profile)}, minimum ${String(p.values.min_tls_version)}`),
      );
    }
    const proxies = ctx.stack.ofType(...TLS_PROXIES);
    for (const proxy of proxies) {
      const policy = findTarget(
        ctx.stack,
        'google_compute_ssl_policy',
        typeof proxy.values.ssl_policy === 'string' ? proxy.values.ssl_policy : undefined,
      );
      if (!policy) {
        findings.push(
          nonCompliant(
            proxy.address,
            proxy.values.ssl_policy
              ? `ssl_policy ${String(proxy.values.ssl_policy)} is not a policy of this stack, so its settings cannot be checked.`
              : "names no ssl_policy, so Google's default policy admits TLS 1.0.",
            "attach the stack's SSL policy (MODERN, TLS 1.2).",
          ),
        );
      } else if (!policyProblem(policy)) {
        findings.push(compliant(proxy.address, `uses ${policy.address}`));
      }
    }
    for (const proxy of ctx.stack.ofType(...HTTP_PROXIES)) {
      const map = findTarget(
        ctx.stack,
        'google_compute_url_map',
        typeof proxy.values.url_map === 'string' ? proxy.values.url_map : undefined,
      );
      const redirect = map?.values.default_url_redirect as Record<string, unknown> | undefined;
      if (redirect?.https_redirect === true) findings.push(compliant(proxy.address, 'plain HTTP only redirects to HTTPS'));
      else
        findings.push(
          nonCompliant(
            proxy.address,
            'serves plain HTTP: its URL map does not redirect every request to HTTPS.',
            'give the HTTP proxy a URL map with default_url_redirect { https_redirect = true }, or remove it.',
          ),
        );
    }
    const tenant = ctx.tenant;
    // The ingest is declared once its sources' signing secrets are populated (populatedSecrets).
    if (proxies.length === 0 && tenant && runsDataPlane(tenant) && workloadRuns(tenant, WORKLOAD_ACCOUNT_IDS.ingestWebhook)) {
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          "the tenant's source webhooks need a public HTTPS endpoint, but the stack has no HTTPS load balancer with an SSL policy.",
          'build the PublicEdge for the tenant.',
        ),
      );
    }
    return findings.length > 0 ? findings : [notApplicable('the stack has no public endpoint')];
  },
});

/** The checks of ENC-1, in the order the report lists them. */
export const enc1TlsPolicyChecks = [enc1TlsPolicy] as const;
