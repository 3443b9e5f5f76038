/**
 * LOG-1 (DPA Annex II 4, 10.3): logs are kept for a stated time. Each tenant project's `_Default`
 * bucket keeps logs exactly 30 days (the DPA's standard), and no log bucket anywhere is left without
 * a retention.
 */
import { STANDARD_LOG_RETENTION_DAYS } from '../../constructs/log-retention';
import { managesProject } from '../scope';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';

const BUCKET_TYPES = [
  'google_logging_project_bucket_config',
  'google_logging_folder_bucket_config',
  'google_logging_organization_bucket_config',
  'google_logging_billing_account_bucket_config',
];

export const log1LogRetention = defineCheck({
  id: 'LOG-1/log-retention',
  explanation: "Every log bucket states its retention; a tenant project's _Default bucket keeps logs 30 days.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const tenant = ctx.tenant;
    for (const b of ctx.stack.ofType(...BUCKET_TYPES)) {
      const days = b.values.retention_days;
      const isTenantDefault = tenant !== undefined && b.values.bucket_id === '_Default' && b.values.project === tenant.projectId;
      if (typeof days !== 'number' && typeof days !== 'string') {
        findings.push(
          nonCompliant(
            b.address,
            `log bucket ${String(b.values.bucket_id)} states no retention_days.`,
            `set retention_days (${STANDARD_LOG_RETENTION_DAYS} for a tenant's _Default bucket, DPA Annex II 4).`,
          ),
        );
      } else if (isTenantDefault && Number(days) !== STANDARD_LOG_RETENTION_DAYS) {
        findings.push(
          nonCompliant(
            b.address,
            `the tenant's _Default bucket keeps logs ${String(days)} days, not the ${STANDARD_LOG_RETENTION_DAYS} days of DPA Annex II 4.`,
            `set retention_days to ${STANDARD_LOG_RETENTION_DAYS}.`,
          ),
        );
      } else {
        findings.push(compliant(b.address, `${String(b.values.bucket_id)} keeps logs ${String(days)} days`));
      }
    }
    if (tenant && managesProject(tenant)) {
      const hasDefault = ctx.stack
        .ofType('google_logging_project_bucket_config')
        .some((b) => b.values.bucket_id === '_Default' && b.values.project === tenant.projectId);
      if (!hasDefault)
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            "the tenant project's _Default log bucket has no retention set by this stack.",
            'add LogRetention for the tenant project.',
          ),
        );
    }
    if (findings.length === 0) {
      return [
        notApplicable(tenant ? "the customer's own project: its log buckets are the customer's (HAND-2)" : 'the stack has no log bucket'),
      ];
    }
    return findings;
  },
});

/** The checks of LOG-1, in the order the report lists them. */
export const log1LogRetentionChecks = [log1LogRetention] as const;
