/**
 * LOG-2 (DPA Annex II 4, 8): audit logs are kept and centralised. Tenant projects turn on Data
 * Access logs (DATA_READ, DATA_WRITE, ADMIN_READ) for every service holding Customer Data; the
 * platform routes each jurisdiction folder's audit logs to that jurisdiction's central audit log
 * bucket, which keeps them longer than the 30-day standard.
 */
import { JURISDICTION_RULES } from '../../config/jurisdictions';
import { auditLogProjectId } from '../../config/naming';
import { CUSTOMER_DATA_SERVICES, DATA_ACCESS_LOG_TYPES } from '../../policy/audit-logs';
import { STANDARD_LOG_RETENTION_DAYS } from '../../policy/dpa';
import { findTarget } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { jurisdictionOfFolder, managesProject, tenantFolderJurisdictions } from '../scope';

const LOG_TYPES: readonly string[] = DATA_ACCESS_LOG_TYPES;

export const log2DataAccessLogs = defineCheck({
  id: 'LOG-2/data-access-logs',
  explanation: 'A tenant project logs ADMIN_READ, DATA_READ and DATA_WRITE, exempting no one, for every service holding Customer Data.',
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (!managesProject(tenant))
      return [
        notApplicable("the customer's own project (or one handed over to it): its audit log settings are the customer's (HAND-1, HAND-2)"),
      ];
    const configs = ctx.stack.ofType('google_project_iam_audit_config').filter((c) => c.values.project === tenant.projectId);
    return CUSTOMER_DATA_SERVICES.map((service) => {
      const c = configs.find((x) => x.values.service === service) ?? configs.find((x) => x.values.service === 'allServices');
      const types = ((c?.values.audit_log_config as Array<{ log_type?: string; exempted_members?: unknown[] }>) ?? [])
        .filter((t) => !t.exempted_members || t.exempted_members.length === 0)
        .map((t) => t.log_type);
      const missing = LOG_TYPES.filter((t) => !types.includes(t));
      return c && missing.length === 0
        ? compliant(c.address, `${service}: ${LOG_TYPES.join(', ')}`)
        : nonCompliant(
            c?.address ?? STACK_ADDRESS,
            `${service} does not log ${missing.join(', ')} (or exempts members).`,
            'add DataAccessAuditLogs for the tenant project.',
          );
    });
  },
});

export const log2AuditBucket = defineCheck({
  id: 'LOG-2/audit-bucket',
  explanation: "Each jurisdiction with a tenant folder has a central audit log bucket that keeps logs longer than the 30-day standard.",
  appliesTo: ['platform'],
  check(ctx) {
    const findings: Finding[] = [];
    const buckets = ctx.stack.ofType('google_logging_project_bucket_config');
    for (const j of tenantFolderJurisdictions(ctx)) {
      const project = auditLogProjectId(ctx.environment.platform, j);
      const bucket = buckets.find((b) => b.values.project === project);
      if (!bucket) {
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `no central audit log bucket exists in ${project} for ${j}.`,
            `add the ${j} audit log bucket (location ${JURISDICTION_RULES[j].logLocation}).`,
          ),
        );
        continue;
      }
      const days = Number(bucket.values.retention_days);
      if (!(days > STANDARD_LOG_RETENTION_DAYS)) {
        findings.push(
          nonCompliant(
            bucket.address,
            `the ${j} audit bucket keeps logs ${
              Number.isNaN(days) ? 'for an unstated time' : `${days} days`
            }, not longer than the ${STANDARD_LOG_RETENTION_DAYS}-day standard.`,
            'set a longer retention_days and document it in the bucket description.',
          ),
        );
      } else {
        findings.push(compliant(bucket.address, `${j} audit logs kept ${days} days in ${String(bucket.values.location)}`));
      }
    }
    return findings.length > 0 ? findings : [notApplicable('no tenant jurisdiction folder')];
  },
});

export const log2FolderSink = defineCheck({
  id: 'LOG-2/folder-sink',
  explanation: "A folder sink routes each jurisdiction folder's audit logs, with its children, to that jurisdiction's audit project.",
  appliesTo: ['platform'],
  check(ctx) {
    const findings: Finding[] = [];
    const buckets = ctx.stack.ofType('google_logging_project_bucket_config');
    const sinks = ctx.stack.ofType('google_logging_folder_sink', 'google_logging_organization_sink');
    for (const j of tenantFolderJurisdictions(ctx)) {
      const project = auditLogProjectId(ctx.environment.platform, j);
      const bucket = buckets.find((b) => b.values.project === project);
      const routed = sinks.filter((s) => {
        const onFolder = s.type === 'google_logging_folder_sink' ? jurisdictionOfFolder(ctx, s.values.folder) === j : false;
        const destination = String(s.values.destination ?? '');
        const toBucket =
          (bucket !== undefined && findTarget(ctx.stack, 'google_logging_project_bucket_config', destination) === bucket) ||
          destination.includes(`projects/${project}/`);
        const filter = String(s.values.filter ?? '');
        return (
          onFolder && toBucket && s.values.include_children === true && (filter === '' || filter.includes('cloudaudit.googleapis.com'))
        );
      });
      if (routed.length === 0)
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `no folder sink routes the ${j} folder's audit logs (with include_children) to ${project}.`,
            `add a folder sink on the ${j} folder with a cloudaudit.googleapis.com filter to the ${j} audit bucket.`,
          ),
        );
      else for (const s of routed) findings.push(compliant(s.address, `${j} folder audit logs routed to ${bucket?.address ?? project}`));
    }
    return findings.length > 0 ? findings : [notApplicable('no tenant jurisdiction folder')];
  },
});

/** The checks of LOG-2, in the order the report lists them. */
export const log2AuditLogsChecks = [log2DataAccessLogs, log2AuditBucket, log2FolderSink] as const;
