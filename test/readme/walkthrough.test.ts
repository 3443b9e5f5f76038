/**
 * The README, followed step by step as a new platform engineer would on a fresh clone: a scratch
 * copy of the repository's files (tracked and new, not ignored ones), this checkout's node_modules
 * linked in, and every command of every ```sh block run there in the README's order with bash.
 * Each must exit 0. A command that needs Terraform, Google Cloud, GitHub or the network matches an
 * entry of NOT_OFFLINE, which says why it is skipped; where a later command depends on what it would
 * have done, the entry's stand-in does that offline. Afterwards every environment of the scratch
 * copy, the example one included, still synthesizes.
 *
 * The README's first npm command runs through npm in its own process, as a user runs it; the later
 * `npm run` commands run in one script host (test/readme/script-host-client.ts), bash still parsing
 * each line: the same entry and main with the repository's modules loaded afresh, without a second
 * of npm and module start-up per command.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../support/synth';
import { readmeCommands, type NotOffline, type ReadmeCommand } from './readme-commands';
import { npmRunOf, registeredEntryOf, ScriptHost, type CommandResult } from './script-host-client';

/** Folder ids the platform stack's tenant_folders output would hold for `prod` (step 3's stand-in). */
const RECORDED_FOLDERS = 'tenantFolders:\n  EEA: folders/123456789012\n  UK: folders/234567890123';

function recordTenantFolders(scratch: string): void {
  const file = path.join(scratch, 'environments', 'prod', 'platform.yaml');
  const text = fs.readFileSync(file, 'utf8');
  if (!/^tenantFolders: \{\}$/m.test(text)) throw new Error(`${file}: no "tenantFolders: {}" line to record the folders in`);
  fs.writeFileSync(file, text.replace(/^tenantFolders: \{\}$/m, RECORDED_FOLDERS));
}

/** Checked in order; the first match decides. */
export const NOT_OFFLINE: readonly NotOffline[] = [
  { pattern: /^npm ci\b/, reason: "installs the dependencies; the scratch copy links this checkout's node_modules, which an install would replace" },
  { pattern: /^npm test\b/, reason: 'runs the suite this test belongs to' },
  {
    pattern: /^terraform -chdir=cdktf\.out\/stacks\/platform-prod output -json$/,
    reason: 'reads the outputs of a deployed platform stack; the operator then copies tenant_folders into platform.yaml',
    standIn: recordTenantFolders,
  },
  { pattern: /^terraform\b/, reason: 'runs Terraform against Google Cloud (credentials, network)' },
  { pattern: /^rm terraform\.platform-prod\.tfstate/, reason: 'removes the local state the skipped first apply writes' },
  { pattern: /^gh variable set\b/, reason: "sets the GitHub repository's variables (a token, network)" },
  { pattern: /^crane copy\b/, reason: 'pushes an image to Artifact Registry (credentials, network)' },
  { pattern: /\|\s*gcloud\b/, reason: 'adds a secret version in Secret Manager (credentials, network)' },
  { pattern: /^(CHECKPOINT_DISABLE=1 )?npx cdktf deploy\b/, reason: 'deploys with Terraform (credentials, network)' },
  {
    pattern: /^npm run offboard -- .*--confirm-removed$/,
    reason: "needs the deletion certificate the destroy job issues from its evidence after destroying the stack in Google Cloud (test/scripts/offboard.test.ts runs it on recorded evidence)",
  },
];

/** The repository's files as a fresh clone has them (tracked, plus new files not yet committed and not ignored). */
function repositoryFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split('\0').filter((f) => f !== '' && f !== 'node_modules' && fs.existsSync(path.join(REPO_ROOT, f)) && fs.lstatSync(path.join(REPO_ROOT, f)).isFile());
}

function scratchCopy(): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-readme-'));
  for (const file of repositoryFiles()) {
    fs.mkdirSync(path.join(scratch, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(scratch, file));
  }
  fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, 'node_modules')), path.join(scratch, 'node_modules'), 'dir');
  return scratch;
}

interface Step {
  readonly command: ReadmeCommand;
  readonly skipped?: NotOffline;
  readonly result?: CommandResult;
}

// Nothing of this process's own settings reaches the commands: the README's defaults apply.
const COMMAND_ENV = { ...process.env, ENVIRONMENTS_DIR: '', CDKTF_OUTDIR: '', STACKS: '', PLATFORM_STATE_BACKEND: '', CHECKPOINT_DISABLE: '1', npm_config_update_notifier: 'false' };

describe('readmeCommands', () => {
  it('takes the lines of sh blocks only, joins continuations and drops comments', () => {
    const md = ['### One', '```sh', '# a comment', 'npm run a -- --x 1 \\', '  --y 2   # why', '', 'npm run b', '```', '```', 'not a command', '```', '### Two', '```bash', 'echo c', '```'].join('\n');
    expect(readmeCommands(md)).toEqual([
      { text: 'npm run a -- --x 1 --y 2   # why', line: 4, section: 'One' },
      { text: 'npm run b', line: 7, section: 'One' },
      { text: 'echo c', line: 14, section: 'Two' },
    ]);
  });
});

