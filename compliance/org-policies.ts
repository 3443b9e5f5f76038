/**
 * The organization policies of a synthesized stack, read into one shape: which constraint, on which
 * organization, folder or project (and that folder's jurisdiction), enforced or with which allowed
 * values (and a managed constraint's parameters). Both the v2 `google_org_policy_policy` and the legacy
 * `google_*_organization_policy` resources are read. Rules for RES-2, IAM-3, IAM-4 and IAM-7, and the
 * deployability check DEP-DRS, use it.
 */
import type { Jurisdiction } from '../config/jurisdictions';
import type { RuleContext } from './rule';
import { jurisdictionOfFolder } from './scope';
import { blocks } from './json-blocks';
import type { SynthesizedResource } from './synthesized-stack';

export interface OrgPolicy {
  readonly address: string;
  readonly constraint: string;
  /** `organizations/<id>`, `folders/<id>`, `projects/<id>`, or the reference as written. */
  readonly parent: string;
  readonly parentKind: 'organization' | 'folder' | 'project' | 'unknown';
  /** The jurisdiction of the folder the policy is on, when it is on a jurisdiction folder. */
  readonly folderJurisdiction?: Jurisdiction;
  /** True when a rule enforces a boolean constraint, false when a rule turns it off, undefined for list constraints. */
  readonly enforced?: boolean;
  readonly allowedValues: readonly string[];
  readonly deniedValues: readonly string[];
  readonly allowAll: boolean;
  readonly denyAll: boolean;
  /** A list policy merged with its parent's (`inherit_from_parent = true`); false when it replaces the parent's. */
  readonly inheritFromParent: boolean;
  /** Rules with conditions apply only sometimes; a rule that needs certainty treats them as not set. */
  readonly conditional: boolean;
  /** A managed constraint's rule parameters (`spec.rules[].parameters`, JSON), merged over the rules; empty when none. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** A rule's parameters are not readable JSON (an expression, or malformed). */
  readonly unreadableParameters: boolean;
}

/** The parameters of a policy's rules: each rule's `parameters` is a JSON string (provider google_org_policy_policy). */
function ruleParameters(rules: Array<Record<string, unknown>>): { parameters: Record<string, unknown>; unreadable: boolean } {
  const parameters: Record<string, unknown> = {};
  let unreadable = false;
  for (const rule of rules) {
    if (rule.parameters === undefined) continue;
    try {
      const parsed: unknown = typeof rule.parameters === 'string' ? JSON.parse(rule.parameters) : rule.parameters;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(parameters, parsed);
      else unreadable = true;
    } catch {
      unreadable = true;
    }
  }
  return { parameters, unreadable };
}

/** A string-list parameter of a managed-constraint policy (for example `allowedPrincipalSets`). */
export function listParameter(p: OrgPolicy, name: string): string[] {
  const v = p.parameters[name];
  return Array.isArray(v) ? v.map(String) : [];
}

function truthy(v: unknown): boolean {
  return v === true || v === 'TRUE' || v === 'true';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

function parentKind(parent: string, r: SynthesizedResource): OrgPolicy['parentKind'] {
  if (parent.startsWith('organizations/') || r.type === 'google_organization_policy') return 'organization';
  if (parent.startsWith('folders/') || r.type === 'google_folder_organization_policy' || parent.includes('google_folder.')) return 'folder';
  if (parent.startsWith('projects/') || r.type === 'google_project_organization_policy' || parent.includes('google_project.'))
    return 'project';
  return 'unknown';
}

/** Where a policy resource applies, read the same way for both resource families. */
function placement(
  ctx: Pick<RuleContext, 'stack' | 'environment'>,
  r: SynthesizedResource,
  constraint: string,
  parent: string,
): Pick<OrgPolicy, 'address' | 'constraint' | 'parent' | 'parentKind' | 'folderJurisdiction'> {
  return {
    address: r.address,
    constraint,
    parent,
    parentKind: parentKind(parent, r),
    folderJurisdiction: jurisdictionOfFolder(ctx, parent),
  };
}

export function orgPoliciesOf(ctx: Pick<RuleContext, 'stack' | 'environment'>): OrgPolicy[] {
  const out: OrgPolicy[] = [];
  for (const r of ctx.stack.ofType('google_org_policy_policy')) {
    const name = String(r.values.name ?? '');
    const parent = String(r.values.parent ?? '');
    const constraint = name.split('/policies/')[1] ?? name;
    const spec = blocks(r.values.spec)[0] ?? {};
    const rules = blocks(spec.rules);
    const enforceRules = rules.filter((x) => x.enforce !== undefined);
    const { parameters, unreadable } = ruleParameters(rules);
    out.push({
      ...placement(ctx, r, constraint, parent),
      enforced: enforceRules.length > 0 ? enforceRules.every((x) => truthy(x.enforce)) : undefined,
      allowedValues: rules.flatMap((x) => blocks(x.values).flatMap((v) => strings(v.allowed_values))),
      deniedValues: rules.flatMap((x) => blocks(x.values).flatMap((v) => strings(v.denied_values))),
      allowAll: rules.some((x) => truthy(x.allow_all)),
      denyAll: rules.some((x) => truthy(x.deny_all)),
      inheritFromParent: truthy(spec.inherit_from_parent),
      conditional: rules.some((x) => x.condition !== undefined),
      parameters,
      unreadableParameters: unreadable,
    });
  }
  for (const r of ctx.stack.ofType(
    'google_organization_policy',
    'google_folder_organization_policy',
    'google_project_organization_policy',
  )) {
    const parent = String(r.values.org_id ?? r.values.folder ?? r.values.project ?? '');
    const constraint = String(r.values.constraint ?? '').replace(/^constraints\//, '');
    const bool = blocks(r.values.boolean_policy)[0];
    const list = blocks(r.values.list_policy)[0];
    const allow = blocks(list?.allow)[0];
    const deny = blocks(list?.deny)[0];
    out.push({
      ...placement(ctx, r, constraint, parent),
      enforced: bool ? truthy(bool.enforced) : undefined,
      allowedValues: strings(allow?.values),
      deniedValues: strings(deny?.values),
      allowAll: truthy(allow?.all),
      denyAll: truthy(deny?.all),
      inheritFromParent: truthy(list?.inherit_from_parent),
      conditional: false,
      parameters: {},
      unreadableParameters: false,
    });
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
