/**
 * Property: every valid tenant config, in any jurisdiction, with any combination of features and in
 * any lifecycle state, synthesizes a tenant stack that the whole rule pack accepts, and so does every
 * valid choice of served jurisdictions for the platform stack (no violation of any control of
 * docs/controls.md).
 */
import fc from 'fast-check';
import { Testing } from 'cdktf';
import { contextFor, evaluateStack, formatViolation } from '../../compliance/engine';
import { CONVERSION_DESTINATIONS, INTEGRATIONS, SOURCES, type ConversionDestination } from '../../config/catalog';
import { JURISDICTIONS, JURISDICTION_RULES } from '../../config/jurisdictions';
import { platformSchema, tenantSchema, type TenantInput } from '../../config/schema';
import { resolveTenant, type ResolvedTenant } from '../../config/loader';
import { PlatformStack } from '../../stacks/platform-stack';
import { TenantStack } from '../../stacks/tenant-stack';
import { synthesizeStack } from '../../compliance/synth-gate';
import { fixtureEnvironment } from '../support/synth';

const handover = {
  customerOrganizationId: '998877665544',
  customerBillingAccount: '0A0A0A-1B1B1B-2C2C2C',
  customerOwnerGroup: 'gcp-owners@customer.example',
  customerDirectoryCustomerId: 'C09cust01',
  moverGrantExpires: '2026-12-01',
};

const subset = <T>(items: readonly T[]) => fc.subarray([...items]);

/** A valid tenant document: fields drawn independently, then the cross-field rules of the schema applied. */
const tenantInput: fc.Arbitrary<TenantInput> = fc
  .record({
    id: fc.stringMatching(/^[a-z][a-z0-9]{2,10}(-[a-z0-9]{1,6})?$/),
    jurisdiction: fc.constantFrom(...JURISDICTIONS),
    regionIndex: fc.nat(),
    sources: subset(SOURCES),
    integrations: subset(INTEGRATIONS),
    conversion: subset(CONVERSION_DESTINATIONS),
    googleDenied: fc.constantFrom('drop' as const, 'modeled' as const),
    mcp: fc.boolean(),
    llmSupport: fc.constantFrom('allowed' as const, 'restricted' as const),
    warehouse: fc.constantFrom('smart-segments', 'customer', 'handover-ready'),
    state: fc.constantFrom('active', 'handover-prepare', 'handover-transfer', 'handed-over', 'offboarding'),
    privacy: fc.boolean(),
  })
  .map((r) => {
    const regions = JURISDICTION_RULES[r.jurisdiction].regions;
    const conversion: ConversionDestination[] = r.conversion;
    const sources = conversion.length > 0 && !r.sources.includes('roller') ? [...r.sources, 'roller' as const] : r.sources;
    // Handover states need a project provisioned for takeover; offboarding needs its request date.
    const handoverState = r.state.startsWith('handover') || r.state === 'handed-over';
    const warehouse =
      handoverState || r.warehouse === 'handover-ready'
        ? { mode: 'customer' as const, projectId: `${r.id.slice(0, 20)}-dwh`, provisionedBy: 'smart-segments' as const }
        : r.warehouse === 'customer'
        ? { mode: 'customer' as const, projectId: `${r.id.slice(0, 20)}-own`, provisionedBy: 'customer' as const }
        : { mode: 'smart-segments' as const };
    const lifecycle =
      r.state === 'offboarding'
        ? { state: 'offboarding' as const, offboarding: { requested: '2026-11-01', removalConfirmed: false } }
        : handoverState
        ? { state: r.state as 'handover-prepare' | 'handover-transfer' | 'handed-over', handover }
        : { state: 'active' as const };
    return {
      id: r.id,
      displayName: `Tenant ${r.id}`,
      jurisdiction: r.jurisdiction,
      region: regions[r.regionIndex % regions.length],
      sources,
      integrations: r.integrations,
      conversionTracking: conversion.length
        ? { enabled: true, destinations: conversion, ...(conversion.includes('google-ads') ? { googleDeniedConsent: r.googleDenied } : {}) }
        : { enabled: false, destinations: [] },
      mcp: { enabled: r.mcp },
      llmSupport: r.llmSupport,
      warehouse,
      lifecycle,
      contacts: { security: `security@${r.id}.example`, ...(r.privacy ? { privacy: `privacy@${r.id}.example` } : {}) },
    } satisfies TenantInput;
  });

/** The tenant as the loader resolves it, in the example environment; undefined when it collides with an example tenant. */
function resolve(input: TenantInput) {
  const base = fixtureEnvironment();
  const parsed = tenantSchema.parse(input);
  const tenant: ResolvedTenant = resolveTenant(base.platform, parsed, `test/${parsed.id}.yaml`);
  if (base.tenants.some((t) => t.id === tenant.id || t.projectId === tenant.projectId)) return undefined;
  return { tenant, env: { ...base, tenants: [...base.tenants, tenant].sort((a, b) => a.id.localeCompare(b.id)) } };
}

function violationsOf(stack: TenantStack | PlatformStack, env: ReturnType<typeof fixtureEnvironment>): string[] {
  return evaluateStack(contextFor(synthesizeStack(stack), [env])).violations.map(formatViolation);
}

/**
 * These properties test the constructs against the pack (every valid config is compliant), not the
 * pack itself: the check tables (test/compliance/checks) and mutation testing do that. So the title
 * names no control, and the compliance report counts the tables, not this file, for each control.
 */
describe('random valid configs synthesize with zero violations of the DPA pack', () => {
  it('holds for the tenant stack across jurisdictions, features and lifecycle states', () => {
    fc.assert(
      fc.property(tenantInput, (input) => {
        const r = resolve(input);
        fc.pre(r !== undefined);
        expect(violationsOf(new TenantStack(Testing.app(), { environment: r!.env, tenant: r!.tenant }), r!.env)).toEqual([]);
      }),
      { numRuns: 25, seed: 20261129 },
    );
  });

  // The platform stack reads no tenant (test/platform-independence), so what varies is the platform
  // config: the jurisdictions served (always EEA, RES-2) and where the platform's own projects live.
  const platformChoice = fc
    .subarray(JURISDICTIONS.filter((j) => j !== 'EEA'))
    .chain((others) => {
      const served = ['EEA' as const, ...others];
      return fc.record({ served: fc.constant(served), home: fc.constantFrom(...served) });
    });
  it('holds for the platform stack across the jurisdictions served and the platform jurisdiction', () => {
    fc.assert(
      fc.property(platformChoice, ({ served, home }) => {
        const base = fixtureEnvironment();
        const platform = platformSchema.parse({
          ...base.platform,
          jurisdictions: served,
          platformJurisdiction: home,
          tenantFolders: Object.fromEntries(Object.entries(base.platform.tenantFolders).filter(([j]) => served.includes(j as never))),
        });
        const env = { ...base, platform, tenants: [] };
        expect(violationsOf(new PlatformStack(Testing.app(), { environment: env }), env)).toEqual([]);
      }),
      { numRuns: 4, seed: 20261203 },
    );
  });
});
