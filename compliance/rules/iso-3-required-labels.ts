/**
 * ISO-3 (DPA Annex II 5): every labelable resource carries `tenant`, `environment` and
 * `data-residency`, with the values of its stack, so every bill line, log entry and inventory row
 * can be traced to one customer and one jurisdiction. Which types take labels is derived from the
 * provider classes (compliance/labelable.ts), not listed by hand.
 */
import { JURISDICTIONS, JURISDICTION_RULES } from '../../config/jurisdictions';
import { labelAttribute } from '../labelable';
import { compliant, defineCheck, nonCompliant, type Finding } from '../rule';

import { REQUIRED_LABEL_KEYS } from '../../policy/labels';

export const iso3RequiredLabels = defineCheck({
  id: 'ISO-3/required-labels',
  explanation: 'Every labelable resource carries the tenant, environment and data-residency labels of its stack.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const residencyValues = JURISDICTIONS.map((j) => JURISDICTION_RULES[j].residencyLabel);
    const expected: Record<string, (v: unknown) => boolean> = {
      tenant: ctx.tenant ? (v) => v === ctx.tenant!.id : (v) => typeof v === 'string' && v.length > 0,
      environment: (v) => v === ctx.environment.name,
      'data-residency': ctx.tenant
        ? (v) => v === JURISDICTION_RULES[ctx.tenant!.jurisdiction].residencyLabel
        : (v) => typeof v === 'string' && residencyValues.includes(v),
    };
    const want = ctx.tenant
      ? `tenant=${ctx.tenant.id}, environment=${ctx.environment.name}, data-residency=${
          JURISDICTION_RULES[ctx.tenant.jurisdiction].residencyLabel
        }`
      : `tenant=<the tenant served, or "platform">, environment=${ctx.environment.name}, data-residency=<one of ${residencyValues.join(
          ', ',
        )}>`;
    for (const r of ctx.stack.resources) {
      const attr = labelAttribute(r.type);
      if (!attr) continue;
      const raw = r.values[attr];
      const labels = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
      const wrong = REQUIRED_LABEL_KEYS.filter((k) => !expected[k](labels[k]));
      if (wrong.length === 0) {
        findings.push(compliant(r.address, REQUIRED_LABEL_KEYS.map((k) => `${k}=${String(labels[k])}`).join(', ')));
      } else {
        findings.push(
          nonCompliant(
            r.address,
            `${attr} ${wrong
              .map((k) => (labels[k] === undefined ? `lack ${k}` : `have ${k}=${JSON.stringify(labels[k])}`))
              .join(' and ')}.`,
            `label it ${want} (the RequiredLabels aspect does this for resources built in a stack; an override or a resource outside the aspect's scope must keep them).`,
          ),
        );
      }
    }
    return findings;
  },
});

/** The checks of ISO-3, in the order the report lists them. */
export const iso3RequiredLabelsChecks = [iso3RequiredLabels] as const;
