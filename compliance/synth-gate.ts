/**
 * The compliance gate of synthesis, over stacks already synthesized: both check packs, the DPA rule
 * pack (compliance/pack.ts) and the deployability pack (compliance/deployability/pack.ts, what Google
 * Cloud needs at apply time), judge the Terraform JSON exactly as it was written (escape-hatch
 * overrides and aspects included, read back from cdk.tf.json by the synthesis pipeline in
 * scripts/lib/synthesis.ts). The pipeline promotes an output only when this gate finds no violation.
 *
 * The in-memory helpers at the end (synthesizeStack, synthesizeInMemory, evaluateApp) serve tests and
 * reports that judge a construct tree without writing it; they run cdktf's own aspect invocation.
 */
import { TerraformStack, type App } from 'cdktf';
// cdktf's own aspect invocation, the one app.synth() runs (exported by its module, not by the package root).
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { EnvironmentConfig } from '../config/loader';
import { platformStackName } from '../config/naming';
import { contextFor, evaluateStack, type StackEvaluation, type Violation } from './engine';
import type { DeployContext } from './deployability/check';
import { evaluateDeployability, type DeployEvaluation } from './deployability/pack';
import { SynthesizedStack, type TerraformJson } from './synthesized-stack';

/**
 * Gives the deployability pack an environment's platform stack when the stacks checked do not include
 * it (STACKS names only tenant stacks, or a shard without the platform): the caller synthesizes or
 * reads it (compliance/ never imports stacks/).
 */
export type PlatformStackSource = (environment: EnvironmentConfig) => SynthesizedStack;

/**
 * The deployability pack's context for every synthesized stack: kind, environment and tenant as the
 * DPA pack places them, and the environment's platform stack (from `stacks`, else from `platformStackOf`).
 */
export function deployContextsFor(
  stacks: readonly SynthesizedStack[],
  environments: readonly EnvironmentConfig[],
  platformStackOf?: PlatformStackSource,
): DeployContext[] {
  const platforms = new Map<string, SynthesizedStack>();
  const platformOf = (environment: EnvironmentConfig): SynthesizedStack => {
    const name = platformStackName(environment.name);
    const known = platforms.get(name) ?? stacks.find((s) => s.name === name);
    if (known) return known;
    if (!platformStackOf) {
      throw new Error(`the deployability pack needs ${name} to check the stacks of environment ${environment.name}; check it with them or pass a platform stack source`);
    }
    const built = platformStackOf(environment);
    platforms.set(name, built);
    return built;
  };
  return stacks.map((stack) => {
    const ctx = contextFor(stack, environments);
    return { stack, kind: ctx.kind, environment: ctx.environment, tenant: ctx.tenant, platform: platformOf(ctx.environment) };
  });
}

/** Runs the deployability pack on every stack given. */
export function evaluateDeployabilityOf(
  stacks: readonly SynthesizedStack[],
  environments: readonly EnvironmentConfig[],
  platformStackOf?: PlatformStackSource,
): DeployEvaluation[] {
  return deployContextsFor(stacks, environments, platformStackOf).map((ctx) => evaluateDeployability(ctx));
}

export interface GateResult {
  /** The DPA rule pack's evaluation of each stack, in the order given. */
  readonly evaluations: StackEvaluation[];
  /** The deployability pack's evaluation of each stack, in the order given. */
  readonly deployEvaluations: DeployEvaluation[];
  /** Every violation of either pack; empty means the stacks may be promoted. */
  readonly violations: Violation[];
}

/** Both packs over synthesized stacks. The caller decides what a violation stops (see ComplianceError). */
export function checkSynthesizedStacks(
  stacks: readonly SynthesizedStack[],
  environments: readonly EnvironmentConfig[],
  platformStackOf?: PlatformStackSource,
): GateResult {
  const evaluations = stacks.map((s) => evaluateStack(contextFor(s, environments)));
  const deployEvaluations = evaluateDeployabilityOf(stacks, environments, platformStackOf);
  return {
    evaluations,
    deployEvaluations,
    violations: [...evaluations.flatMap((e) => e.violations), ...deployEvaluations.flatMap((e) => e.violations)],
  };
}

export function stacksOf(app: App): TerraformStack[] {
  return app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
}

/** A prepared stack's Terraform JSON with cdktf's aspects run, `//` metadata (paths, suppressions) included. */
function toSynthesized(stack: TerraformStack): SynthesizedStack {
  invokeAspects(stack);
  // A JSON round trip drops undefined values, as the writer does.
  return new SynthesizedStack(stack.node.id, JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson);
}

/**
 * In memory, for tests and reports: every stack of the app as Terraform will read it, without
 * writing: prepared (backends, cross-stack outputs) and with aspects run, in the order cdktf
 * synthesizes them. Synthesis to disk goes through scripts/lib/synthesis.ts instead.
 */
export function synthesizeInMemory(app: App): SynthesizedStack[] {
  const stacks = stacksOf(app);
  stacks.forEach((s) => s.prepareStack());
  return stacks.map(toSynthesized);
}

/**
 * In memory, for tests: one stack as the gate sees it. Unlike cdktf's Testing.synth, which drops the
 * `//` metadata, it keeps construct paths and suppressions.
 */
export function synthesizeStack(stack: TerraformStack): SynthesizedStack {
  stack.prepareStack();
  return toSynthesized(stack);
}

/** In memory, for reports and tests: the DPA pack on every stack of `app` (the caller decides what fails). */
export function evaluateApp(
  app: App,
  environments: readonly EnvironmentConfig[],
): { stacks: SynthesizedStack[]; evaluations: StackEvaluation[] } {
  const stacks = synthesizeInMemory(app);
  const evaluations = stacks.map((s) => evaluateStack(contextFor(s, environments)));
  return { stacks, evaluations };
}
