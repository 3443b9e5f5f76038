/**
 * The secrets an operator has recorded as holding a version, from the tenant file's
 * `populatedSecrets` (a list of secret ids, written by `npm run secrets`). The one place the
 * deployability pack reads that field, so the pack does not depend on the schema's exact type.
 */
import type { ResolvedTenant } from '../../config/loader';

export function populatedSecretsOf(tenant: ResolvedTenant | undefined): ReadonlySet<string> {
  const recorded = (tenant as { populatedSecrets?: unknown } | undefined)?.populatedSecrets;
  return new Set(Array.isArray(recorded) ? recorded.filter((s): s is string => typeof s === 'string') : []);
}
