/** IAM-6 (DPA Annex II 2, 3): nothing public, except run.invoker on a service reachable only through the load balancer. */
import { iam6NoPublicPrincipals } from '../../../../compliance/rules/iam-6-no-public-principals';
import { ACME, stackJson, type CheckTable } from '../table';

const LB_ONLY = 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER';
const service = (ingress?: string, extra: Record<string, unknown> = {}) => ({
  name: 'hook',
  location: 'europe-west1',
  project: ACME.projectId,
  ...(ingress ? { ingress } : {}),
  template: { service_account: `relay@${ACME.projectId}.iam.gserviceaccount.com` },
  ...extra,
});
const invoker = (member: string, name = '${google_cloud_run_v2_service.hook.name}', role = 'roles/run.invoker') => ({
  project: ACME.projectId,
  location: 'europe-west1',
  name,
  role,
  member,
});
const withService = (ingress: string | undefined, grant: Record<string, unknown>) =>
  stackJson({ google_cloud_run_v2_service: { hook: service(ingress) }, google_cloud_run_v2_service_iam_member: { pub: grant } });
const projectGrant = (member: string) => ({ project: ACME.projectId, role: 'roles/pubsub.subscriber', member });

export const IAM_6_TABLES: CheckTable[] = [
  {
    check: iam6NoPublicPrincipals,
    violating: [
      { name: 'allUsers on the project', json: stackJson({ google_project_iam_member: { g: projectGrant('allUsers') } }), address: 'google_project_iam_member.g', problem: /^roles\/pubsub\.subscriber to allUsers on google_project ssx-acme makes it public\.$/ },
      { name: 'allAuthenticatedUsers on a topic', json: stackJson({ google_pubsub_topic_iam_member: { g: { topic: 'projects/ssx-acme/topics/t', role: 'roles/pubsub.publisher', member: 'allAuthenticatedUsers' } } }), problem: /to allAuthenticatedUsers on google_pubsub_topic/ },
      { name: 'run.invoker to allUsers on a service open to all (ingress unset)', json: withService(undefined, invoker('allUsers')), address: 'google_cloud_run_v2_service_iam_member.pub', problem: /whose ingress is "all", so anyone on the internet/ },
      { name: 'run.invoker to allUsers on an internal-only service', json: withService('INGRESS_TRAFFIC_INTERNAL_ONLY', invoker('allUsers')), problem: /ingress is "internal"/ },
      { name: 'another role to allUsers on a load-balancer-only service', json: withService(LB_ONLY, invoker('allUsers', '${google_cloud_run_v2_service.hook.name}', 'roles/run.viewer')), problem: /roles\/run\.viewer to allUsers on google_cloud_run_v2_service .* makes it public/ },
      { name: 'run.invoker to allUsers on a service the stack does not declare', json: stackJson({ google_cloud_run_v2_service_iam_member: { pub: invoker('allUsers', 'elsewhere') } }), problem: /makes it public/ },
      { name: 'invoker_iam_disabled on a service open to all', json: stackJson({ google_cloud_run_v2_service: { hook: service('INGRESS_TRAFFIC_ALL', { invoker_iam_disabled: true }) } }), address: 'google_cloud_run_v2_service.hook', problem: /^invoker_iam_disabled = true \(anyone may invoke\) on Cloud Run service/ },
    ],
    compliant: [
      { name: 'one grant to a group', json: stackJson({ google_project_iam_member: { g: projectGrant('group:ops@smartsegments.example') } }), evidence: /^\(stack\): 1 grant to named principals$/ },
      { name: 'two grants to named principals', json: stackJson({ google_project_iam_member: { g: projectGrant('group:ops@smartsegments.example'), h: projectGrant(`serviceAccount:relay@${ACME.projectId}.iam.gserviceaccount.com`) } }), evidence: /: 2 grants to named principals$/ },
      { name: 'run.invoker to allUsers on a load-balancer-only service, by reference', json: withService(LB_ONLY, invoker('allUsers')), evidence: /^google_cloud_run_v2_service_iam_member\.pub: public webhook .*roles\/run\.invoker to allUsers, ingress only from the load balancer$/ },
      { name: 'the grant names the load-balancer-only service, not the open one declared before it', json: stackJson({ google_cloud_run_v2_service: { admin: service('INGRESS_TRAFFIC_ALL'), hook: service(LB_ONLY) }, google_cloud_run_v2_service_iam_member: { pub: invoker('allUsers') } }), evidence: /public webhook/ },
      { name: 'the count of named grants leaves out the public one', json: stackJson({ google_cloud_run_v2_service: { hook: service(LB_ONLY) }, google_cloud_run_v2_service_iam_member: { pub: invoker('allUsers'), ops: invoker('group:ops@smartsegments.example') } }), evidence: /^\(stack\): 1 grant to named principals$/ },
      { name: 'run.invoker to allUsers on a load-balancer-only service, by name', json: withService(LB_ONLY, invoker('allUsers', 'hook')), evidence: /public webhook/ },
      { name: 'invoker_iam_disabled on a load-balancer-only service', json: stackJson({ google_cloud_run_v2_service: { hook: service(LB_ONLY, { invoker_iam_disabled: true }) } }), evidence: /invoker_iam_disabled = true/ },
    ],
    inapplicable: [{ name: 'no grant', json: stackJson({ google_pubsub_topic: { t: { name: 't' } } }), reason: /^the stack grants nothing$/ }],
  },
];
