/**
 * NET-1 (DPA Annex II 3): public endpoints sit behind a Google-managed load balancer whose backend
 * carries a Cloud Armor policy that rate-limits; every Cloud Run service accepts only internal and
 * load-balancer traffic; the MCP endpoint is never open to unauthenticated callers.
 */
import { runsDataPlane } from '../scope';
import { WORKLOAD_ACCOUNT_IDS } from '../../config/naming';
import { workloadRuns } from '../../config/workload-secrets';
import { findTarget, grantsOf } from '../grants';
import { blocks } from '../json-blocks';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import type { SynthesizedResource, SynthesizedStack } from '../synthesized-stack';
import { cloudRunServiceNamed, ingressOf, runtimeIdentityOf } from '../workloads';

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

export const net1PublicEdge = defineCheck({
  id: 'NET-1/public-edge',
  explanation:
    'Cloud Run takes only internal and load-balancer traffic; the load balancer has a rate-limiting Cloud Armor policy; the MCP endpoint needs IAM.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const services = ctx.stack.ofType('google_cloud_run_v2_service', 'google_cloud_run_service');
    const publicGrants = grantsOf(ctx.stack).filter((g) => g.principal.kind === 'public');
    const mcpAccount = ctx.tenant ? `${WORKLOAD_ACCOUNT_IDS.mcpEndpoint}@${ctx.tenant.projectId}.iam.gserviceaccount.com` : undefined;
    for (const s of services) {
      const ingress = ingressOf(s);
      if (ingress === 'all') {
        findings.push(
          nonCompliant(
            s.address,
            'ingress admits all internet traffic, bypassing the load balancer and Cloud Armor.',
            'set ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER (or INTERNAL_ONLY for internal services).',
          ),
        );
        continue;
      }
      const isPublic = publicGrants.some((g) => g.target.address === s.address || cloudRunServiceNamed(ctx.stack, g.target.id) === s);
      const isMcp = mcpAccount !== undefined && runtimeIdentityOf(ctx.stack, s).email === mcpAccount;
      if (isMcp && isPublic) {
        findings.push(
          nonCompliant(
            s.address,
            'the MCP endpoint is invocable without authentication.',
            'require IAM: remove the public invoker (expose it as "authenticated-edge").',
          ),
        );
        continue;
      }
      if (ingress === 'internal') {
        findings.push(compliant(s.address, 'internal ingress only'));
        continue;
      }
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
            nonCompliant(
              b.address,
              `load_balancing_scheme ${scheme} is not a Google-managed external load balancer.`,
              'use EXTERNAL_MANAGED.',
            ),
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
        else
          findings.push(
            compliant(s.address, `behind ${b.address} (${scheme}) with rate-limiting ${policy.address}${isMcp ? '; IAM required' : ''}`),
          );
      }
    }
    const tenant = ctx.tenant;
    if (
      tenant &&
      runsDataPlane(tenant) &&
      // The ingest is declared once its sources' signing secrets are populated (populatedSecrets).
      workloadRuns(tenant, WORKLOAD_ACCOUNT_IDS.ingestWebhook) &&
      !services.some((s) => ingressOf(s) === 'internal-and-cloud-load-balancing')
    ) {
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          "the tenant's source webhooks need a public endpoint behind the load balancer, which the stack does not have.",
          'build the PublicEdge for the tenant.',
        ),
      );
    }
    return findings.length > 0 ? findings : [notApplicable('the stack runs no Cloud Run service')];
  },
});

/** The checks of NET-1, in the order the report lists them. */
export const net1PublicEdgeChecks = [net1PublicEdge] as const;
