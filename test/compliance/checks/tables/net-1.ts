/** NET-1 (DPA Annex II 3): Cloud Run behind a managed, rate-limited load balancer; the MCP endpoint needs IAM. */
import { withLifecycle } from '../../../../config/loader';
import { net1Ingress, net1LoadBalancer, net1McpAuthenticated, net1PublicEdge, net1Waf } from '../../../../compliance/rules/net-1-public-edge';
import { WAF_RULES, wafExpression } from '../../../../policy/edge-waf';
import { ACME, stackJson, tableTenant, type CheckTable } from '../table';

const LB = 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER';
const sa = (id: string) => `${id}@${ACME.projectId}.iam.gserviceaccount.com`;
const run = (ingress: string | undefined, account = sa('ingest-webhook')) => ({ name: 'svc', ...(ingress ? { ingress } : {}), template: { service_account: account } });
const throttle = { rule: [{ action: 'throttle', priority: 1, rate_limit_options: { conform_action: 'allow' } }] };
/** A service behind a NEG, a backend service and a Cloud Armor policy, each part changeable. */
function edge(backend: Record<string, unknown> = {}, policy: Record<string, unknown> | null = throttle, service: Record<string, unknown> = run(LB)) {
  return stackJson({
    google_cloud_run_v2_service: { svc: service },
    google_compute_region_network_endpoint_group: { neg: { name: 'neg', cloud_run: { service: '${google_cloud_run_v2_service.svc.name}' } } },
    google_compute_backend_service: {
      be: { name: 'be', load_balancing_scheme: 'EXTERNAL_MANAGED', backend: [{ group: '${google_compute_region_network_endpoint_group.neg.id}' }], security_policy: '${google_compute_security_policy.armor.id}', ...backend },
    },
    ...(policy ? { google_compute_security_policy: { armor: { name: 'armor', ...policy } } } : {}),
  });
}
const mcp = (grant: boolean, ingress = LB) =>
  stackJson({
    google_cloud_run_v2_service: { mcp: { ...run(ingress, sa('mcp-endpoint')), name: 'mcp' } },
    ...(grant ? { google_cloud_run_v2_service_iam_member: { pub: { name: '${google_cloud_run_v2_service.mcp.name}', role: 'roles/run.invoker', member: 'allUsers' } } } : {}),
  });
/** The edge of `edge()` plus more resources (another service, NEG or group), for the routing cases. */
function edgeWith(more: Record<string, Record<string, Record<string, unknown>>>, backend: Record<string, unknown> = {}) {
  const base = edge(backend);
  const resource = { ...base.resource! } as Record<string, Record<string, Record<string, unknown>>>;
  for (const [type, byName] of Object.entries(more)) resource[type] = { ...(resource[type] ?? {}), ...byName };
  return stackJson(resource);
}
const OTHER_NEG = { other: { name: 'other', cloud_run: { service: '${google_cloud_run_v2_service.other.name}' } } };
const PREVIEW = { edge: { waf: { mode: 'preview' as const, sensitivity: 1 } } };
const ingesting = tableTenant({ populatedSecrets: ['source-roller'] });
/** A Cloud Armor policy with the WAF rules (sensitivity 1, enforced, as TABLE_PLATFORM's edge.waf), each changeable. */
function wafPolicy(change: (name: string, rule: Record<string, unknown>) => Record<string, unknown> | null = (_n, r) => r) {
  const rules = WAF_RULES.map((w, i) => change(w.name, { priority: 800 + i, action: 'deny(403)', preview: false, match: { expr: { expression: wafExpression(w.name, 1) } } })).filter(
    (r): r is Record<string, unknown> => r !== null,
  );
  return stackJson({ google_compute_security_policy: { armor: { name: 'armor', rule: [...rules, ...throttle.rule] } } });
}

