/**
 * `npm run handover`: hands a tenant's provisioned project to its customer, one phase per run
 * (see `--help`). A thin command line over scripts/lib/handover.ts and the stacks' own synthesis.
 */
import * as fs from 'fs';
import { platformStackName, tenantStackName } from '../config/naming';
import { writeFileAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { existingTenantFile, loadExistingTenant } from './lib/tenant-target';
import { HANDOVER_PHASES, HANDOVER_SPEC, PHASE_TRANSITIONS, PREPARE_FLAGS, handoverRefusal, withHandoverPhase, type HandoverPhase } from './lib/handover';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { tenantTextProblems } from './lib/tenant-file';
import { transitionOfEdit } from './plan-check';

const NEXT_STEPS: Readonly<Record<HandoverPhase, (env: string, stack: string) => string[]>> = {
  prepare: (_env, stack) => [
    `  npx cdktf deploy ${stack}   (admits the customer's organization on the tenant's project, IAM-7, then grants`,
    '                                the customer owner group roles/owner on the project; the platform stack does not change)',
    'Then the customer confirms it can administer the project, and grants the CI apply account',
    "roles/resourcemanager.projectMover and project creation in its organization for the transfer.",
  ],
  transfer: (_env, stack) => [
    `  npx cdktf deploy ${stack}   (moves the project to the customer's organization and billing account;`,
    "                                lifts delete protection on Smart Segments' workloads only)",
  ],
  release: (_env, stack) => [
    `  npx cdktf deploy ${stack}   (destroys Smart Segments' workloads, grants and secrets; releases the`,
    '                                project, the owner grant and the warehouse from state without destroying them)',
    'From then on the customer alone is responsible for the data in the project (DPA 10.2).',
  ],
};

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, HANDOVER_SPEC, io, 'handover');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const v = commandLine.values;
  const problems: string[] = [];
  const env = stringFlag(v, 'env')!;
  const id = stringFlag(v, 'tenant')!;
  const phaseValue = stringFlag(v, 'phase')!;
  const phase = (HANDOVER_PHASES as readonly string[]).includes(phaseValue) ? (phaseValue as HandoverPhase) : undefined;
  if (!phase) problems.push(`--phase: got ${JSON.stringify(phaseValue)}; allowed: ${HANDOVER_PHASES.join(', ')}`);
  const givenPrepareFlags = Object.keys(PREPARE_FLAGS).filter((f) => v[f] !== undefined);
  if (phase === 'prepare') {
    for (const f of Object.keys(PREPARE_FLAGS)) if (v[f] === undefined) problems.push(`--${f} is required with --phase prepare`);
  } else if (phase && givenPrepareFlags.length > 0) {
    problems.push(`${givenPrepareFlags.map((f) => `--${f}`).join(', ')} belong${givenPrepareFlags.length === 1 ? 's' : ''} to --phase prepare`);
  }
  const environmentsDir = environmentsDirFrom(stringFlag(v, 'environments-dir'));
  const { file, problems: targetProblems } = existingTenantFile(environmentsDir, env, id);
  problems.push(...targetProblems);
  if (problems.length > 0 || !phase || !file) {
    reportProblems(io, problems);
    return EXIT_USAGE;
  }

  const tenant = loadExistingTenant(io, environmentsDir, env, id);
  if (!tenant) return EXIT_USAGE;
  const refusal = handoverRefusal(tenant, phase);
  if (refusal) {
    reportProblems(io, [`--phase: ${refusal}`]);
    return EXIT_USAGE;
  }

  const details =
    phase === 'prepare'
      ? Object.fromEntries(Object.entries(PREPARE_FLAGS).map(([flag, field]) => [field, stringFlag(v, flag)!]))
      : undefined;
  const before = fs.readFileSync(file, 'utf8');
  const after = withHandoverPhase(before, phase, details);
  const invalid = tenantTextProblems(after, file);
  if (invalid.length > 0) {
    // Map schema fields back to the flags that set them.
    const flagOf = (line: string) => Object.entries(PREPARE_FLAGS).find(([, field]) => line.startsWith(`lifecycle.handover.${field}:`))?.[0];
    reportProblems(io, invalid.map((p) => (flagOf(p) ? `--${flagOf(p)}: ${p}` : `${displayPath(file)}: ${p}`)));
    return EXIT_USAGE;
  }

  // Before writing, prove the phase synthesizes with every rule of both packs and that its change
  // applies in one step (the transition checks of compliance/deployability/transitions.ts).
  const stack = tenantStackName(env, id);
  let refused: string[];
  try {
    refused = transitionOfEdit({ environmentsDir, stacks: [stack, platformStackName(env)], file, newText: after });
  } catch (e) {
    io.err((e as Error).message);
    reportProblems(io, [`synthesis of ${stack} failed in phase ${phase}; ${displayPath(file)} was not changed`], '');
    return EXIT_FAILED;
  }
  if (refused.length > 0) {
    reportProblems(io, [...refused, `phase ${phase} cannot be applied in one step; ${displayPath(file)} was not changed`], '');
    return EXIT_FAILED;
  }
  writeFileAtomic(file, after);
  io.out(
    [
      `Tenant "${id}" moved to lifecycle state ${PHASE_TRANSITIONS[phase].to} (phase ${phase}); ${displayPath(file)} was updated and ${stack} synthesizes with every compliance rule and applies in one step (plan-check).`,
      'Next: commit the file and open a change request. After merge CI deploys:',
      ...NEXT_STEPS[phase](env, stack),
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
