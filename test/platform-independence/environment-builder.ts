/**
 * Environments for the platform-independence tests, written to a temporary folder and read back by
 * the real loader (so every tenant here is one the schema accepts): one platform.yaml, and tenants
 * either hand-written (the fixture) or generated in any number, across every jurisdiction, feature
 * and lifecycle state.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { JURISDICTIONS, JURISDICTION_RULES, type Jurisdiction } from '../../config/jurisdictions';
import { loadEnvironment, type EnvironmentConfig } from '../../config/loader';
import { tenantSecretIds, tenantStackName } from '../../config/naming';
import { tenantSchema, type TenantInput } from '../../config/schema';
import { synthesizedTenants } from '../../stacks/build-app';
import { PlatformStack } from '../../stacks/platform-stack';
import { TenantStack } from '../../stacks/tenant-stack';

export const ENVIRONMENT = 'indep';

/** The platform config every environment here shares: the same file, whatever the tenants. */
export const PLATFORM_YAML = {
  environment: ENVIRONMENT,
  organization: { id: '210987654321', domain: 'smartsegments.test', directoryCustomerId: 'C01indep9' },
  billingAccount: '01ABCD-23EF45-6789AB',
  projectPrefix: 'ssi',
  platformJurisdiction: 'EEA',
  jurisdictions: ['EEA', 'UK', 'CH', 'AU'],
  tenantFolders: { EEA: 'folders/200000000001', UK: 'folders/200000000002', CH: 'folders/200000000003', AU: 'folders/200000000004' },
  stateBucket: { name: 'ssi-indep-tfstate' },
  ci: { provider: 'github', repository: 'smart-segments/platform', mainBranch: 'main', repositoryId: '700000001', repositoryOwnerId: '90000001', githubEnvironment: 'production' },
  groups: {
    platformAdmins: 'platform-admins@smartsegments.test',
    securityResponders: 'security-responders@smartsegments.test',
    support: 'support-engineers@smartsegments.test',
  },
  contacts: { security: 'security@smartsegments.test', legal: 'legal@smartsegments.test' },
  images: {
    ingestWebhook: `europe-west1-docker.pkg.dev/ssi-platform/relay/ingest-webhook@sha256:${'1'.repeat(64)}`,
    conversionRelay: `europe-west1-docker.pkg.dev/ssi-platform/relay/conversion-relay@sha256:${'2'.repeat(64)}`,
    mcpEndpoint: `europe-west1-docker.pkg.dev/ssi-platform/relay/mcp-endpoint@sha256:${'3'.repeat(64)}`,
    integrationSync: `europe-west1-docker.pkg.dev/ssi-platform/relay/integration-sync@sha256:${'4'.repeat(64)}`,
  },
  edgeDomain: 'hooks.smartsegments.test',
  edge: { waf: { mode: 'enforce', sensitivity: 1 } },
};

/** The handover details of a customer organization (HAND-1), numbered so each customer differs. */
export function handoverOf(n: number): NonNullable<TenantInput['lifecycle']>['handover'] {
  return {
    customerOrganizationId: String(700000000000 + n),
    customerBillingAccount: '01FFFF-23EF45-6789AB',
    customerOwnerGroup: `cloud-owners@customer${n}.test`,
    customerDirectoryCustomerId: `C0cust${String(n).padStart(4, '0')}`,
    moverGrantExpires: '2026-12-01',
  };
}

/** A tenant as its file says it, with every implied secret recorded as populated. */
export function tenantInput(fields: Omit<TenantInput, 'populatedSecrets'> & { populatedSecrets?: string[] }): TenantInput {
  const input = { ...fields } as TenantInput;
  input.populatedSecrets ??= tenantSecretIds(tenantSchema.parse(input));
  return input;
}

/** The fixture: five tenants, one per jurisdiction and one customer-provisioned project. */
export function fixtureTenants(): TenantInput[] {
  return [
    tenantInput({
      id: 'baltic-bowl',
      displayName: 'Baltic Bowl',
      jurisdiction: 'EEA',
      region: 'europe-west1',
      sources: ['roller'],
      conversionTracking: { enabled: true, destinations: ['meta'] },
      llmSupport: 'allowed',
      warehouse: { mode: 'smart-segments' },
      contacts: { security: 'security@balticbowl.test', privacy: 'privacy@balticbowl-legal.test' },
    }),
    tenantInput({
      id: 'leeds-climb',
      displayName: 'Leeds Climb',
      jurisdiction: 'UK',
      region: 'europe-west2',
      sources: ['revsport'],
      mcp: { enabled: true },
      llmSupport: 'allowed',
      warehouse: { mode: 'smart-segments' },
      contacts: { security: 'security@leedsclimb.test' },
    }),
    tenantInput({
      id: 'bern-park',
      displayName: 'Bern Park',
      jurisdiction: 'CH',
      region: 'europe-west6',
      sources: ['revsport'],
      integrations: ['deputy'],
      llmSupport: 'restricted',
      warehouse: { mode: 'customer', projectId: 'bernpark-warehouse', provisionedBy: 'smart-segments' },
      contacts: { security: 'security@bernpark.test' },
    }),
    tenantInput({
      id: 'perth-play',
      displayName: 'Perth Play',
      jurisdiction: 'AU',
      region: 'australia-southeast1',
      sources: ['roller'],
      llmSupport: 'allowed',
      warehouse: { mode: 'smart-segments' },
      contacts: { security: 'security@perthplay.test' },
    }),
    tenantInput({
      id: 'lyon-own-dwh',
      displayName: 'Lyon Own Warehouse',
      jurisdiction: 'EEA',
      region: 'europe-west9',
      sources: ['roller'],
      llmSupport: 'allowed',
      warehouse: { mode: 'customer', projectId: 'lyon-own-dwh-project', provisionedBy: 'customer' },
      contacts: { security: 'security@lyonown.test' },
    }),
  ];
}

