/**
 * RES-1 (DPA 6.5, Annex II 13): every location-bearing resource keeps its data in its jurisdiction's
 * regions or multi-regions; London and Zurich are not EU. Checks the provider's default region too,
 * since a resource that names no location lands there.
 */
import { allowedLocations, isLocationAllowed, type Jurisdiction } from '../../config/jurisdictions';
import { GLOBAL_ONLY_TYPES, LOCATION_REQUIRED, isGrantType, isLocationReference, locationsOf } from '../locations';
import { compliant, defineCheck, nonCompliant, type Finding } from '../rule';
import { googleProviders, jurisdictionOf } from '../scope';

/** The jurisdiction's locations, from the one table, for fix messages. */
function allowedText(j: Jurisdiction): string {
  return allowedLocations(j).join(', ');
}

function hasPath(values: Readonly<Record<string, unknown>>, path: string): boolean {
  let cur: unknown = values;
  for (const part of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!cur || typeof cur !== 'object') return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return Array.isArray(cur) ? cur.length > 0 : cur !== undefined && cur !== null && cur !== '';
}

export const res1ProviderDefaultLocation = defineCheck({
  id: 'RES-1/provider-default-location',
  explanation: "The provider's default region and zone are inside the stack's jurisdiction, where resources naming no location land.",
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    const homeJurisdiction = ctx.tenant?.jurisdiction ?? ctx.environment.platform.platformJurisdiction;
    for (const [i, provider] of googleProviders(ctx.stack).entries()) {
      const address = `provider.google${provider.alias ? `.${String(provider.alias)}` : i > 0 ? `[${i}]` : ''}`;
      for (const key of ['region', 'zone'] as const) {
        const value = provider[key];
        if (typeof value !== 'string') continue;
        if (isLocationAllowed(homeJurisdiction, value)) {
          findings.push(compliant(address, `default ${key} ${value} is in ${homeJurisdiction}`));
        } else {
          findings.push(
            nonCompliant(
              address,
              `the provider's default ${key} "${value}" is outside ${homeJurisdiction}, so every resource that names no location lands outside it.`,
              `set the provider ${key} to one of ${allowedText(homeJurisdiction)}.`,
            ),
          );
        }
      }
    }
    return findings;
  },
});

export const res1DataLocation = defineCheck({
  id: 'RES-1/data-location',
  explanation: 'Every location-bearing resource names a location inside the jurisdiction of the data it holds.',
  appliesTo: ['platform', 'tenant'],
  check(ctx) {
    const findings: Finding[] = [];
    for (const r of ctx.stack.resources) {
      if (isGrantType(r.type)) continue;
      const j = jurisdictionOf(ctx, r);
      const required = LOCATION_REQUIRED[r.type];
      if (required && !hasPath(r.values, required.path)) {
        findings.push(
          nonCompliant(
            r.address,
            `${required.path} is not set: ${required.otherwise}, which need not be in ${j}.`,
            `set ${required.path} to locations of ${j}: ${allowedText(j)}.`,
          ),
        );
        continue;
      }
      const replication = r.values.replication as Record<string, unknown> | undefined;
      if (r.type === 'google_secret_manager_secret' && replication && replication.auto !== undefined) {
        findings.push(
          nonCompliant(
            r.address,
            'replication is automatic, which replicates the secret to Google-chosen regions worldwide.',
            `use replication.user_managed with replicas in ${allowedText(j)}.`,
          ),
        );
        continue;
      }
      const locations = locationsOf(r);
      if (locations.length === 0) continue;
      const bad: string[] = [];
      for (const { path, value } of locations) {
        if (isLocationReference(value)) continue;
        if (value.includes('${')) {
          bad.push(`${path} is the expression ${value}, whose location cannot be checked before apply`);
        } else if (value.toLowerCase() === 'global' && GLOBAL_ONLY_TYPES[r.type]) {
          continue;
        } else if (!isLocationAllowed(j, value)) {
          bad.push(`${path} = "${value}" is outside ${j}`);
        }
      }
      if (bad.length > 0) {
        findings.push(nonCompliant(r.address, `${bad.join('; ')}.`, `use locations of ${j}: ${allowedText(j)}.`));
      } else {
        const shown = locations.map((l) => l.value).filter((v, i, all) => all.indexOf(v) === i);
        findings.push(compliant(r.address, `${shown.join(', ')} (${j})`));
      }
    }
    return findings;
  },
});

/** The checks of RES-1, in the order the report lists them. */
export const res1DataLocationChecks = [res1ProviderDefaultLocation, res1DataLocation] as const;