export const NET_1_TABLES: CheckTable[] = [
  {
    check: net1Ingress,
    violating: [
      { name: 'v2 service without ingress (all)', json: stackJson({ google_cloud_run_v2_service: { svc: run(undefined) } }), address: 'google_cloud_run_v2_service.svc', problem: /^ingress admits all internet traffic/ },
      { name: 'v1 service without an ingress annotation', json: stackJson({ google_cloud_run_service: { v1: { name: 'v1' } } }), address: 'google_cloud_run_service.v1' },
    ],
    compliant: [
      { name: 'internal only', json: stackJson({ google_cloud_run_v2_service: { svc: run('INGRESS_TRAFFIC_INTERNAL_ONLY') } }), evidence: /internal ingress only$/ },
      { name: 'load balancer', json: stackJson({ google_cloud_run_v2_service: { svc: run(LB) } }), evidence: /ingress internal-and-cloud-load-balancing$/ },
      { name: 'v1 internal by annotation', kind: 'platform', json: stackJson({ google_cloud_run_service: { v1: { name: 'v1', metadata: { annotations: { 'run.googleapis.com/ingress': 'internal' } } } } }) },
    ],
    inapplicable: [{ name: 'no service', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /runs no Cloud Run service/ }],
  },
  {
    check: net1McpAuthenticated,
    violating: [
      { name: 'a public invoker on the MCP endpoint', json: mcp(true), address: 'google_cloud_run_v2_service.mcp', problem: /^the MCP endpoint is invocable without authentication\./ },
      { name: 'a public invoker by service name', json: stackJson({ google_cloud_run_v2_service: { mcp: { ...run(LB, sa('mcp-endpoint')), name: 'mcp' } }, google_cloud_run_v2_service_iam_member: { pub: { name: 'projects/ssx-acme/locations/europe-west1/services/mcp', role: 'roles/run.invoker', member: 'allAuthenticatedUsers' } } }) },
      {
        name: 'a public invoker on an MCP endpoint whose name is an expression',
        json: stackJson({ google_cloud_run_v2_service: { mcp: { ...run(LB, sa('mcp-endpoint')), name: '${var.mcp_name}' } }, google_cloud_run_v2_service_iam_member: { pub: { name: '${google_cloud_run_v2_service.mcp.name}', role: 'roles/run.invoker', member: 'allUsers' } } }),
        address: 'google_cloud_run_v2_service.mcp',
      },
      { name: 'a v1-style public grant naming the v2 MCP service', json: stackJson({ google_cloud_run_v2_service: { mcp: { ...run(LB, sa('mcp-endpoint')), name: 'mcp' } }, google_cloud_run_service_iam_member: { pub: { service: 'mcp', location: 'europe-west1', role: 'roles/run.invoker', member: 'allUsers' } } }) },
    ],
    compliant: [
      { name: 'no public invoker', json: mcp(false), evidence: /requires IAM/ },
      { name: 'an authenticated group as invoker', json: stackJson({ google_cloud_run_v2_service: { mcp: { ...run(LB, sa('mcp-endpoint')), name: 'mcp' } }, google_cloud_run_v2_service_iam_member: { inv: { name: '${google_cloud_run_v2_service.mcp.name}', role: 'roles/run.invoker', member: 'group:mcp-clients@acme.example' } } }), evidence: /google_cloud_run_v2_service\.mcp: the MCP endpoint requires IAM/ },
      { name: 'a public invoker on another service only', json: stackJson({ google_cloud_run_v2_service: { mcp: { ...run(LB, sa('mcp-endpoint')), name: 'mcp' }, hook: { ...run(LB), name: 'hook' } }, google_cloud_run_v2_service_iam_member: { pub: { name: '${google_cloud_run_v2_service.hook.name}', role: 'roles/run.invoker', member: 'allUsers' } } }) },
    ],
    inapplicable: [{ name: 'no MCP endpoint, a public webhook', json: stackJson({ google_cloud_run_v2_service: { hook: run(LB) }, google_cloud_run_v2_service_iam_member: { pub: { name: '${google_cloud_run_v2_service.hook.name}', role: 'roles/run.invoker', member: 'allUsers' } } }), reason: /runs no MCP endpoint/ }],
  },
  {
    check: net1LoadBalancer,
    violating: [
      { name: 'no backend routes to it', json: stackJson({ google_cloud_run_v2_service: { svc: run(LB) } }), address: 'google_cloud_run_v2_service.svc', problem: /^accepts load-balancer traffic but no load balancer backend routes to it/ },
      {
        name: "a backend routing to another service's NEG only",
        json: stackJson({
          google_cloud_run_v2_service: { svc: run(LB), other: { ...run(LB, sa('other')), name: 'other' } },
          google_compute_region_network_endpoint_group: OTHER_NEG,
          google_compute_backend_service: { be: { name: 'be', load_balancing_scheme: 'EXTERNAL_MANAGED', backend: [{ group: '${google_compute_region_network_endpoint_group.other.id}' }], security_policy: '${google_compute_security_policy.armor.id}' } },
          google_compute_security_policy: { armor: { name: 'armor', ...throttle } },
        }),
        address: 'google_cloud_run_v2_service.svc',
        problem: /no load balancer backend routes to it/,
      },
      {
        name: 'a backend whose NEG has no Cloud Run block',
        json: stackJson({
          google_cloud_run_v2_service: { svc: run(LB) },
          google_compute_region_network_endpoint_group: { neg: { name: 'neg', network_endpoint_type: 'INTERNET_FQDN_PORT' } },
          google_compute_backend_service: { be: { name: 'be', load_balancing_scheme: 'EXTERNAL_MANAGED', backend: [{ group: '${google_compute_region_network_endpoint_group.neg.id}' }], security_policy: '${google_compute_security_policy.armor.id}' } },
          google_compute_security_policy: { armor: { name: 'armor', ...throttle } },
        }),
        address: 'google_cloud_run_v2_service.svc',
        problem: /no load balancer backend routes to it/,
      },
      { name: "a backend whose group is not the service's NEG", json: edge({ backend: [{ group: '${google_compute_instance_group.ig.id}' }] }), address: 'google_cloud_run_v2_service.svc', problem: /no load balancer backend routes to it/ },
      { name: 'a security_policy that is not a string', json: edge({ security_policy: ['${google_compute_security_policy.armor.id}'] }), address: 'google_compute_backend_service.be', problem: /no Cloud Armor security policy of this stack/ },
      { name: 'an internal scheme', json: edge({ load_balancing_scheme: 'INTERNAL_MANAGED' }), address: 'google_compute_backend_service.be', problem: /^load_balancing_scheme INTERNAL_MANAGED is not a Google-managed external load balancer/ },
      { name: 'no Cloud Armor policy', json: edge({ security_policy: undefined }), problem: /^the backend has no Cloud Armor security policy of this stack\./ },
      { name: 'a policy of another stack', json: edge({ security_policy: 'projects/x/global/securityPolicies/y' }, null) },
      { name: 'a policy that only allows', json: edge({}, { rule: [{ action: 'allow', priority: 1 }] }), address: 'google_compute_security_policy.armor', problem: /no rate-limiting rule/ },
      { name: 'a throttle without rate_limit_options', json: edge({}, { rule: [{ action: 'throttle', priority: 1 }] }) },
      { name: 'a v1 service by annotation, unrouted', json: stackJson({ google_cloud_run_service: { v1: { name: 'v1', metadata: { annotations: { 'run.googleapis.com/ingress': 'internal-and-cloud-load-balancing' } } } } }), address: 'google_cloud_run_service.v1' },
    ],
    compliant: [
      { name: 'managed scheme and a throttle', json: edge(), evidence: /^google_cloud_run_v2_service\.svc: behind google_compute_backend_service\.be \(EXTERNAL_MANAGED\) with rate-limiting google_compute_security_policy\.armor$/ },
      { name: 'a rate-based ban among other rules', json: edge({}, { rule: [{ action: 'allow', priority: 2 }, { action: 'rate_based_ban', priority: 1, rate_limit_options: {} }] }) },
      { name: "a backend with two groups, one the service's NEG", json: edge({ backend: [{ group: '${google_compute_instance_group.ig.id}' }, { group: '${google_compute_region_network_endpoint_group.neg.id}' }] }), evidence: /^google_cloud_run_v2_service\.svc: behind google_compute_backend_service\.be/ },
      {
        name: 'two NEGs of the service (two regions), the backend using one',
        json: edgeWith({ google_compute_region_network_endpoint_group: { neg2: { name: 'neg2', region: 'europe-west4', cloud_run: { service: '${google_cloud_run_v2_service.svc.name}' } } } }),
        evidence: /^google_cloud_run_v2_service\.svc: behind google_compute_backend_service\.be/,
      },
      { name: 'the policy named by its path, not a reference', json: edge({ security_policy: 'projects/ssx-acme/global/securityPolicies/armor' }), evidence: /with rate-limiting google_compute_security_policy\.armor$/ },
      { name: 'no scheme: the classic EXTERNAL default', json: edge({ load_balancing_scheme: undefined }), evidence: /\(EXTERNAL\)/ },
      { name: 'EXTERNAL written explicitly', json: edge({ load_balancing_scheme: 'EXTERNAL' }), evidence: /\(EXTERNAL\)/ },
    ],
    inapplicable: [
      { name: 'only internal and all-traffic services (judged elsewhere)', json: stackJson({ google_cloud_run_v2_service: { a: run('INGRESS_TRAFFIC_INTERNAL_ONLY'), b: run(undefined) } }), reason: /no Cloud Run service taking load-balancer traffic/ },
    ],
  },
  {
    check: net1PublicEdge,
    violating: [
      { name: 'webhooks run, no load-balancer service', tenant: ingesting, json: stackJson({ google_cloud_run_v2_service: { svc: run('INGRESS_TRAFFIC_INTERNAL_ONLY') } }), address: '(stack)', problem: /need a public endpoint behind the load balancer/ },
    ],
    compliant: [
      { name: 'webhooks behind the load balancer', tenant: ingesting, json: edge(), evidence: /^\(stack\): source webhooks reach google_cloud_run_v2_service\.svc through the load balancer$/ },
      { name: 'two services behind the load balancer, both listed', tenant: ingesting, json: stackJson({ google_cloud_run_v2_service: { svc: run(LB), mcp: { ...run(LB, sa('mcp-endpoint')), name: 'mcp' } } }), evidence: /reach google_cloud_run_v2_service\.svc, google_cloud_run_v2_service\.mcp through the load balancer$/ },
    ],
    inapplicable: [
      { name: 'no webhook runs', json: stackJson({}), reason: /runs no source webhook/ },
      { name: 'handed over', tenant: withLifecycle(ingesting, { ...ingesting.lifecycle, state: 'handed-over' }), json: stackJson({}) },
    ],
  },
  {
    check: net1Waf,
    violating: [
      { name: 'no SQL injection rule', json: wafPolicy((n, r) => (n.startsWith('sqli') ? null : r)), address: 'google_compute_security_policy.armor', problem: /does not evaluate the preconfigured WAF rule sqli-v422-stable/ },
      { name: 'no critical-CVE rule', json: wafPolicy((n, r) => (n === 'cve-canary' ? null : r)), problem: /cve-canary/ },
      { name: 'another sensitivity than configured', json: wafPolicy((n, r) => (n.startsWith('xss') ? { ...r, match: { expr: { expression: wafExpression(n, 2) } } } : r)), problem: /xss-v422-stable is not at the configured sensitivity 1/ },
      { name: 'a rule in preview while the config enforces', json: wafPolicy((n, r) => (n.startsWith('rce') ? { ...r, preview: true } : r)), problem: /rce-v422-stable rule is in preview \(it only logs\), but platform.yaml edge.waf.mode is enforce/, fix: /^set preview to false / },
      { name: 'a rule enforced while the config previews', platform: PREVIEW, json: wafPolicy((n, r) => ({ ...r, preview: !n.startsWith('rce') })), problem: /^the rce-v422-stable rule is enforced, but platform.yaml edge.waf.mode is preview\.$/, fix: /^set preview to true / },
      { name: 'preview configured, a rule with preview unset (enforced)', platform: PREVIEW, json: wafPolicy((n, r) => ({ ...r, preview: n.startsWith('lfi') ? undefined : true })), problem: /lfi-v422-stable rule is enforced/ },
      { name: 'a rule that allows', json: wafPolicy((n, r) => (n.startsWith('lfi') ? { ...r, action: 'allow' } : r)), problem: /lfi-v422-stable rule's action is allow/ },
      { name: 'a policy without any WAF rule', json: edge(), address: 'google_compute_security_policy.armor', problem: /does not evaluate the preconfigured WAF rule/ },
    ],
    compliant: [
      { name: 'every WAF rule, enforced at sensitivity 1', json: wafPolicy(), evidence: /google_compute_security_policy\.armor: sqli-v422-stable at sensitivity 1, enforced with deny\(403\)/ },
      { name: 'every WAF rule in preview, as configured', platform: PREVIEW, json: wafPolicy((_n, r) => ({ ...r, preview: true })), evidence: /google_compute_security_policy\.armor: sqli-v422-stable at sensitivity 1, in preview$/ },
    ],
    inapplicable: [{ name: 'no public edge', json: stackJson({}), reason: /no Cloud Armor policy/ }],
  },
];
