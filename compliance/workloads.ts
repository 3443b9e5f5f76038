/**
 * The workloads of a stack (Cloud Run services and jobs) and the identity each runs as. IAM-2,
 * ISO-2, NET-1 and SEC-3 read them here.
 */
import { findTarget } from './grants';
import { resolvePrincipal } from './principals';
import type { SynthesizedResource, SynthesizedStack } from './synthesized-stack';

export const WORKLOAD_TYPES = [
  'google_cloud_run_v2_service',
  'google_cloud_run_v2_job',
  'google_cloud_run_service',
  'google_cloudfunctions2_function',
];

function dig(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** The service account a workload runs as (as written, resolved where the stack allows). */
export function runtimeIdentityOf(stack: SynthesizedStack, r: SynthesizedResource): { written?: string; email?: string; project?: string } {
  const written =
    r.type === 'google_cloud_run_v2_service'
      ? dig(r.values, 'template', 'service_account')
      : r.type === 'google_cloud_run_v2_job'
      ? dig(r.values, 'template', 'template', 'service_account')
      : r.type === 'google_cloud_run_service'
      ? dig(r.values, 'template', 'spec', 'service_account_name')
      : dig(r.values, 'service_config', 'service_account_email');
  if (typeof written !== 'string') return {};
  const p = resolvePrincipal(stack, `serviceAccount:${written}`);
  return { written, email: p.email, project: p.serviceAccountProject };
}

/** Cloud Run ingress of a service as one of `all`, `internal`, `internal-and-cloud-load-balancing`. */
export function ingressOf(r: SynthesizedResource): string {
  if (r.type === 'google_cloud_run_v2_service') {
    const v = String(r.values.ingress ?? 'INGRESS_TRAFFIC_ALL');
    return (
      {
        INGRESS_TRAFFIC_ALL: 'all',
        INGRESS_TRAFFIC_INTERNAL_ONLY: 'internal',
        INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 'internal-and-cloud-load-balancing',
      }[v] ?? v
    );
  }
  if (r.type === 'google_cloud_run_service') {
    const annotations = dig(r.values, 'metadata', 'annotations') as Record<string, string> | undefined;
    return annotations?.['run.googleapis.com/ingress'] ?? 'all';
  }
  return 'internal';
}

/** The Cloud Run service a grant or NEG names (by reference, or by service name within the stack). */
export function cloudRunServiceNamed(stack: SynthesizedStack, value: unknown): SynthesizedResource | undefined {
  if (typeof value !== 'string') return undefined;
  return findTarget(stack, 'google_cloud_run_v2_service', value) ?? findTarget(stack, 'google_cloud_run_service', value);
}

/** Secret Manager secrets a workload mounts (env `value_source.secret_key_ref.secret`), as stack resources. */
export function mountedSecretsOf(stack: SynthesizedStack, r: SynthesizedResource): SynthesizedResource[] {
  const out: SynthesizedResource[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const obj = v as Record<string, unknown>;
    const ref = obj.secret_key_ref as Record<string, unknown> | undefined;
    if (ref && typeof ref.secret === 'string') {
      const s = findTarget(stack, 'google_secret_manager_secret', ref.secret);
      if (s && !out.includes(s)) out.push(s);
    }
    Object.values(obj).forEach(walk);
  };
  walk(r.values);
  return out;
}
