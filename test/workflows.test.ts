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

const WORKFLOWS_DIR = path.join(REPO_ROOT, '.github', 'workflows');
const ACTIONLINT = path.join(REPO_ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');

function workflowFiles(): string[] {
  return fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** Runs actionlint (the npm package's CLI, as `npx node-actionlint` does) on one file below `cwd`. */
function actionlint(cwd: string, file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACTIONLINT, file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
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
}
interface Workflow {
  on?: unknown;
  permissions?: unknown;
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

describe.each(workflowFiles())('workflow %s', (file) => {
  const text = fs.readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8');

  it('passes actionlint', async () => {
    const { code, output } = await actionlint(REPO_ROOT, path.join('.github', 'workflows', file));
    expect(output).toContain('passed lint checks');
    expect(code).toBe(0);
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
  const bad = [
    'on: workflow_dispatch',
    'jobs:',
    '  a:',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020',
    '      - run: echo "${{ inputs.name }} ${{github.event.pull_request.title}}"',
    '',
  ].join('\n');

  it('actionlint reports a broken workflow', async () => {
    const tmp = tempDir('ss-actionlint-');
    try {
      fs.mkdirSync(path.join(tmp.dir, '.github', 'workflows'), { recursive: true });
      fs.writeFileSync(path.join(tmp.dir, '.github', 'workflows', 'bad.yml'), bad);
      const { code, output } = await actionlint(tmp.dir, path.join('.github', 'workflows', 'bad.yml'));
      expect(code).toBe(1);
      expect(output).toContain('"runs-on" section is missing');
      expect(output).toContain('property "name" is not defined');
    } finally {
      tmp.remove();
    }
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

describe('the deploy workflow (README, Deploying from CI)', () => {
  const workflow = parse(fs.readFileSync(path.join(WORKFLOWS_DIR, 'deploy.yml'), 'utf8')) as Workflow;
  const jobs = workflow.jobs!;
  const runs = (job: string) => (jobs[job].steps ?? []).map((s) => (typeof s.run === 'string' ? s.run : '')).join('\n');

  it('grants nothing at the top; only the jobs that talk to Google Cloud may request an OIDC token', () => {
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(jobs)) {
      const wantsToken = (job.steps ?? []).some((s) => s.uses?.startsWith('google-github-actions/auth@'));
      expect([name, (job.permissions as Record<string, string>)['id-token'] === 'write']).toEqual([name, wantsToken]);
    }
  });

  it('applies only on the main branch, behind the protected production environment', () => {
    expect(jobs.apply.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(jobs.apply.environment).toBe('production');
    expect(jobs['destroy-offboarded-tenant'].environment).toBe('production');
  });

  it('runs the transition checks on every change request, before the plans', () => {
    expect(jobs['plan-check'].if).toBe("github.event_name == 'pull_request'");
    expect(runs('plan-check')).toMatch(/npm run plan-check -- --base "\$BASE_SHA" --env "\$DEPLOY_ENV"/);
    expect(jobs.plan.needs).toEqual(expect.arrayContaining(['plan-check']));
  });

  it('runs plain Terraform on the synthesized JSON, and every plan refreshes', () => {
    for (const job of ['plan', 'apply', 'destroy-offboarded-tenant']) {
      expect(runs(job)).toMatch(/terraform -chdir="cdktf\.out\/stacks\/\$\w+" init/);
      expect(runs(job)).not.toMatch(/cdktf (deploy|diff|destroy)|-refresh=false/);
    }
  });

  it('installs dependencies without install scripts before it authenticates', () => {
    for (const [name, job] of Object.entries(jobs)) {
      const steps = job.steps ?? [];
      const auth = steps.findIndex((s) => s.uses?.startsWith('google-github-actions/auth@'));
      if (auth < 0) continue;
      const install = steps.findIndex((s) => typeof s.run === 'string' && s.run.includes('npm ci --ignore-scripts'));
      expect([name, install >= 0 && install < auth]).toEqual([name, true]);
    }
  });
});
