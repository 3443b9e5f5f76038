/**
 * The deletion certificate (DEL-1, DPA 10.4): what was deleted, when, and the latest date a copy
 * of each store's data can still exist in Google's live systems, computed from the synthesized
 * stack by compliance/deletion-horizon.ts. It is only issued when every store meets its promise:
 * Customer Data gone within 14 days of the request (DPA 10.1, RET-3), system logs within the
 * Annex II retention (DPA 10.3).
 */
import { inventoryDataStores, type HorizonComponent, type StoreCategory } from '../../compliance/deletion-horizon';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import type { ResolvedTenant } from '../../config/loader';
import {
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
  /** The latest day any copy of Customer Data can exist in live systems; null when the stack holds none. */
  readonly latestCustomerDataCopy: string | null;
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
  readonly deployed: string;
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

/**
 * Builds the certificate and lists every reason it cannot be issued: a store destroy would not
 * delete, a store of a data-bearing type without a horizon rule, a copy that outlives its promise,
 * or a project destroy would not shut down.
 */
export function buildDeletionCertificate(input: CertificateInput): { certificate: DeletionCertificate; problems: string[] } {
  const { tenant, requested, deployed } = input;
  const inventory = inventoryDataStores(input.stack);
  const deadline = deletionDeadline(requested);
  const problems: string[] = [];

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
    if (!withinLimit && limit) {
      problems.push(
        `${s.address} (${s.kind}): a copy can exist until ${latest} (deleted ${deployed}, then ${describe(s.components)}), after ${limit.date}, the limit of ${limit.rule}`,
      );
    }
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

  const customerData = stores.filter((s) => s.category === 'customer-data').map((s) => s.latestCopyDate);
  const keys = stores.filter((s) => s.category === 'key-material');
  const project = inventory.project
    ? { address: inventory.project.address, projectId: inventory.project.projectId, shutDown: deployed, purgedBy: addDays(deployed, PROJECT_PENDING_DELETION.days) }
    : null;

  const statements: string[] = [
    `Dates are calendar days (UTC). "Latest copy" is the last day a copy of the store's data can still exist in Google's live systems after the deletion on ${deployed}: each store's recovery windows as the synthesized configuration sets them, added up.`,
    `Google's backups may keep data longer: after deletion from live systems, Google removes data from its backup systems on its own cycle, which takes up to about ${GOOGLE_BACKUP_EXPIRY.days} days (Google Cloud, "Data deletion on Google Cloud"). Those backups are not accessible to Smart Segments or to the customer and expire on Google's schedule (DPA 10.3).`,
    `Cloud Logging's _Required bucket keeps admin activity and system event audit logs for ${LOGGING_REQUIRED_BUCKET_RETENTION.days} days; its retention cannot be shortened. These records of operations on the project are kept for security and legal compliance (DPA 10.3).`,
    project
      ? `Project ${project.projectId} is shut down by the destroy on ${deployed}; Google keeps a shut-down project recoverable for ${PROJECT_PENDING_DELETION.days} days and deletes it by ${project.purgedBy}. Every Customer Data store above depends on the project in the stack, so destroy deletes it before the project shuts down; no date above relies on the project's deletion.`
      : `Project ${tenant.projectId} belongs to the customer (DPA A.7, HAND-2) and is not deleted; the stores above, which Smart Segments created in it, were deleted.`,
    keys.length > 0
      ? `Crypto-shredding (DEL-2): the versions of ${keys.map((k) => k.address).join(', ')} are destroyed by ${keys
          .map((k) => k.latestCopyDate)
          .sort()
          .at(-1)}; from then on every copy encrypted with them, backups included, is unreadable.`
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
    latestCustomerDataCopy: customerData.length > 0 ? customerData.sort().at(-1)! : null,
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

export function renderCertificateMarkdown(c: DeletionCertificate): string {
  const lines: string[] = [
    `# Deletion certificate: ${c.tenant.displayName} (${c.tenant.id})`,
    '',
    `Control DEL-1 (DPA 10.4). Environment \`${c.environment}\`, stack \`${c.stack}\`.`,
    '',
    '| | |',
    '|---|---|',
    `| Tenant | ${cell(c.tenant.displayName)} (\`${c.tenant.id}\`), ${c.tenant.jurisdiction}, ${c.tenant.region} |`,
    `| Project | \`${c.tenant.projectId}\` (${c.tenant.projectOwner === 'customer' ? "the customer's own project" : 'created and owned by Smart Segments'}) |`,
    `| Deletion requested | ${c.requested} |`,
    `| Deleted (offboarding deploy and destroy) | ${c.deployed} |`,
    `| Deadline (request + ${DELETION_PROMISE.days} days, DPA ${DELETION_PROMISE.clause}) | ${c.deadline} |`,
    `| Latest copy of Customer Data in Google's live systems | ${c.latestCustomerDataCopy ?? 'none: the stack holds no Customer Data store'} |`,
    '',
    '## What was deleted',
    '',
  ];
  if (c.stores.length === 0) {
    lines.push('The stack holds no data store.', '');
  } else {
    lines.push('| Store | Terraform address | What happened | Copies kept after deletion | Latest copy | Limit |', '|---|---|---|---|---|---|');
    for (const s of c.stores) {
      const kept = s.components.map((k) => `${k.what}: ${formatSeconds(k.seconds)}${k.setting ? ` (${k.setting})` : k.source === 'fixed' ? ' (fixed by Google)' : ''}`).join('; ');
      lines.push(
        `| ${s.kind} | \`${s.address}\` | ${s.action} | ${cell(kept || 'none')} | ${s.latestCopyDate} | ${s.limit ? `${s.limit.date}: ${s.limit.rule}` : 'none (reported for DEL-2)'} |`,
      );
    }
    lines.push('');
  }
  if (c.project) {
    lines.push(`Project \`${c.project.projectId}\` (\`${c.project.address}\`) was shut down on ${c.project.shutDown} and is purged by Google by ${c.project.purgedBy}.`, '');
  }
  lines.push('## Statements', '');
  for (const s of c.statements) lines.push(`- ${s}`);
  lines.push(
    '',
    `Computed from the synthesized configuration of \`${c.source.stack}\` (${c.source.file}, sha256 \`${c.source.sha256}\`) by \`npm run offboard -- --certificate\`; the retention settings were read from it, not typed in.`,
    '',
  );
  return lines.join('\n');
}
