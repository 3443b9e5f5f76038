/**
 * `npm run support-access`: the command line, the checks of a new grant and the tenant-file edit.
 * What a scope grants, the cap and the condition are config/support-access.ts; this module only
 * validates the operator's input against them and writes the grants.
 */
import type { PlatformConfig } from '../../config/schema';
import type { ResolvedTenant } from '../../config/loader';
import {
  SUPPORT_ACCESS_MAX_HOURS,
  SUPPORT_SCOPES,
  SUPPORT_SCOPE_IDS,
  isExpired,
  scopeRoles,
  supportAccessCapHours,
  type SupportGrant,
  type SupportScope,
} from '../../config/support-access';
import { didYouMean } from '../../config/did-you-mean';
import type { CommandSpec } from './cli';
import { ENVIRONMENTS_DIR_FLAG, ENV_FLAG, TENANT_CHANGE_ENVIRONMENT_HELP } from './paths';
import { editTenantText } from './tenant-file';

export const SUPPORT_ACCESS_SPEC: CommandSpec = {
  usage: [
    'npm run support-access -- --env <env> --tenant <id> --scope <scope> --until <time> --reason "<ticket and why>"',
    'npm run support-access -- --env <env> --tenant <id> --revoke <scope>',
    'npm run support-access -- --env <env> [--tenant <id>]            (list grants; remove expired ones)',
  ],
  summary: [
    "Grants the platform's support group one named, least-privilege scope on one tenant's project, until",
    `a time at most the cap ahead (${SUPPORT_ACCESS_MAX_HOURS} hours, or support.maxAccessHours of platform.yaml): the grant is`,
    'written to environments/<env>/tenants/<id>.yaml with its reason, and the tenant stack binds the',
    "scope's roles with an IAM condition that stops matching at --until (IAM-5). Every run first removes",
    'the expired grants of the tenants it touches, so they leave the config on the next deploy. The',
    'change is synthesized with both check packs and must apply in one step; on any problem nothing is written.',
  ].join('\n'),
  flags: [
    ENV_FLAG,
    { name: 'tenant', type: 'string', value: '<id>', description: 'Tenant id (environments/<env>/tenants/<id>.yaml). Without it: list every tenant\'s grants and remove the expired ones.' },
    { name: 'scope', type: 'string', value: '<scope>', description: `What to grant: ${SUPPORT_SCOPE_IDS.join(', ')}.` },
    { name: 'until', type: 'string', value: '<time>', description: 'When access ends: a UTC time (2026-03-03T18:00:00Z) or hours from now (24h); at most the cap ahead.' },
    { name: 'reason', type: 'string', value: '<text>', description: 'The ticket and why (at least 10 characters); shown in the compliance report and the records of processing.' },
    { name: 'revoke', type: 'string', value: '<scope>', description: 'Remove the grant of this scope now, before it expires.' },
    ENVIRONMENTS_DIR_FLAG,
  ],
  footer: [
    'Scopes:',
    ...SUPPORT_SCOPE_IDS.map((s) => `  ${s.padEnd(17)} ${scopeRoles(s).join(', ')}: ${SUPPORT_SCOPES[s].description}`),
    '',
    ...TENANT_CHANGE_ENVIRONMENT_HELP,
    '',
    'Exit status: 0 granted, revoked or listed; 1 synthesis, the transition check or writing failed (nothing',
    'written); 2 invalid flags or config (nothing written).',
    '',
    'Example:',
    '  npm run support-access -- --env example --tenant lisboa-parque --scope read-relay-logs --until 24h --reason "SUP-1042: webhook retries fail"',
  ].join('\n'),
};

