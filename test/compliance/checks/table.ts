/**
 * Table-driven check tests: each check gets `{ check, violating, compliant }`, a list of small
 * hand-written Terraform JSON stacks that it must reject (naming the check) or accept (with
 * evidence). No cdktf synthesis: the fixtures are plain JSON and the config is built in memory, so
 * a table runs in milliseconds and Stryker can run it for every mutant.
 */
import { contextFor, evaluateStack, formatViolation } from '../../../compliance/engine';
import type { Check } from '../../../compliance/rule';
import { SynthesizedStack, type TerraformJson } from '../../../compliance/synthesized-stack';
import { resolveTenant, type EnvironmentConfig, type ResolvedTenant } from '../../../config/loader';
import { platformStackName, tenantStackName } from '../../../config/naming';
import { platformDocument } from '../../../scripts/lib/generated-environment';
import { platformSchema, tenantSchema, type PlatformConfig, type TenantInput } from '../../../config/schema';

/** A platform config like the example's, built in memory (tests never read the users' example environment). */
export const TABLE_PLATFORM = platformSchema.parse(platformDocument({ environment: 'tables', projectPrefix: 'ssx' }));

/** A tenant of the table environment: the fields given override a minimal EEA tenant. */
export function tableTenant(overrides: Partial<TenantInput> = {}): ResolvedTenant {
  const tenant = tenantSchema.parse({
    id: 'acme',
    displayName: 'Acme',
    jurisdiction: 'EEA',
    region: 'europe-west1',
    sources: ['roller'],
    llmSupport: 'allowed',
    warehouse: { mode: 'smart-segments' },
    contacts: { security: 'security@acme.example' },
    ...overrides,
  });
  return resolveTenant(TABLE_PLATFORM, tenant, `test/${tenant.id}.yaml`);
}

/** The tenant the fixtures are written for (project ssx-acme-...) and a neighbour for isolation checks. */
export const ACME = tableTenant();
export const GLOBEX = tableTenant({ id: 'globex', displayName: 'Globex' });

/** A Terraform JSON document holding `resource` (and anything else given, such as `data` or `provider`). */
export function stackJson(resource: Record<string, Record<string, Record<string, unknown>>>, rest: Omit<TerraformJson, 'resource'> = {}): TerraformJson {
  return { ...rest, resource };
}

export interface Fixture {
  /** What the case shows, for the test title. */
  readonly name: string;
  readonly json: TerraformJson;
  /** Default: a tenant stack of `tenant`. */
  readonly kind?: 'tenant' | 'platform';
  /** The tenant of a tenant stack; default ACME. */
  readonly tenant?: ResolvedTenant;
  /** Further tenants of the environment besides the stack's own; default GLOBEX. */
  readonly others?: readonly ResolvedTenant[];
  /** Platform settings that differ from TABLE_PLATFORM. */
  readonly platform?: Partial<PlatformConfig>;
  /** For a violating case: an address the violation must name. */
  readonly address?: string;
  /** For a violating case: what one violation's problem must say (a number, a setting), beyond naming the check. */
  readonly problem?: RegExp;
  /** For a violating case: what one violation's fix must say (the value to set), beyond being a sentence. */
  readonly fix?: RegExp;
  /** What one piece of evidence must say (in a violating case: evidence still reported beside the violation). */
  readonly evidence?: RegExp;
  /** For an inapplicable case: what the not-applicable reason must say (the check's own, not the engine's default). */
  readonly reason?: RegExp;
  /** Evidence that must not appear (a check that claims more than it found is as wrong as one that misses). */
  readonly absent?: RegExp;
}

export interface CheckTable {
  readonly check: Check;
  readonly violating: readonly Fixture[];
  readonly compliant: readonly Fixture[];
  /** Stacks the check has nothing to judge in: no violation and no evidence, only "not applicable". */
  readonly inapplicable?: readonly Fixture[];
}

export interface TableOutcome {
  readonly violations: readonly string[];
  readonly problems: ReadonlyArray<{ readonly problem: string; readonly fix: string }>;
  readonly compliant: readonly string[];
  readonly statuses: readonly string[];
  readonly reasons: readonly string[];
  /** Findings that are not one of the four kinds (the engine would drop them silently: a check bug). */
  readonly malformed: readonly unknown[];
}

const FINDING_STATUSES: ReadonlySet<unknown> = new Set(['compliant', 'non-compliant', 'not-applicable', 'not-implemented']);

