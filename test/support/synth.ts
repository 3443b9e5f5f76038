/** Test helpers: load the fixture config, build stacks in memory and read their synthesized JSON. */
import * as fs from 'fs';
import * as path from 'path';
import { Testing, type TerraformStack } from 'cdktf';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { loadEnvironment, resolveTenant, type EnvironmentConfig, type ResolvedTenant } from '../../config/loader';
import { tenantSchema, type TenantInput } from '../../config/schema';
import { platformStackName, tenantSecretIds, tenantStackName } from '../../config/naming';
import { TenantStack } from '../../stacks/tenant-stack';
import { FIXTURE_ENV, FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT, fixtureOutdir, fixtureStackFile, fixtureSynthDir, synthesizeFixtures } from './fixture-synthesis';

export { FIXTURE_ENV, FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT };

/** The run's `npm run synth` output of the fixture environment (read-only: copy it before changing anything). */
export const fixtureSynthOutput = (): string => fixtureOutdir(synthesizeFixtures(fixtureSynthDir()));

let fixtureCache: EnvironmentConfig | undefined;
/** The fixture environment (test/fixtures/environments/fixture), loaded once per test file. */
export function fixtureEnvironment(): EnvironmentConfig {
  fixtureCache ??= loadEnvironment(FIXTURE_ENV, { environmentsDir: FIXTURE_ENVIRONMENTS_DIR });
  return fixtureCache;
}

/** `platform-fixture`. */
export const FIXTURE_PLATFORM_STACK = platformStackName(FIXTURE_ENV);
/** `tenant-fixture-<id>`. */
export const fixtureTenantStackName = (tenantId: string): string => tenantStackName(FIXTURE_ENV, tenantId);

const stackCache = new Map<string, SynthesizedStack>();
/**
 * A stack of the fixture environment as synthesized once for the whole run (jest globalSetup), for
 * example `fixtureStack('tenant-fixture-brightwave-leisure')`. Synthesizes them now if the run had no globalSetup.
 */
export function fixtureStack(name: string): SynthesizedStack {
  const cached = stackCache.get(name);
  if (cached) return cached;
  const dir = synthesizeFixtures(fixtureSynthDir());
  const file = fixtureStackFile(name, dir);
  if (!fs.existsSync(file)) {
    throw new Error(`fixtureStack: no stack "${name}" in the fixture environment; known: ${fixtureStackNames().join(', ')}`);
  }
  const stack = SynthesizedStack.parse(name, fs.readFileSync(file, 'utf8'));
  stackCache.set(name, stack);
  return stack;
}

/** Every stack name of the fixture environment, platform first. */
export function fixtureStackNames(): string[] {
  return JSON.parse(fs.readFileSync(path.join(synthesizeFixtures(fixtureSynthDir()), 'stacks.json'), 'utf8')) as string[];
}

/** Every fixture tenant stack, keyed by stack name, from the run's one synthesis. */
export function fixtureTenantStacks(): Map<string, SynthesizedStack> {
  return new Map(fixtureEnvironment().tenants.map((t) => [fixtureTenantStackName(t.id), fixtureStack(fixtureTenantStackName(t.id))]));
}

/** Synthesizes one stack (aspects included) and returns its JSON as Terraform will read it. */
export function synthStack(stack: TerraformStack): SynthesizedStack {
  return SynthesizedStack.parse(stack.node.id, Testing.synth(stack));
}

/**
 * A valid tenant for tests: the fields given override a minimal EEA tenant. Unless the overrides
 * say otherwise, every secret the tenant implies is recorded as populated, so its workloads run.
 */
export function makeTenant(overrides: Partial<TenantInput> = {}, env: EnvironmentConfig = fixtureEnvironment()): ResolvedTenant {
  const input: TenantInput = {
    id: 'test-tenant',
    displayName: 'Test Tenant',
    jurisdiction: 'EEA',
    region: 'europe-west1',
    sources: ['roller'],
    llmSupport: 'allowed',
    warehouse: { mode: 'smart-segments' },
    contacts: { security: 'security@test-tenant.example' },
    ...overrides,
  };
  if (overrides.populatedSecrets === undefined) input.populatedSecrets = tenantSecretIds(tenantSchema.parse(input));
  const tenant = tenantSchema.parse(input);
  return resolveTenant(env.platform, tenant, `test/${tenant.id}.yaml`);
}

/** Builds and synthesizes a TenantStack for a tenant made in the test. */
export function synthTenant(tenant: ResolvedTenant, env: EnvironmentConfig = fixtureEnvironment()): SynthesizedStack {
  const app = Testing.app();
  const stack = new TenantStack(app, { environment: env, tenant });
  return synthStack(stack);
}
