/**
 * ISO-1 (DPA Annex II 5, C.4): one project per tenant, and a tenant stack never references another
 * tenant's project or resources. Every string of the stack (resources, data sources, providers,
 * backend) is searched for the other tenants' project ids, and every `project` attribute must be the
 * tenant's own project or one of the platform's.
 */
import { walkStrings } from '../synthesized-stack';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, type Finding } from '../rule';
import { platformProjects } from '../scope';

/** True when `id` occurs in `text` as a whole project id (not inside a longer id). */
function mentions(text: string, id: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(id, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : text[at - 1];
    const after = text[at + id.length] ?? '';
    if (!/[a-z0-9-]/.test(before) && !/[a-z0-9-]/.test(after)) return true;
    from = at + 1;
  }
}

export const iso1ProjectIsolation = defineCheck({
  id: 'ISO-1/project-isolation',
  explanation: "A tenant stack references only its own project (and the platform's), never another tenant's.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const others = ctx.tenants.filter((t) => t.id !== tenant.id && t.projectId !== tenant.projectId);
    const allowedProjects = new Set([tenant.projectId, ...platformProjects(ctx)]);
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
        for (const other of others) {
          if (mentions(text, other.projectId)) {
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
    }
    for (const r of ctx.stack.resources) {
      const project = r.values.project;
      if (typeof project !== 'string' || project.includes('${')) continue;
      const id = project.replace(/^projects\//, '');
      if (allowedProjects.has(id)) findings.push(compliant(r.address, `in project ${id}`));
      else if (!others.some((o) => o.projectId === id)) {
        findings.push(
          nonCompliant(
            r.address,
            `project is "${project}", which is neither this tenant's project nor a platform project.`,
            `use ${tenant.projectId}.`,
          ),
        );
      }
    }
    const projects = ctx.stack.ofType('google_project');
    for (const p of projects) {
      if (p.values.project_id !== tenant.projectId) {
        findings.push(
          nonCompliant(
            p.address,
            `the stack creates project ${String(p.values.project_id)}; a tenant stack creates only its tenant's project.`,
            `remove it or move it to the stack that owns it.`,
          ),
        );
      }
    }
    return findings;
  },
});

/** The checks of ISO-1, in the order the report lists them. */
export const iso1ProjectIsolationChecks = [iso1ProjectIsolation] as const;
