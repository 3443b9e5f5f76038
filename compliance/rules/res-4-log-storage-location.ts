/**
 * RES-4 (DPA 6.5, 10.3): Cloud Logging storage for tenant projects stays in the tenant's
 * jurisdiction: the tenant's `_Default` bucket, every log bucket and sink destination, and (in the
 * platform stack) each jurisdiction folder's logging settings, which decide where new projects' log
 * buckets are created.
 */
import { JURISDICTIONS, JURISDICTION_RULES, isLocationAllowed, type Jurisdiction } from '../../config/jurisdictions';
import { findTarget } from '../grants';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding, type RuleContext } from '../rule';
import { jurisdictionOf, jurisdictionOfFolder, jurisdictionOfFolderResource, managesProject } from '../scope';
import type { SynthesizedResource } from '../synthesized-stack';

const SINK_TYPES = [
  'google_logging_project_sink',
  'google_logging_folder_sink',
  'google_logging_organization_sink',
  'google_logging_billing_account_sink',
];
const BUCKET_TYPES = [
  'google_logging_project_bucket_config',
  'google_logging_folder_bucket_config',
  'google_logging_organization_bucket_config',
  'google_logging_billing_account_bucket_config',
];

/** Where a sink sends logs, when the destination tells or names a resource of the stack. */
function sinkDestinationLocation(ctx: RuleContext, destination: string): string | undefined {
  const logBucket = /^logging\.googleapis\.com\/.*\/locations\/([^/]+)\/buckets\/[^/]+$/.exec(destination);
  if (logBucket && !logBucket[1].includes('${')) return logBucket[1];
  const typeOf: Record<string, string> = {
    'storage.googleapis.com': 'google_storage_bucket',
    'bigquery.googleapis.com': 'google_bigquery_dataset',
    'pubsub.googleapis.com': 'google_pubsub_topic',
    'logging.googleapis.com': 'google_logging_project_bucket_config',
  };
  const service = destination.split('/')[0];
  const target = findTarget(ctx.stack, typeOf[service] ?? '', destination.slice(service.length + 1) || undefined);
  if (!target) return undefined;
  const policy = target.values.message_storage_policy as { allowed_persistence_regions?: string[] } | undefined;
  const loc = target.values.location ?? policy?.allowed_persistence_regions?.[0];
  return typeof loc === 'string' && !loc.includes('${') ? loc : undefined;
}

/** The jurisdiction of a sink: the folder it is on, else the resource's own. */
function sinkJurisdiction(ctx: RuleContext, r: SynthesizedResource): Jurisdiction {
  return jurisdictionOfFolder(ctx, r.values.folder) ?? jurisdictionOf(ctx, r);
}

export const res4LogBucketLocation = defineCheck({
  id: 'RES-4/log-bucket-location',
  explanation: "Every log bucket a stack configures is in the jurisdiction of the logs it holds.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    return ctx.stack.ofType(...BUCKET_TYPES).map((b) => {
      const j = jurisdictionOf(ctx, b);
      const loc = b.values.location;
      if (typeof loc === 'string' && isLocationAllowed(j, loc)) return compliant(b.address, `log bucket ${String(b.values.bucket_id)} in ${loc} (${j})`);
      return nonCompliant(
        b.address,
        `log bucket ${String(b.values.bucket_id)} is in ${JSON.stringify(loc ?? 'global')}, outside ${j}.`,
        `set location to ${JURISDICTION_RULES[j].logLocation}.`,
      );
    });
  },
});

export const res4DefaultLogBucket = defineCheck({
  id: 'RES-4/default-log-bucket',
  explanation: "The tenant project's _Default log bucket is configured in the location its jurisdiction folder's logging settings give.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    if (!managesProject(tenant)) return [notApplicable("the customer's own project, or one released to the customer: its log buckets are the customer's (HAND-1, HAND-2)")];
    const own = ctx.stack
      .ofType('google_logging_project_bucket_config')
      .filter((b) => b.values.bucket_id === '_Default' && b.values.project === tenant.projectId);
    const expected = JURISDICTION_RULES[tenant.jurisdiction].logLocation;
    if (own.length === 0) {
      return [
        nonCompliant(
          STACK_ADDRESS,
          "the tenant project's _Default log bucket is not configured, so its location is whatever the folder settings gave it.",
          `add LogRetention (location ${expected}).`,
        ),
      ];
    }
    return own.map((b) =>
      b.values.location === expected
        ? compliant(b.address, `_Default log bucket of ${tenant.projectId} in ${expected}`)
        : nonCompliant(
            b.address,
            `the _Default bucket names ${JSON.stringify(b.values.location)}, not ${expected}, the location the ${
              tenant.jurisdiction
            } folder's logging settings give new projects.`,
            `set location to ${expected}.`,
          ),
    );
  },
});

