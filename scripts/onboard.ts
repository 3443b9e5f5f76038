/**
 * `npm run onboard`: adds a tenant with one command (see `--help` and docs/tenant-lifecycle.md).
 * A thin command line over scripts/lib/onboarding.ts: validate, write the file atomically,
 * synthesize only the new stack, and undo the write if synthesis fails.
 */
import * as fs from 'fs';
import { tenantStackName } from '../config/naming';
import { writeFileAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, formatHelp, parseFlags, processIo, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { ONBOARD_SPEC, planNewTenant } from './lib/onboarding';
import { displayPath, environmentsDirFrom, outdirFromEnv } from './lib/paths';
import { installStack, makeStagingDir, synthesize } from './lib/synth';

export function main(argv: readonly string[], io: Io = processIo): number {
  const parsed = parseFlags(argv, ONBOARD_SPEC);
  if (parsed.help) {
    io.out(formatHelp(ONBOARD_SPEC));
    return EXIT_OK;
  }
  if (parsed.problems.length > 0) {
    reportProblems(io, parsed.problems, 'Nothing was written. See npm run onboard -- --help.');
    return EXIT_USAGE;
  }
  const environmentsDir = environmentsDirFrom(stringFlag(parsed.values, 'environments-dir'));
  const { plan, problems } = planNewTenant(environmentsDir, parsed.values);
  if (!plan) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }
  const { environment, tenant, file, text } = plan;
  const stack = tenantStackName(environment.name, tenant.id);

  try {
    writeFileAtomic(file, text, { overwrite: false });
  } catch (e) {
    reportProblems(io, [`cannot write ${displayPath(file)}: ${(e as Error).message}`]);
    return EXIT_FAILED;
  }
  // From here on the new file exists; every failure removes it again (if it is still ours).
  const undo = () => {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) fs.rmSync(file);
  };

  const outdir = outdirFromEnv();
  let staging: string | undefined;
  try {
    staging = makeStagingDir(outdir, 'onboard');
    const result = synthesize({ stacks: [stack], environmentsDir, outdir: staging });
    if (!result.ok) {
      undo();
      io.err(result.output);
      reportProblems(io, [`synthesis of ${stack} failed (output above)`], `${displayPath(file)} was removed again; nothing was changed.`);
      return EXIT_FAILED;
    }
    installStack(staging, outdir, stack);
  } catch (e) {
    undo();
    reportProblems(io, [`${(e as Error).message}`], `${displayPath(file)} was removed again; nothing was changed.`);
    return EXIT_FAILED;
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }

  io.out(
    [
      `Onboarded tenant "${tenant.id}" (${tenant.displayName}) in environment "${environment.name}".`,
      `  file:    ${displayPath(file)}`,
      `  stack:   ${stack} (synthesized to ${displayPath(outdirFromEnv())}/stacks/${stack}/cdk.tf.json)`,
      `  project: ${tenant.projectId} (${tenant.jurisdiction}, ${tenant.region})`,
      '',
      'Next: commit the file and open a change request. CI plans the stack on the change request and,',
      'after merge, deploys it with',
      `  npx cdktf deploy ${stack}`,
      'The deploy runs in CI: it needs Terraform and Google Cloud credentials, which development machines do not have.',
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli(main);
