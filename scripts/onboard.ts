/**
 * `npm run onboard`: adds a tenant with one command (see `--help` and docs/tenant-lifecycle.md).
 * A thin command line over scripts/lib/onboarding.ts (validate) and scripts/lib/tenant-change.ts:
 * synthesize the new stack (with the platform stack, which serves every tenant), check that the
 * change applies in one step, then write the file atomically and install only the new stack's output.
 */
import { tenantStackName } from '../config/naming';
import { EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { ONBOARD_SPEC, onboardingNextSteps, planNewTenant } from './lib/onboarding';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { applyTenantChange, ONE_STEP, type TransitionCheck } from './lib/tenant-change';

export interface OnboardOptions {
  /** The transition check on the new tenant's change. Default: transitionProblems; tests inject a refusal. */
  readonly transitionOf?: TransitionCheck;
}

export function main(argv: readonly string[], io: Io = processIo, options: OnboardOptions = {}): number {
  const commandLine = readCommandLine(argv, ONBOARD_SPEC, io, 'onboard');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const environmentsDir = environmentsDirFrom(stringFlag(commandLine.values, 'environments-dir'));
  const { plan, problems } = planNewTenant(environmentsDir, commandLine.values);
  if (!plan) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }
  const { environment, tenant, file, text } = plan;
  const stack = tenantStackName(environment.name, tenant.id);
  const result = applyTenantChange(io, {
    file,
    before: undefined,
    after: text,
    environmentsDir,
    env: environment.name,
    tenantId: tenant.id,
    command: 'onboard',
    transitionOf: options.transitionOf,
  });
  if (result.exitCode !== EXIT_OK) return result.exitCode;

  io.out(
    [
      `Onboarded tenant "${tenant.id}" (${tenant.displayName}) in environment "${environment.name}".`,
      `  file:    ${displayPath(file)}`,
      `  stack:   ${stack} (synthesized to ${result.stackOutput})`,
      `  change:  ${ONE_STEP}`,
      `  project: ${tenant.projectId} (${tenant.jurisdiction}, ${tenant.region})`,
      '',
      ...onboardingNextSteps(environment.name, tenant, stack, environment.platform.images),
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
