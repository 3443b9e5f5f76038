/**
 * `npm run canary-environment`: writes the canary environment folder for one run of the canary
 * workflow (see `--help` and docs/canary.md). The folder is built in a temporary folder next to the
 * target, validated there with the config loader every stack uses, and only then renamed into
 * place; on any problem nothing is written and every bad flag is named.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../config/config-error';
import { loadEnvironment } from '../config/loader';
import { PROJECT_ID_PATTERN } from '../config/schema';
import { writeFileAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import {
  CANARY_ENVIRONMENT,
  CANARY_IMAGES,
  CANARY_SPEC,
  canaryDocumentsFromFlags,
  imageRepository,
  problemAsFlagMessage,
  renderCanaryYaml,
  type CanaryDocuments,
} from './lib/canary-environment';
import { displayPath } from './lib/paths';

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, CANARY_SPEC, io, 'canary-environment');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const { values } = commandLine;

  if (values['list-images'] === true) return listImages(stringFlag(values, 'project-prefix'), io);

  const { documents, problems } = canaryDocumentsFromFlags(values);
  if (!documents) {
    reportProblems(io, problems, 'Nothing was written. See npm run canary-environment -- --help.');
    return EXIT_USAGE;
  }
  const environmentsDir = path.resolve(stringFlag(values, 'out')!);
  const target = path.join(environmentsDir, CANARY_ENVIRONMENT);

  let staging: string | undefined;
  try {
    fs.mkdirSync(environmentsDir, { recursive: true });
    // Hidden, and holding the environment one level down: the loader never lists it as an environment.
    staging = fs.mkdtempSync(path.join(environmentsDir, `.${CANARY_ENVIRONMENT}-`));
    writeDocuments(path.join(staging, CANARY_ENVIRONMENT), documents);
    try {
      // The same loader as synthesis, on the written files: what is promoted is what the stacks will read.
      loadEnvironment(CANARY_ENVIRONMENT, { environmentsDir: staging });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      reportProblems(io, e.problems.map(problemAsFlagMessage), 'Nothing was written. See npm run canary-environment -- --help.');
      return EXIT_USAGE;
    }
    promote(path.join(staging, CANARY_ENVIRONMENT), target, staging);
  } catch (e) {
    reportProblems(io, [`cannot write ${displayPath(target)}: ${(e as Error).message}`]);
    return EXIT_FAILED;
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }

  const tenants = documents.tenants.map((t) => t.id);
  io.out(
    [
      `Wrote the canary environment ${displayPath(target)}:`,
      `  platform.yaml${tenants.length ? `, tenants/${tenants.map((t) => `${t}.yaml`).join(', tenants/')}` : ' (no tenants yet: apply platform-canary, then rerun with --tenant-folders)'}`,
    ].join('\n'),
  );
  return EXIT_OK;
}

function listImages(projectPrefix: string | undefined, io: Io): number {
  const problems: string[] = [];
  if (projectPrefix === undefined) problems.push('--project-prefix is required with --list-images');
  // The shared project id must be valid for the repository path to be; the schema's rule, not a copy.
  else if (!/^[a-z][a-z0-9]{1,9}$/.test(projectPrefix) || !PROJECT_ID_PATTERN.test(`${projectPrefix}-platform`)) {
    problems.push(`--project-prefix: got ${JSON.stringify(projectPrefix)}; expected 2-10 lowercase letters or digits, starting with a letter`);
  }
  if (problems.length > 0) {
    reportProblems(io, problems, 'Nothing was listed. See npm run canary-environment -- --help.');
    return EXIT_USAGE;
  }
  io.out(Object.values(CANARY_IMAGES).map((name) => `${imageRepository(projectPrefix!)}/${name}`).join('\n'));
  return EXIT_OK;
}

function writeDocuments(dir: string, documents: CanaryDocuments): void {
  fs.mkdirSync(dir);
  writeFileAtomic(path.join(dir, 'platform.yaml'), renderCanaryYaml(documents.platform, 'platform.yaml', 'platform'), { overwrite: false });
  if (documents.tenants.length === 0) return;
  fs.mkdirSync(path.join(dir, 'tenants'));
  for (const { id, raw } of documents.tenants) {
    writeFileAtomic(path.join(dir, 'tenants', `${id}.yaml`), renderCanaryYaml(raw, `Tenant ${id}`, 'tenant'), { overwrite: false });
  }
}

/**
 * Moves the validated folder to `target`. A directory cannot be renamed over a non-empty one, so an
 * earlier canary folder is first moved aside into the staging folder (removed afterwards) and put
 * back if the second rename fails: the target is always either the old folder or the new one.
 */
function promote(validated: string, target: string, staging: string): void {
  const previous = path.join(staging, 'previous');
  const hadPrevious = fs.existsSync(target);
  if (hadPrevious) fs.renameSync(target, previous);
  try {
    fs.renameSync(validated, target);
  } catch (e) {
    if (hadPrevious) fs.renameSync(previous, target);
    throw e;
  }
}

if (require.main === module) runCli(main);
