/**
 * Support access (IAM-5, DPA Annex II 2: "Access to Customer Data is limited to authorised Smart
 * Segments personnel who require it for the support ... of the Services"): the scopes the support
 * group can be granted on one tenant, how long a grant may last, and the IAM condition that ends it.
 * Read by the tenant schema, the SupportAccess construct, the IAM-5 checks, the reports and
 * `npm run support-access`, so a scope's roles and the cap are stated here only.
 *
 * Grants are IAM conditions written in the tenant file, not Privileged Access Manager entitlements
 * (docs/security.md, "Support access"): the grant, its reason and its expiry are then reviewed in a
 * change request and read by the compliance report and the records of processing.
 */

import { jurisdictionRules, type Jurisdiction } from './jurisdictions';
import { WAREHOUSE_DATASET_ID } from './naming';

/** The longest a support grant may last, from when it is granted. A platform may set a lower cap (`support.maxAccessHours`). */
export const SUPPORT_ACCESS_MAX_HOURS = 72;

/** What a scope needs to know of its tenant to name the one resource a grant is limited to. */
export interface SupportTarget {
  readonly projectId: string;
  readonly region: string;
  readonly jurisdiction: Jurisdiction;
}

/** One role of a scope, and the IAM condition clause on `resource.name` that limits it to the tenant's resource (none: a project-level role). */
export interface SupportRoleGrant {
  readonly role: string;
  readonly resource?: (t: SupportTarget) => string;
}

export interface SupportScopeDefinition {
  /** What the scope lets a support engineer do, in words for the report. */
  readonly description: string;
  readonly grants: readonly SupportRoleGrant[];
  /** Only for a tenant whose warehouse is in its Smart Segments project (a customer's project keeps its own IAM, HAND-2). */
  readonly needsOwnWarehouse: boolean;
}

/**
 * The named scopes. Each grant is on the tenant's own project (one project per tenant, ISO-1) with an
 * expiry, and a role that has a resource-level form is limited by `resource.name` to the tenant's
 * resource (IAM-2). BigQuery refuses IAM conditions on dataset grants (terraform-provider-google
 * v6.50.0 google/services/bigquery/iam_bigquery_dataset.go: "IAM conditions not allowed on BigQuery
 * Dataset IAM"), so the warehouse read is a project grant limited to the dataset by condition; a log
 * view is read through roles/logging.viewAccessor limited to the view
 * (cloud.google.com/logging/docs/logs-views#grant-access).
 */
export const SUPPORT_SCOPES = {
  'read-warehouse': {
    description: "query the tenant's warehouse: read its BigQuery dataset and run query jobs in the tenant's project",
    grants: [
      { role: 'roles/bigquery.dataViewer', resource: (t) => `resource.name.startsWith("projects/${t.projectId}/datasets/${WAREHOUSE_DATASET_ID}")` },
      { role: 'roles/bigquery.jobUser' },
    ],
    needsOwnWarehouse: true,
  },
  'read-relay-logs': {
    description: "read the request and application logs of the tenant's services in its _Default log bucket (not its Data Access audit logs)",
    grants: [
      {
        role: 'roles/logging.viewAccessor',
        resource: (t) => `resource.name == "projects/${t.projectId}/locations/${jurisdictionRules(t.jurisdiction).logLocation}/buckets/_Default/views/_AllLogs"`,
      },
    ],
    needsOwnWarehouse: false,
  },
  'inspect-services': {
    description: "read the configuration and revisions of the tenant's Cloud Run services (no Customer Data)",
    grants: [{ role: 'roles/run.viewer', resource: (t) => `resource.name.startsWith("projects/${t.projectId}/locations/${t.region}/services/")` }],
    needsOwnWarehouse: false,
  },
} as const satisfies Record<string, SupportScopeDefinition>;

export type SupportScope = keyof typeof SUPPORT_SCOPES;
export const SUPPORT_SCOPE_IDS = Object.keys(SUPPORT_SCOPES) as [SupportScope, ...SupportScope[]];

/** One grant as the tenant file records it. Times are UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
export interface SupportGrant {
  readonly scope: SupportScope;
  readonly granted: string;
  readonly until: string;
  /** The ticket and why, as given to `npm run support-access --reason`. */
  readonly reason: string;
}

export const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The cap of a platform: its own `support.maxAccessHours` when set, never more than SUPPORT_ACCESS_MAX_HOURS. */
export function supportAccessCapHours(platform: { readonly support?: { readonly maxAccessHours?: number } }): number {
  return Math.min(platform.support?.maxAccessHours ?? SUPPORT_ACCESS_MAX_HOURS, SUPPORT_ACCESS_MAX_HOURS);
}

/** How long a grant lasts, in hours (fractional). */
export function grantHours(grant: Pick<SupportGrant, 'granted' | 'until'>): number {
  return (Date.parse(grant.until) - Date.parse(grant.granted)) / 3_600_000;
}

export function isExpired(grant: Pick<SupportGrant, 'until'>, now: Date): boolean {
  return Date.parse(grant.until) <= now.getTime();
}

/** The roles of a scope. */
export function scopeRoles(scope: SupportScope): string[] {
  return SUPPORT_SCOPES[scope].grants.map((g) => g.role);
}

/**
 * The IAM condition of one role of a grant: it stops matching at `until`
 * (cloud.google.com/iam/docs/conditions-attribute-reference#date-time), and, for a role with a
 * resource-level form, only on the tenant's resource.
 */
export function supportCondition(grant: SupportGrant, role: SupportRoleGrant, target: SupportTarget): { title: string; description: string; expression: string } {
  const expiry = `request.time < timestamp("${grant.until}")`;
  return {
    title: `support ${grant.scope} until ${grant.until}`,
    description: `granted ${grant.granted}: ${grant.reason}`.slice(0, 256),
    expression: role.resource ? `${expiry} && ${role.resource(target)}` : expiry,
  };
}

/**
 * The expiry a condition expression sets, or undefined when it sets none: the expression must be
 * `request.time < timestamp("...")`, alone or followed by `&& <clause>` with no `||`, so nothing can
 * make the condition true after the expiry.
 */
export function expiryOf(expression: string | undefined): string | undefined {
  return expression?.match(/^\s*request\.time\s*<\s*timestamp\(\s*"([^"]+)"\s*\)\s*(?:&&[^|]+)?$/)?.[1];
}
