/**
 * DEP-AUDIT-SERVICE: a Data Access audit config names the service under which Google writes that
 * product's audit logs. Firestore's Data Access logs are configured and written under
 * `datastore.googleapis.com`; an audit config for `firestore.googleapis.com` is accepted by the API
 * and then records nothing, so the LOG-2 promise would be kept in config only.
 *
 * Sources: https://cloud.google.com/firestore/docs/audit-logging ("Firestore audit logs use the
 * service name datastore.googleapis.com"); https://cloud.google.com/logging/docs/audit/configure-data-access
 * (audit configs are per service name).
 */
import { compliant, nonCompliant, type Finding } from '../../rule';
import { defineCheck } from '../check';

/** Service names that do not write Data Access logs of their own, and the name that does. */
const AUDIT_SERVICE_OF: Readonly<Record<string, { readonly use: string; readonly source: string }>> = {
  'firestore.googleapis.com': { use: 'datastore.googleapis.com', source: 'https://cloud.google.com/firestore/docs/audit-logging' },
};

export const depAuditService = defineCheck({
  id: 'DEP-AUDIT-SERVICE',
  explanation: "A Data Access audit config names the service under which Google writes the product's audit logs (Firestore: datastore.googleapis.com).",
  sources: ['https://cloud.google.com/firestore/docs/audit-logging', 'https://cloud.google.com/logging/docs/audit/configure-data-access'],
  appliesTo: ['platform', 'tenant'],
  check({ stack }) {
    const findings: Finding[] = [];
    for (const config of stack.ofType('google_project_iam_audit_config', 'google_folder_iam_audit_config', 'google_organization_iam_audit_config')) {
      const service = String(config.values.service);
      const wrong = AUDIT_SERVICE_OF[service];
      findings.push(
        wrong
          ? nonCompliant(
              config.address,
              `configures Data Access audit logs for ${service}, under which Google writes none (${wrong.source}), so reads of the data would go unrecorded.`,
              `configure the service ${wrong.use} instead.`,
            )
          : compliant(config.address, `audit logs of ${service}`),
      );
    }
    return findings;
  },
});
