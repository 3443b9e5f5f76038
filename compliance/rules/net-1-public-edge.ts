/**
 * NET-1 (DPA Annex II 3): public endpoints sit behind a Google-managed load balancer whose backend
 * carries a Cloud Armor policy that rate-limits; every Cloud Run service accepts only internal and
 * load-balancer traffic; the MCP endpoint is never open to unauthenticated callers; every public
 * edge's policy evaluates Google's preconfigured WAF rules, in the mode and at the sensitivity
 * platform.yaml sets (`edge.waf`).
 */
import { runsDataPlane } from '../scope';
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { workloadRuns } from '../../config/workload-secrets';
import { findTarget, grantsOf } from '../grants';
import { blocks } from '../json-blocks';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import type { SynthesizedResource, SynthesizedStack } from '../synthesized-stack';
import { cloudRunServiceNamed, ingressOf, runtimeIdentityOf } from '../workloads';
import { WAF_DENY_ACTION, WAF_RULES, wafExpression } from '../../policy/edge-waf';

const MANAGED_SCHEMES = ['EXTERNAL_MANAGED', 'EXTERNAL'];
const RATE_LIMIT_ACTIONS = ['throttle', 'rate_based_ban'];

/** The backend services that route to a Cloud Run service through a serverless NEG. */
function backendsOf(stack: SynthesizedStack, service: SynthesizedResource): SynthesizedResource[] {
  const negs = stack
    .ofType('google_compute_region_network_endpoint_group')
    .filter((n) => blocks(n.values.cloud_run).some((c) => cloudRunServiceNamed(stack, c.service) === service));
  return stack
    .ofType('google_compute_backend_service')
    .filter((b) => blocks(b.values.backend).some((x) => negs.some((n) => findTarget(stack, n.type, String(x.group ?? '')) === n)));
}

function rateLimits(policy: SynthesizedResource | undefined): boolean {
  return blocks(policy?.values.rule).some((r) => RATE_LIMIT_ACTIONS.includes(String(r.action)) && r.rate_limit_options !== undefined);
}

const SERVICE_TYPES = ['google_cloud_run_v2_service', 'google_cloud_run_service'];

export const net1Ingress = defineCheck({
  id: 'NET-1/ingress',
  explanation: 'Every Cloud Run service accepts only internal and load-balancer traffic, never all internet traffic.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const services = ctx.stack.ofType(...SERVICE_TYPES);
    if (services.length === 0) return [notApplicable('the stack runs no Cloud Run service')];
    return services.map((s) => {
      const ingress = ingressOf(s);
      return ingress === 'all'
        ? nonCompliant(
            s.address,
            'ingress admits all internet traffic, bypassing the load balancer and Cloud Armor.',
            'set ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER (or INTERNAL_ONLY for internal services).',
          )
        : compliant(s.address, ingress === 'internal' ? 'internal ingress only' : `ingress ${ingress}`);
    });
  },
});

export const net1McpAuthenticated = defineCheck({
  id: 'NET-1/mcp-authenticated',
  explanation: 'The MCP endpoint is never invocable by unauthenticated callers (no public invoker).',
  appliesTo: ['tenant'],
  check(ctx) {
    const mcpAccount = `${WORKLOAD_ACCOUNT_IDS.mcpEndpoint}@${ctx.tenant!.projectId}.iam.gserviceaccount.com`;
    const mcp = ctx.stack.ofType(...SERVICE_TYPES).filter((s) => runtimeIdentityOf(ctx.stack, s).email === mcpAccount);
    if (mcp.length === 0) return [notApplicable('the stack runs no MCP endpoint')];
    const publicGrants = grantsOf(ctx.stack).filter((g) => g.principal.kind === 'public');
    return mcp.map((s) =>
      publicGrants.some((g) => g.target.address === s.address || cloudRunServiceNamed(ctx.stack, g.target.id) === s)
        ? nonCompliant(s.address, 'the MCP endpoint is invocable without authentication.', 'require IAM: remove the public invoker (expose it as "authenticated-edge").')
        : compliant(s.address, 'the MCP endpoint requires IAM: no public invoker'),
    );
  },
});

