/**
 * Every GitHub Actions workflow of the repository: actionlint reports nothing, every third-party
 * action is pinned to a full commit SHA (a tag can be moved to other code; a SHA cannot), and no
 * `run:` script expands `${{ inputs.* }}` or `${{ github.event.* }}` (expanded into the script
 * before the shell parses it, such a value is code: it must go through `env:` and be validated).
 * Then the canary workflow's own promises (docs/canary.md).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/synth';
import { tempDir } from './scripts/cli-harness';
import { main as changedStacksMain } from '../scripts/changed-stacks';
import { APPLY_WORKFLOWS, platformGithubEnvironment } from '../constructs/ci-deployer-identity';

const WORKFLOWS_DIR = path.join(REPO_ROOT, '.github', 'workflows');
const ACTIONLINT_LIBRARY = path.join(REPO_ROOT, 'node_modules', '@tktco', 'node-actionlint', 'build', 'run-lint.js');

function workflowFiles(): string[] {
  return fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/**
 * Runs actionlint (the npm package's WASM build, which `npx node-actionlint` runs) once, in a child
 * process, on every file given: loading the WASM costs about two seconds, so once per run, not per file.
 * Returns each file's messages (empty: it passes).
 */
function actionlint(files: ReadonlyArray<{ path: string; data: string }>): Promise<Map<string, string[]>> {
  const tmp = tempDir('ss-actionlint-');
  const input = path.join(tmp.dir, 'files.json');
  fs.writeFileSync(input, JSON.stringify(files));
  // runLintForFiles, as the CLI calls it, from a script file: under `node -e` (or from a stdin
  // callback) the WASM build's Go runtime reports a deadlock.
  const script = path.join(tmp.dir, 'lint.js');
  fs.writeFileSync(script, `
    const { runLintForFiles } = require(${JSON.stringify(ACTIONLINT_LIBRARY)});
    const files = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
    runLintForFiles(files).then((results) => {
      const out = Object.fromEntries(files.map((f) => [f.path, []]));
      for (const r of results) out[r.path].push(r.line + ':' + r.column + ': ' + r.message);
      process.stdout.write(JSON.stringify(out));
      process.exit(0);
    });`);
  return new Promise<Map<string, string[]>>((resolve, reject) => {
    const child = spawn(process.execPath, [script, input], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (errors += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`actionlint exited ${code}: ${errors}`));
      else resolve(new Map(Object.entries(JSON.parse(output) as Record<string, string[]>)));
    });
  }).finally(() => tmp.remove());
}

/** `uses:` values of third-party actions (not local `./` actions or `docker://` images) with their line. */
export function thirdPartyUses(text: string): Array<{ line: number; uses: string; comment: string }> {
  const found: Array<{ line: number; uses: string; comment: string }> = [];
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)['"]?\s*(#.*)?$/.exec(raw);
    if (m && !m[1].startsWith('./') && !m[1].startsWith('docker://')) found.push({ line: i + 1, uses: m[1], comment: (m[2] ?? '').trim() });
  });
  return found;
}

/** Problems with pinning: not a 40-hex commit SHA, or no `# vX.Y.Z` comment saying which release it is. */
export function pinningProblems(text: string): string[] {
  return thirdPartyUses(text).flatMap(({ line, uses, comment }) => {
    const problems: string[] = [];
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+@[0-9a-f]{40}$/.test(uses)) problems.push(`line ${line}: ${uses} is not pinned to a full commit SHA`);
    else if (!/^# v\d+\.\d+\.\d+$/.test(comment)) problems.push(`line ${line}: ${uses} has no "# vX.Y.Z" comment naming its release`);
    return problems;
  });
}

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  steps?: Step[];
  permissions?: unknown;
  environment?: unknown;
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown>; 'max-parallel'?: number; 'fail-fast'?: boolean };
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  outputs?: Record<string, string>;
}
interface Workflow {
  on?: unknown;
  permissions?: unknown;
  env?: Record<string, string>;
  jobs?: Record<string, Job>;
}

