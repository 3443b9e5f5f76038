/**
 * RES-3 (DPA 6.3, 6.4): the tenant's region comes from the one jurisdiction table. The config schema
 * rejects a region outside the jurisdiction before synthesis; this rule checks that the stack was
 * built from it: the provider's default region is the tenant's configured region, which the table
 * allows, and the stack's `data-residency` labels name the tenant's jurisdiction.
 */
import { JURISDICTION_RULES } from '../../config/jurisdictions';
import { STACK_ADDRESS, compliant, defineCheck, nonCompliant, type Finding } from '../rule';
import { googleProviders, labelsOf } from '../scope';

export const res3ProviderRegion = defineCheck({
  id: 'RES-3/provider-region',
  explanation: "The tenant stack's default region is the tenant's configured region, and the jurisdiction table allows it.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const rules = JURISDICTION_RULES[tenant.jurisdiction];
    const findings: Finding[] = [];
    if (!rules.regions.includes(tenant.region)) {
      findings.push(
        nonCompliant(
          STACK_ADDRESS,
          `the tenant's region ${tenant.region} is not a region of ${tenant.jurisdiction} in config/jurisdictions.ts (the schema should have rejected it).`,
          `choose one of ${rules.regions.join(', ')} in ${tenant.sourceFile}.`,
        ),
      );
    }
    const providers = googleProviders(ctx.stack).filter((p) => !p.alias);
    if (providers.length === 0) {
      findings.push(
        nonCompliant('provider.google', 'the stack has no default google provider, so no default region is set.', `add a google provider with region ${tenant.region}.`),
      );
    }
    for (const p of providers) {
      findings.push(
        p.region === tenant.region
          ? compliant('provider.google', `default region ${tenant.region}, from ${tenant.sourceFile}`)
          : nonCompliant(
              'provider.google',
              `the default region is ${JSON.stringify(p.region)}, not the tenant's configured region ${tenant.region}.`,
              `build the provider from the tenant config (region ${tenant.region}).`,
            ),
      );
    }
    return findings;
  },
});

export const res3ResidencyLabel = defineCheck({
  id: 'RES-3/residency-label',
  explanation: "Every data-residency label of a tenant stack names the tenant's jurisdiction.",
  appliesTo: ['tenant'],
  check(ctx) {
    const tenant = ctx.tenant!;
    const expected = JURISDICTION_RULES[tenant.jurisdiction].residencyLabel;
    const findings: Finding[] = [];
    for (const r of ctx.stack.resources) {
      const label = labelsOf(r)?.['data-residency'];
      if (label === undefined) continue;
      findings.push(
        label === expected
          ? compliant(r.address, `data-residency=${expected}`)
          : nonCompliant(
              r.address,
              `data-residency is "${String(label)}" but the tenant's jurisdiction ${tenant.jurisdiction} is "${expected}".`,
              `label it data-residency=${expected}.`,
            ),
      );
    }
    return findings;
  },
});

/** The checks of RES-3, in the order the report lists them. */
export const res3JurisdictionRegionChecks = [res3ProviderRegion, res3ResidencyLabel] as const;
