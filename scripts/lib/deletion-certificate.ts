/**
 * The deletion certificate (DEL-1, DPA 10.4): what was deleted, when, and the latest date a copy
 * of each store's data can still exist in Google's live systems, computed from the synthesized
 * stack by compliance/deletion-horizon.ts, from the day the destroy evidence shows it finished
 * (scripts/lib/destroy-evidence.ts). A store that keeps a copy past its promise (Customer Data
 * within 14 days of the request, DPA 10.1; system logs within the Annex II retention, DPA 10.3)
 * does not stop the certificate: it states the breach, by how many days and in which stores, and
 * what the DPA then requires. It is refused only when it could not state the truth: a store the
 * destroy would not delete or did not report deleted, or one whose horizon is unknown.
 */
import { inventoryDataStores, type HorizonComponent, type StoreCategory } from '../../compliance/deletion-horizon';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import type { ResolvedTenant } from '../../config/loader';
import { describeGeneration, type GenerationMetadata } from '../../compliance/report/generation';
import { code, escapeHtml, htmlPage, htmlTable } from '../../compliance/report/html';
import {
  BREACH_NOTICE,
  DELETION_PROMISE,
  STANDARD_LOG_RETENTION,
  addDays,
  deletionDeadline,
  latestCopyDate,
  withinDeletionPromise,
} from '../../policy/dpa';
import {
  GOOGLE_BACKUP_EXPIRY,
  LOGGING_REQUIRED_BUCKET_RETENTION,
  PROJECT_PENDING_DELETION,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
} from '../../policy/gcp-defaults';
import type { EvidenceCitation } from './destroy-evidence';

/** Today's date in UTC, YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export interface CertificateStore {
  readonly address: string;
  readonly type: string;
  readonly kind: string;
  readonly category: StoreCategory;
  readonly constructPath: string;
  /** What happened to it in the offboarding deploy. */
  readonly action: string;
  readonly components: readonly HorizonComponent[];
  readonly retentionSeconds: number;
  /** The last day a copy can exist in Google's live systems. */
  readonly latestCopyDate: string;
  /** The promise it is held to, when one applies. */
  readonly limit?: { readonly date: string; readonly rule: string };
  readonly withinLimit: boolean;
  /** What the destroy evidence says of it: reported destroyed, or absent from the state before (never created). */
  readonly destroyEvidence: 'destroyed' | 'not in the state before the destroy' | 'no evidence';
}

/** The latest copy of one category of store, and the store that holds it. */
export interface LatestCopy {
  readonly date: string;
  readonly address: string;
  readonly kind: string;
}

/** A store whose copy outlives its promise: the breach the certificate states (DPA 10.1 or 10.3). */
export interface BreachedStore {
  readonly address: string;
  readonly kind: string;
  readonly category: StoreCategory;
  readonly latestCopyDate: string;
  readonly limit: string;
  readonly daysLate: number;
  readonly rule: string;
  /** How the latest copy follows from the deletion: "deleted 2026-03-13, then time travel 2 days + ...". */
  readonly because: string;
}

export interface DeletionBreach {
  /** The clauses broken, for example ["10.1"]. */
  readonly clauses: readonly string[];
  /** Days from the deadline to the day the destroy finished; 0 when the destroy itself was in time. */
  readonly deletedDaysLate: number;
  /** Days from the deadline to the latest copy of Customer Data. */
  readonly latestCopyDaysLate: number;
  readonly stores: readonly BreachedStore[];
  /** What the DPA then requires, in words. */
  readonly required: readonly string[];
  /** The latest moment the customer must be notified: the certificate's issue + the DPA 8.1 hours. */
  readonly notifyBy: string | null;
}