function environmentOf(f: Fixture): EnvironmentConfig {
  const tenant = f.tenant ?? ACME;
  const tenants = [tenant, ...(f.others ?? [GLOBEX]).filter((t) => t.id !== tenant.id)].sort((a, b) => a.id.localeCompare(b.id));
  return { name: TABLE_PLATFORM.environment, dir: '(in memory)', platform: { ...TABLE_PLATFORM, ...f.platform }, tenants };
}

/** The stack name of a fixture, as contextFor places it. */
export function stackNameOf(f: Fixture): string {
  return f.kind === 'platform' ? platformStackName(TABLE_PLATFORM.environment) : tenantStackName(TABLE_PLATFORM.environment, (f.tenant ?? ACME).id);
}

/** Runs one check on one fixture through the engine, as the synthesis gate would. */
export function runCheck(check: Check, f: Fixture): TableOutcome {
  const stack = new SynthesizedStack(stackNameOf(f), f.json);
  const evaluation = evaluateStack(contextFor(stack, [environmentOf(f)]), [check]);
  const findings = evaluation.outcomes.flatMap((o) => o.findings);
  return {
    violations: evaluation.violations.map(formatViolation),
    problems: evaluation.violations.map((v) => ({ problem: v.problem, fix: v.fix })),
    compliant: findings.flatMap((x) => (x.status === 'compliant' ? [`${x.address}: ${x.detail}`] : [])),
    statuses: findings.map((x) => x.status),
    reasons: findings.flatMap((x) => (x.status === 'not-applicable' ? [x.reason] : [])),
    malformed: findings.filter((x: unknown) => !(x && typeof x === 'object' && FINDING_STATUSES.has((x as { status?: unknown }).status))),
  };
}

/** The check rejects the fixture: every violation names the stack, the check, its DPA clause and a fix. */
export function expectRejected(check: Check, f: Fixture): void {
  const outcome = runCheck(check, f);
  expect(outcome.malformed).toEqual([]);
  expect(outcome.violations.length).toBeGreaterThan(0);
  for (const v of outcome.violations) {
    expect(v).toContain(`[${stackNameOf(f)}]`);
    expect(v).toContain(check.id);
    expect(v).toContain(`DPA ${check.dpaClause}`);
    expect(v).toContain('Fix: ');
  }
  // A message a developer can act on: a sentence saying what is wrong and one saying what to change.
  for (const p of outcome.problems) {
    // Rejected for what the check judges, not because it crashed on the fixture (the engine fails closed).
    expect(p.problem).not.toMatch(/^the rule could not check this stack/);
    expect(p.problem).toMatch(/^\S.{14,}/s);
    expect(p.fix).toMatch(/^\S.{9,}/s);
  }
  if (f.address !== undefined) expect(outcome.violations.filter((v) => v.includes(` ${f.address} `))).not.toEqual([]);
  if (f.problem !== undefined) expect(outcome.problems.map((p) => p.problem).filter((p) => f.problem!.test(p))).not.toEqual([]);
  if (f.fix !== undefined) expect(outcome.problems.map((p) => p.fix).filter((x) => f.fix!.test(x))).not.toEqual([]);
  if (f.evidence !== undefined) expect(outcome.compliant.filter((c) => f.evidence!.test(c))).not.toEqual([]);
  if (f.absent !== undefined) expect(outcome.compliant.filter((c) => f.absent!.test(c))).toEqual([]);
}

/** The check finds nothing to judge: neither a violation nor evidence. */
export function expectNotApplicable(check: Check, f: Fixture): void {
  const outcome = runCheck(check, f);
  expect(outcome.malformed).toEqual([]);
  expect(outcome.violations).toEqual([]);
  expect(outcome.compliant).toEqual([]);
  expect(outcome.statuses).toContain('not-applicable');
  if (f.reason !== undefined) expect(outcome.reasons.filter((r) => f.reason!.test(r))).not.toEqual([]);
}

/** The check accepts the fixture having found evidence (not a vacuous "not applicable"). */
export function expectAccepted(check: Check, f: Fixture): void {
  const outcome = runCheck(check, f);
  expect(outcome.malformed).toEqual([]);
  expect(outcome.violations).toEqual([]);
  expect(outcome.compliant.length).toBeGreaterThan(0);
  for (const c of outcome.compliant) expect(c).toMatch(/: \S.{4,}/);
  expect(outcome.statuses).not.toContain('not-implemented');
  if (f.evidence !== undefined) expect(outcome.compliant.filter((c) => f.evidence!.test(c))).not.toEqual([]);
  if (f.absent !== undefined) expect(outcome.compliant.filter((c) => f.absent!.test(c))).toEqual([]);
}
