/**
 * The permissions of a handover's custom roles (policy/handover.ts), from the permission table:
 * what Terraform needs on the tenant project once the transfer has moved it out of the tenant folder.
 * The read role (ci-plan's plans): every `read` permission of every resource and data source of the
 * stack. The apply role (the tenant deployer's transfer and release applies): those reads, the
 * deletes of every resource the release destroys, the project's update (its parent and billing
 * account), and the IAM policy calls of the relinquish step. Only permissions checked on the
 * resource itself (the project it lives in) are taken: a permission on a parent, the organization or
 * a billing account cannot be granted on the project. DEP-PERM then judges the stack with these grants.
 */
import { HANDOVER_IAM_PERMISSIONS } from '../../policy/handover';
import { permissionTable, type RequiredPermission } from './data/permission-table';

export interface StackItem {
  readonly kind: 'resource' | 'data';
  readonly type: string;
  /** The release destroys it (it is not in the release table). */
  readonly destroyedByRelease: boolean;
}

export interface HandoverPermissions {
  readonly read: readonly string[];
  readonly apply: readonly string[];
}

const onProject = (list: readonly RequiredPermission[]): string[] => list.filter((p) => p.on === 'resource').map((p) => p.permission);

/** The two roles' permissions for a stack's resources and data sources, sorted. A type without a row adds nothing (DEP-PERM reports it). */
export function handoverPermissions(items: readonly StackItem[]): HandoverPermissions {
  const table = permissionTable();
  const read = new Set<string>();
  const apply = new Set<string>(HANDOVER_IAM_PERMISSIONS);
  for (const item of items) {
    const row = table.row(item.kind, item.type);
    if (!row) continue;
    for (const p of onProject(row.permissions.read)) read.add(p);
    if (item.destroyedByRelease) for (const p of onProject(row.permissions.delete)) apply.add(p);
    // The transfer updates the project (parent and billing account) after it has left the folder.
    if (item.kind === 'resource' && item.type === 'google_project') for (const p of onProject(row.permissions.update)) apply.add(p);
  }
  for (const p of read) apply.add(p);
  return { read: [...read].sort(), apply: [...apply].sort() };
}
