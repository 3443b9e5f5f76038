/**
 * What Google Cloud requires of a project migration between organizations, as the handover uses it
 * (HAND-1, DPA 10.2): the roles, the constraint and the condition, read by the constructs that grant
 * them and by the rules and checks that verify the synthesized stacks.
 * Sources: cloud.google.com/resource-manager/docs/project-migration, .../assign-iam-roles (roles for
 * a migration) and .../configure-org-policy (allowedExportDestinations on the project's parent,
 * allowedImportSources on the destination).
 */

/**
 * What the customer's administrators hold from prepare on. Not roles/owner: Resource Manager's
 * setIamPolicy grants owner only to principals of the project's own organization and cannot send the
 * invitation a group outside it needs (cloud.google.com/resource-manager/reference/rest/v1/projects/setIamPolicy).
 * Project IAM Admin (the guide's role on the project being migrated) lets them grant themselves any
 * role, owner included once the project is in their organization; BigQuery Admin administers the
 * warehouse; Cloud KMS Admin the keys that encrypt it (rotate, disable, replace). None reads secret
 * versions (SEC-3).
 */
export const CUSTOMER_ADMIN_ROLES = ['roles/resourcemanager.projectIamAdmin', 'roles/bigquery.admin', 'roles/cloudkms.admin'] as const;

/** The guide's role for the identity that moves the project, on the project's current parent. */
export const MOVER_ROLE = 'roles/resourcemanager.projectMover';
/** The permission the move checks on the project's current parent (REST projects.move). */
export const MOVE_PERMISSION = 'resourcemanager.projects.move';

/** The source side's list constraint of a move between organizations. */
export const EXPORT_CONSTRAINT = 'resourcemanager.allowedExportDestinations';
/** The destination side's list constraint, set by the customer on its organization. */
export const IMPORT_CONSTRAINT = 'resourcemanager.allowedImportSources';

/** The list-constraint value that names an organization and everything under it. */
export const underOrganization = (organizationId: string): string => `under:organizations/${organizationId}`;

/** The IAM condition expression that ends a grant at the start of `expires` (YYYY-MM-DD, UTC). */
export const expiryExpression = (expires: string): string => `request.time < timestamp("${expires}T00:00:00Z")`;

/** A condition expression made by expiryExpression: its expiry day, or undefined. */
export function expiryOf(expression: unknown): string | undefined {
  return typeof expression === 'string' ? /^request\.time < timestamp\("(\d{4}-\d{2}-\d{2})T00:00:00Z"\)$/.exec(expression)?.[1] : undefined;
}

/**
 * The handover grants. The tenant deployer creates the project, gives back the creator's owner role
 * at once (IAM-1/creator-owner-removed) and then reaches the project through its folder roles only;
 * once the transfer has moved the project out of the tenant folder those roles no longer reach it,
 * yet the transfer's and release's applies (and ci-plan's plans between them) still refresh, update
 * and destroy our resources there. So the prepare apply (an organization administrator's) creates
 * two custom roles in the tenant project, which move with it, and grants them until the move
 * grant's expiry: the read role to ci-plan, the apply role to the tenant deployer and to the platform
 * administrators' group (an organization administrator applies the release). The roles hold
 * exactly the permissions the permission table gives for the stack's resources (reads; for the apply
 * role also the deletes of what the release destroys and the project's update), never a Customer
 * Data read (constructs/project-handoff.ts asserts it against the deny policies' list), and never a
 * custom-role change (a principal that can change a role it holds can give itself anything,
 * cloud.google.com/iam/docs/setting-limits-on-granting-roles). The release keeps them (state-release.ts);
 * the last step removes them.
 */
export const HANDOVER_READ_ROLE_ID = 'smartSegmentsHandoverRead';
export const HANDOVER_APPLY_ROLE_ID = 'smartSegmentsHandoverApply';

/** A handover role's full name, in the tenant project. */
export const handoverRoleName = (projectId: string, roleId: string): string => `projects/${projectId}/roles/${roleId}`;

/**
 * Always in the apply role: the relinquish step removes the handover grants with
 * google_project_iam_member_remove (Projects.GetIamPolicy, Projects.SetIamPolicy), and the release
 * destroys our project-level grants. The grant's condition limits which roles' bindings it may change.
 */
export const HANDOVER_IAM_PERMISSIONS = ['resourcemanager.projects.getIamPolicy', 'resourcemanager.projects.setIamPolicy'] as const;

/** Never in a handover role, whatever a resource's row says: changing a custom role it holds would let the holder give itself any permission. */
export const HANDOVER_NEVER = ['iam.roles.create', 'iam.roles.update', 'iam.roles.delete', 'iam.roles.undelete', 'resourcemanager.projects.move'] as const;

/** The condition that limits which roles' bindings a setIamPolicy grant may change (cloud.google.com/iam/docs/setting-limits-on-granting-roles). */
export const grantLimitExpression = (roles: readonly string[]): string =>
  `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${roles.map((r) => `'${r}'`).join(', ')}])`;

/** The apply grant's condition: the expiry, and the roles whose bindings it may change. */
export const handoverApplyExpression = (expires: string, grantableRoles: readonly string[]): string =>
  `${expiryExpression(expires)} && ${grantLimitExpression(grantableRoles)}`;

/** The expiry day of a handover grant's condition (an expiry, optionally followed by `&& <grant limit>`), or undefined. */
export function handoverExpiryOf(expression: unknown): string | undefined {
  if (typeof expression !== 'string') return undefined;
  const [expiry, ...rest] = expression.split(' && ');
  if (rest.length > 1 || (rest.length === 1 && !/^api\.getAttribute\('iam\.googleapis\.com\/modifiedGrantsByRole', \[\]\)\.hasOnly\(\[[^\]]*\]\)$/.test(rest[0]))) return undefined;
  return expiryOf(expiry);
}
