/**
 * ISO-1 (DPA Annex II 5, C.4): one project per tenant, and a tenant stack never references another
 * tenant's project or resources. Every string of the stack (resources, data sources, providers,
 * backend) is searched for the other tenants' project ids, and every `project` attribute must be the
 * tenant's own project or one of the platform's.
 */
import { walkStrings } from '../synthesized-stack';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, type Finding, type RuleContext } from '../rule';
import { platformProjects } from '../scope';
import { isOtherTenant, tenantsWithProject, type IndexedTenant } from '../tenant-index';

/**
 * The project ids `text` names as whole ids: its maximal runs of project-id characters (a project id
 * is only lowercase letters, digits and hyphens), so an id inside a longer id does not count. One pass
 * per string and a map lookup per run, not a search per tenant: with 10,000 tenants a search per
 * tenant and string made this check quadratic in the environment's size.
 */
function wholeIdsIn(text: string): string[] {
  return text.match(/[a-z0-9-]+/g) ?? [];
}

/** The environment's other tenants whose project is `projectId` (the index, not a scan per stack). */
function otherTenantsWithProject(ctx: RuleContext, projectId: string): IndexedTenant[] {
  return tenantsWithProject(ctx.tenants, projectId).filter((e) => isOtherTenant(e.tenant, ctx.tenant));
}

/** How many other tenants the environment has. */
function otherTenantCount(ctx: RuleContext): number {
  let n = 0;
  for (const t of ctx.tenants) if (isOtherTenant(t, ctx.tenant)) n++;
  return n;
}

export const iso1NoOtherTenantReference = defineCheck({
  id: 'ISO-1/no-other-tenant-reference',
  explanation: "No string of a tenant stack (resources, data sources, providers, backend) names another tenant's project.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const findings: Finding[] = [];
    const sections: Array<[string, unknown]> = [
      ...ctx.stack.resources.map((r): [string, unknown] => [r.address, r.values]),
      ...Object.entries(ctx.stack.json.data ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName).map(([name, v]): [string, unknown] => [`data.${type}.${name}`, v]),
      ),
      ['provider', ctx.stack.json.provider],
      ['terraform', ctx.stack.json.terraform],
    ];
    for (const [address, value] of sections) {
      for (const { path, value: text } of walkStrings(value)) {
        const named = [...new Set(wholeIdsIn(text))].flatMap((id) => otherTenantsWithProject(ctx, id)).sort((a, b) => a.order - b.order);
        for (const { tenant: other } of named) {
          findings.push(
            nonCompliant(
              address === 'provider' || address === 'terraform' ? STACK_ADDRESS : address,
              `${path} names project ${other.projectId} of tenant "${other.id}" ("${text}").`,
              `reference only ${tenant.projectId}; data and grants of tenant "${other.id}" belong in its own stack.`,
            ),
          );
        }
      }
    }
    if (findings.length === 0) findings.push(compliant(STACK_ADDRESS, `names none of the ${otherTenantCount(ctx)} other tenants' projects`));
    return findings;
  },
});

export const iso1OnlyOwnProject = defineCheck({
  id: 'ISO-1/only-own-project',
  explanation: "Every literal `project` of a tenant stack is the tenant's own project or a platform project.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const allowed = new Set([tenant.projectId, ...platformProjects(ctx)]);
    const findings: Finding[] = [];
    for (const r of ctx.stack.resources) {
      const project = r.values.project;
      if (typeof project !== 'string' || project.includes('${')) continue;
      const id = project.replace(/^projects\//, '');
      if (allowed.has(id)) findings.push(compliant(r.address, `in project ${id}`));
      // Another tenant's project is ISO-1/no-other-tenant-reference's finding; one finding per cause.
      else if (otherTenantsWithProject(ctx, id).length === 0)
        findings.push(
          nonCompliant(r.address, `project is "${project}", which is neither this tenant's project nor a platform project.`, `use ${tenant.projectId}.`),
        );
    }
    return findings;
  },
});

export const iso1NoForeignProject = defineCheck({
  id: 'ISO-1/no-foreign-project',
  explanation: "A tenant stack creates only its tenant's own project.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    return ctx.stack.ofType('google_project').map((p) =>
      p.values.project_id === tenant.projectId
        ? compliant(p.address, `creates the tenant's project ${tenant.projectId}`)
        : nonCompliant(
            p.address,
            `the stack creates project ${String(p.values.project_id)}; a tenant stack creates only its tenant's project.`,
            `remove it or move it to the stack that owns it.`,
          ),
    );
  },
});

/** The checks of ISO-1, in the order the report lists them. */
export const iso1ProjectIsolationChecks = [iso1NoOtherTenantReference, iso1OnlyOwnProject, iso1NoForeignProject] as const;
