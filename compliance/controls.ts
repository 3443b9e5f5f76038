/**
 * The control catalogue of ../shared/CONTROLS.md, vendored so that rules, the synthesis gate and the
 * reports work on a fresh clone without ../shared. When that file is present the reports read it
 * (it is the source of truth) and a test checks that this copy matches it, row for row.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Control {
  /** Stable id used verbatim by rules, tests and reports, for example `RES-1`. */
  readonly id: string;
  /** The DPA clause(s) the control keeps. */
  readonly dpaClause: string;
  /** What must hold in the synthesized Terraform, as CONTROLS.md words it. */
  readonly requirement: string;
}

export const VENDORED_CONTROLS: readonly Control[] = [
  {
    id: 'RES-1',
    dpaClause: '6.5, Annex II 13',
    requirement:
      'Every resource that stores or processes Customer Data of an EEA tenant is in an EU member-state region or an EU multi-region (BigQuery, Cloud Storage, Firestore, Pub/Sub message storage policy, Secret Manager replicas, Cloud Run, Cloud Scheduler, Artifact Registry, log buckets). London (europe-west2) and Zurich (europe-west6) are not EU.',
  },
  {
    id: 'RES-2',
    dpaClause: '6.5',
    requirement:
      'The folder that holds EEA tenant projects carries the org policy `gcp.resourceLocations` allowing only `in:eu-locations`.',
  },
  {
    id: 'RES-3',
    dpaClause: '6.3, 6.4',
    requirement:
      "One table in code maps a tenant's jurisdiction (EEA, UK, CH, AU, ...) to its allowed regions; a tenant config whose region is outside its jurisdiction is rejected before synthesis.",
  },
  {
    id: 'RES-4',
    dpaClause: '6.5, 10.3',
    requirement:
      "Cloud Logging storage for tenant projects is in the tenant's jurisdiction (log buckets and the folder or organization logging settings).",
  },
  {
    id: 'ISO-1',
    dpaClause: 'Annex II 5, C.4',
    requirement: "One GCP project per tenant. No tenant stack references another tenant's project or resources.",
  },
  {
    id: 'ISO-2',
    dpaClause: 'C.4',
    requirement:
      "Each tenant's relay and ingest workloads run as that tenant's own service accounts, which hold grants only on that tenant's topics, secrets and datasets.",
  },
  {
    id: 'ISO-3',
    dpaClause: 'Annex II 5',
    requirement: 'Every labelable resource carries the labels `tenant`, `environment` and `data-residency`.',
  },
  {
    id: 'IAM-1',
    dpaClause: 'Annex II 2',
    requirement:
      "No basic role (`roles/owner`, `roles/editor`, `roles/viewer`) is granted to a Smart Segments principal anywhere. The only exception: the customer's own principal during handover.",
  },
  {
    id: 'IAM-2',
    dpaClause: 'Annex II 2',
    requirement:
      'Each workload has its own service account. Roles are granted on the resource (topic, subscription, secret, dataset, service) wherever GCP allows it; project-level grants only for roles with no resource-level form (for example `roles/bigquery.jobUser`, `roles/logging.logWriter`).',
  },
  {
    id: 'IAM-3',
    dpaClause: 'Annex II 2',
    requirement:
      'No service account keys: org policy `iam.disableServiceAccountKeyCreation` enforced, no `google_service_account_key`. CI deploys through Workload Identity Federation restricted to this repository.',
  },
  {
    id: 'IAM-4',
    dpaClause: 'Annex II 2',
    requirement:
      'Default service accounts are deprivileged (`google_project_default_service_accounts`) and `iam.automaticIamGrantsForDefaultServiceAccounts` is enforced.',
  },
  {
    id: 'IAM-5',
    dpaClause: 'Annex II 2',
    requirement:
      'People get access through groups only (`group:`), never `user:`. Support access to Customer Data is least-privilege and can be time-bound (IAM condition with an expiry).',
  },
  {
    id: 'IAM-6',
    dpaClause: 'Annex II 2, 3',
    requirement:
      'No `allUsers` or `allAuthenticatedUsers` anywhere, except `roles/run.invoker` on a public webhook service that only accepts traffic from the load balancer.',
  },
  {
    id: 'IAM-7',
    dpaClause: 'Annex II 2',
    requirement:
      "Domain-restricted sharing: `iam.allowedPolicyMemberDomains` lists only Smart Segments' directory (and, for a handover, the customer's).",
  },
  {
    id: 'SEC-1',
    dpaClause: 'Annex II 2',
    requirement:
      "Every integration credential is a Secret Manager secret with user-managed replication inside the tenant's allowed locations. No secret value appears in the Terraform config or state (no `google_secret_manager_secret_version` with literal data).",
  },
  {
    id: 'SEC-2',
    dpaClause: 'Annex II 2',
    requirement: 'Secrets have rotation configured (rotation period and a Pub/Sub topic for rotation notices).',
  },
  {
    id: 'SEC-3',
    dpaClause: 'Annex II 2',
    requirement: '`roles/secretmanager.secretAccessor` is granted per secret, to the one service account that uses it.',
  },
  {
    id: 'ENC-1',
    dpaClause: 'Annex II 1',
    requirement: 'Public HTTPS endpoints use an SSL policy with minimum TLS 1.2 (profile MODERN or RESTRICTED).',
  },
  {
    id: 'ENC-2',
    dpaClause: 'Annex II 1, 10.1',
    requirement:
      "Every store of a tenant's Customer Data is encrypted with a key from that tenant's own key ring (or the customer's own key), in a location matching the data; keys rotate; service agents hold encrypt/decrypt on that key only.",
  },
  {
    id: 'NET-1',
    dpaClause: 'Annex II 3',
    requirement:
      'Public endpoints sit behind a Google-managed load balancer with a Cloud Armor policy that rate-limits; their Cloud Run services accept only internal and load-balancer ingress. The MCP endpoint requires IAM authentication.',
  },
  {
    id: 'LOG-1',
    dpaClause: 'Annex II 4, 10.3',
    requirement: "Each tenant project's `_Default` log bucket keeps logs 30 days.",
  },
  {
    id: 'LOG-2',
    dpaClause: 'Annex II 4, 8',
    requirement:
      'Audit logs (Admin Activity and Data Access for services holding Customer Data) are routed to a central audit log bucket in the jurisdiction, with a longer, documented retention.',
  },
  {
    id: 'RET-1',
    dpaClause: 'C.4',
    requirement:
      'Every store of conversion events keeps them at most 24 hours: Pub/Sub topics, subscriptions and dead-letter topics (`message_retention_duration` <= 86400s), Firestore TTL, bucket lifecycle (age <= 1 day, soft delete off), no unexpiring table.',
  },
  {
    id: 'RET-2',
    dpaClause: 'C.4',
    requirement:
      "The conversion relay is configured to forward nothing when consent is missing or ambiguous, never to treat Meta's Limited Data Use flag as consent, to drop or send as modeled (per the tenant's election) when Google `ad_user_data` is denied, and it has a channel that suppresses queued and retried events of a user who withdraws consent.",
  },
  {
    id: 'RET-3',
    dpaClause: '10.1, 10.3',
    requirement:
      'Offboarding deletes all Customer Data within 14 days: BigQuery time travel at most 48 hours (plus 7 days fail-safe), Cloud Storage soft delete at most 7 days, data stores deleted before the project is shut down (a shut-down project waits 30 days).',
  },
  {
    id: 'DEL-1',
    dpaClause: '10.4',
    requirement: 'Offboarding produces a deletion certificate: what was deleted, when, and the latest date any copy can still exist.',
  },
  {
    id: 'DEL-2',
    dpaClause: '10.1, 10.3',
    requirement:
      "Offboarding destroys the tenant's key versions (crypto-shredding), so every copy, backups included, is unreadable within the key's scheduled-destruction period; the certificate states that date.",
  },
  {
    id: 'HAND-1',
    dpaClause: '10.2, A.7',
    requirement:
      "Customer takeover of a tenant project is a phased construct: prepare (customer principal granted ownership), transfer (project moved to the customer's organization and billing), release (Smart Segments grants, sinks and service accounts removed; the project leaves Smart Segments' state without being deleted). No phase deletes data or leaves the project without an owner.",
  },
  {
    id: 'HAND-2',
    dpaClause: 'A.7',
    requirement:
      "Customer-owned warehouse mode: Smart Segments never creates or owns the customer's project; it only creates the grants and resources the tenant config (the customer's documented instruction) names.",
  },
  {
    id: 'SUB-1',
    dpaClause: '5, Annex III',
    requirement:
      "The subprocessor register is code. dbt Labs gets a dedicated service account limited to running jobs and editing the tenant's dataset. No principal outside Smart Segments, the customer and listed subprocessors is granted anything.",
  },
  {
    id: 'LLM-1',
    dpaClause: 'Annex II 14',
    requirement:
      "A tenant's restriction on LLM-assisted support is recorded in its config, on its project (label) and in the records of processing.",
  },
  {
    id: 'AUD-1',
    dpaClause: '9.3',
    requirement:
      'Records of processing (GDPR Art. 30(2)) are generated from the tenant configs: per tenant, categories of data, purposes, recipients (activated integrations), transfers and measures.',
  },
  {
    id: 'AUD-2',
    dpaClause: '9.1',
    requirement:
      'A compliance report maps every control here to the resources that implement it, per stack, and to the test that asserts it.',
  },
  {
    id: 'BRE-1',
    dpaClause: '8.1',
    requirement:
      'Breach detection: alerting on IAM policy changes, service account key creation attempts and unusual secret access in tenant projects, notifying the security contact; essential contacts set for security notices.',
  },
  {
    id: 'BAK-1',
    dpaClause: 'Annex II 9',
    requirement:
      'Data stores have backup or point-in-time recovery appropriate to their content, with retention inside the deletion promise.',
  },
  {
    id: 'CI-1',
    dpaClause: 'Annex II 3',
    requirement:
      'Deployments run from CI, are auditable and can roll back: remote state per stack in a versioned bucket in the EU, plan on change requests, apply on the main branch.',
  },
];