/** `run:` scripts that expand a value an outsider can choose. */
export function untrustedExpansions(text: string): string[] {
  const workflow = parse(text) as Workflow;
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    (job.steps ?? []).forEach((step, i) => {
      if (typeof step.run !== 'string') return;
      const m = /\$\{\{\s*(inputs\.|github\.event\.)[^}]*\}\}/.exec(step.run);
      if (m) problems.push(`jobs.${jobId}.steps[${i}] (${step.name ?? step.id ?? 'run'}): run expands ${m[0]}; pass it through env: and validate it`);
    });
  }
  return problems;
}

/** A workflow actionlint must refuse (and the pinning and expansion checks below too). */
const BROKEN_WORKFLOW = [
  'on: workflow_dispatch',
  'jobs:',
  '  a:',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020',
  '      - run: echo "${{ inputs.name }} ${{github.event.pull_request.title}}"',
  '',
].join('\n');
const BROKEN_PATH = '.github/workflows/broken.yml';

let lintResults: Promise<Map<string, string[]>> | undefined;
/** actionlint's messages for a workflow file of the repository (or BROKEN_PATH), from the one run. */
function lintOf(file: string): Promise<string[]> {
  lintResults ??= actionlint([
    ...workflowFiles().map((f) => ({ path: `.github/workflows/${f}`, data: fs.readFileSync(path.join(WORKFLOWS_DIR, f), 'utf8') })),
    { path: BROKEN_PATH, data: BROKEN_WORKFLOW },
  ]);
  return lintResults.then((all) => {
    const messages = all.get(file);
    if (!messages) throw new Error(`actionlint did not lint ${file}`);
    return messages;
  });
}

describe.each(workflowFiles())('workflow %s', (file) => {
  const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8');

  it('passes actionlint', async () => {
    expect(await lintOf(`.github/workflows/${file}`)).toEqual([]);
  });

  it('pins every third-party action to a full commit SHA with its release', () => {
    expect(thirdPartyUses(text).length).toBeGreaterThan(0);
    expect(pinningProblems(text)).toEqual([]);
  });

  it('expands no inputs or event payload inside a run script', () => {
    expect(untrustedExpansions(text)).toEqual([]);
  });
});

describe('the workflow checks can fail', () => {
  const bad = BROKEN_WORKFLOW;

  it('actionlint reports a broken workflow', async () => {
    const messages = (await lintOf(BROKEN_PATH)).join('\n');
    expect(messages).toContain('"runs-on" section is missing');
    expect(messages).toContain('property "name" is not defined');
  });

  it('a tag pin and a SHA without its release are refused; a SHA with its release passes', () => {
    expect(pinningProblems(bad)).toEqual([
      'line 5: actions/checkout@v4 is not pinned to a full commit SHA',
      'line 6: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 has no "# vX.Y.Z" comment naming its release',
    ]);
    expect(pinningProblems('    - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0\n')).toEqual([]);
    expect(pinningProblems('    - uses: ./.github/actions/local\n')).toEqual([]);
  });

  it('inputs and event payload in a run script are refused; through env they pass', () => {
    expect(untrustedExpansions(bad)).toEqual([
      'jobs.a.steps[2] (run): run expands ${{ inputs.name }}; pass it through env: and validate it',
    ]);
    expect(untrustedExpansions('jobs:\n  a:\n    steps:\n      - run: echo "${{github.event.issue.title}}"\n')).toHaveLength(1);
    const viaEnv = 'jobs:\n  a:\n    steps:\n      - env: { NAME: "${{ inputs.name }}" }\n        run: echo "$NAME"\n';
    expect(untrustedExpansions(viaEnv)).toEqual([]);
  });
});

