/** Test helpers: load config, build stacks in memory and read their synthesized JSON. */
import * as path from 'path';
import { Testing, type TerraformStack } from 'cdktf';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { loadEnvironment, resolveTenant, type EnvironmentConfig, type ResolvedTenant } from '../../config/loader';
import { tenantSchema, type TenantInput } from '../../config/schema';
import { tenantSecretIds } from '../../config/naming';
import { TenantStack } from '../../stacks/tenant-stack';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ENVIRONMENTS_DIR = path.join(REPO_ROOT, 'environments');

let exampleCache: EnvironmentConfig | undefined;
export function exampleEnvironment(): EnvironmentConfig {
  exampleCache ??= loadEnvironment('example', { environmentsDir: ENVIRONMENTS_DIR });
  return exampleCache;
}

/** Synthesizes one stack (aspects included) and returns its JSON as Terraform will read it. */
export function synthStack(stack: TerraformStack): SynthesizedStack {
  return SynthesizedStack.parse(stack.node.id, Testing.synth(stack));
}

/**
 * A valid tenant for tests: the fields given override a minimal EEA tenant. Unless the overrides
 * say otherwise, every secret the tenant implies is recorded as populated, so its workloads run.
 */
export function makeTenant(overrides: Partial<TenantInput> = {}, env: EnvironmentConfig = exampleEnvironment()): ResolvedTenant {
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
export function synthTenant(tenant: ResolvedTenant, env: EnvironmentConfig = exampleEnvironment()): SynthesizedStack {
  const app = Testing.app();
  const stack = new TenantStack(app, { environment: env, tenant });
  return synthStack(stack);
}

/** Synthesizes every example tenant stack, keyed by stack name. */
export function synthExampleTenants(): Map<string, SynthesizedStack> {
  const env = exampleEnvironment();
  const out = new Map<string, SynthesizedStack>();
  for (const tenant of env.tenants) {
    const s = synthTenant(tenant, env);
    out.set(s.name, s);
  }
  return out;
}