const STATES = ['active', 'handover-prepare', 'handover-transfer', 'handed-over', 'offboarding', 'offboarding-removed'] as const;

/** `n` generated tenants: every jurisdiction and region, each lifecycle state, features on and off, own contact domains. */
export function generatedTenants(n: number): TenantInput[] {
  return Array.from({ length: n }, (_, i) => {
    const jurisdiction = JURISDICTIONS[i % JURISDICTIONS.length] as Jurisdiction;
    const regions = JURISDICTION_RULES[jurisdiction].regions.filter((r) => /^[a-z]+-[a-z]+\d+$/.test(r));
    const state = STATES[Math.floor(i / JURISDICTIONS.length) % STATES.length];
    const id = `gen-${String(i).padStart(4, '0')}`;
    const handingOver = state === 'handover-prepare' || state === 'handover-transfer' || state === 'handed-over';
    return tenantInput({
      id,
      displayName: `Generated ${i}`,
      jurisdiction,
      region: regions[i % regions.length],
      sources: i % 3 === 0 ? ['roller', 'revsport'] : ['roller'],
      integrations: i % 5 === 0 ? ['deputy'] : [],
      conversionTracking: i % 4 === 0 ? { enabled: true, destinations: ['meta'] } : { enabled: false, destinations: [] },
      mcp: { enabled: i % 2 === 0 },
      llmSupport: i % 7 === 0 ? 'restricted' : 'allowed',
      warehouse: handingOver || i % 11 === 0 ? { mode: 'customer', projectId: `${id}-dwh`, provisionedBy: 'smart-segments' } : { mode: 'smart-segments' },
      lifecycle: handingOver
        ? { state, handover: handoverOf(i) }
        : state === 'offboarding' || state === 'offboarding-removed'
          ? { state: 'offboarding', offboarding: { requested: '2026-11-01', removalConfirmed: state === 'offboarding-removed' } }
          : { state: 'active' },
      contacts: { security: `security@${id}.test`, ...(i % 2 === 1 ? { privacy: `privacy@${id}-legal.test` } : {}) },
    });
  });
}

export interface TempEnvironment {
  readonly environment: EnvironmentConfig;
  remove(): void;
}

/** Writes platform.yaml and the tenants to a temporary environments folder and loads it with the real loader. */
export function writeEnvironment(tenants: readonly TenantInput[]): TempEnvironment {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-indep-'));
  const dir = path.join(root, ENVIRONMENT);
  fs.mkdirSync(path.join(dir, 'tenants'), { recursive: true });
  // JSON is YAML: the loader reads these files as it reads any tenant file.
  fs.writeFileSync(path.join(dir, 'platform.yaml'), JSON.stringify(PLATFORM_YAML, null, 2));
  for (const t of tenants) fs.writeFileSync(path.join(dir, 'tenants', `${t.id}.yaml`), JSON.stringify(t, null, 2));
  try {
    return { environment: loadEnvironment(ENVIRONMENT, { environmentsDir: root }), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
  } catch (e) {
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** The platform stack's synthesized JSON, as Terraform reads it. */
export function platformJson(environment: EnvironmentConfig): string {
  return Testing.synth(new PlatformStack(Testing.app(), { environment }));
}

/** Every stack the app would synthesize for the environment, by name, as JSON. */
export function allStacks(environment: EnvironmentConfig): Map<string, string> {
  const out = new Map<string, string>([[`platform-${environment.name}`, platformJson(environment)]]);
  for (const tenant of synthesizedTenants(environment)) {
    out.set(tenantStackName(environment.name, tenant.id), Testing.synth(new TenantStack(Testing.app(), { environment, tenant })));
  }
  return out;
}

/** The stacks that differ between two syntheses: added, removed or changed. */
export function changedStacks(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}
