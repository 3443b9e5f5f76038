/** ENC-1 (DPA Annex II 1): public HTTPS endpoints accept TLS 1.2 or newer only; plain HTTP only redirects. */
import { withLifecycle } from '../../../../config/loader';
import { enc1HttpRedirect, enc1HttpsEdge, enc1SslPolicy, enc1TlsPolicy } from '../../../../compliance/rules/enc-1-tls-policy';
import { stackJson, tableTenant, type CheckTable } from '../table';

const policy = (values: Record<string, unknown>) => ({ name: 'edge-tls', ...values });
const good = policy({ profile: 'MODERN', min_tls_version: 'TLS_1_2' });
const proxyTo = (sslPolicy: unknown, p: Record<string, unknown> = good, type = 'google_compute_target_https_proxy') =>
  stackJson({ google_compute_ssl_policy: { tls: p }, [type]: { edge: { name: 'edge', url_map: 'm', ...(sslPolicy === undefined ? {} : { ssl_policy: sslPolicy }) } } });
const httpProxy = (redirect: unknown) =>
  stackJson({
    google_compute_url_map: { redirect: { name: 'redirect', ...(redirect === undefined ? {} : { default_url_redirect: redirect }) } },
    google_compute_target_http_proxy: { http: { name: 'http', url_map: '${google_compute_url_map.redirect.id}' } },
  });
const ingesting = tableTenant({ populatedSecrets: ['source-roller'] });

export const ENC_1_TABLES: CheckTable[] = [
  {
    check: enc1SslPolicy,
    violating: [
      { name: 'no profile (COMPATIBLE)', json: stackJson({ google_compute_ssl_policy: { tls: policy({ min_tls_version: 'TLS_1_2' }) } }), address: 'google_compute_ssl_policy.tls', problem: /^profile COMPATIBLE admits weak cipher suites\.$/ },
      { name: 'MODERN without a minimum (TLS 1.0)', json: stackJson({ google_compute_ssl_policy: { tls: policy({ profile: 'MODERN' }) } }), problem: /^min_tls_version TLS_1_0 admits TLS older than 1\.2\.$/ },
      { name: 'RESTRICTED at TLS 1.1', json: stackJson({ google_compute_region_ssl_policy: { tls: policy({ profile: 'RESTRICTED', min_tls_version: 'TLS_1_1' }) } }), address: 'google_compute_region_ssl_policy.tls' },
      { name: 'CUSTOM at TLS 1.2', json: stackJson({ google_compute_ssl_policy: { tls: policy({ profile: 'CUSTOM', min_tls_version: 'TLS_1_2' }) } }) },
    ],
    compliant: [
      { name: 'MODERN, TLS 1.2', json: stackJson({ google_compute_ssl_policy: { tls: good } }), evidence: /MODERN, minimum TLS_1_2$/ },
      { name: 'RESTRICTED, TLS 1.3', json: stackJson({ google_compute_ssl_policy: { tls: policy({ profile: 'RESTRICTED', min_tls_version: 'TLS_1_3' }) } }) },
    ],
    inapplicable: [{ name: 'no SSL policy', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /no SSL policy/ }],
  },
  {
    check: enc1TlsPolicy,
    violating: [
      { name: 'an HTTPS proxy without ssl_policy', json: proxyTo(undefined), address: 'google_compute_target_https_proxy.edge', problem: /^names no ssl_policy, so Google's default policy admits TLS 1\.0\./ },
      { name: 'an SSL proxy naming a policy of another stack', json: proxyTo('projects/x/global/sslPolicies/elsewhere', good, 'google_compute_target_ssl_proxy'), problem: /^ssl_policy projects\/x\/global\/sslPolicies\/elsewhere is not a policy of this stack/ },
      { name: 'a regional proxy with a non-string ssl_policy', json: proxyTo(7, good, 'google_compute_region_target_https_proxy') },
      { name: 'a proxy naming a weak policy', json: proxyTo('${google_compute_ssl_policy.tls.id}', policy({ profile: 'MODERN', min_tls_version: 'TLS_1_0' })), problem: /its SSL policy google_compute_ssl_policy\.tls: min_tls_version TLS_1_0/ },
    ],
    compliant: [
      { name: 'by reference', json: proxyTo('${google_compute_ssl_policy.tls.id}'), evidence: /google_compute_target_https_proxy\.edge: uses google_compute_ssl_policy\.tls$/ },
      { name: 'by name', json: proxyTo('edge-tls') },
    ],
    inapplicable: [{ name: 'no proxy', json: stackJson({ google_compute_ssl_policy: { tls: good } }), reason: /no HTTPS or SSL proxy/ }],
  },
  {
    check: enc1HttpRedirect,
    violating: [
      { name: 'a URL map without redirect', json: httpProxy(undefined), address: 'google_compute_target_http_proxy.http', problem: /^serves plain HTTP/ },
      { name: 'a redirect that is not to HTTPS', json: httpProxy({ https_redirect: false }) },
      { name: 'https_redirect as a string', json: httpProxy({ https_redirect: 'true' }) },
      { name: 'a URL map not in the stack', json: stackJson({ google_compute_region_target_http_proxy: { http: { name: 'http', url_map: 'projects/x/urlMaps/y' } } }), address: 'google_compute_region_target_http_proxy.http' },
    ],
    compliant: [{ name: 'redirects to HTTPS', json: httpProxy({ https_redirect: true }), evidence: /plain HTTP only redirects to HTTPS/ }],
    inapplicable: [{ name: 'no HTTP proxy', json: proxyTo('edge-tls'), reason: /no plain HTTP proxy/ }],
  },
  {
    check: enc1HttpsEdge,
    violating: [{ name: 'webhooks run, no HTTPS proxy', tenant: ingesting, json: httpProxy({ https_redirect: true }), address: '(stack)', problem: /need a public HTTPS endpoint/ }],
    compliant: [
      { name: 'webhooks run behind an HTTPS proxy', tenant: ingesting, json: proxyTo('edge-tls'), evidence: /^\(stack\): source webhooks received through google_compute_target_https_proxy\.edge$/ },
      { name: 'behind an SSL proxy', tenant: ingesting, json: proxyTo('edge-tls', good, 'google_compute_target_ssl_proxy') },
    ],
    inapplicable: [
      { name: 'no webhook runs yet (no signing secret)', json: stackJson({}), reason: /runs no source webhook/ },
      { name: 'handed over', tenant: withLifecycle(ingesting, { ...ingesting.lifecycle, state: 'handed-over' }), json: stackJson({}) },
    ],
  },
];
