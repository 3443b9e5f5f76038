/**
 * Google Cloud's predefined IAM roles and their permissions (vendored, see policy/data/README.md),
 * and the role tables of the controls. Every grant the stacks make is checked against them, by the
 * constructs' grant methods and, independently, by the rule pack reading the synthesized JSON: the
 * role must exist, must not be basic, must not carry a permission a control forbids, and may be
 * bound on a project only when it has no resource-level form.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'] as const;

/** Public principals (IAM-6). */
export const PUBLIC_PRINCIPALS = ['allUsers', 'allAuthenticatedUsers'] as const;

/** The vendored role dataset (policy/data/README.md); DEP-PERM reads its raw form too. */
export const ROLE_DATASET_FILE = path.join(__dirname, 'data', 'gcp-iam-roles.json.gz');

interface RoleDataset {
  readonly generated: string;
  readonly roles: Record<string, string[]>;
}

let cache: RoleDataset | undefined;

function dataset(): RoleDataset {
  if (!cache) {
    const raw = zlib.gunzipSync(fs.readFileSync(ROLE_DATASET_FILE)).toString('utf8');
    const parsed = JSON.parse(raw) as RoleDataset;
    cache = { generated: parsed.generated, roles: parsed.roles };
  }
  return cache;
}

/** The dataset's date, for reports. */
export function roleDatasetDate(): string {
  return dataset().generated;
}

/** Whether `role` is a predefined role, or a custom role (`projects/.../roles/...`, `organizations/.../roles/...`). */
export function roleExists(role: string): boolean {
  return Object.prototype.hasOwnProperty.call(dataset().roles, role);
}

export function isCustomRole(role: string): boolean {
  return /^(projects|organizations)\/[^/]+\/roles\/[A-Za-z0-9_.]+$/.test(role);
}

export function isBasicRole(role: string): boolean {
  return (BASIC_ROLES as readonly string[]).includes(role);
}

/** The permissions a predefined role grants; empty for unknown roles. */
export function rolePermissions(role: string): readonly string[] {
  return dataset().roles[role] ?? [];
}

export function roleGrantsPermission(role: string, permission: string): boolean {
  return rolePermissions(role).includes(permission);
}

/**
 * A conversion-event workload must never hold `pubsub.snapshots.create`: a snapshot keeps the
 * subscription's unacknowledged messages for up to 7 days, past the 24-hour promise (RET-1).
 */
export const FORBIDDEN_FOR_CONVERSION_WORKLOADS = ['pubsub.snapshots.create'] as const;

/**
 * Roles that have no resource-level form, so a project-level binding is the narrowest possible
 * (IAM-2). Every project-level grant must use one of these, and the reason is written on the binding.
 */
export const PROJECT_LEVEL_ONLY_ROLES: Readonly<Record<string, { readonly reason: string; readonly conditionRequired: boolean }>> = {
  // A service agent's own role: Google grants it on the project when it creates the agent, and not
  // when the agent is created on request (cloud.google.com/iam/docs/create-service-agents).
  'roles/pubsub.serviceAgent': { reason: "the Pub/Sub service agent's own role, granted only on the project", conditionRequired: false },
  'roles/firestore.serviceAgent': { reason: "the Firestore service agent's own role, granted only on the project", conditionRequired: false },
  'roles/run.serviceAgent': { reason: "the Cloud Run service agent's own role, granted only on the project", conditionRequired: false },
  'roles/bigquery.jobUser': {
    reason: 'BigQuery creates query jobs in a project; bigquery.jobs.create cannot be bound on a dataset',
    conditionRequired: false,
  },
  'roles/datastore.user': {
    reason: 'Firestore databases have no IAM policy of their own; an IAM condition on resource.name limits the binding to one database',
    conditionRequired: true,
  },
  'roles/logging.logWriter': {
    reason: 'log entries are written to a project; logging.logEntries.create has no narrower resource',
    conditionRequired: false,
  },
  'roles/monitoring.metricWriter': {
    reason: 'metrics are written to a project; monitoring.timeSeries.create has no narrower resource',
    conditionRequired: false,
  },
};
