/**
 * BRE-1 (DPA 8.1): breaches are noticed and the right people hear of them. Tenant projects name the
 * customer's and Smart Segments' security contacts as essential contacts for security notices; the
 * platform alerts the security contact, per jurisdiction's central audit log, on IAM policy changes,
 * service account key creation attempts and unexpected secret access.
 */
import { JURISDICTIONS } from '../../config/jurisdictions';
import { auditLogProjectId } from '../../config/naming';
import { findTarget } from '../grants';
import { blocks } from '../json-blocks';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, notApplicable, type Finding } from '../rule';
import { jurisdictionOfFolderResource, managesProject } from '../scope';
import { referencesIn, type SynthesizedResource } from '../synthesized-stack';

/** The three signals and a text each metric's filter must contain. */
export const BREACH_SIGNALS = [
  { name: 'IAM policy changes', needle: 'SetIamPolicy' },
  { name: 'service account key creation attempts', needle: 'CreateServiceAccountKey' },
  { name: 'unexpected secret access', needle: 'AccessSecretVersion' },
] as const;

export const bre1BreachDetection = defineCheck({
  id: 'BRE-1/breach-detection',
  explanation:
    'Security contacts receive security notices, and alerts fire on IAM changes, key creation attempts and unexpected secret access.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const platformSecurity = ctx.environment.platform.contacts.security.toLowerCase();
    if (ctx.kind === 'tenant') {
      const tenant = ctx.tenant!;
      if (!managesProject(tenant))
        return [
          notApplicable(
            "the customer's own project (or one handed over to it): its essential contacts are the customer's (HAND-1, HAND-2)",
          ),
        ];
      const contacts = ctx.stack
        .ofType('google_essential_contacts_contact')
        .filter((c) => c.values.parent === `projects/${tenant.projectId}`);
      for (const email of [tenant.contacts.security.toLowerCase(), platformSecurity]) {
        const c = contacts.find(
          (x) =>
            String(x.values.email).toLowerCase() === email &&
            (x.values.notification_category_subscriptions as string[] | undefined)?.some((cat) => cat === 'SECURITY' || cat === 'ALL'),
        );
        findings.push(
          c
            ? compliant(c.address, `${email} receives SECURITY notices for ${tenant.projectId}`)
            : nonCompliant(
                STACK_ADDRESS,
                `${email} is not an essential contact for SECURITY notices of ${tenant.projectId}.`,
                'add it with EssentialContacts.',
              ),
        );
      }
      return findings;
    }
    const folders = ctx.stack.ofType('google_folder');
    const wanted = JURISDICTIONS.filter(
      (j) => ctx.environment.platform.tenantFolders[j] !== undefined || folders.some((f) => jurisdictionOfFolderResource(ctx, f) === j),
    );
    const metrics = ctx.stack.ofType('google_logging_metric');
    const alerts = ctx.stack.ofType('google_monitoring_alert_policy');
    for (const j of wanted) {
      const project = auditLogProjectId(ctx.environment.platform, j);
      const channelOk = (a: SynthesizedResource) =>
        ((a.values.notification_channels as string[] | undefined) ?? []).some((ref) => {
          const ch = findTarget(ctx.stack, 'google_monitoring_notification_channel', ref);
          return (
            ch?.values.type === 'email' &&
            String((ch.values.labels as Record<string, unknown> | undefined)?.email_address ?? '').toLowerCase() === platformSecurity
          );
        });
      for (const signal of BREACH_SIGNALS) {
        const metric = metrics.find((m) => m.values.project === project && String(m.values.filter ?? '').includes(signal.needle));
        // The alert names the metric by its name, or by a reference to the metric resource.
        const namesMetric = (filter: string) =>
          metric !== undefined &&
          (filter.includes(`logging.googleapis.com/user/${String(metric.values.name)}`) ||
            referencesIn(filter).some((r) => r.type === metric.type && r.name === metric.name));
        const alert =
          metric &&
          alerts.find((a) => blocks(a.values.conditions).some((c) => namesMetric(String(blocks(c.condition_threshold)[0]?.filter ?? ''))));
        if (!metric)
          findings.push(
            nonCompliant(
              STACK_ADDRESS,
              `no log-based metric in ${project} counts ${signal.name} for ${j}.`,
              `add BreachDetection on the ${j} central audit log.`,
            ),
          );
        else if (!alert)
          findings.push(
            nonCompliant(metric.address, `no alert policy fires on ${signal.name} for ${j}.`, 'add an alert policy on the metric.'),
          );
        else if (!channelOk(alert))
          findings.push(
            nonCompliant(
              alert.address,
              `the ${signal.name} alert does not notify the security contact ${platformSecurity}.`,
              'add an email notification channel for contacts.security.',
            ),
          );
        else findings.push(compliant(alert.address, `${j}: ${signal.name} alert ${platformSecurity}`));
      }
    }
    return findings.length > 0 ? findings : [notApplicable('no tenant jurisdiction folder')];
  },
});

/** The checks of BRE-1, in the order the report lists them. */
export const bre1BreachDetectionChecks = [bre1BreachDetection] as const;