describe('the script host takes only what npm would run as one registered script', () => {
  it.each([
    [['run', 'synth'], { script: 'synth', argv: [] }],
    [['run', '-s', 'synth', '--', '--quiet'], { script: 'synth', argv: ['--quiet'] }],
    [['run', 'onboard', '--silent', '--', '--env', 'prod', '--', 'x'], { script: 'onboard', argv: ['--env', 'prod', '--', 'x'] }],
    [['ci'], undefined],
    [['run', '--workspace', 'a', 'synth'], undefined],
    [['run', 'synth', 'extra'], undefined],
    [['run'], undefined],
  ])('npm %j', (args, expected) => {
    expect(npmRunOf(args)).toEqual(expected);
  });

  it('hosts a script only when npm would run one TypeScript file with the register hook', () => {
    expect(registeredEntryOf('node -r ./scripts/register.js scripts/onboard.ts')).toBe('scripts/onboard.ts');
    expect(registeredEntryOf('node -r ./scripts/register.js main.ts')).toBe('main.ts');
    expect(registeredEntryOf('stryker run')).toBeUndefined();
    expect(registeredEntryOf('node -r ./scripts/register.js a.ts && rm -rf x')).toBeUndefined();
    expect(registeredEntryOf(undefined)).toBeUndefined();
  });
});

describe('the README from zero to production, in a scratch copy of the repository', () => {
  let scratch: string;
  let host: ScriptHost;
  const steps: Step[] = [];

  beforeAll(async () => {
    scratch = scratchCopy();
    host = new ScriptHost(scratch, COMMAND_ENV);
    const commands = readmeCommands(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
    let npmSeen = false;
    for (const command of commands) {
      const skipped = NOT_OFFLINE.find((n) => n.pattern.test(command.text));
      if (skipped) {
        skipped.standIn?.(scratch);
        steps.push({ command, skipped });
        continue;
      }
      const first: boolean = !npmSeen && /\bnpm run\b/.test(command.text);
      npmSeen ||= first;
      const result = first ? host.throughNpm(command.text) : await host.run(command.text);
      steps.push({ command, result });
      // Later steps build on earlier ones: stop at the first failure, which the test reports.
      if (result.code !== 0) break;
    }
  }, 600_000);

  afterAll(() => {
    host?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('runs every command it shows that can run offline, each exiting 0', () => {
    const failed = steps.filter((s) => !s.skipped && s.result?.code !== 0);
    expect(failed.map((s) => `README.md:${s.command.line} (${s.command.section}): ${s.command.text}\nexit ${s.result?.code}\n${s.result?.output}\n${host.stray}`)).toEqual([]);
    const ran = steps.filter((s) => !s.skipped).map((s) => s.command.text);
    // The path through the README: an environment, its platform, tenants, secrets, changes.
    expect(ran.some((c) => c.startsWith('npm run new-environment -- --env prod'))).toBe(true);
    expect(ran.filter((c) => c.startsWith('npm run onboard -- --env prod')).length).toBeGreaterThanOrEqual(1);
    // Every command of the README was reached (none left after a failure).
    expect(steps).toHaveLength(readmeCommands(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')).length);
    // The first npm command ran through npm; the lifecycle commands ran their scripts in the host.
    const npmSteps = steps.filter((s) => s.result && /\bnpm run\b/.test(s.command.text));
    expect(npmSteps[0]?.result?.via).toBe('bash');
    expect(npmSteps.slice(1).every((s) => s.result?.via === 'host')).toBe(true);
  });

  it('shows what the README promises: one line per stack and a summary from npm run synth, the next step from new-environment', () => {
    const output = (prefix: string) => steps.find((s) => s.command.text.startsWith(prefix))?.result?.output ?? '';
    const synth = output('npm run synth');
    expect(synth).toMatch(/^wrote platform-example: \d+ resources, \d+ KiB$/m);
    expect(synth).toMatch(/^wrote tenant-example-[a-z-]+: \d+ resources/m);
    expect(synth).toMatch(/^Synthesized \d+ stacks \(\d+ resources, [\d.]+ MiB\) into cdktf\.out in [\d.]+ s\.$/m);
    expect(output('npm run new-environment')).toContain('STACKS=platform-prod npm run synth');
    expect(output('npm run onboard -- --env prod --tenant acme-leisure')).toContain('gcloud secrets versions add');
  });

  it('skips only commands of the allowlist, and every entry of it is still needed', () => {
    for (const entry of NOT_OFFLINE) {
      expect({ entry: entry.pattern.source, used: steps.some((s) => s.skipped === entry) }).toEqual({ entry: entry.pattern.source, used: true });
    }
  });

  it('leaves an environment the README created, with its tenants, and every environment still synthesizes', async () => {
    expect(fs.existsSync(path.join(scratch, 'environments', 'prod', 'platform.yaml'))).toBe(true);
    expect(fs.readdirSync(path.join(scratch, 'environments', 'prod', 'tenants')).filter((f) => f.endsWith('.yaml')).length).toBeGreaterThan(0);
    const { code, output } = await host.run('npm run -s synth -- --quiet');
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/^Synthesized \d+ stacks/) });
    const stacks = fs.readdirSync(path.join(scratch, 'cdktf.out', 'stacks'));
    expect(stacks).toContain('platform-example');
    expect(stacks).toContain('platform-prod');
  }, 300_000);
});