export interface DeletionCertificate {
  readonly control: 'DEL-1';
  readonly dpa: readonly string[];
  readonly environment: string;
  readonly stack: string;
  readonly tenant: {
    readonly id: string;
    readonly displayName: string;
    readonly jurisdiction: string;
    readonly region: string;
    readonly projectId: string;
    readonly projectOwner: 'smart-segments' | 'customer';
  };
  /** The customer's deletion request (lifecycle.offboarding.requested). */
  readonly requested: string;
  /** The day the offboarding deploy and destroy ran. */
  readonly deployed: string;
  /** requested + 14 days (DPA 10.1). */
  readonly deadline: string;
  /**
   * The latest day a copy can exist, per category, computed once from the store rows below (so the
   * headline and the rows cannot disagree); null for a category the stack does not hold.
   */
  readonly latestCopies: { readonly customerData: LatestCopy | null; readonly systemLogs: LatestCopy | null; readonly keyMaterial: LatestCopy | null };
  /** Null when every store keeps its promise. */
  readonly breach: DeletionBreach | null;
  /** The destroy evidence the deletion day was taken from; null only for certificates built in tests without one. */
  readonly evidence: EvidenceCitation | null;
  /** When, from which commit and with which tool version the certificate was generated. */
  readonly generated: GenerationMetadata | null;
  readonly project: null | { readonly address: string; readonly projectId: string; readonly shutDown: string; readonly purgedBy: string };
  readonly stores: readonly CertificateStore[];
  /** Plain statements the certificate makes beyond the table (backups, audit logs, keys, project). */
  readonly statements: readonly string[];
  /** The configuration the dates were computed from. */
  readonly source: { readonly stack: string; readonly file: 'cdk.tf.json'; readonly sha256: string };
}

export interface CertificateInput {
  readonly environment: string;
  readonly tenant: ResolvedTenant;
  readonly stack: SynthesizedStack;
  /** sha256 of the synthesized cdk.tf.json text. */
  readonly stackSha256: string;
  readonly requested: string;
  /** The day the destroy finished (the evidence's `finished`, UTC). */
  readonly deployed: string;
  /** The destroy evidence: what it cites, the addresses it reports destroyed and those in the state before. */
  readonly evidence?: { readonly citation: EvidenceCitation; readonly destroyed: readonly string[]; readonly stateBefore: readonly string[] | null };
  readonly generated?: GenerationMetadata;
}

const ACTIONS: Readonly<Record<StoreCategory, string>> = {
  'customer-data': 'deleted by the offboarding destroy',
  'system-logs': 'expires with its retention (DPA 10.3)',
  'key-material': 'key versions scheduled for destruction by the offboarding destroy (crypto-shredding, DEL-2)',
};

function describe(components: readonly HorizonComponent[]): string {
  return components.map((c) => `${c.what} ${formatSeconds(c.seconds)}`).join(' + ');
}

export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0';
  if (seconds % SECONDS_PER_DAY === 0) return `${seconds / SECONDS_PER_DAY} day${seconds === SECONDS_PER_DAY ? '' : 's'}`;
  if (seconds % SECONDS_PER_HOUR === 0) return `${seconds / SECONDS_PER_HOUR} hour${seconds === SECONDS_PER_HOUR ? '' : 's'}`;
  return `${seconds} seconds`;
}

/** Whole days from `from` to `to` (YYYY-MM-DD), negative when `to` is earlier. */
function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (SECONDS_PER_DAY * 1000));
}

/** The latest copy among `stores`, with the store that holds it; the one computation of every headline date. */
export function latestOf(stores: readonly CertificateStore[]): LatestCopy | null {
  let latest: CertificateStore | undefined;
  for (const s of stores) if (!latest || s.latestCopyDate > latest.latestCopyDate) latest = s;
  return latest ? { date: latest.latestCopyDate, address: latest.address, kind: latest.kind } : null;
}

/** The per-category headline dates of a certificate's rows. */
export function latestCopiesOf(stores: readonly CertificateStore[]): DeletionCertificate['latestCopies'] {
  return {
    customerData: latestOf(stores.filter((s) => s.category === 'customer-data')),
    systemLogs: latestOf(stores.filter((s) => s.category === 'system-logs')),
    keyMaterial: latestOf(stores.filter((s) => s.category === 'key-material')),
  };
}

