/**
 * An environment's tenants by project id and by stack name, built once per tenant list. Rules that
 * ask "which other tenant's project is this?" for every stack would otherwise scan the whole list per
 * stack: with 10,000 tenants that made each synthesis shard grow with the environment's size
 * (docs/performance.md).
 */
import type { ResolvedTenant } from '../config/loader';

export interface IndexedTenant {
  readonly tenant: ResolvedTenant;
  /** Its position in the environment's (sorted) tenant list, so results keep that order. */
  readonly order: number;
}

const byProject = new WeakMap<readonly ResolvedTenant[], ReadonlyMap<string, readonly IndexedTenant[]>>();

/** The tenants of `tenants` whose project is `projectId`, in list order (one, the loader keeps project ids unique). */
export function tenantsWithProject(tenants: readonly ResolvedTenant[], projectId: string): readonly IndexedTenant[] {
  let index = byProject.get(tenants);
  if (!index) {
    const built = new Map<string, IndexedTenant[]>();
    tenants.forEach((tenant, order) => {
      const list = built.get(tenant.projectId) ?? [];
      list.push({ tenant, order });
      built.set(tenant.projectId, list);
    });
    index = built;
    byProject.set(tenants, index);
  }
  return index.get(projectId) ?? [];
}

/** Whether `other` is another tenant than `self`: another id and another project. */
export const isOtherTenant = (other: ResolvedTenant, self: Pick<ResolvedTenant, 'id' | 'projectId'> | undefined): boolean =>
  other.id !== self?.id && other.projectId !== self?.projectId;
