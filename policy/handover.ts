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
 * The deployer that creates a tenant's project (so holds the creator's implicit roles/owner and the
 * dataset creator's OWNER entry), moves it and releases it: the CI apply account
 * (constructs/ci-deployer-identity.ts, `ci-<kind>`).
 */