export const net1LoadBalancer = defineCheck({
  id: 'NET-1/load-balancer',
  explanation: 'A Cloud Run service taking load-balancer traffic sits behind a Google-managed external load balancer with a rate-limiting Cloud Armor policy.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    for (const s of ctx.stack.ofType(...SERVICE_TYPES).filter((x) => ingressOf(x) !== 'all' && ingressOf(x) !== 'internal')) {
      const backends = backendsOf(ctx.stack, s);
      if (backends.length === 0) {
        findings.push(
          nonCompliant(
            s.address,
            'accepts load-balancer traffic but no load balancer backend routes to it through a serverless NEG.',
            "put it behind the tenant's load balancer (serverless NEG and backend service with Cloud Armor).",
          ),
        );
        continue;
      }
      for (const b of backends) {
        const scheme = String(b.values.load_balancing_scheme ?? 'EXTERNAL');
        const policy = findTarget(
          ctx.stack,
          'google_compute_security_policy',
          typeof b.values.security_policy === 'string' ? b.values.security_policy : undefined,
        );
        if (!MANAGED_SCHEMES.includes(scheme))
          findings.push(
            nonCompliant(b.address, `load_balancing_scheme ${scheme} is not a Google-managed external load balancer.`, 'use EXTERNAL_MANAGED.'),
          );
        else if (!policy)
          findings.push(
            nonCompliant(
              b.address,
              'the backend has no Cloud Armor security policy of this stack.',
              'attach a Cloud Armor policy with a throttle or rate_based_ban rule.',
            ),
          );
        else if (!rateLimits(policy))
          findings.push(
            nonCompliant(
              policy.address,
              'the Cloud Armor policy has no rate-limiting rule.',
              'add a rule with action "throttle" or "rate_based_ban" and rate_limit_options.',
            ),
          );
        else findings.push(compliant(s.address, `behind ${b.address} (${scheme}) with rate-limiting ${policy.address}`));
      }
    }
    return findings.length > 0 ? findings : [notApplicable('the stack runs no Cloud Run service taking load-balancer traffic')];
  },
});

export const net1PublicEdge = defineCheck({
  id: 'NET-1/public-edge',
  explanation: "A tenant whose source webhooks run has a Cloud Run service behind the load balancer to receive them.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    // The ingest is declared once its sources' signing secrets are populated (populatedSecrets).
    if (!runsDataPlane(tenant) || !workloadRuns(tenant, WORKLOAD_ACCOUNT_IDS.ingestWebhook))
      return [notApplicable('the tenant runs no source webhook')];
    const edge = ctx.stack.ofType(...SERVICE_TYPES).filter((s) => ingressOf(s) === 'internal-and-cloud-load-balancing');
    if (edge.length === 0)
      return [
        nonCompliant(
          STACK_ADDRESS,
          "the tenant's source webhooks need a public endpoint behind the load balancer, which the stack does not have.",
          'build the PublicEdge for the tenant.',
        ),
      ];
    return [compliant(STACK_ADDRESS, `source webhooks reach ${edge.map((s) => s.address).join(', ')} through the load balancer`)];
  },
});

export const net1Waf = defineCheck({
  id: 'NET-1/waf',
  explanation:
    "Every Cloud Armor policy of a public edge evaluates Google's preconfigured WAF rules (SQL injection, cross-site scripting, local file inclusion, remote code execution, critical CVEs) at the configured sensitivity, denying with 403 when platform.yaml edge.waf.mode is enforce and in preview when it is preview.",
  appliesTo: ['tenant'],
  check(ctx) {
    const { mode, sensitivity } = ctx.environment.platform.edge.waf;
    const policies = ctx.stack.ofType('google_compute_security_policy');
    if (policies.length === 0) return [notApplicable('the stack has no Cloud Armor policy (no public edge)')];
    const findings: Finding[] = [];
    for (const policy of policies) {
      const rules = blocks(policy.values.rule);
      for (const waf of WAF_RULES) {
        const expression = wafExpression(waf.name, sensitivity);
        const rule = rules.find((r) => blocks(blocks(r.match)[0]?.expr)[0]?.expression === expression);
        const other = rules.find((r) => String(blocks(blocks(r.match)[0]?.expr)[0]?.expression ?? '').includes(`evaluatePreconfiguredWaf('${waf.name}'`));
        if (!rule) {
          findings.push(
            nonCompliant(
              policy.address,
              other
                ? `the ${waf.what} rule ${waf.name} is not at the configured sensitivity ${sensitivity} (platform.yaml edge.waf.sensitivity).`
                : `the policy does not evaluate the preconfigured WAF rule ${waf.name} (${waf.what}).`,
              `add a rule matching ${expression} with action ${WAF_DENY_ACTION} (PublicEdge does).`,
            ),
          );
          continue;
        }
        const preview = rule.preview === true;
        if (String(rule.action) !== WAF_DENY_ACTION) {
          findings.push(nonCompliant(policy.address, `the ${waf.name} rule's action is ${String(rule.action)}, so a match is not refused.`, `use ${WAF_DENY_ACTION}.`));
        } else if (preview !== (mode === 'preview')) {
          findings.push(
            nonCompliant(
              policy.address,
              `the ${waf.name} rule is ${preview ? 'in preview (it only logs)' : 'enforced'}, but platform.yaml edge.waf.mode is ${mode}.`,
              `set preview to ${mode === 'preview'} (PublicEdge follows edge.waf).`,
            ),
          );
        } else {
          findings.push(compliant(policy.address, `${waf.name} at sensitivity ${sensitivity}, ${mode === 'preview' ? 'in preview' : `enforced with ${WAF_DENY_ACTION}`}`));
        }
      }
    }
    return findings;
  },
});

/** The checks of NET-1, in the order the report lists them. */
export const net1PublicEdgeChecks = [net1Ingress, net1McpAuthenticated, net1LoadBalancer, net1PublicEdge, net1Waf] as const;
