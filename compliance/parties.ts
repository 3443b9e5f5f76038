/**
 * Whose principal a member is, in the terms of DPA Section 5: Smart Segments (its people, CI and
 * workloads), the customer (its own domains), a listed subprocessor (Annex III, config/subprocessors.ts),
 * the public, or nobody the DPA admits. SUB-1 judges grants by it and the access map labels
 * principals with it, so an auditor sees who stands behind each grant.
 */
import { WORKLOAD_ACCOUNT_IDS } from '../config/naming';
import { SUBPROCESSORS } from '../config/subprocessors';
import type { Principal } from './principals';
import type { RuleContext } from './rule';
import { customerDomains, platformProjects } from './scope';

export type PartyKind = 'smart-segments' | 'customer' | 'subprocessor' | 'public' | 'unknown';

export interface Party {
  readonly kind: PartyKind;
  /** For the report, for example "dbt Labs (Annex III subprocessor)". */
  readonly name: string;
  /** Why the principal belongs to this party. */
  readonly because: string;
}

/** Which Annex III subprocessor a principal stands for, by register id (SUB-1: the register is code). */
function subprocessor(id: string, because: string): Party {
  const entry = SUBPROCESSORS.find((s) => s.id === id);
  if (!entry)
    return {
      kind: 'unknown',
      name: 'unlisted subprocessor',
      because: `${because}, but "${id}" is not in the Annex III register (config/subprocessors.ts)`,
    };
  return { kind: 'subprocessor', name: `${entry.name} (Annex III subprocessor)`, because };
}

export function partyOf(ctx: Pick<RuleContext, 'environment' | 'tenant' | 'tenants'>, p: Principal): Party {
  const org = ctx.environment.platform.organization.domain.toLowerCase();
  if (p.kind === 'public') return { kind: 'public', name: 'anyone on the internet', because: `${p.member} is public` };
  if (p.isServiceAgent) return subprocessor('google-cloud', 'a Google-managed service agent');
  if (p.isOwnFolderSet) {
    return {
      kind: 'smart-segments',
      name: 'Smart Segments workloads',
      because: `every service account under a folder of this stack (${p.member})`,
    };
  }
  if (p.kind === 'principal' || p.kind === 'principalSet') {
    return p.isOwnWorkloadIdentity
      ? { kind: 'smart-segments', name: 'Smart Segments CI', because: 'a workload identity pool declared in this stack' }
      : { kind: 'unknown', name: 'external identity', because: `${p.member} is not a workload identity pool of this stack` };
  }
  if (p.unresolved) return { kind: 'unknown', name: 'unverifiable principal', because: `${p.written} cannot be resolved from the stack` };
  if (p.kind === 'serviceAccount' && p.serviceAccountProject) {
    const project = p.serviceAccountProject;
    if (ctx.tenant && project === ctx.tenant.projectId) {
      if (p.serviceAccountId === WORKLOAD_ACCOUNT_IDS.dbt)
        return subprocessor('dbt-labs', `the dedicated dbt account of the tenant's project`);
      return { kind: 'smart-segments', name: 'Smart Segments workload', because: `a service account of the tenant's project ${project}` };
    }
    if (platformProjects(ctx).includes(project))
      return { kind: 'smart-segments', name: 'Smart Segments platform', because: `a service account of platform project ${project}` };
    const owner = ctx.tenants.find((t) => t.projectId === project);
    if (owner && !ctx.tenant)
      return {
        kind: 'smart-segments',
        name: `Smart Segments workload of ${owner.id}`,
        because: `a service account of tenant project ${project}`,
      };
    return {
      kind: 'unknown',
      name: 'foreign service account',
      because: `${p.email} belongs to project ${project}, which is neither this tenant's nor the platform's`,
    };
  }
  if (p.kind === 'projectRole') {
    const project = p.member.split(':')[1];
    if (project === ctx.tenant?.projectId)
      return {
        kind: 'smart-segments',
        name: 'holders of a basic role on the project',
        because: `${p.member} (BigQuery special group of the tenant's own project)`,
      };
    return { kind: 'unknown', name: 'holders of a basic role of another project', because: p.member };
  }
  if (p.domain !== undefined && (p.kind === 'group' || p.kind === 'user' || p.kind === 'domain')) {
    if (p.domain === org) return { kind: 'smart-segments', name: 'Smart Segments', because: `in Smart Segments' domain ${org}` };
    if (ctx.tenant && customerDomains(ctx.tenant).includes(p.domain))
      return { kind: 'customer', name: `the customer (${ctx.tenant.displayName})`, because: `in the customer's domain ${p.domain}` };
    return {
      kind: 'unknown',
      name: `outside party (${p.domain})`,
      because: `${p.domain} is neither Smart Segments', the customer's nor a listed subprocessor's`,
    };
  }
  return { kind: 'unknown', name: 'unrecognised principal', because: `${p.member} is of no kind the DPA admits` };
}
