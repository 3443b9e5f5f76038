/**
 * AUD-1 (DPA 9.3): the records of processing are generated from the tenant configs: one per
 * synthesized tenant, each with categories of data and data subjects, purposes, recipients,
 * transfers and measures.
 */
import type { EnvironmentCheck } from './environment-check';

export const aud1RecordsOfProcessing: EnvironmentCheck = {
  control: 'AUD-1',
  explanation: 'Every tenant has a complete record of processing (GDPR Art. 30(2)) generated from its config and stack.',
  check(ctx) {
    const tenants = ctx.evaluations.filter((e) => e.kind === 'tenant').map((e) => e.tenantId!);
    const missing = tenants.filter((t) => !ctx.records.some((r) => r.tenant === t));
    const incomplete = ctx.records.filter(
      (r) =>
        r.dataCategories.length === 0 ||
        r.dataSubjects.length === 0 ||
        r.purposes.length === 0 ||
        r.transfers.length === 0 ||
        r.measures.length === 0 ||
        r.retention.length === 0,
    );
    const evidence = ['scripts/ropa.ts', 'compliance/report/ropa.ts', `reports/ropa-${ctx.environment.name}.md`];
    if (missing.length > 0 || incomplete.length > 0) {
      return {
        status: 'fail',
        detail: [
          missing.length ? `no record for ${missing.join(', ')}` : '',
          incomplete.length ? `incomplete records: ${incomplete.map((r) => r.tenant).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
        evidence,
      };
    }
    return {
      status: 'pass',
      detail: `${ctx.records.length} records, one per tenant stack (npm run ropa -- --env ${ctx.environment.name})`,
      evidence,
    };
  },
};
