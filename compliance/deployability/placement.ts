/**
 * Which project a synthesized resource is placed in, as far as the stack tells: the projects the
 * stack itself creates (`google_project`), matched by literal project id or by reference, and the
 * parent a resource without a `project` attribute inherits from the resource it names (a key from
 * its key ring, a grant from its topic). Resources under a folder, the organization or a billing
 * account, and resources in a project the stack does not create, are placed in no created project.
 */
import { referencesIn } from '../synthesized-stack';
import type { DependencyGraph, GraphNode } from './graph';

export interface CreatedProject {
  /** `google_project.<name>`. */
  readonly address: string;
  /** The literal project id, when the stack gives one. */
  readonly projectId?: string;
}

/** Attributes that name a grant's principal or a policy, never the resource's parent. */
const NOT_PARENT = new Set(['member', 'members', 'depends_on', 'policy_data', 'lifecycle', 'provider', 'condition']);
/** Attributes that place a resource outside any project. */
const OUTSIDE_PROJECT = ['folder', 'org_id', 'organization', 'billing_account', 'organization_id'];

const literal = (v: unknown): string | undefined => (typeof v === 'string' && !v.includes('${') ? v : undefined);

const placements = new WeakMap<DependencyGraph, ProjectPlacement>();

export class ProjectPlacement {
  readonly created: readonly CreatedProject[];
  private readonly cache = new Map<string, CreatedProject | null>();

  /** The placement over `graph`, built once and shared by the checks that read it. */
  static of(graph: DependencyGraph): ProjectPlacement {
    let placement = placements.get(graph);
    if (!placement) {
      placement = new ProjectPlacement(graph);
      placements.set(graph, placement);
    }
    return placement;
  }

  constructor(readonly graph: DependencyGraph) {
    this.created = [...graph.nodes.values()]
      .filter((n) => n.mode === 'resource' && n.type === 'google_project')
      .map((n) => ({ address: n.address, projectId: literal(n.values.project_id) }));
  }

  /** The created project a project reference or id (`${google_project.x.project_id}`, `ssx-foo`, `projects/ssx-foo`) names. */
  projectNamed(value: unknown): CreatedProject | undefined {
    if (typeof value !== 'string') return undefined;
    for (const ref of referencesIn(value)) {
      if (ref.mode === 'resource' && ref.type === 'google_project') return this.created.find((p) => p.address === `google_project.${ref.name}`);
    }
    const id = value.replace(/^projects\//, '');
    return this.created.find((p) => p.projectId !== undefined && p.projectId === id);
  }

  /** The created project `node` is placed in; undefined when it is in none (or is a project itself). */
  projectOf(node: GraphNode): CreatedProject | undefined {
    const cached = this.cache.get(node.address);
    if (cached !== undefined) return cached ?? undefined;
    this.cache.set(node.address, null); // cycle guard
    const found = this.resolve(node);
    this.cache.set(node.address, found ?? null);
    return found;
  }

  private resolve(node: GraphNode): CreatedProject | undefined {
    if (node.mode === 'resource' && node.type === 'google_project') return undefined;
    const v = node.values;
    if (v.project !== undefined) return this.projectNamed(v.project);
    if (typeof v.parent === 'string') {
      if (/^(folders|organizations|billingAccounts)\//.test(v.parent)) return undefined;
      const named = this.projectNamed(v.parent);
      if (named) return named;
    }
    if (OUTSIDE_PROJECT.some((a) => v[a] !== undefined)) return undefined;
    // No project attribute: the resource lives where the resource it is attached to lives.
    for (const [key, value] of Object.entries(v)) {
      if (NOT_PARENT.has(key) || typeof value !== 'string') continue;
      for (const ref of referencesIn(value)) {
        const target = this.graph.node(ref.mode === 'data' ? `data.${ref.type}.${ref.name}` : `${ref.type}.${ref.name}`);
        if (!target) continue;
        if (target.type === 'google_project' && target.mode === 'resource') return this.created.find((p) => p.address === target.address);
        const inherited = this.projectOf(target);
        if (inherited) return inherited;
      }
    }
    // Last, the provider's default project, as the provider itself falls back to it.
    return this.projectNamed(this.providerProject(v.provider));
  }

  /** The `project` of the provider configuration a resource uses (`provider = "google.alias"`, else the default one). */
  private providerProject(provider: unknown): string | undefined {
    const [name, alias] = typeof provider === 'string' ? provider.replace(/^\$\{(.*)\}$/, '$1').split('.') : ['google', undefined];
    const configs = this.graph.stack.json.provider?.[name];
    const list = (Array.isArray(configs) ? configs : configs ? [configs] : []) as Array<Record<string, unknown>>;
    const config = list.find((c) => (alias ? c.alias === alias : !c.alias));
    return typeof config?.project === 'string' ? config.project : undefined;
  }

  /** The resources of `type` placed in `project` (for example its `google_project_service`s). */
  placedIn(project: CreatedProject, type: string): GraphNode[] {
    return [...this.graph.nodes.values()].filter((n) => n.mode === 'resource' && n.type === type && this.projectOf(n)?.address === project.address);
  }
}
