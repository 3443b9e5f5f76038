/**
 * Helpers for the rule tests: small stacks built in the test (raw provider resources or escape-hatch
 * overrides on real stacks), checked by one rule, with the outcome in the words the synthesis gate
 * would print.
 */
import { GcsBackend, Testing, TerraformResource, TerraformStack, type App } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { contextFor, evaluateStack, formatViolation, type EvaluatedFinding } from '../../compliance/engine';
import { CHECKS, checksOfControl } from '../../compliance/pack';
import type { Check } from '../../compliance/rule';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import type { EnvironmentConfig, ResolvedTenant } from '../../config/loader';
import { platformStackName, tenantStackName } from '../../config/naming';
import type { TenantInput } from '../../config/schema';
import { PlatformStack } from '../../stacks/platform-stack';
import { TenantStack } from '../../stacks/tenant-stack';
import { synthesizeStack } from '../../compliance/synth-gate';
import { FIXTURE_PLATFORM_STACK, fixtureEnvironment, fixtureStack, makeTenant } from '../support/synth';

export interface RuleOutcome {
  readonly findings: readonly EvaluatedFinding[];
  /** Violation messages exactly as the synthesis gate prints them. */
  readonly violations: readonly string[];
  readonly compliant: readonly string[];
  readonly statuses: readonly string[];
}

/** The example environment with `tenant` added (so the rules see it as one of the environment's tenants). */
export function environmentWith(tenant?: ResolvedTenant): EnvironmentConfig {
  const env = fixtureEnvironment();
  if (!tenant || env.tenants.some((t) => t.id === tenant.id)) return env;
  return { ...env, tenants: [...env.tenants, tenant].sort((a, b) => a.id.localeCompare(b.id)) };
}

/** The checks an id names: the one check `<CONTROL>/<concern>`, or every check of a control id. */
export function checksFor(id: string): Check[] {
  const one = CHECKS.filter((c) => c.id === id);
  const checks = one.length > 0 ? one : checksOfControl(id);
  if (checks.length === 0) throw new Error(`no check or control "${id}" in the pack`);
  return checks;
}

/** Runs one check, or every check of a control, on a synthesized stack of `env`. */
export function runRule(ruleId: string, stack: SynthesizedStack, env: EnvironmentConfig): RuleOutcome {
  const evaluation = evaluateStack(contextFor(stack, [env]), checksFor(ruleId));
  const findings = evaluation.outcomes.flatMap((o) => o.findings);
  return {
    findings,
    violations: evaluation.violations.map(formatViolation),
    compliant: findings.flatMap((f) => (f.status === 'compliant' ? [`${f.address}: ${f.detail}`] : [])),
    statuses: findings.map((f) => f.status),
  };
}

/** A bare tenant stack (provider and backend as TenantStack sets them) for raw resources. */
export function bareTenantStack(overrides: Partial<TenantInput> = {}): {
  app: App;
  stack: TerraformStack;
  tenant: ResolvedTenant;
  env: EnvironmentConfig;
} {
  const tenant = makeTenant({ id: 'rule-test', ...overrides });
  const env = environmentWith(tenant);
  const app = Testing.app();
  const name = tenantStackName(env.name, tenant.id);
  const stack = new TerraformStack(app, name);
  new GcsBackend(stack, { bucket: env.platform.stateBucket.name, prefix: `stacks/${name}` });
  new GoogleProvider(stack, 'google', { region: tenant.region });
  return { app, stack, tenant, env };
}

/** A bare platform stack of the example environment, for raw platform resources. */
export function barePlatformStack(): { stack: TerraformStack; env: EnvironmentConfig } {
  const env = fixtureEnvironment();
  const stack = new TerraformStack(Testing.app(), platformStackName(env.name));
  new GcsBackend(stack, { bucket: env.platform.stateBucket.name, prefix: `stacks/${platformStackName(env.name)}` });
  new GoogleProvider(stack, 'google', { region: 'europe-west1' });
  return { stack, env };
}

/** The real TenantStack of a test tenant, to break with escape-hatch overrides. */
export function realTenantStack(overrides: Partial<TenantInput> = {}): {
  stack: TenantStack;
  tenant: ResolvedTenant;
  env: EnvironmentConfig;
} {
  const tenant = makeTenant({ id: 'rule-test', ...overrides });
  const env = environmentWith(tenant);
  return { stack: new TenantStack(Testing.app(), { environment: env, tenant }), tenant, env };
}

/** The real PlatformStack of the example environment, to break with escape-hatch overrides. */
export function realPlatformStack(): { stack: PlatformStack; env: EnvironmentConfig } {
  const env = fixtureEnvironment();
  return { stack: new PlatformStack(Testing.app(), { environment: env }), env };
}

/**
 * Runs one rule on the fixture platform stack as the run's one synthesis wrote it (jest globalSetup,
 * both packs, suppressions in its metadata): the platform as built, without building it again.
 */
export function checkPlatformAsBuilt(ruleId: string): RuleOutcome {
  return runRule(ruleId, fixtureStack(FIXTURE_PLATFORM_STACK), fixtureEnvironment());
}

/** Runs one rule on `stack` synthesized as the gate does it (aspects run, metadata and suppressions kept). */
export function check(ruleId: string, stack: TerraformStack, env: EnvironmentConfig): RuleOutcome {
  return runRule(ruleId, synthesizeStack(stack), env);
}

/**
 * The rule rejects the stack: at least one violation, each naming the stack, the rule and its DPA
 * clause, and one naming `address` (a resource address fragment) when given.
 */
export function expectRejected(outcome: RuleOutcome, ruleId: string, stackName: string, address?: string | RegExp): void {
  expect(outcome.violations.length).toBeGreaterThan(0);
  const rule = checksFor(ruleId)[0];
  for (const v of outcome.violations) {
    expect(v).toContain(`[${stackName}]`);
    expect(v).toContain(ruleId);
    expect(v).toContain(`DPA ${rule.dpaClause}`);
    expect(v).toContain('Fix: ');
  }
  if (address !== undefined)
    expect(outcome.violations.some((v) => (typeof address === 'string' ? v.includes(address) : address.test(v)))).toBe(true);
}

/** The rule accepts the stack, having found something to prove it (not a vacuous "not applicable"). */
export function expectAccepted(outcome: RuleOutcome): void {
  expect(outcome.violations).toEqual([]);
  expect(outcome.compliant.length).toBeGreaterThan(0);
  expect(outcome.statuses).not.toContain('not-implemented');
}

/** The first resource of `type` in the stack (matching `predicate`), to change with an escape-hatch override. */
export function findResource(stack: TerraformStack, type: string, predicate: (r: TerraformResource) => boolean = () => true): TerraformResource {
  const found = stack.node
    .findAll()
    .find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === type && predicate(c));
  if (!found) throw new Error(`no ${type} in ${stack.node.id}`);
  return found;
}