function addHours(timestamp: string, hours: number): string {
  return new Date(Date.parse(timestamp) + hours * SECONDS_PER_HOUR * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The breach a certificate states when stores keep copies past their promise; null when none does. */
function breachOf(input: CertificateInput, stores: readonly CertificateStore[], deadline: string): DeletionBreach | null {
  const late: BreachedStore[] = stores
    .filter((s) => !s.withinLimit && s.limit)
    .map((s) => ({
      address: s.address,
      kind: s.kind,
      category: s.category,
      latestCopyDate: s.latestCopyDate,
      limit: s.limit!.date,
      daysLate: daysFrom(s.limit!.date, s.latestCopyDate),
      rule: s.limit!.rule,
      because: `deleted ${input.deployed}, then ${describe(s.components) || 'no recovery window'}`,
    }));
  if (late.length === 0) return null;
  const { tenant, deployed, requested } = input;
  const customerData = late.filter((s) => s.category === 'customer-data');
  const clauses = [...new Set(late.map((s) => (s.category === 'customer-data' ? DELETION_PROMISE.clause : '10.3')))].sort();
  const deletedDaysLate = Math.max(0, daysFrom(deadline, deployed));
  const latestCopyDaysLate = Math.max(0, ...customerData.map((s) => s.daysLate));
  const notifyBy = input.generated ? addHours(input.generated.generatedAt, BREACH_NOTICE.hours) : null;
  const required: string[] = [];
  if (customerData.length > 0) {
    required.push(
      `This is a breach of DPA ${DELETION_PROMISE.clause}: the customer asked for deletion on ${requested}, so Customer Data had to be gone within ${DELETION_PROMISE.days} days, by ${deadline}. ${
        deletedDaysLate > 0
          ? `The destroy finished on ${deployed}, ${deletedDaysLate} day${deletedDaysLate === 1 ? '' : 's'} after that deadline`
          : `The destroy finished on ${deployed}, in time, but the recovery windows of the stores below outlast the deadline`
      }; a copy can exist in ${customerData.length} store${customerData.length === 1 ? '' : 's'} until up to ${latestCopyDaysLate} day${latestCopyDaysLate === 1 ? '' : 's'} after it.`,
    );
  }
  if (late.some((s) => s.category === 'system-logs')) {
    required.push(`System logs are kept longer than the ${STANDARD_LOG_RETENTION.days}-day standard log retention (DPA 10.3, ${STANDARD_LOG_RETENTION.clause}) in the stores marked below.`);
  }
  required.push(
    `What the DPA then requires: Customer Data kept after its deletion date affects Customer Data as a Personal Data Breach does, so Smart Segments notifies the customer as DPA 8 requires: without undue delay and in any event within ${BREACH_NOTICE.hours} hours of becoming aware of it (DPA ${BREACH_NOTICE.clause}), ${
      notifyBy ? `that is by ${notifyBy} (UTC) counting from this certificate, ` : ''
    }to the security contact ${tenant.contacts.security}.`,
    'The notice states (DPA 8.2) the nature of the breach (the stores listed here, how long their copies remain, the categories of Customer Data they hold), the point of contact at Smart Segments, the likely consequences and the measures taken (the destroy this certificate cites, with its run and time); Smart Segments cooperates with the customer on its own notifications (DPA 8.3).',
    `This certificate is the written confirmation of deletion (DPA 10.4). It records the breach; it does not replace the notice.`,
  );
  return { clauses, deletedDaysLate, latestCopyDaysLate, stores: late, required, notifyBy };
}

/**
 * Builds the certificate and lists every reason it cannot be issued truthfully: a store destroy
 * would not delete, a store the destroy evidence does not report destroyed, a store of a
 * data-bearing type without a horizon rule, or a project destroy would not shut down. A copy that
 * outlives its promise is not a reason: it is stated as a breach (`certificate.breach`).
 */
export function buildDeletionCertificate(input: CertificateInput): { certificate: DeletionCertificate; problems: string[] } {
  const { tenant, requested, deployed } = input;
  const inventory = inventoryDataStores(input.stack);
  const deadline = deletionDeadline(requested);
  const problems: string[] = [];
  const destroyed = input.evidence ? new Set(input.evidence.destroyed) : undefined;
  const before = input.evidence?.stateBefore ? new Set(input.evidence.stateBefore) : undefined;
  /** What the evidence says of one address; a problem when it does not show the deletion. */
  const evidenceFor = (address: string, what: string): CertificateStore['destroyEvidence'] => {
    if (!destroyed || !input.evidence) return 'no evidence';
    if (destroyed.has(address)) return 'destroyed';
    if (before && !before.has(address)) return 'not in the state before the destroy';
    problems.push(
      `${address} (${what}): the destroy evidence ${input.evidence.citation.file} does not report it destroyed${
        before ? ' although it was in the state before the destroy' : ''
      }; run the destroy job again (it records new evidence) before certifying`,
    );
    return 'no evidence';
  };

  const stores: CertificateStore[] = inventory.stores.map((s) => {
    const latest = latestCopyDate(deployed, s.retentionSeconds);
    const limit =
      s.category === 'customer-data'
        ? { date: deadline, rule: `${DELETION_PROMISE.days} days after the request (DPA ${DELETION_PROMISE.clause}, RET-3)` }
        : s.category === 'system-logs'
          ? {
              date: addDays(deployed, STANDARD_LOG_RETENTION.days),
              rule: `${STANDARD_LOG_RETENTION.days}-day standard log retention (DPA 10.3, ${STANDARD_LOG_RETENTION.clause})`,
            }
          : undefined;
    const withinLimit =
      s.category === 'customer-data'
        ? withinDeletionPromise(s.retentionSeconds, { requested, deleted: deployed })
        : !limit || latest <= limit.date;
    for (const b of s.blockers) problems.push(`${s.address} (${s.kind}): ${b}`);
    return {
      address: s.address,
      type: s.type,
      kind: s.kind,
      category: s.category,
      constructPath: s.path,
      action: ACTIONS[s.category],
      components: s.components,
      retentionSeconds: s.retentionSeconds,
      latestCopyDate: latest,
      ...(limit ? { limit } : {}),
      withinLimit,
      destroyEvidence: evidenceFor(s.address, s.kind),
    };
  });
  for (const u of inventory.unclassified) {
    problems.push(
      `${u.address}: resource type ${u.type} belongs to a data-bearing service but has no deletion-horizon rule in compliance/deletion-horizon.ts; add one (or list it as not a store) before certifying deletion`,
    );
  }
  if (inventory.project && inventory.project.deletionPolicy !== 'DELETE') {
    problems.push(
      `${inventory.project.address}: deletion_policy is ${inventory.project.deletionPolicy}, so destroy cannot shut project ${inventory.project.projectId} down; the tenant stack sets DELETE only in lifecycle state offboarding`,
    );
  }
  if (inventory.project) evidenceFor(inventory.project.address, 'project');

  const latestCopies = latestCopiesOf(stores);
  const project = inventory.project
    ? { address: inventory.project.address, projectId: inventory.project.projectId, shutDown: deployed, purgedBy: addDays(deployed, PROJECT_PENDING_DELETION.days) }
    : null;

  const statements: string[] = [
    `Dates are calendar days (UTC). "Latest copy" is the last day a copy of the store's data can still exist in Google's live systems after the deletion on ${deployed}${
      input.evidence ? ` (the day the destroy finished, ${input.evidence.citation.finished}, from its evidence)` : ''
    }: each store's recovery windows as the synthesized configuration sets them, added up.`,
    `Google's backups may keep data longer: after deletion from live systems, Google removes data from its backup systems on its own cycle, which takes up to about ${GOOGLE_BACKUP_EXPIRY.days} days (Google Cloud, "Data deletion on Google Cloud"). Those backups are not accessible to Smart Segments or to the customer and expire on Google's schedule (DPA 10.3).`,
    `Cloud Logging's _Required bucket keeps admin activity and system event audit logs for ${LOGGING_REQUIRED_BUCKET_RETENTION.days} days; its retention cannot be shortened. These records of operations on the project are kept for security and legal compliance (DPA 10.3).`,
    project
      ? `Project ${project.projectId} is shut down by the destroy on ${deployed}; Google keeps a shut-down project recoverable for ${PROJECT_PENDING_DELETION.days} days and deletes it by ${project.purgedBy}. Every Customer Data store above depends on the project in the stack, so destroy deletes it before the project shuts down; no date above relies on the project's deletion.`
      : `Project ${tenant.projectId} belongs to the customer (DPA A.7, HAND-2) and is not deleted; the stores above, which Smart Segments created in it, were deleted.`,
    latestCopies.keyMaterial
      ? `Crypto-shredding (DEL-2): the versions of ${stores
          .filter((k) => k.category === 'key-material')
          .map((k) => k.address)
          .join(', ')} are destroyed by ${latestCopies.keyMaterial.date}; from then on every copy encrypted with them, backups included, is unreadable.`
      : 'Crypto-shredding (DEL-2): the stack holds no customer-managed encryption keys; its data is encrypted with Google-managed keys, so no key destruction date applies.',
  ];

  const certificate: DeletionCertificate = {
    control: 'DEL-1',
    dpa: ['10.1', '10.3', '10.4'],
    environment: input.environment,
    stack: input.stack.name,
    tenant: {
      id: tenant.id,
      displayName: tenant.displayName,
      jurisdiction: tenant.jurisdiction,
      region: tenant.region,
      projectId: tenant.projectId,
      projectOwner: project ? 'smart-segments' : 'customer',
    },
    requested,
    deployed,
    deadline,
    latestCopies,
    breach: breachOf(input, stores, deadline),
    evidence: input.evidence?.citation ?? null,
    generated: input.generated ?? null,
    project,
    stores,
    statements,
    source: { stack: input.stack.name, file: 'cdk.tf.json', sha256: input.stackSha256 },
  };
  return { certificate, problems };
}

export function renderCertificateJson(c: DeletionCertificate): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The headline rows, label and value in words: the same for Markdown and HTML. */
function headline(c: DeletionCertificate): Array<[string, string]> {
  const latest = (l: LatestCopy | null, none: string) => (l ? `${l.date} (${l.kind} \`${l.address}\`)` : none);
  return [
    ['Tenant', `${c.tenant.displayName} (\`${c.tenant.id}\`), ${c.tenant.jurisdiction}, ${c.tenant.region}`],
    ['Project', `\`${c.tenant.projectId}\` (${c.tenant.projectOwner === 'customer' ? "the customer's own project" : 'created and owned by Smart Segments'})`],
    ['Deletion requested', c.requested],
    ['Deleted (the offboarding destroy finished)', c.deployed],
    [`Deadline (request + ${DELETION_PROMISE.days} days, DPA ${DELETION_PROMISE.clause})`, c.deadline],
    ['Within the deadline', c.breach ? `**no: breach of DPA ${c.breach.clauses.join(' and ')}** (see "Breach")` : 'yes'],
    ["Latest copy of Customer Data in Google's live systems", latest(c.latestCopies.customerData, 'none: the stack holds no Customer Data store')],
    ['Latest copy of system logs', latest(c.latestCopies.systemLogs, 'none: the stack holds no log bucket')],
    ['Encryption keys destroyed by (DEL-2)', latest(c.latestCopies.keyMaterial, 'no customer-managed keys')],
  ];
}

function evidenceLines(c: DeletionCertificate): string[] {
  if (!c.evidence) return ['No destroy evidence was given: this certificate was built without one and proves no deletion.'];
  const e = c.evidence;
  return [
    `File \`${e.file}\` (sha256 \`${e.sha256}\`).`,
    `Run ${e.run.url} (repository ${e.run.repository}, run ${e.run.id}, attempt ${e.run.attempt}), commit \`${e.commit}\`.`,
    `Destroy started ${e.started}, finished ${e.finished} (UTC), exit code 0: ${e.summary ?? 'no summary line'}; ${plural(e.destroyedCount, 'resource')} reported destroyed.`,
  ];
}

export function renderCertificateMarkdown(c: DeletionCertificate): string {
  const lines: string[] = [
    `# Deletion certificate: ${c.tenant.displayName} (${c.tenant.id})`,
    '',
    `Control DEL-1 (DPA 10.4). Environment \`${c.environment}\`, stack \`${c.stack}\`.${c.generated ? ` ${describeGeneration(c.generated)}` : ''}`,
    '',
    '| | |',
    '|---|---|',
    ...headline(c).map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
    '',
  ];
  if (c.breach) {
    lines.push('## Breach', '');
    for (const r of c.breach.required) lines.push(`- ${r}`);
    lines.push('', '| Store | Terraform address | Latest copy | Because | Limit | Days late | Promise |', '|---|---|---|---|---|---|---|');
    for (const b of c.breach.stores) lines.push(`| ${b.kind} | \`${b.address}\` | ${b.latestCopyDate} | ${cell(b.because)} | ${b.limit} | ${b.daysLate} | ${cell(b.rule)} |`);
    lines.push('');
  }
  lines.push('## Destroy evidence', '', ...evidenceLines(c).map((l) => `- ${l}`), '', '## What was deleted', '');
  if (c.stores.length === 0) {
    lines.push('The stack holds no data store.', '');
  } else {
    lines.push('| Store | Terraform address | What happened | Destroy evidence | Copies kept after deletion | Latest copy | Limit |', '|---|---|---|---|---|---|---|');
    for (const s of c.stores) {
      lines.push(
        `| ${s.kind} | \`${s.address}\` | ${s.action} | ${s.destroyEvidence} | ${cell(keptOf(s))} | ${s.latestCopyDate}${s.withinLimit ? '' : ' (**late**)'} | ${
          s.limit ? `${s.limit.date}: ${s.limit.rule}` : 'none (reported for DEL-2)'
        } |`,
      );
    }
    lines.push('');
  }
  if (c.project) {
    lines.push(`Project \`${c.project.projectId}\` (\`${c.project.address}\`) was shut down on ${c.project.shutDown} and is purged by Google by ${c.project.purgedBy}.`, '');
  }
  lines.push('## Statements', '');
  for (const s of c.statements) lines.push(`- ${s}`);
  lines.push('', sourceLine(c), '', keptLine(c), '');
  return lines.join('\n');
}

function keptOf(s: CertificateStore): string {
  return s.components.map((k) => `${k.what}: ${formatSeconds(k.seconds)}${k.setting ? ` (${k.setting})` : k.source === 'fixed' ? ' (fixed by Google)' : ''}`).join('; ') || 'none';
}

function sourceLine(c: DeletionCertificate): string {
  return `Computed from the synthesized configuration of \`${c.source.stack}\` (${c.source.file}, sha256 \`${c.source.sha256}\`) by \`npm run offboard -- --certificate\`; the retention settings were read from it, and the day of deletion from the destroy evidence, not typed in.`;
}

/** Where the certificate is kept, stated in the certificate itself. */
export function keptLine(c: DeletionCertificate): string {
  return `Kept with its destroy evidence under \`evidence/${c.environment}/\` of the platform repository, committed by change request (the destroy job uploads both as a workflow artifact); git history is the record of when it was added.`;
}

/** `text` with its `code` spans rendered. */
function inlineHtml(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? code(part) : escapeHtml(part).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')))
    .join('');
}

export function renderCertificateHtml(c: DeletionCertificate): string {
  const body: string[] = [
    `<h1>Deletion certificate: ${escapeHtml(c.tenant.displayName)} (${escapeHtml(c.tenant.id)})</h1>`,
    `<p class="meta">Control DEL-1 (DPA 10.4). Environment ${code(c.environment)}, stack ${code(c.stack)}.${c.generated ? ` ${inlineHtml(describeGeneration(c.generated))}` : ''}</p>`,
    htmlTable(['', ''], headline(c).map(([k, v]) => [inlineHtml(k), inlineHtml(v)]), 'headline'),
  ];
  if (c.breach) {
    body.push(
      '<section class="breach" id="breach">',
      '<h2>Breach</h2>',
      `<ul>${c.breach.required.map((r) => `<li>${inlineHtml(r)}</li>`).join('')}</ul>`,
      htmlTable(
        ['Store', 'Terraform address', 'Latest copy', 'Because', 'Limit', 'Days late', 'Promise'],
        c.breach.stores.map((b) => [escapeHtml(b.kind), code(b.address), b.latestCopyDate, escapeHtml(b.because), b.limit, String(b.daysLate), escapeHtml(b.rule)]),
      ),
      '</section>',
    );
  }
  body.push('<h2>Destroy evidence</h2>', `<ul>${evidenceLines(c).map((l) => `<li>${inlineHtml(l)}</li>`).join('')}</ul>`, '<h2>What was deleted</h2>');
  body.push(
    c.stores.length === 0
      ? '<p>The stack holds no data store.</p>'
      : htmlTable(
          ['Store', 'Terraform address', 'What happened', 'Destroy evidence', 'Copies kept after deletion', 'Latest copy', 'Limit'],
          c.stores.map((s) => [
            escapeHtml(s.kind),
            code(s.address),
            escapeHtml(s.action),
            escapeHtml(s.destroyEvidence),
            escapeHtml(keptOf(s)),
            `${s.latestCopyDate}${s.withinLimit ? '' : ' <strong>(late)</strong>'}`,
            escapeHtml(s.limit ? `${s.limit.date}: ${s.limit.rule}` : 'none (reported for DEL-2)'),
          ]),
        ),
  );
  if (c.project) {
    body.push(`<p>Project ${code(c.project.projectId)} (${code(c.project.address)}) was shut down on ${c.project.shutDown} and is purged by Google by ${c.project.purgedBy}.</p>`);
  }
  body.push('<h2>Statements</h2>', `<ul>${c.statements.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`, `<p>${inlineHtml(sourceLine(c))}</p>`, `<p>${inlineHtml(keptLine(c))}</p>`);
  return htmlPage(`Deletion certificate: ${c.tenant.displayName} (${c.tenant.id})`, body.join('\n'));
}
