/**
 * Builds the one cdktf App from config: a PlatformStack per environment and a TenantStack per
 * tenant. `stacks` limits the build to the named stacks (the STACKS variable), so onboarding one
 * tenant does not synthesize all of them.
 */
import { App } from 'cdktf';
import { ConfigError } from '../config/config-error';
import { loadAllEnvironments, loadEnvironment, type EnvironmentConfig } from '../config/loader';
import { platformStackName, tenantStackName } from '../config/naming';
import { PlatformStack } from './platform-stack';
import { TenantStack } from './tenant-stack';
import { guardSynthesis, synthesizeStack, type PlatformStackSource } from '../compliance/synth-gate';
import type { SynthesizedStack } from '../compliance/synthesized-stack';

export interface BuildAppOptions {
  /** Folder holding one sub-folder per environment. Default: the repository's environments/. */
  readonly environmentsDir?: string;
  /** Only this environment. Default: every environment. */
  readonly environment?: string;
  /** Only these stack names. Default: every stack. */
  readonly stacks?: readonly string[];
  /** Output folder. Default: CDKTF_OUTDIR or cdktf.out. */
  readonly outdir?: string;
  /** Where the platform stack keeps its state. Default: `local` when PLATFORM_STATE_BACKEND=local (first deployment only), else `gcs`. */
  readonly platformStateBackend?: 'gcs' | 'local';
}

/** Parses a comma-separated STACKS value into names; empty means every stack. */
export function parseStackList(value: string | undefined): string[] | undefined {
  if (!value || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Tenants whose removal was confirmed after offboarding are no longer synthesized. */
export function synthesizedTenants(environment: EnvironmentConfig) {
  return environment.tenants.filter((t) => t.lifecycleView.synthesized);
}

export function stackNamesOf(environments: readonly EnvironmentConfig[]): string[] {
  return environments.flatMap((env) => [platformStackName(env.name), ...synthesizedTenants(env).map((t) => tenantStackName(env.name, t.id))]);
}

export function buildApp(options: BuildAppOptions = {}): App {
  const environments = options.environment
    ? [loadEnvironment(options.environment, { environmentsDir: options.environmentsDir })]
    : loadAllEnvironments(options.environmentsDir);
  const wanted = options.stacks ? new Set(options.stacks) : undefined;
  if (wanted) {
    const known = new Set(stackNamesOf(environments));
    const unknown = [...wanted].filter((s) => !known.has(s));
    if (unknown.length > 0) {
      throw new ConfigError([
        {
          file: 'STACKS',
          field: unknown.join(', '),
          message: `STACKS names unknown stack(s): ${unknown.join(', ')}; known stacks: ${[...known].sort().join(', ')}`,
        },
      ]);
    }
  }
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const platformStateBackend = options.platformStateBackend ?? (process.env.PLATFORM_STATE_BACKEND === 'local' ? 'local' : 'gcs');
  for (const environment of environments) {
    if (!wanted || wanted.has(platformStackName(environment.name))) {
      new PlatformStack(app, { environment, stateBackend: platformStateBackend });
    }
    for (const tenant of synthesizedTenants(environment)) {
      if (wanted && !wanted.has(tenantStackName(environment.name, tenant.id))) continue;
      new TenantStack(app, { environment, tenant });
    }
  }
  // Both check packs judge every stack before anything is written (compliance/synth-gate.ts).
  guardSynthesis(app, environments, { platformStackOf: platformStackInMemory(app.outdir, platformStateBackend) });
  return app;
}

/**
 * The deployability pack reads the environment's platform stack (the identities that plan and apply
 * every stack) even when STACKS names only tenant stacks: build it in an App of its own, synthesized
 * in memory only (never written), once per environment and only when asked.
 */
function platformStackInMemory(outdir: string, stateBackend: 'gcs' | 'local'): PlatformStackSource {
  const built = new Map<string, SynthesizedStack>();
  return (environment) => {
    let stack = built.get(environment.name);
    if (!stack) {
      // Same outdir as the real app, which already exists: constructing an App writes nothing else.
      const scratch = new App({ outdir, skipValidation: true });
      stack = synthesizeStack(new PlatformStack(scratch, { environment, stateBackend }));
      built.set(environment.name, stack);
    }
    return stack;
  };
}
