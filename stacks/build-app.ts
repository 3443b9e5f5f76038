/**
 * Builds the one cdktf App from config: a PlatformStack per environment and a TenantStack per
 * tenant. `stacks` limits the build to the named stacks (the STACKS variable), so onboarding one
 * tenant does not synthesize all of them. Building writes nothing but the empty output folder cdktf's
 * App creates; synthesis, both check packs and promotion are scripts/lib/synthesis.ts.
 */
import { App } from 'cdktf';
import { ConfigError } from '../config/config-error';
import { loadAllEnvironments, loadEnvironment, type EnvironmentConfig } from '../config/loader';
import { platformStackName, tenantStackName } from '../config/naming';
import { PlatformStack } from './platform-stack';
import { TenantStack } from './tenant-stack';

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
  /** Environments already loaded (the synthesis pipeline loads them once per process); otherwise read from environmentsDir. */
  readonly loaded?: readonly EnvironmentConfig[];
}

/** The environments the options name: one (`environment`) or every one under `environmentsDir`. */
export function loadEnvironments(options: Pick<BuildAppOptions, 'environmentsDir' | 'environment'> = {}): EnvironmentConfig[] {
  return options.environment
    ? [loadEnvironment(options.environment, { environmentsDir: options.environmentsDir })]
    : loadAllEnvironments(options.environmentsDir);
}

/** Default for BuildAppOptions.platformStateBackend. */
export function platformStateBackendFromEnv(): 'gcs' | 'local' {
  return process.env.PLATFORM_STATE_BACKEND === 'local' ? 'local' : 'gcs';
}

/** Refuses stack names no environment synthesizes, naming the known ones (STACKS is the user's input). */
export function assertKnownStacks(environments: readonly EnvironmentConfig[], wanted: Iterable<string>): void {
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
  const environments = options.loaded ?? loadEnvironments(options);
  const wanted = options.stacks ? new Set(options.stacks) : undefined;
  if (wanted) assertKnownStacks(environments, wanted);
  const app = new App({ outdir: options.outdir, skipValidation: false });
  const platformStateBackend = options.platformStateBackend ?? platformStateBackendFromEnv();
  for (const environment of environments) {
    if (!wanted || wanted.has(platformStackName(environment.name))) {
      new PlatformStack(app, { environment, stateBackend: platformStateBackend });
    }
    for (const tenant of synthesizedTenants(environment)) {
      if (wanted && !wanted.has(tenantStackName(environment.name, tenant.id))) continue;
      new TenantStack(app, { environment, tenant });
    }
  }
  return app;
}
