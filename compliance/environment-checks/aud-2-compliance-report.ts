/**
 * AUD-2 (DPA 9.1): this report maps every control of docs/controls.md to its resources per stack and to
 * the tests that assert it. It fails when a control that a rule checks has no test naming it in a
 * describe title, or when the catalogue lists a control twice.
 */
import { RULES } from '../pack';
import type { EnvironmentCheck } from './environment-check';

export const aud2ComplianceReport: EnvironmentCheck = {
  control: 'AUD-2',
  explanation: 'The compliance report lists every control once, with resources per stack and the tests that assert it.',
  check(ctx) {
    const ids = ctx.catalogue.controls.map((c) => c.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    const checked = [...new Set(RULES.map((r) => r.control))];
    const untested = checked.filter((id) => (ctx.tests.get(id) ?? []).length === 0);
    const evidence = ['scripts/compliance.ts', 'compliance/report/compliance-report.ts', `reports/compliance-${ctx.environment.name}.md`, `reports/compliance-${ctx.environment.name}.html`];
    if (duplicates.length > 0 || untested.length > 0) {
      return {
        status: 'fail',
        detail: [
          duplicates.length ? `listed twice: ${duplicates.join(', ')}` : '',
          untested.length ? `checked by a rule but asserted by no test (describe title): ${untested.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
        evidence,
      };
    }
    return {
      status: 'pass',
      detail: `${ids.length} controls from ${ctx.catalogue.source}; every control a rule checks has a test`,
      evidence,
    };
  },
};
