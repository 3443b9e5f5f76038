/**
 * IAM-6 (DPA Annex II 2, 3): no allUsers or allAuthenticatedUsers anywhere (IAM bindings, BigQuery
 * special groups, Cloud Storage ACLs, a Cloud Run service with invoker_iam_disabled), except
 * roles/run.invoker on a Cloud Run service whose ingress admits only the load balancer.
 */
import { grantsOf } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { cloudRunServiceNamed, ingressOf } from '../workloads';

export const iam6NoPublicPrincipals = defineCheck({
  id: 'IAM-6/no-public-principals',
  explanation:
    'Nothing is granted to allUsers or allAuthenticatedUsers, except run.invoker on a service reachable only through the load balancer.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const grants = grantsOf(ctx.stack);
    if (grants.length === 0) return [notApplicable('the stack grants nothing')];
    const findings: Finding[] = [];
    const closed = grants.filter((g) => g.principal.kind !== 'public');
    if (closed.length > 0)
      findings.push(compliant(STACK_ADDRESS, `${closed.length} grant${closed.length === 1 ? '' : 's'} to named principals`));
    for (const g of grants) {
      if (g.principal.kind !== 'public') continue;
      const how = g.implicitVia ?? `${g.role} to ${g.principal.member}`;
      const service =
        g.role === 'roles/run.invoker'
          ? g.target.address
            ? ctx.stack.resources.find((r) => r.address === g.target.address)
            : cloudRunServiceNamed(ctx.stack, g.target.id)
          : undefined;
      if (service && ingressOf(service) === 'internal-and-cloud-load-balancing') {
        findings.push(compliant(g.address, `public webhook ${g.target.id}: ${how}, ingress only from the load balancer`));
      } else if (service) {
        findings.push(
          nonCompliant(
            g.address,
            `${how} on Cloud Run service ${g.target.id}, whose ingress is "${ingressOf(
              service,
            )}", so anyone on the internet can call it directly.`,
            'set ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER so only the load balancer (with Cloud Armor) reaches it.',
          ),
        );
      } else {
        findings.push(
          nonCompliant(
            g.address,
            `${how} on ${g.target.resourceType} ${g.target.id} makes it public.`,
            'grant the role to the workload or group that needs it.',
          ),
        );
      }
    }
    return findings;
  },
});

/** The checks of IAM-6, in the order the report lists them. */
export const iam6NoPublicPrincipalsChecks = [iam6NoPublicPrincipals] as const;
