/**
 * The access map of a tenant: every principal, the role it holds and the resource it holds it on,
 * read from the grants of the synthesized stack (compliance/grants.ts) and drawn as a Mermaid
 * flowchart grouped by party, so "who can touch this customer's data" is answered by looking.
 */
import { grantsOf } from '../grants';
import { partyOf } from '../parties';
import type { RuleContext } from '../rule';
import { principalInWords, principalReference } from './principal-words';

export interface AccessEntry {
  /**
   * The member as the stack writes it, references shown as `reference(<address>.<attribute>)`
   * (principal-words.ts); the literal member when it has none.
   */
  readonly principal: string;
  /**
   * The member for reading: service account emails instead of references, and a value known only
   * after deployment (a project number) named in words, never a placeholder.
   */
  readonly principalShown: string;
  readonly party: string;
  readonly role: string;
  /** `<terraform type> <identifier>`. */
  readonly resource: string;
  /** The IAM resource that makes the grant. */
  readonly address: string;
  readonly condition?: string;
  readonly note?: string;
}

export interface AccessMap {
  readonly stack: string;
  readonly tenant: string;
  readonly entries: readonly AccessEntry[];
  readonly mermaid: string;
}

/** Short human names of the resource types grants are made on. */
const TYPE_NAMES: Record<string, string> = {
  google_project: 'Project',
  google_folder: 'Folder',
  google_organization: 'Organization',
  google_pubsub_topic: 'Pub/Sub topic',
  google_pubsub_subscription: 'Pub/Sub subscription',
  google_secret_manager_secret: 'Secret',
  google_bigquery_dataset: 'BigQuery dataset',
  google_bigquery_table: 'BigQuery table',
  google_cloud_run_v2_service: 'Cloud Run service',
  google_cloud_run_v2_job: 'Cloud Run job',
  google_service_account: 'Service account',
  google_storage_bucket: 'Bucket',
  google_artifact_registry_repository: 'Registry',
  google_kms_crypto_key: 'KMS key',
  google_kms_key_ring: 'KMS key ring',
};

export function resourceName(type: string, id: string): string {
  return `${TYPE_NAMES[type] ?? type} ${id}`;
}

/** Text inside a Mermaid quoted label: quotes and angle brackets as entities. */
export function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

export function buildAccessMap(ctx: RuleContext): AccessMap {
  const entries: AccessEntry[] = grantsOf(ctx.stack).map((g) => ({
    principal: principalReference(g.principal.written) ?? g.principal.written,
    principalShown: principalInWords(ctx.stack, g.principal, ctx.tenant?.projectId ?? "this stack's project"),
    party: partyOf(ctx, g.principal).name,
    role: g.role,
    resource: resourceName(g.target.resourceType, g.target.id),
    address: g.address,
    condition: g.condition?.title ?? g.condition?.expression,
    note: g.implicitVia,
  }));
  const parties = [...new Set(entries.map((e) => e.party))].sort();
  const principals = [...new Set(entries.map((e) => e.principalShown))].sort();
  const resources = [...new Set(entries.map((e) => e.resource))].sort();
  const pid = new Map(principals.map((p, i) => [p, `p${i}`]));
  const rid = new Map(resources.map((r, i) => [r, `r${i}`]));
  const lines = ['flowchart LR'];
  parties.forEach((party, i) => {
    lines.push(`  subgraph g${i}["${mermaidText(party)}"]`);
    for (const p of principals.filter((x) => entries.some((e) => e.principalShown === x && e.party === party)))
      lines.push(`    ${pid.get(p)}["${mermaidText(p)}"]`);
    lines.push('  end');
  });
  lines.push('  subgraph res["Resources"]');
  for (const r of resources) lines.push(`    ${rid.get(r)}[("${mermaidText(r)}")]`);
  lines.push('  end');
  for (const e of entries) {
    const label = [e.role, e.condition ? `if ${e.condition}` : undefined, e.note].filter(Boolean).join(' · ');
    lines.push(`  ${pid.get(e.principalShown)} -- "${mermaidText(label)}" --> ${rid.get(e.resource)}`);
  }
  return { stack: ctx.stack.name, tenant: ctx.tenant?.id ?? '', entries, mermaid: lines.join('\n') };
}
