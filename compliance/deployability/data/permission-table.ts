/**
 * The permission table (permissions.json next to this file): for every Terraform resource type and
 * data source the stacks synthesize, the IAM permissions Terraform needs to read it (plan refresh)
 * and to create, update and delete it (apply), each row with its sources. DEP-PERM reads it; a
 * synthesized type without a row is a finding, so a new type cannot slip in unmodelled.
 */
import * as fs from 'fs';
import * as path from 'path';

export const PERMISSION_TABLE_FILE = path.join(__dirname, 'permissions.json');

/** The Terraform operations the table models: read is what `terraform plan` refreshes; the rest are apply. */
export const OPERATIONS = ['read', 'create', 'update', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * Where a permission is checked. `resource`: the resource itself (or the project, folder or
 * organization it lives in, whose grants it inherits). `parent`: the folder or organization a
 * project or folder is created in. `billingAccount`: the billing account it names.
 * `organization`: the organization.
 */
export type PermissionScope = 'resource' | 'parent' | 'billingAccount' | 'organization';
const SCOPES: readonly PermissionScope[] = ['resource', 'parent', 'billingAccount', 'organization'];

export interface RequiredPermission {
  readonly permission: string;
  readonly on: PermissionScope;
}

export interface PermissionRow {
  readonly type: string;
  readonly kind: 'resource' | 'data';
  /** `google` unless the resource comes from another provider (`google-beta`). */
  readonly provider: string;
  readonly permissions: Readonly<Record<Operation, readonly RequiredPermission[]>>;
  /**
   * Operations the design reserves for an organization administrator (changes to CI's own
   * organization and billing grants, new folders): the apply identity must still read them.
   */
  readonly administratorOnly: readonly Operation[];
  readonly administratorReason?: string;
  /** Provider files (at the table's provider version) and Google Cloud documentation pages. */
  readonly sources: readonly string[];
  readonly note?: string;
}

export interface PermissionTable {
  readonly providerVersion: string;
  readonly rows: readonly PermissionRow[];
  /** The row of a resource type (`kind` resource) or data source (`kind` data). */
  row(kind: 'resource' | 'data', type: string): PermissionRow | undefined;
}

function fail(where: string, message: string): never {
  throw new Error(`${PERMISSION_TABLE_FILE}: ${where}: ${message}`);
}

function parsePermission(where: string, raw: unknown): RequiredPermission {
  if (typeof raw === 'string') return { permission: raw, on: 'resource' };
  if (raw && typeof raw === 'object') {
    const { permission, on } = raw as { permission?: unknown; on?: unknown };
    if (typeof permission === 'string' && typeof on === 'string' && (SCOPES as readonly string[]).includes(on)) {
      return { permission, on: on as PermissionScope };
    }
  }
  return fail(where, `each permission is a string or {"permission": "...", "on": one of ${SCOPES.join(', ')}}; got ${JSON.stringify(raw)}`);
}

/** Parses and validates the table's JSON text; errors name the file, the row and the field. */
export function parsePermissionTable(text: string): PermissionTable {
  const json = JSON.parse(text) as { providerVersion?: unknown; rows?: unknown };
  if (typeof json.providerVersion !== 'string') fail('providerVersion', 'must be a string such as "6.50.0"');
  if (!Array.isArray(json.rows)) fail('rows', 'must be an array of rows');
  const rows: PermissionRow[] = [];
  const byKey = new Map<string, PermissionRow>();
  json.rows.forEach((raw: Record<string, unknown>, i: number) => {
    const type = raw?.type;
    const where = `rows[${i}]${typeof type === 'string' ? ` (${type})` : ''}`;
    if (typeof type !== 'string' || !/^[a-z0-9_]+$/.test(type)) fail(where, 'field "type" must be a Terraform type name');
    if (raw.kind !== 'resource' && raw.kind !== 'data') fail(where, 'field "kind" must be "resource" or "data"');
    const permissions = {} as Record<Operation, RequiredPermission[]>;
    for (const op of OPERATIONS) {
      const list = raw[op];
      if (!Array.isArray(list)) fail(where, `field "${op}" must be an array of permissions (empty when the operation makes no API call)`);
      permissions[op] = list.map((p) => parsePermission(`${where}.${op}`, p));
    }
    const administratorOnly = (raw.administratorOnly ?? []) as unknown;
    if (!Array.isArray(administratorOnly) || administratorOnly.some((o) => !(OPERATIONS as readonly string[]).includes(o))) {
      fail(where, `field "administratorOnly" must list operations among ${OPERATIONS.join(', ')}`);
    }
    if (administratorOnly.length > 0 && typeof raw.administratorReason !== 'string') {
      fail(where, 'field "administratorReason" must say why an administrator applies these operations');
    }
    const sources = raw.sources;
    if (!Array.isArray(sources) || sources.length === 0 || sources.some((s) => typeof s !== 'string')) {
      fail(where, 'field "sources" must name at least one provider file or documentation URL');
    }
    const row: PermissionRow = {
      type,
      kind: raw.kind,
      provider: typeof raw.provider === 'string' ? raw.provider : 'google',
      permissions,
      administratorOnly: administratorOnly as Operation[],
      administratorReason: typeof raw.administratorReason === 'string' ? raw.administratorReason : undefined,
      sources: sources as string[],
      note: typeof raw.note === 'string' ? raw.note : undefined,
    };
    const key = `${row.kind}:${row.type}`;
    if (byKey.has(key)) fail(where, `a second row for ${row.kind} ${row.type}; keep one row per type`);
    byKey.set(key, row);
    rows.push(row);
  });
  return { providerVersion: json.providerVersion as string, rows, row: (kind, type) => byKey.get(`${kind}:${type}`) };
}

let cache: PermissionTable | undefined;

/** The table, read once. */
export function permissionTable(): PermissionTable {
  cache ??= parsePermissionTable(fs.readFileSync(PERMISSION_TABLE_FILE, 'utf8'));
  return cache;
}
