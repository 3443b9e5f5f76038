/**
 * `npm run feature`: turns a tenant's feature off in two deploys, retire then remove (see `--help`
 * and docs/tenant-lifecycle.md). A thin command line over scripts/lib/feature.ts and
 * scripts/lib/tenant-change.ts.
 */
import * as fs from 'fs';
import { featureSecretIds } from '../config/features';
import { tenantStackName } from '../config/naming';
import { EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { FEATURE_SPEC, featureFromFlag, removeRefusal, withFeatureRemoved, withRetiring } from './lib/feature';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { applyTenantChange, ONE_STEP, type TransitionCheck } from './lib/tenant-change';
import { tenantTextProblems } from './lib/tenant-file';
import { existingTenantFile, loadExistingTenant } from './lib/tenant-target';

export interface FeatureOptions {
  /** The transition check on the script's own change. Default: transitionProblems; tests inject a refusal. */
  readonly transitionOf?: TransitionCheck;
}

export function main(argv: readonly string[], io: Io = processIo, options: FeatureOptions = {}): number {
  const commandLine = readCommandLine(argv, FEATURE_SPEC, io, 'feature');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const problems: string[] = [];
  const steps = (['retire', 'remove'] as const).filter((s) => v[s] !== undefined);
  if (steps.length !== 1) {
    problems.push(steps.length === 0 ? 'choose one step: --retire <feature> or --remove <feature>' : '--retire and --remove cannot be combined; retire, deploy, then remove');
  }
  const environmentsDir = environmentsDirFrom(stringFlag(v, 'environments-dir'));
  const env = stringFlag(v, 'env')!;
  const id = stringFlag(v, 'tenant')!;
  const { file, problems: targetProblems } = existingTenantFile(environmentsDir, env, id);
  problems.push(...targetProblems);
  if (problems.length > 0 || !file) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }
  const tenant = loadExistingTenant(io, environmentsDir, env, id);
  if (!tenant) return EXIT_USAGE;

  const step = steps[0];
  const { feature, problem } = featureFromFlag(step, stringFlag(v, step)!, tenant);
  if (!feature) {
    reportProblems(io, [problem!]);
    return EXIT_USAGE;
  }
  const base = `npm run feature -- --env ${env} --tenant ${id}`;
  if (step === 'retire' && tenant.retiringFeatures.includes(feature)) {
    io.out(`${feature} is already retiring for tenant "${id}". Nothing was written. Once that change is deployed: ${base} --remove ${feature}`);
    return EXIT_OK;
  }
  if (step === 'remove') {
    const refusal = removeRefusal(env, tenant, feature);
    if (refusal) {
      reportProblems(io, [refusal]);
      return EXIT_USAGE;
    }
  }

  const before = fs.readFileSync(file, 'utf8');
  const after = step === 'retire' ? withRetiring(before, feature) : withFeatureRemoved(before, tenant, feature);
  const invalid = tenantTextProblems(after, file);
  if (invalid.length > 0) {
    const hint =
      step === 'remove' && feature === 'source:roller'
        ? '; remove conversion-tracking first (it relays events from the ROLLER checkout)'
        : '';
    reportProblems(io, invalid.map((p) => `--${step} ${feature}: ${p}${hint}`));
    return EXIT_USAGE;
  }
  const result = applyTenantChange(io, { file, before, after, environmentsDir, env, tenantId: id, command: 'feature', transitionOf: options.transitionOf });
  if (result.exitCode !== EXIT_OK) return result.exitCode;

  const stack = tenantStackName(env, id);
  // Only the tenant's stack changes: the platform stack reads no tenant.
  const deploy = [`  npx cdktf deploy ${stack}`];
  if (step === 'retire') {
    io.out(
      [
        `${feature} of tenant "${id}" is retiring; ${displayPath(file)} was updated.`,
        `  stack: ${stack} (synthesized to ${result.stackOutput})`,
        `  change: ${ONE_STEP}`,
        "  its resources stay, with delete protection lifted; nothing is removed yet.",
        '',
        'Next: commit the file and open a change request. After merge CI deploys it:',
        ...deploy,
        'Only after that deploy has succeeded, remove the feature (the resources then leave in the next deploy):',
        `  ${base} --remove ${feature}`,
      ].join('\n'),
    );
  } else {
    const secrets = featureSecretIds(tenant, feature);
    io.out(
      [
        `${feature} was removed from tenant "${id}"; ${displayPath(file)} was updated.`,
        `  stack: ${stack} (synthesized to ${result.stackOutput})`,
        `  change: ${ONE_STEP}`,
        ...(secrets.length > 0 ? [`  secrets leaving with it (and from populatedSecrets): ${secrets.join(', ')}`] : []),
        '',
        `Next: commit the file and open a change request; CI's transition check (npm run plan-check -- --base <revision>)`,
        'confirms that everything leaving was unprotected in the base. After merge CI deploys it, removing the resources:',
        ...deploy,
      ].join('\n'),
    );
  }
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
