/**
 * The compliance gate of synthesis: before `app.synth()` writes anything, every stack is prepared,
 * its aspects are run and its Terraform JSON is built in memory (escape-hatch overrides included,
 * exactly what cdk.tf.json will hold), and both check packs judge it: the DPA rule pack
 * (compliance/pack.ts) and the deployability pack (compliance/deployability/pack.ts, what Google
 * Cloud needs at apply time). One violation of either anywhere stops synthesis with a
 * ComplianceError that lists them all, and no stack is written. After writing, the
 * gate re-reads every cdk.tf.json and fails if it differs from what was checked, so what passed is
 * what Terraform gets.
 *
 * cdktf runs aspects again when it writes (as Testing.synth does on every call), so aspects must be
 * idempotent; the re-read above catches one that is not.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IConstruct } from 'constructs';
import { Aspects, TerraformStack, type App, type IAspect } from 'cdktf';
import type { EnvironmentConfig } from '../config/loader';
import { platformStackName } from '../config/naming';
import { ComplianceError, contextFor, evaluateStack, type StackEvaluation, type Violation } from './engine';
import type { DeployContext } from './deployability/check';
import { evaluateDeployability, type DeployEvaluation } from './deployability/pack';
import { SynthesizedStack, type TerraformJson } from './synthesized-stack';

/** JSON with sorted keys, for comparing what was checked with what was written. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

export function stacksOf(app: App): TerraformStack[] {
  return app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
}

/**
 * Runs the aspects of a construct tree as cdktf's own synthesizer does (each aspect once per node,
 * inherited from every scope above), through the public Aspects API rather than cdktf internals.
 */
function invokeAspects(root: IConstruct): void {
  const visit = (construct: IConstruct, inherited: readonly IAspect[]) => {
    const all = [...inherited, ...Aspects.of(construct).all];
    for (const aspect of new Set(all)) aspect.visit(construct);
    for (const child of construct.node.children) visit(child, all);
  };
  visit(root, []);
}

/** A prepared stack's Terraform JSON with its aspects run, `//` metadata (paths, suppressions) included. */
function toSynthesized(stack: TerraformStack): SynthesizedStack {
  invokeAspects(stack);
  // A JSON round trip drops undefined values, as the writer does.
  return new SynthesizedStack(stack.node.id, JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson);
}

/**
 * Every stack of the app as Terraform will read it, without writing: prepared (backends,
 * cross-stack outputs) and with aspects run, in the order cdktf synthesizes them.
 */
export function synthesizeInMemory(app: App): SynthesizedStack[] {
  const stacks = stacksOf(app);
  stacks.forEach((s) => s.prepareStack());
  return stacks.map(toSynthesized);
}

/**
 * One stack as the gate sees it. Unlike cdktf's Testing.synth, which drops the `//` metadata,
 * it keeps construct paths and suppressions.
 */
export function synthesizeStack(stack: TerraformStack): SynthesizedStack {
  stack.prepareStack();
  return toSynthesized(stack);
}

/** Runs the pack on every stack of `app`; returns the evaluations (the caller decides what fails). */
export function evaluateApp(
  app: App,
  environments: readonly EnvironmentConfig[],
): { stacks: SynthesizedStack[]; evaluations: StackEvaluation[] } {
  const stacks = synthesizeInMemory(app);
  const evaluations = stacks.map((s) => evaluateStack(contextFor(s, environments)));
  return { stacks, evaluations };
}

/**
 * Gives the deployability pack an environment's platform stack when the app does not build it (STACKS
 * names only tenant stacks): the stacks layer builds and synthesizes it in memory (compliance/ never
 * imports stacks/).
 */
export type PlatformStackSource = (environment: EnvironmentConfig) => SynthesizedStack;

/**
 * The deployability pack's context for every synthesized stack: kind, environment and tenant as the
 * DPA pack places them, and the environment's platform stack (from the app, else from `platformStackOf`).
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
      throw new Error(`the deployability pack needs ${name} to check the stacks of environment ${environment.name}; build it in the app or pass a platform stack source to guardSynthesis`);
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

export interface GuardOptions {
  /** The platform stack of an environment the app does not build (see PlatformStackSource). */
  readonly platformStackOf?: PlatformStackSource;
}

/**
 * Makes `app.synth()` check both packs first: a violation of either throws one ComplianceError
 * listing all of them, and nothing is written. Call once, after every stack has been added.
 */
export function guardSynthesis(app: App, environments: readonly EnvironmentConfig[], options: GuardOptions = {}): void {
  const write = app.synth.bind(app);
  app.synth = () => {
    const { stacks, evaluations } = evaluateApp(app, environments);
    const violations: Violation[] = [
      ...evaluations.flatMap((e) => e.violations),
      ...evaluateDeployabilityOf(stacks, environments, options.platformStackOf).flatMap((e) => e.violations),
    ];
    if (violations.length > 0) throw new ComplianceError(violations);
    write();
    for (const checked of stacks) {
      const file = path.join(app.outdir, 'stacks', checked.name, 'cdk.tf.json');
      const written = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (canonical(written) !== canonical(checked.json)) {
        throw new Error(
          `compliance: ${file} differs from the JSON the rules checked; an aspect or escape hatch changed the stack during writing (aspects must be idempotent). Do not deploy this output.`,
        );
      }
    }
  };
}