/** The ids of the vendored catalogue, in CONTROLS.md order. */
export const CONTROL_IDS: readonly string[] = VENDORED_CONTROLS.map((c) => c.id);

/** Where the shared catalogue lives relative to this repository. */
export const SHARED_CONTROLS_FILE = path.resolve(__dirname, '..', '..', 'shared', 'CONTROLS.md');

/**
 * Parses the catalogue table of CONTROLS.md: every row whose first cell is an id such as `RES-1`.
 * Throws on a duplicate id, because the report must list each control exactly once.
 */
export function parseControlsMarkdown(text: string): Control[] {
  const controls: Control[] = [];
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\|\s*([A-Z]+-\d+)\s*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    // The requirement may itself contain `|` inside code spans only in theory; the clause never does.
    const rest = m[2];
    const bar = rest.indexOf('|');
    if (bar < 0) continue;
    const id = m[1];
    if (seen.has(id)) throw new Error(`CONTROLS.md lists ${id} twice`);
    seen.add(id);
    controls.push({ id, dpaClause: rest.slice(0, bar).trim(), requirement: rest.slice(bar + 1).trim() });
  }
  return controls;
}

export interface ControlCatalogue {
  readonly controls: readonly Control[];
  /** `../shared/CONTROLS.md` when it was read, otherwise `vendored (compliance/controls.ts)`. */
  readonly source: string;
}

/** The catalogue the reports use: the shared file when present (the source of truth), else the vendored copy. */
export function loadControlCatalogue(file: string = SHARED_CONTROLS_FILE): ControlCatalogue {
  if (fs.existsSync(file)) {
    const controls = parseControlsMarkdown(fs.readFileSync(file, 'utf8'));
    if (controls.length === 0) throw new Error(`${file} holds no control rows`);
    return { controls, source: '../shared/CONTROLS.md' };
  }
  return { controls: VENDORED_CONTROLS, source: 'vendored (compliance/controls.ts)' };
}

export function controlById(id: string): Control {
  const control = VENDORED_CONTROLS.find((c) => c.id === id);
  if (!control) throw new Error(`unknown control id "${id}"; known: ${CONTROL_IDS.join(', ')}`);
  return control;
}
