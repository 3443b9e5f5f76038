/**
 * AUD-1 (DPA 9.3): the records of processing are generated from the tenant configs: one per
 * synthesized tenant, each with categories of data and data subjects, purposes, recipients,
 * transfers and measures. A tenant handed over to its customer (HAND-1, DPA 10.2) keeps its record,
 * which states that Smart Segments has processed nothing since the effective date: it then has no
 * store, transfer or measure of ours to list.
 */
import type { RopaRecord } from '../report/ropa-record';
import type { EnvironmentCheck } from './environment-check';

/** The parts of a record that are missing, by name. */
function missingParts(r: RopaRecord): string[] {
  const parts: Array<[string, boolean]> = [
    ['data categories', r.dataCategories.length === 0],
    ['data subjects', r.dataSubjects.length === 0],
    ['purposes', r.purposes.length === 0],
  ];
  if (r.handedOver) {
    parts.push(['the handover effective date (lifecycle.handover.effectiveDate, recorded by `npm run handover -- --phase release`)', !r.handedOver.effectiveDate]);
  } else {
    parts.push(['transfers', r.transfers.length === 0], ['measures', r.measures.length === 0], ['retention per store', r.retention.length === 0]);
  }
  return parts.filter(([, missing]) => missing).map(([name]) => name);
}

export const aud1RecordsOfProcessing: EnvironmentCheck = {
  control: 'AUD-1',
  explanation: 'Every tenant has a complete record of processing (GDPR Art. 30(2)) generated from its config and stack; a handed-over tenant\'s record states that nothing is processed since the effective date.',
  check(ctx) {
    const tenants = ctx.evaluations.filter((e) => e.kind === 'tenant').map((e) => e.tenantId!);
    const missing = tenants.filter((t) => !ctx.records.some((r) => r.tenant === t));
    const incomplete = ctx.records.map((r) => ({ tenant: r.tenant, parts: missingParts(r) })).filter((r) => r.parts.length > 0);
    const evidence = ['scripts/ropa.ts', 'compliance/report/ropa.ts', `reports/ropa-${ctx.environment.name}.md`];
    if (missing.length > 0 || incomplete.length > 0) {
      return {
        status: 'fail',
        detail: [
          missing.length ? `no record for ${missing.join(', ')}` : '',
          incomplete.length ? `incomplete records: ${incomplete.map((r) => `${r.tenant} (no ${r.parts.join(', ')})`).join('; ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
        evidence,
      };
    }
    const handedOver = ctx.records.filter((r) => r.handedOver);
    return {
      status: 'pass',
      detail:
        `${ctx.records.length} records, one per tenant stack (npm run ropa -- --env ${ctx.environment.name})` +
        (handedOver.length ? `; handed over, no processing by Smart Segments since: ${handedOver.map((r) => `${r.tenant} ${r.handedOver!.effectiveDate}`).join(', ')}` : ''),
      evidence,
    };
  },
};
