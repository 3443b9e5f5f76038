/**
 * LOG-1 (DPA Annex II 4, 10.3): logs are kept for a stated time. Each tenant project's `_Default`
 * bucket keeps logs exactly 30 days (the DPA's standard), and no log bucket anywhere is left without
 * a retention.
 */
import { STANDARD_LOG_RETENTION_DAYS } from '../../policy/dpa';
import { managesProject } from '../scope';
import type { ResolvedTenant } from '../../config/loader';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable } from '../rule';
import type { SynthesizedResource } from '../synthesized-stack';

const BUCKET_TYPES = [
  'google_logging_project_bucket_config',
  'google_logging_folder_bucket_config',
  'google_logging_organization_bucket_config',
  'google_logging_billing_account_bucket_config',
];

const isTenantDefault = (tenant: ResolvedTenant, b: SynthesizedResource) =>
  b.values.bucket_id === '_Default' && b.values.project === tenant.projectId;

export const log1RetentionStated = defineCheck({
  id: 'LOG-1/retention-stated',
  explanation: 'Every log bucket (project, folder, organization, billing account) states its retention_days.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    return ctx.stack.ofType(...BUCKET_TYPES).map((b) => {
      const days = b.values.retention_days;
      return typeof days === 'number' || typeof days === 'string'
        ? compliant(b.address, `${String(b.values.bucket_id)} keeps logs ${String(days)} days`)
        : nonCompliant(
            b.address,
            `log bucket ${String(b.values.bucket_id)} states no retention_days.`,
            `set retention_days (${STANDARD_LOG_RETENTION_DAYS} for a tenant's _Default bucket, DPA Annex II 4).`,
          );
    });
  },
});

export const log1TenantDefaultBucket = defineCheck({
  id: 'LOG-1/tenant-default-bucket',
  explanation: `A tenant project this stack manages sets its _Default log bucket to keep logs exactly ${STANDARD_LOG_RETENTION_DAYS} days.`,
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (!managesProject(tenant)) return [notApplicable("the customer's own project: its log buckets are the customer's (HAND-2)")];
    const defaults = ctx.stack.ofType('google_logging_project_bucket_config').filter((b) => isTenantDefault(tenant, b));
    if (defaults.length === 0)
      return [
        nonCompliant(STACK_ADDRESS, "the tenant project's _Default log bucket has no retention set by this stack.", 'add LogRetention for the tenant project.'),
      ];
    return defaults.map((b) =>
      Number(b.values.retention_days) === STANDARD_LOG_RETENTION_DAYS
        ? compliant(b.address, `the tenant's _Default bucket keeps logs ${STANDARD_LOG_RETENTION_DAYS} days`)
        : nonCompliant(
            b.address,
            `the tenant's _Default bucket keeps logs ${String(b.values.retention_days)} days, not the ${STANDARD_LOG_RETENTION_DAYS} days of DPA Annex II 4.`,
            `set retention_days to ${STANDARD_LOG_RETENTION_DAYS}.`,
          ),
    );
  },
});

/** The checks of LOG-1, in the order the report lists them. */
export const log1LogRetentionChecks = [log1RetentionStated, log1TenantDefaultBucket] as const;