export const res4SinkDestination = defineCheck({
  id: 'RES-4/sink-destination',
  explanation: "Every log sink sends its logs to a destination in the jurisdiction of the logs.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    return ctx.stack.ofType(...SINK_TYPES).map((s) => {
      const destination = String(s.values.destination ?? '');
      const j = sinkJurisdiction(ctx, s);
      const loc = sinkDestinationLocation(ctx, destination);
      if (loc === undefined)
        return nonCompliant(
          s.address,
          `the sink sends logs to ${destination}, whose location the rule cannot read.`,
          'send to a log bucket named with its location (logging.googleapis.com/projects/<p>/locations/<loc>/buckets/<b>) or to a bucket declared in this stack.',
        );
      if (isLocationAllowed(j, loc)) return compliant(s.address, `sink to ${loc} (${j})`);
      return nonCompliant(s.address, `the sink sends ${j} logs to ${loc}.`, `send them to the ${j} audit log bucket (${JURISDICTION_RULES[j].logLocation}).`);
    });
  },
});

export const res4FolderLogSettings = defineCheck({
  id: 'RES-4/folder-log-settings',
  explanation: "Each jurisdiction folder's logging settings store new projects' log buckets in the jurisdiction's log location.",
  appliesTo: ['platform'],
  check(ctx) {
    const findings: Finding[] = [];
    const settings = ctx.stack.ofType('google_logging_folder_settings');
    const folders = ctx.stack.ofType('google_folder');
    const wanted = JURISDICTIONS.filter(
      (j) => ctx.environment.platform.tenantFolders[j] !== undefined || folders.some((f) => jurisdictionOfFolderResource(ctx, f) === j),
    );
    for (const j of wanted) {
      const expected = JURISDICTION_RULES[j].logLocation;
      const mine = settings.filter((x) => jurisdictionOfFolder(ctx, x.values.folder) === j);
      if (mine.length === 0) {
        findings.push(
          nonCompliant(
            STACK_ADDRESS,
            `the ${j} folder has no logging settings, so its projects' log buckets are created in global.`,
            `add LoggingLocation to the ${j} folder (storage_location ${expected}).`,
          ),
        );
      }
      for (const x of mine) {
        if (x.values.storage_location === expected) findings.push(compliant(x.address, `${j} folder logs stored in ${expected}`));
        else
          findings.push(
            nonCompliant(x.address, `the ${j} folder stores logs in ${JSON.stringify(x.values.storage_location)}.`, `set storage_location to ${expected}.`),
          );
      }
    }
    return findings;
  },
});

export const res4OrganizationLogSettings = defineCheck({
  id: 'RES-4/organization-log-settings',
  explanation: "The organization's logging settings, where declared, store new log buckets in the platform's jurisdiction.",
  appliesTo: ['platform'],
  check(ctx) {
    const j = ctx.environment.platform.platformJurisdiction;
    return ctx.stack.ofType('google_logging_organization_settings').map((x) => {
      const loc = x.values.storage_location;
      if (typeof loc === 'string' && isLocationAllowed(j, loc)) return compliant(x.address, `organization logs stored in ${loc}`);
      return nonCompliant(
        x.address,
        `the organization stores new log buckets in ${JSON.stringify(loc ?? 'global')}.`,
        `set storage_location to ${JURISDICTION_RULES[j].logLocation}.`,
      );
    });
  },
});

/** The checks of RES-4, in the order the report lists them. */
export const res4LogStorageLocationChecks = [
  res4LogBucketLocation,
  res4DefaultLogBucket,
  res4SinkDestination,
  res4FolderLogSettings,
  res4OrganizationLogSettings,
] as const;