/** The current time to the second, as the tenant file writes times. */
export function utcSeconds(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Reads --until: `<n>h` from now, or a UTC time (`Z`, seconds optional). */
export function parseUntil(value: string, now: Date): { until?: string; problem?: string } {
  const relative = /^(\d{1,3})h$/.exec(value.trim());
  if (relative) return { until: utcSeconds(new Date(now.getTime() + Number(relative[1]) * 3_600_000)) };
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?Z$/.exec(value.trim());
  const parsed = m ? new Date(`${m[1]}${m[2] ?? ':00'}Z`) : undefined;
  if (!m || !parsed || Number.isNaN(parsed.getTime()) || utcSeconds(parsed) !== `${m[1]}${m[2] ?? ':00'}Z`) {
    return { problem: `--until: "${value}" is not a UTC time such as 2026-03-03T18:00:00Z or a number of hours such as 24h` };
  }
  return { until: utcSeconds(parsed) };
}

/** Problems of a new grant for `tenant` at `now`, each naming its flag; empty when it can be written. */
export function grantProblems(
  tenant: ResolvedTenant,
  platform: PlatformConfig,
  request: { scope?: string; until?: string; reason?: string },
  now: Date,
): { grant?: SupportGrant; problems: string[] } {
  const problems: string[] = [];
  if (!tenant.lifecycleView.ownsProject || tenant.lifecycleView.released) {
    problems.push(`--tenant: the project of tenant "${tenant.id}" is not Smart Segments' (a customer's own or a handed-over project); support access there is granted by the customer in its own IAM`);
  }
  const scope = request.scope;
  if (scope === undefined) problems.push(`--scope: name what to grant: ${SUPPORT_SCOPE_IDS.join(', ')}`);
  else if (!(SUPPORT_SCOPE_IDS as readonly string[]).includes(scope)) problems.push(`--scope: "${scope}" is not a scope${didYouMean(scope, SUPPORT_SCOPE_IDS)}; known: ${SUPPORT_SCOPE_IDS.join(', ')}`);
  else if (SUPPORT_SCOPES[scope as SupportScope].needsOwnWarehouse && tenant.warehouse.mode !== 'smart-segments') {
    problems.push(`--scope: ${scope} needs the warehouse in the tenant's Smart Segments project; tenant "${tenant.id}" keeps it in the customer's project ${tenant.warehouse.mode === 'customer' ? tenant.warehouse.projectId : ''}`.trim());
  }
  const reason = request.reason?.trim() ?? '';
  if (reason.length < 10) problems.push('--reason: give the ticket and why, at least 10 characters (for example "SUP-1042: webhook retries fail")');
  else if (reason.length > 200) problems.push(`--reason: at most 200 characters (${reason.length} given); link the ticket for the details`);
  let until: string | undefined;
  if (request.until === undefined) problems.push('--until: say when access ends, a UTC time or hours from now such as 24h');
  else {
    const parsed = parseUntil(request.until, now);
    if (parsed.problem) problems.push(parsed.problem);
    else {
      until = parsed.until!;
      const granted = utcSeconds(now);
      const hours = (Date.parse(until) - Date.parse(granted)) / 3_600_000;
      const cap = supportAccessCapHours(platform);
      if (hours <= 0) problems.push(`--until: ${until} is not in the future (now ${granted})`);
      else if (hours > cap) {
        problems.push(`--until: ${until} is ${Math.ceil(hours)} hours from now; support access lasts at most ${cap} hours${cap < SUPPORT_ACCESS_MAX_HOURS ? ' (support.maxAccessHours of platform.yaml)' : ''}`);
      }
    }
  }
  if (problems.length > 0) return { problems };
  return { grant: { scope: scope as SupportScope, granted: utcSeconds(now), until: until!, reason }, problems };
}

/** The tenant's grants without the expired ones. */
export function unexpired(grants: readonly SupportGrant[], now: Date): SupportGrant[] {
  return grants.filter((g) => !isExpired(g, now));
}

/** The tenant file with `supportAccess` set to `grants` (the field removed when empty); comments and other lines kept. */
export function withSupportAccess(text: string, grants: readonly SupportGrant[]): string {
  return editTenantText(text, (doc) => {
    if (grants.length === 0) doc.delete('supportAccess');
    else doc.set('supportAccess', doc.createNode(grants.map((g) => ({ scope: g.scope, granted: g.granted, until: g.until, reason: g.reason }))));
  });
}

/** One line per grant, for listings and the command's output. */
export function describeGrant(g: SupportGrant): string {
  return `${g.scope} (${scopeRoles(g.scope).join(', ')}) from ${g.granted} until ${g.until}: ${g.reason}`;
}