describe('the canary workflow (docs/canary.md)', () => {
  const text = fs.readFileSync(path.join(WORKFLOWS_DIR, 'canary.yml'), 'utf8');
  const workflow = parse(text) as Workflow;
  const job = workflow.jobs!.canary;
  const steps = job.steps!;
  const index = (pred: (s: Step) => boolean) => steps.findIndex(pred);

  it('runs only when dispatched by hand, from the protected canary environment', () => {
    expect(Object.keys(workflow.on as object)).toEqual(['workflow_dispatch']);
    expect(Object.keys(workflow.jobs!)).toEqual(['canary']);
    expect(job.environment).toBe('canary');
  });

  it('grants nothing at the top and only what the job needs: read the code, request an OIDC token', () => {
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  it('is keyless: Workload Identity Federation of the sandbox, never a key', () => {
    const auth = steps.filter((s) => s.uses?.startsWith('google-github-actions/auth@'));
    expect(auth).toHaveLength(1);
    expect(auth[0].with).toEqual({
      workload_identity_provider: '${{ vars.CANARY_WIF_PROVIDER }}',
      service_account: '${{ vars.CANARY_SERVICE_ACCOUNT }}',
    });
    expect(text).not.toMatch(/credentials_json|\$\{\{\s*secrets\./);
  });

  it('installs dependencies without install scripts before any credential exists', () => {
    const install = index((s) => typeof s.run === 'string' && /npm ci\b.*--ignore-scripts/.test(s.run));
    const auth = index((s) => s.uses?.startsWith('google-github-actions/auth@') === true);
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(auth);
    expect(steps.filter((s) => typeof s.run === 'string' && /npm (ci|install)\b/.test(s.run))).toHaveLength(1);
  });

  it('deploys in the order that works: platform, tenants without secrets, secrets, tenants again, smoke check', () => {
    const at = (re: RegExp) => index((s) => typeof s.run === 'string' && re.test(s.run));
    const order = [
      at(/canary-environment -- "\$\{args\[@\]\}" --image-digest "\$\{CANARY_SOURCE_IMAGE/),
      at(/STACKS=platform-canary npm run -s synth/),
      at(/canary-stack\.sh apply platform-canary first-apply/),
      at(/--tenant-folders "\$CANARY_TENANT_FOLDERS"/),
      at(/canary-stack\.sh apply platform-canary tenants-apply/),
      at(/canary-stack\.sh apply "\$stack" first-apply/),
      at(/canary-smoke\.sh no-workloads/),
      at(/canary-secrets\.sh/),
      at(/canary-stack\.sh apply "\$stack" second-apply/),
      at(/canary-smoke\.sh check/),
      at(/canary-teardown\.sh/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('always tears down once credentials exist, and always uploads the run report', () => {
    const teardown = steps.find((s) => s.run === 'scripts/canary-teardown.sh')!;
    expect(teardown.if).toBe("always() && steps.auth.outcome == 'success'");
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with?.path).toBe('reports/canary/');
    expect(steps.indexOf(upload)).toBe(steps.length - 1);
  });

  it('names only scripts that exist and are executable', () => {
    const scripts = new Set([...text.matchAll(/scripts\/(canary-[a-z-]+\.sh)/g)].map((m) => m[1]));
    expect([...scripts].sort()).toEqual(['canary-secrets.sh', 'canary-smoke.sh', 'canary-stack.sh', 'canary-teardown.sh']);
    for (const s of scripts) {
      const mode = fs.statSync(path.join(REPO_ROOT, 'scripts', s)).mode;
      expect(mode & 0o111).not.toBe(0);
    }
  });
});

const load = (file: string) => parse(fs.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8')) as Workflow;
const runsOf = (job: Job) => (job.steps ?? []).map((s) => (typeof s.run === 'string' ? s.run : '')).join('\n');
const permissionsOf = (job: Job) => (job.permissions ?? {}) as Record<string, string>;
const isAuth = (s: Step) => s.uses?.startsWith('google-github-actions/auth@') === true;

describe('every job of every workflow', () => {
  const all = workflowFiles().flatMap((file) => Object.entries(load(file).jobs ?? {}).map(([name, job]) => ({ file, name, job })));
  const stage = load('terraform-stage.yml');

  it('grants nothing at the top; each job names its own permissions', () => {
    for (const file of workflowFiles()) expect([file, load(file).permissions]).toEqual([file, {}]);
    for (const { file, name, job } of all) expect([file, name, job.permissions !== undefined]).toEqual([file, name, true]);
  });

  it('only jobs that talk to Google Cloud may request an OIDC token', () => {
    for (const { file, name, job } of all.filter(({ job }) => !job.uses)) {
      expect([file, name, permissionsOf(job)['id-token'] === 'write']).toEqual([file, name, (job.steps ?? []).some(isAuth)]);
    }
  });

  it('writes to GitHub only where it must: the plan summary comments on the pull request, drift opens issues', () => {
    const writers = all
      .filter(({ job }) => !job.uses)
      .flatMap(({ file, name, job }) => Object.entries(permissionsOf(job)).filter(([scope, level]) => level === 'write' && scope !== 'id-token').map(([scope]) => `${file} ${name} ${scope}`));
    expect(writers.sort()).toEqual(['drift.yml issues issues', 'terraform-stage.yml summary pull-requests']);
  });

  it('a job calling the stage workflow grants exactly what the called jobs of its mode need', () => {
    const callers = all.filter(({ job }) => job.uses === './.github/workflows/terraform-stage.yml');
    expect(callers.map((c) => c.name).sort()).toEqual(['apply-production', 'apply-staging', 'plan-production', 'plan-staging']);
    for (const { name, job } of callers) {
      const mode = job.with!.mode as string;
      const needed: Record<string, string> = {};
      for (const called of Object.values(stage.jobs!).filter((j) => j.if?.includes(`inputs.mode == '${mode}'`))) {
        for (const [scope, level] of Object.entries(permissionsOf(called))) if (needed[scope] !== 'write') needed[scope] = level;
      }
      expect([name, permissionsOf(job)]).toEqual([name, needed]);
    }
  });

  it('installs dependencies without install scripts, and never after it authenticates', () => {
    for (const { file, name, job } of all) {
      const steps = job.steps ?? [];
      const auth = steps.findIndex(isAuth);
      if (auth < 0) continue;
      const npmSteps = steps.map((s, i) => ({ s, i })).filter(({ s }) => typeof s.run === 'string' && /\bnpm\b/.test(s.run));
      if (npmSteps.length === 0) continue;
      const install = steps.findIndex((s) => typeof s.run === 'string' && s.run.includes('npm ci --ignore-scripts'));
      expect([file, name, install >= 0 && install < auth]).toEqual([file, name, true]);
      const lateInstall = steps.slice(auth).some((s) => typeof s.run === 'string' && /npm (ci|install)\b/.test(s.run));
      expect([file, name, lateInstall]).toEqual([file, name, false]);
    }
  });

  it('runs plain Terraform on the synthesized JSON, and every plan refreshes', () => {
    for (const { file, name, job } of all.filter(({ file }) => file !== 'canary.yml')) {
      const runs = runsOf(job);
      if (!/(^|\s)terraform\s/m.test(runs)) continue;
      expect([file, name, runs]).toEqual([file, name, expect.stringMatching(/terraform -chdir="(cdktf\.out\/stacks\/\$\w+|\$dir)" init/)]);
      expect([file, name, /cdktf (deploy|diff|destroy)|-refresh=false/.test(runs)]).toEqual([file, name, false]);
    }
  });
});

describe('the deploy workflow (README, Deploying from CI; docs/ci.md)', () => {
  const deploy = load('deploy.yml');
  const stage = load('terraform-stage.yml');
  const jobs = deploy.jobs!;
  const called = stage.jobs!;
  const ON_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'";

  it('applies only on main: the apply callers and the reviewed lookup run on a push to main, the plans on pull requests', () => {
    for (const name of ['reviewed', 'apply-staging', 'apply-production']) expect([name, jobs[name].if]).toEqual([name, expect.stringContaining(ON_MAIN)]);
    for (const name of ['plan-staging', 'plan-production']) {
      expect([name, jobs[name].if]).toEqual([name, expect.stringContaining("github.event_name == 'pull_request'")]);
      expect(jobs[name].with!.mode).toBe('plan');
    }
    expect(jobs['apply-staging'].with!.mode).toBe('apply');
    expect(jobs['apply-production'].with!.mode).toBe('apply');
    expect(jobs['destroy-offboarded-tenant'].if).toBe("github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'");
  });

  it('every job that applies or destroys runs in the stage\'s protected environment; no plan job does', () => {
    const appliers = Object.entries(called).filter(([, job]) => / (apply|destroy) /.test(runsOf(job)));
    expect(appliers.map(([name]) => name).sort()).toEqual(['apply-platform', 'apply-tenants']);
    // The platform's own protected environment (its required reviewers), the stage's for the tenants.
    const environments: Record<string, string> = { 'apply-platform': '${{ inputs.stage }}-platform', 'apply-tenants': '${{ inputs.stage }}' };
    for (const [name, job] of appliers) {
      expect([name, job.environment, job.if]).toEqual([name, environments[name], expect.stringContaining("inputs.mode == 'apply'")]);
    }
    for (const [name, job] of Object.entries(called).filter(([n]) => ['changes', 'plan', 'removed', 'summary'].includes(n))) {
      expect([name, job.environment, job.if]).toEqual([name, undefined, expect.stringContaining("inputs.mode == 'plan'")]);
    }
    expect(jobs['destroy-offboarded-tenant'].environment).toBe('${{ inputs.stage }}');
    expect(jobs['apply-staging'].with!.stage).toBe('staging');
    expect(jobs['apply-production'].with!.stage).toBe('production');
  });

  it('the same commit is promoted: production applies after staging, the platform before the tenants', () => {
    expect(jobs['apply-production'].needs).toEqual(expect.arrayContaining(['apply-staging', 'reviewed']));
    expect(jobs['apply-production'].if).toMatch(/needs\.apply-staging\.result == 'success' \|\| \(needs\.apply-staging\.result == 'skipped' && vars\.STAGING_DEPLOY_ENV == ''\)/);
    for (const name of ['apply-staging', 'apply-production']) expect(jobs[name].with!['head-sha']).toBe('${{ needs.reviewed.outputs.head-sha }}');
    expect(called['apply-tenants'].needs).toEqual(expect.arrayContaining(['apply-platform']));
    expect(called['apply-tenants'].if).toMatch(/needs\.apply-platform\.result == 'success' \|\| needs\.apply-platform\.result == 'skipped'/);
  });

  it('runs the transition checks on every change request, before the plans', () => {
    expect(jobs['plan-check'].if).toBe("github.event_name == 'pull_request'");
    expect(runsOf(jobs['plan-check'])).toMatch(/npm run plan-check -- --base "\$BASE_SHA"/);
    for (const name of ['plan-staging', 'plan-production']) expect(jobs[name].needs).toEqual(expect.arrayContaining(['plan-check', 'verify']));
  });

  it('plans only the changed stacks: the plan matrix is the changed-stacks output, one job per stack', () => {
    const changes = runsOf(called.changes);
    expect(changes).toMatch(/npm run -s changed-stacks -- --base "\$base" --synth-dir-head cdktf\.out --env "\$DEPLOY_ENV" --max-jobs "\$MAX_JOBS" \\\n\s*--save-base "\$RUNNER_TEMP\/base\.out" >changes\/changes\.json/);
    const program = /jq -c '([^']+)' changes\/changes\.json >changes\/plan-jobs\.json/.exec(changes)?.[1];
    expect(program).toBe('.jobs.platform + .jobs.tenants');
    expect(called.changes.outputs!['plan-jobs']).toBe('${{ steps.changes.outputs.plan-jobs }}');
    expect(called.plan.strategy!.matrix).toEqual({ batch: '${{ fromJSON(needs.changes.outputs.plan-jobs) }}' });
    expect(called.plan.strategy!['max-parallel']).toBeLessThanOrEqual(20);
    expect(called.plan.if).toContain("needs.changes.outputs.any == 'true'");
    expect(runsOf(called.plan)).toMatch(/for stack in \$STACKS; do[\s\S]*plan -input=false -lock-timeout=5m -detailed-exitcode -out=tfplan/);
    expect(runsOf(called.plan)).not.toMatch(/list-stacks|cdktf\.out\/stacks\/\*/);
    const env = (called.plan.steps ?? []).filter((s) => s.run?.includes('for stack in $STACKS')).map((s) => s.env?.STACKS);
    expect(env).toEqual(['${{ matrix.batch.stacks }}', '${{ matrix.batch.stacks }}']);
    expect(Number(stage.env!.MAX_JOBS)).toBeLessThanOrEqual(256);
  });

  it('the matrix the workflow builds from changed-stacks holds the platform first and never a removed stack', () => {
    const dir = tempDir('ss-matrix-');
    try {
      const write = (side: string, stacks: Record<string, object>) => {
        for (const [name, json] of Object.entries(stacks)) {
          fs.mkdirSync(path.join(dir.dir, side, 'stacks', name), { recursive: true });
          fs.writeFileSync(path.join(dir.dir, side, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
        }
      };
      write('base', { 'platform-prod': { a: 1 }, 'tenant-prod-gone': { b: 1 }, 'tenant-prod-same': { c: 1 } });
      write('head', { 'platform-prod': { a: 2 }, 'tenant-prod-same': { c: 1 }, 'tenant-prod-fresh': { d: 1 } });
      let out = '';
      const code = changedStacksMain(['--synth-dir-base', path.join(dir.dir, 'base'), '--synth-dir-head', path.join(dir.dir, 'head'), '--env', 'prod', '--max-jobs', '200'], { out: (t) => (out += t), err: () => undefined });
      expect(code).toBe(0);
      const result = JSON.parse(out) as { jobs: { platform: unknown[]; tenants: unknown[] } };
      // `.jobs.platform + .jobs.tenants`, the jq program of the changes job.
      expect([...result.jobs.platform, ...result.jobs.tenants]).toEqual([
        { key: 'platform-prod', stacks: 'platform-prod' },
        { key: 'tenant-prod-fresh', stacks: 'tenant-prod-fresh' },
      ]);
    } finally {
      dir.remove();
    }
  });

  it('refuses a removed stack whose state still holds resources: CI never leaves them unmanaged', () => {
    expect(runsOf(called.changes)).toMatch(/--save-base "\$RUNNER_TEMP\/base\.out"/);
    expect(runsOf(called.changes)).toMatch(/select\(\.change == "removed"\)[\s\S]*cp -R "\$RUNNER_TEMP\/base\.out\/stacks\/\$stack" "removed\/\$stack"/);
    expect(called.removed.if).toBe("inputs.mode == 'plan' && needs.changes.outputs.any-removed == 'true'");
    const runs = runsOf(called.removed);
    expect(runs).toMatch(/count=\$\(terraform -chdir="\$dir" state list \| wc -l\)\n\s*if \[ "\$count" -gt 0 \]; then[\s\S]*left=1/);
    expect(runs).toMatch(/exit "\$left"/);
    expect(runs).not.toMatch(/ (apply|destroy) /);
    expect(called.summary.needs).toEqual(expect.arrayContaining(['removed']));
    expect(runsOf(called.summary)).toContain('[ "$REMOVED_RESULT" != failure ]');
  });

  it('main applies the saved plans of the reviewed commit, never a new plan', () => {
    const plan = called.plan.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(plan.with).toEqual(expect.objectContaining({ name: 'plan-${{ inputs.head-sha }}-${{ matrix.batch.key }}', path: 'plans/', 'include-hidden-files': true }));
    expect(runsOf(called.plan)).toMatch(/cp "\$dir\/cdk\.tf\.json" "\$dir\/\.terraform\.lock\.hcl" "\$dir\/tfplan"/);
    for (const name of ['plan-staging', 'plan-production']) expect(jobs[name].with!['head-sha']).toBe('${{ github.event.pull_request.head.sha }}');
    for (const name of ['apply-platform', 'apply-tenants']) {
      const job = called[name];
      const download = job.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
      expect([name, download.with]).toEqual([
        name,
        { name: 'plan-${{ inputs.head-sha }}-${{ matrix.batch.key }}', path: 'cdktf.out/stacks', 'run-id': '${{ inputs.plan-run-id }}', 'github-token': '${{ github.token }}' },
      ]);
      const runs = runsOf(job);
      expect(runs).toMatch(/apply -input=false -lock-timeout=10m tfplan\n/);
      expect([name, /-auto-approve|terraform[^\n]* plan|npm|synth/.test(runs)]).toEqual([name, false]);
      expect([name, job.concurrency]).toEqual([name, { group: 'terraform-${{ inputs.stage }}-${{ matrix.batch.key }}', 'cancel-in-progress': false }]);
    }
    const prepare = called.prepare.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(prepare.with).toEqual(expect.objectContaining({ name: 'changes-${{ inputs.head-sha }}-${{ inputs.stage }}', 'run-id': '${{ inputs.plan-run-id }}' }));
    const changesUpload = called.changes.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(changesUpload.with!.name).toBe('changes-${{ inputs.head-sha }}-${{ inputs.stage }}');
  });

  it('finds the reviewed commit: the merged pull request, the same tree, its successful plan run', () => {
    const runs = runsOf(jobs.reviewed);
    expect(runs).toMatch(/gh api "repos\/\$REPOSITORY\/commits\/\$MERGED_SHA\/pulls"/);
    expect(runs).toMatch(/merged_tree=\$\(git rev-parse "\$MERGED_SHA\^\{tree\}"\)[\s\S]*reviewed_tree=\$\(git rev-parse "\$head\^\{tree\}"\)[\s\S]*if \[ "\$merged_tree" != "\$reviewed_tree" \]; then[\s\S]*exit 1/);
    expect(runs).toMatch(/actions\/workflows\/deploy\.yml\/runs\?event=pull_request&status=success&head_sha=\$head/);
    expect(jobs.reviewed.outputs).toEqual({ 'head-sha': '${{ steps.find.outputs.head-sha }}', 'run-id': '${{ steps.find.outputs.run-id }}' });
    for (const name of ['apply-staging', 'apply-production']) expect(jobs[name].with!['plan-run-id']).toBe('${{ needs.reviewed.outputs.run-id }}');
  });

  it('the destroy path shares the apply jobs\' concurrency group of its stack and reads only its stage\'s variables', () => {
    const destroy = jobs['destroy-offboarded-tenant'];
    expect(destroy.concurrency).toEqual({ group: 'terraform-${{ inputs.stage }}-${{ inputs.destroy_stack }}', 'cancel-in-progress': false });
    expect((destroy as { env?: Record<string, string> }).env?.DEPLOY_ENV).toBe(
      "${{ inputs.stage == 'staging' && vars.STAGING_DEPLOY_ENV || inputs.stage == 'production' && vars.PRODUCTION_DEPLOY_ENV || '' }}",
    );
    expect(runsOf(destroy)).toMatch(/terraform -chdir="cdktf\.out\/stacks\/\$DESTROY_STACK" destroy/);
  });
});

describe('the reconcile workflow (docs/ci.md, Reconcile)', () => {
  const reconcile = load('reconcile.yml');
  const jobs = reconcile.jobs!;

  it('runs only when dispatched on main, and applies in the stage\'s protected environment', () => {
    expect(Object.keys(reconcile.on as object)).toEqual(['workflow_dispatch']);
    expect(jobs.plan.if).toBe("github.ref == 'refs/heads/main'");
    expect(jobs.apply.if).toBe("github.ref == 'refs/heads/main' && needs.plan.outputs.changes == 'true'");
    expect(jobs.apply.environment).toBe("${{ startsWith(inputs.stack, 'platform-') && format('{0}-platform', inputs.stage) || inputs.stage }}");
    expect(jobs.plan.environment).toBeUndefined();
  });

  it('applies the saved plan of its own run, in the concurrency group the deploy applies use', () => {
    const upload = jobs.plan.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    const download = jobs.apply.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with!.name).toBe(upload.with!.name);
    expect(download.with!['run-id']).toBeUndefined();
    expect(runsOf(jobs.apply)).toMatch(/apply -input=false -lock-timeout=10m tfplan\n/);
    expect(runsOf(jobs.apply)).not.toMatch(/-auto-approve|terraform[^\n]* plan/);
    expect(jobs.apply.concurrency).toEqual({ group: 'terraform-${{ inputs.stage }}-${{ inputs.stack }}', 'cancel-in-progress': false });
    expect(runsOf(jobs.plan)).toMatch(/list-stacks\.ts --env "\$DEPLOY_ENV" \| grep -qxF -- "\$STACK"/);
  });
});

describe('the drift workflow (docs/ci.md, Drift)', () => {
  const drift = load('drift.yml');
  const plan = drift.jobs!.plan;

  it('runs on a schedule over every stack of every stage, sharded by npm run synth --shard', () => {
    expect(Object.keys(drift.on as object).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const shards = Number(drift.env!.SHARDS);
    expect(plan.strategy!.matrix).toEqual({ stage: ['staging', 'production'], shard: Array.from({ length: shards }, (_, i) => i + 1) });
    const runs = runsOf(plan);
    expect(runs).toContain('npm run synth -- --shard "$SHARD/$SHARDS"');
    expect(runs).toMatch(/for dir in cdktf\.out\/stacks\/\*\/; do[\s\S]*plan -input=false -lock=false -detailed-exitcode/);
    expect(runs).toMatch(/2\) echo "\$stack: drifted"/);
  });

  it('plans with the plan identity only, and opens or updates one issue per drifted stack', () => {
    const auth = plan.steps!.find(isAuth)!;
    expect(JSON.stringify(auth.with)).not.toMatch(/APPLY/);
    expect(drift.jobs!.issues.permissions).toEqual({ issues: 'write' });
    const runs = runsOf(drift.jobs!.issues);
    expect(runs).toContain('title="Drift: $stack"');
    expect(runs).toMatch(/gh issue comment "\$issue"[\s\S]*gh issue create --title "\$title" --label drift/);
  });
});

describe('each job authenticates as the identity whose trust condition admits it (constructs/ci-deployer-identity.ts)', () => {
  const stage = load('terraform-stage.yml');
  const authOf = (job: Job) => (job.steps ?? []).filter(isAuth).map((s) => JSON.stringify(s.with));

  it('plans as ci-plan; applies the platform as ci-platform and each tenant stack as its jurisdiction deployer', () => {
    for (const name of ['removed', 'plan']) expect([name, authOf(stage.jobs![name])]).toEqual([name, [expect.stringContaining('inputs.plan-provider')]]);
    expect(authOf(stage.jobs!['apply-platform'])).toEqual([expect.stringContaining('inputs.platform-provider')]);
    const tenants = authOf(stage.jobs!['apply-tenants']);
    expect(tenants).toEqual(['EEA', 'UK', 'CH', 'AU'].map((j) => expect.stringContaining(`fromJSON(inputs.tenant-deployers).${j}.provider`)));
    // Credentials files only: each apply names its jurisdiction's, none is exported to the job.
    for (const step of (stage.jobs!['apply-tenants'].steps ?? []).filter(isAuth)) expect(step.with).toMatchObject({ create_credentials_file: true, export_environment_variables: false });
    expect(runsOf(stage.jobs!['apply-tenants'])).toContain('GOOGLE_APPLICATION_CREDENTIALS="$creds" terraform -chdir="cdktf.out/stacks/$stack" apply');
  });

  it('applies only from the workflow files and environments the trust conditions name', () => {
    const files = new Set(workflowFiles().map((f) => `.github/workflows/${f}`));
    for (const w of [...APPLY_WORKFLOWS.platform, ...APPLY_WORKFLOWS.tenant]) expect(files.has(w)).toBe(true);
    // <stage>-platform: platformGithubEnvironment of the stage's githubEnvironment (production -> production-platform).
    expect(stage.jobs!['apply-platform'].environment).toBe(`\${{ inputs.stage }}${platformGithubEnvironment('')}`);
    // No workflow outside those files authenticates with a deployer's variables.
    for (const file of workflowFiles().filter((f) => !APPLY_WORKFLOWS.tenant.includes(`.github/workflows/${f}` as never))) {
      const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8');
      expect([file, /GCP_(SA|WIF_PROVIDER)_PLATFORM|GCP_TENANT_DEPLOYERS/.test(text)]).toEqual([file, false]);
    }
  });
});

describe('docs/ci.md names every repository variable the deploy workflows read', () => {
  const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'ci.md'), 'utf8');
  const used = new Set(
    ['deploy.yml', 'terraform-stage.yml', 'drift.yml', 'reconcile.yml'].flatMap((file) =>
      [...fs.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8').matchAll(/vars\.([A-Z0-9_]+)/g)].map((m) => m[1]),
    ),
  );

  it('each production variable by name, each staging one as its production twin', () => {
    expect(used.size).toBeGreaterThan(0);
    for (const name of used) {
      const documented = name.startsWith('STAGING_') ? docs.includes(`\`${name.replace(/^STAGING_/, 'PRODUCTION_')}\``) && docs.includes('`STAGING_') : docs.includes(`\`${name}\``);
      expect([name, documented]).toEqual([name, true]);
    }
  });
});
