/**
 * `npm run onboard`: adds a tenant with one command (see `--help` and docs/tenant-lifecycle.md).
 * A thin command line over scripts/lib/onboarding.ts: validate, write the file atomically,
 * synthesize the new stack (with the platform stack, which serves every tenant), install only the
 * new stack's output, and undo the write if anything fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { platformStackName, tenantStackName } from '../config/naming';
import { writeFileAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { ONBOARD_SPEC, onboardingNextSteps, planNewTenant } from './lib/onboarding';
import { displayPath, environmentsDirFrom, outdirFromEnv } from './lib/paths';
import { installStack, makeStagingDir, synthesize } from './lib/synth';

export function main(argv: readonly string[], io: Io = processIo): number {
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
  // The platform stack serves every tenant (registry access for its workloads, its contact domains,
  // its folder), so it is synthesized with the new tenant too: a rule it breaks there fails here,
  // not later in CI. Only the tenant's own output is installed; the platform's stays as it was.
  const platform = platformStackName(environment.name);

  try {
    writeFileAtomic(file, text, { overwrite: false });
  } catch (e) {
    reportProblems(io, [`cannot write ${displayPath(file)}: ${(e as Error).message}`]);
    return EXIT_FAILED;
  }
  // From here on every failure removes the new file again (if it is still ours).
  const undo = () => {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) fs.rmSync(file);
  };
  const rolledBack = `${displayPath(file)} was removed again; nothing was changed.`;

  const outdir = outdirFromEnv();
  const outdirExisted = fs.existsSync(outdir);
  let staging: string | undefined;
  let installed = false;
  try {
    staging = makeStagingDir(outdir, 'onboard');
    const result = synthesize({ stacks: [stack, platform], environmentsDir, outdir: staging });
    if (!result.ok) {
      undo();
      io.err(result.output);
      reportProblems(io, [`synthesis of ${stack} and ${platform} failed (output above)`], rolledBack);
      return EXIT_FAILED;
    }
    installStack(staging, outdir, stack);
    installed = true;
  } catch (e) {
    undo();
    reportProblems(io, [(e as Error).message], rolledBack);
    return EXIT_FAILED;
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    // An output folder made only to stage a failed synthesis goes too.
    if (!installed && !outdirExisted && fs.existsSync(outdir) && fs.readdirSync(outdir).length === 0) fs.rmdirSync(outdir);
  }

  io.out(
    [
      `Onboarded tenant "${tenant.id}" (${tenant.displayName}) in environment "${environment.name}".`,
      `  file:    ${displayPath(file)}`,
      `  stack:   ${stack} (synthesized to ${displayPath(path.join(outdir, 'stacks', stack, 'cdk.tf.json'))})`,
      `  project: ${tenant.projectId} (${tenant.jurisdiction}, ${tenant.region})`,
      '',
      ...onboardingNextSteps(environment.name, tenant, platform, stack),
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli(main);
