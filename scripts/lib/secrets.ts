/**
 * A tenant's secrets: which the config implies, which are recorded as populated, the exact command
 * that adds each missing value, and the edit that records them (`populatedSecrets`). What counts as
 * a secret of the tenant and which workload waits for which is config/naming.ts and
 * config/workload-secrets.ts; this module only presents and records it.
 */
import type { ResolvedTenant } from '../../config/loader';
import { tenantSecretIds } from '../../config/naming';
import { isDeclared, missingSecretIds, tenantWorkloads, waitingWorkloads } from '../../config/workload-secrets';
import { listFlag, type CommandSpec } from './cli';
import { ENVIRONMENTS_DIR_FLAG, ENV_FLAG, TENANT_FLAG, TENANT_CHANGE_ENVIRONMENT_HELP } from './paths';
import { didYouMean } from '../../config/did-you-mean';
import { editTenantText } from './tenant-file';

export const SECRETS_SPEC: CommandSpec = {
  usage: ['npm run secrets -- --env <env> --tenant <id> [--record <id,id|all>] [--environments-dir <dir>]'],
  summary: [
    "Lists the tenant's Secret Manager secrets, which are recorded as populated and which are missing,",
    'with the command that adds each missing value. A workload mounts only the secrets recorded as',
    'populated and is declared once it has one, so no apply starts a service without its values.',
    '--record records secrets as populated in environments/<env>/tenants/<id>.yaml (atomic',
    "write, validated by the config schema) after synthesizing the tenant's stack with both check packs",
    'and checking that the change applies in one step (the transition checks of npm run plan-check);',
    'on any problem nothing is written.',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    TENANT_FLAG,
    {
      name: 'record',
      type: 'string',
      value: '<id,id|all>',
      description: 'Secret ids whose values you have added, comma-separated, or all. Record a secret only\nafter `gcloud secrets versions add` succeeded: its workload is created on the next deploy.',
    },
    ENVIRONMENTS_DIR_FLAG,
  ],
  footer: [
    ...TENANT_CHANGE_ENVIRONMENT_HELP,
    '',
    'Exit status: 0 listed or recorded; 1 synthesis, the transition check or writing failed (nothing',
    'written); 2 invalid flags or config (nothing written).',
    '',
    'Example:',
    '  npm run secrets -- --env example --tenant lisboa-parque',
    "  printf '%s' \"$VALUE\" | gcloud secrets versions add source-roller --project=ssx-lisboa-parque --data-file=-",
    '  npm run secrets -- --env example --tenant lisboa-parque --record source-roller',
  ].join('\n'),
};

/** The command that adds a secret's value, read from $VALUE so it never lands in shell history. */
export function addVersionCommand(projectId: string, secretId: string): string {
  return `printf '%s' "$VALUE" | gcloud secrets versions add ${secretId} --project=${projectId} --data-file=-`;
}

/** Who mounts each secret (the account of its workload). */
function mountedBy(tenant: ResolvedTenant): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of tenantWorkloads(tenant)) for (const id of w.secretIds) out.set(id, w.accountId);
  return out;
}

/** The listing `npm run secrets` prints. */
export function secretsReport(tenant: ResolvedTenant, env: string): string {
  const ids = tenantSecretIds(tenant);
  const users = mountedBy(tenant);
  const lines = [`Secrets of tenant "${tenant.id}" in environment "${env}" (project ${tenant.projectId}):`];
  if (ids.length === 0) return [...lines, '  (none: no source, conversion destination or integration needs a credential)'].join('\n');
  const width = Math.max(...ids.map((id) => id.length));
  for (const id of ids) {
    const state = tenant.populatedSecrets.includes(id) ? 'populated' : 'missing  ';
    lines.push(`  ${id.padEnd(width)}  ${state}  mounted by ${users.get(id) ?? '(no workload)'}`);
  }
  const missing = ids.filter((id) => !tenant.populatedSecrets.includes(id));
  // In a customer's own project a workload also waits for its image's copy (config/relay-images.ts).
  const imageWaiting = waitingWorkloads(tenant).filter((w) => w.missingImage !== undefined);
  const imageLines =
    imageWaiting.length === 0
      ? []
      : ['', "Waiting for their image's copy into the project's relay repository (copiedImages; docs/data-plane.md):", ...imageWaiting.map((w) => `  ${w.accountId} (${w.kind}): ${w.missingImage}`)];
  if (missing.length === 0) {
    lines.push('', `Every secret is recorded as populated; ${imageWaiting.length === 0 ? 'every workload is declared.' : 'the workloads below still wait for their image.'}`, ...imageLines);
    return lines.join('\n');
  }
  lines.push(...imageLines);
  const waiting = waitingWorkloads(tenant).filter((w) => w.missing.length > 0);
  if (waiting.length > 0) {
    lines.push('', 'Waiting for their secrets (not declared until one is recorded):');
    for (const w of waiting) lines.push(`  ${w.accountId} (${w.kind}): ${w.missing.join(', ')}`);
  }
  const partial = tenantWorkloads(tenant).filter((w) => isDeclared(tenant, w) && missingSecretIds(tenant, w).length > 0);
  if (partial.length > 0) {
    lines.push('', 'Running without some of their secrets (they serve only what is recorded):');
    for (const w of partial) lines.push(`  ${w.accountId} (${w.kind}): not yet ${missingSecretIds(tenant, w).join(', ')}`);
  }
  lines.push('', 'Add each missing value (VALUE holds it; the command reads it from standard input):');
  for (const id of missing) lines.push(`  ${addVersionCommand(tenant.projectId, id)}`);
  lines.push('', 'Then record them:', `  npm run secrets -- --env ${env} --tenant ${tenant.id} --record ${missing.length === ids.length ? 'all' : missing.join(',')}`);
  return lines.join('\n');
}

/** The secret ids `--record` names, or one problem per unknown id. */
export function secretsToRecord(tenant: ResolvedTenant, value: string): { ids: string[]; problems: string[] } {
  const allowed = tenantSecretIds(tenant);
  const items = listFlag(value) ?? [];
  if (items.length === 1 && items[0] === 'all') return { ids: allowed, problems: allowed.length === 0 ? [`--record all: tenant "${tenant.id}" has no secret`] : [] };
  const problems: string[] = [];
  if (items.length === 0) problems.push(`--record: names no secret; give secret ids, comma-separated, or all (this tenant's: ${allowed.join(', ') || '(none)'})`);
  for (const item of items) {
    if (item === 'all') problems.push('--record: "all" cannot be combined with secret ids; give either');
    else if (item === '') problems.push('--record: has an empty item; remove the extra comma');
    else if (!allowed.includes(item)) {
      problems.push(
        `--record: "${item}" is not a secret of tenant "${tenant.id}"${didYouMean(item, allowed)}; its secrets: ${allowed.join(', ') || '(none)'}`,
      );
    }
  }
  return { ids: problems.length > 0 ? [] : [...new Set(items)], problems };
}

/** The tenant file's text with `ids` added to `populatedSecrets` (kept in tenantSecretIds order, as a flow list). */
export function withPopulatedSecrets(text: string, tenant: ResolvedTenant, ids: readonly string[]): string {
  const recorded = new Set([...tenant.populatedSecrets, ...ids]);
  const list = tenantSecretIds(tenant).filter((id) => recorded.has(id));
  return editTenantText(text, (doc) => {
    const node = doc.createNode(list, { flow: true });
    doc.set('populatedSecrets', node);
  });
}
