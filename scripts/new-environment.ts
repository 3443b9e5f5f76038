/**
 * `npm run new-environment`: creates environments/<env>/ (platform.yaml and an empty tenants/) from
 * flags (see `--help`). A thin command line over scripts/lib/new-environment.ts: the document is
 * validated with the config schema, written into a hidden folder next to the target, loaded there
 * with the loader every stack uses, its platform stack synthesized with both packs, and only then
 * renamed into place; on any problem nothing is written and every bad flag is named.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError } from '../config/config-error';
import { listEnvironments, loadEnvironment } from '../config/loader';
import { platformStackName } from '../config/naming';
import { platformSchema } from '../config/schema';
import { zodIssuesToProblems } from '../config/zod-problems';
import { writeFileAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, readCommandLine, reportProblems, runCli, stringFlag, type Io } from './lib/cli';
import { closest } from '../config/did-you-mean';
import { inFlagOrder, NEW_ENVIRONMENT_SPEC, platformDocumentFromFlags, platformProblemMessage, renderPlatformYaml } from './lib/new-environment';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { synthesize } from './lib/synth';

const TRAILER = 'Nothing was written. See npm run new-environment -- --help.';

/** Keeps git's tenants/ folder while it holds no tenant file; the loader skips hidden files. */
const TENANTS_PLACEHOLDER = '.gitkeep';

export interface NewEnvironmentOptions {
  /** Synthesizes the new platform stack with both packs. Default: synthesize (main.ts); tests inject a failure. */
  readonly synthesizeWith?: typeof synthesize;
}

export function main(argv: readonly string[], io: Io = processIo, options: NewEnvironmentOptions = {}): number {
  const commandLine = readCommandLine(argv, NEW_ENVIRONMENT_SPEC, io, 'new-environment');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const { values } = commandLine;
  const environmentsDir = environmentsDirFrom(stringFlag(values, 'environments-dir'));
  const env = stringFlag(values, 'env')!;
  const problems: string[] = [];

  const dirExists = fs.existsSync(environmentsDir) && fs.statSync(environmentsDir).isDirectory();
  if (!dirExists) problems.push(`--environments-dir: ${displayPath(environmentsDir)} is not a folder; create it or name the folder holding the environments`);
  const known = dirExists ? listEnvironments(environmentsDir) : [];

  const { raw, problems: flagProblems } = platformDocumentFromFlags(values, (from) => {
    if (from === env && !known.includes(env)) return { problem: `--images-from: is the new environment itself; name an existing environment (${known.join(', ') || 'none yet'})` };
    if (!known.includes(from)) {
      const suggestion = closest(from, known);
      return {
        problem: `--images-from: environment ${JSON.stringify(from)} does not exist in ${displayPath(environmentsDir)}${suggestion ? `; did you mean ${suggestion}?` : ''} (known environments: ${known.join(', ') || 'none'}); or give a digest for each image`,
      };
    }
    try {
      return { images: loadEnvironment(from, { environmentsDir }).platform.images };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { problem: `--images-from: environment ${JSON.stringify(from)} has invalid configuration (${e.problems.length} problem(s), npm run synth lists them); fix it or give a digest for each image` };
    }
  });
  problems.push(...flagProblems);

  const parsed = platformSchema.safeParse(raw, { reportInput: true });
  const target = path.join(environmentsDir, env);
  const file = path.join(target, 'platform.yaml');
  if (!parsed.success) {
    // Without images in the document their flags failed (and said so) or the prefix or jurisdiction
    // did (the schema names those): the schema's "images is missing" would repeat a problem.
    const schemaProblems = zodIssuesToProblems(displayPath(file), platformSchema, parsed.error);
    problems.push(...schemaProblems.filter((p) => raw.images !== undefined || !p.field.startsWith('images')).map(platformProblemMessage));
  }
  // Only a name the schema accepts may become a path (no "../x"); the schema reported a bad one.
  const nameIsSafe = parsed.success || !parsed.error.issues.some((i) => i.path[0] === 'environment');
  if (nameIsSafe && dirExists && fs.existsSync(target)) {
    problems.push(
      `--env: ${displayPath(target)} already exists; new-environment never changes an existing environment (edit its platform.yaml by change request) or choose another name`,
    );
  }
  if (problems.length > 0) {
    reportProblems(io, inFlagOrder(problems), TRAILER);
    return EXIT_USAGE;
  }

  let staging: string | undefined;
  try {
    // Hidden, and holding the environment one level down: the loader never lists it as an environment.
    staging = fs.mkdtempSync(path.join(environmentsDir, '.new-environment-'));
    const staged = path.join(staging, env);
    fs.mkdirSync(path.join(staged, 'tenants'), { recursive: true });
    writeFileAtomic(path.join(staged, 'platform.yaml'), renderPlatformYaml(raw), { overwrite: false });
    writeFileAtomic(path.join(staged, 'tenants', TENANTS_PLACEHOLDER), '', { overwrite: false });
    try {
      // The same loader as synthesis, on the written file: what is promoted is what the stacks will read.
      loadEnvironment(env, { environmentsDir: staging });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      reportProblems(io, inFlagOrder(e.problems.map(platformProblemMessage)), TRAILER);
      return EXIT_USAGE;
    }
    // Both packs on the new platform stack, as onboarding checks a new tenant's: what is promoted synthesizes.
    const synthesis = (options.synthesizeWith ?? synthesize)({ stacks: [platformStackName(env)], environmentsDir: staging, outdir: path.join(staging, 'out') });
    if (!synthesis.ok) {
      io.err(synthesis.output);
      reportProblems(io, [`the platform stack ${platformStackName(env)} of the new environment does not synthesize (above); fix the flags named there`]);
      return EXIT_FAILED;
    }
    // rename(2) refuses a non-empty target, so an environment created meanwhile is never replaced.
    fs.renameSync(staged, target);
  } catch (e) {
    reportProblems(io, [`cannot write ${displayPath(target)}: ${(e as Error).message}`]);
    return EXIT_FAILED;
  } finally {
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }

  const stack = platformStackName(env);
  io.out(
    [
      `Created environment "${env}":`,
      `  ${displayPath(file)}`,
      `  ${displayPath(path.join(target, 'tenants'))}/ (no tenant yet)`,
      `  ${stack} synthesizes and passes the DPA and deployability packs.`,
      '',
      'Next:',
      '  Commit the folder, then bootstrap the platform: an organization administrator applies it once with',
      '  local state (README, "Bootstrap the platform"):',
      `  PLATFORM_STATE_BACKEND=local STACKS=${stack} npm run synth`,
    ].join('\n'),
  );
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
