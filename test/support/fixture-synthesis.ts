/**
 * The fixture environment's stacks, synthesized once per test run (jest globalSetup) into a folder
 * named by a hash of everything the synthesis reads, and read back as JSON by any test file.
 * A second run with unchanged sources reuses the folder.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The folder that holds the test environments; tests never read the repository's environments/. */
export const FIXTURE_ENVIRONMENTS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'environments');
/** The fixture environment's name; stack names carry it (`platform-fixture`, `tenant-fixture-<id>`). */
export const FIXTURE_ENV = 'fixture';

/** What a synthesis of the fixture reads: the app's sources, the fixture config and the installed versions. */
const SOURCE_DIRS = ['config', 'policy', 'constructs', 'stacks', 'compliance', path.join('test', 'fixtures', 'environments')];
const SOURCE_FILES = ['package-lock.json', path.join('test', 'support', 'fixture-synthesis.ts')];

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** A hash of every file the fixture synthesis depends on. */
export function fixtureSourcesHash(): string {
  const hash = crypto.createHash('sha256');
  const files = [...SOURCE_DIRS.flatMap((d) => filesUnder(path.join(REPO_ROOT, d))), ...SOURCE_FILES.map((f) => path.join(REPO_ROOT, f))];
  for (const file of files) {
    hash.update(path.relative(REPO_ROOT, file)).update('\0');
    if (fs.existsSync(file)) hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Where this run's fixture stacks are (or will be) synthesized. globalSetup exports it as SS_FIXTURE_SYNTH_DIR. */
export function fixtureSynthDir(): string {
  return process.env.SS_FIXTURE_SYNTH_DIR || path.join(os.tmpdir(), `ss-test-fixtures-${fixtureSourcesHash()}`);
}

/** The run's full synthesis of the fixture environment, as `npm run synth` writes it (`stacks/<stack>/cdk.tf.json`, manifest.json). */
export const fixtureOutdir = (dir: string = fixtureSynthDir()): string => path.join(dir, 'cdktf.out');

/** Where the run's synthesis keeps one stack's JSON. */
export const fixtureStackFile = (name: string, dir: string = fixtureSynthDir()): string => path.join(fixtureOutdir(dir), 'stacks', name, 'cdk.tf.json');

/**
 * Synthesizes the fixture environment as the app does (both check packs included) into
 * `dir/cdktf.out`, unless it is already there, and lists its stacks in `dir/stacks.json`. Writes a
 * staging folder and renames it, so a reader never sees half a synthesis.
 */
export function synthesizeFixtures(dir: string = fixtureSynthDir()): string {
  if (fs.existsSync(path.join(dir, 'stacks.json'))) return dir;
  // Required here, not at the top: test files that only read the JSON never load cdktf or the stacks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp, stackNamesOf } = require('../../stacks/build-app') as typeof import('../../stacks/build-app');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadEnvironment } = require('../../config/loader') as typeof import('../../config/loader');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { checkSynthesizedStacks } = require('../../compliance/synth-gate') as typeof import('../../compliance/synth-gate');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ComplianceError } = require('../../compliance/engine') as typeof import('../../compliance/engine');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SynthesizedStack } = require('../../compliance/synthesized-stack') as typeof import('../../compliance/synthesized-stack');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withoutTokenStackTraces } = require('../../scripts/lib/token-stack-traces') as typeof import('../../scripts/lib/token-stack-traces');
  const staging = `${dir}.staging-${process.pid}-${Date.now()}`;
  fs.mkdirSync(staging, { recursive: true });
  try {
    // As the pipeline does, without token creation traces (jest's setupFiles do not reach its globalSetup).
    withoutTokenStackTraces(() => buildApp({ environmentsDir: FIXTURE_ENVIRONMENTS_DIR, environment: FIXTURE_ENV, outdir: fixtureOutdir(staging) }).synth());
    const environment = loadEnvironment(FIXTURE_ENV, { environmentsDir: FIXTURE_ENVIRONMENTS_DIR });
    const names = stackNamesOf([environment]);
    for (const name of names) {
      if (!fs.existsSync(fixtureStackFile(name, staging))) throw new Error(`fixture synthesis: ${fixtureStackFile(name, staging)} was not written`);
    }
    // Both packs judge the files written, as `npm run synth` does: the tests' fixture is a compliant, deployable environment.
    const written = names.map((name) => SynthesizedStack.parse(name, fs.readFileSync(fixtureStackFile(name, staging), 'utf8')));
    const { violations } = checkSynthesizedStacks(written, [environment]);
    if (violations.length > 0) throw new ComplianceError(violations);
    fs.writeFileSync(path.join(staging, 'stacks.json'), `${JSON.stringify(names)}\n`);
    try {
      fs.renameSync(staging, dir);
    } catch (e) {
      // Another run finished the same synthesis first: its folder holds the same bytes.
      if (!fs.existsSync(path.join(dir, 'stacks.json'))) throw e;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}
