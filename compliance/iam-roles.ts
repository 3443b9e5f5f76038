/**
 * Google Cloud's predefined IAM roles and their permissions (vendored from shared/data, see
 * compliance/data/README.md). Every grant the stacks make is checked against it: the role must
 * exist, must not be basic, and must not carry a permission a control forbids.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'] as const;

/** Public principals (IAM-6). */
export const PUBLIC_PRINCIPALS = ['allUsers', 'allAuthenticatedUsers'] as const;

const VENDORED_FILE = path.join(__dirname, 'data', 'gcp-iam-roles.json.gz');

interface RoleDataset {
  readonly generated: string;
  readonly roles: Record<string, string[]>;
}

let cache: RoleDataset | undefined;

function dataset(): RoleDataset {
  if (!cache) {
    const raw = zlib.gunzipSync(fs.readFileSync(VENDORED_FILE)).toString('utf8');
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
