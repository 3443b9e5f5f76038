/**
 * `npm run onboard` against temporary copies of the fixture environment: valid onboardings in every
 * jurisdiction, bad input that changes nothing, --help, and a synthesis failure that is rolled back.
 * The first valid case and one refusal run as a user would (a child process); the others call the
 * script's main in this process, which runs the same code (and the same synthesis child) faster.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAllEnvironments, loadEnvironment } from '../../config/loader';
import { tenantStackName } from '../../config/naming';
import { JURISDICTION_RULES } from '../../config/jurisdictions';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { Manifest, type StackManifest } from 'cdktf';
import { buildApp, stackNamesOf } from '../../stacks/build-app';
import { ONBOARD_SPEC } from '../../scripts/lib/onboarding';
import { parseFlags } from '../../scripts/lib/cli';
import { FIXTURE_PLATFORM_STACK, fixtureSynthOutput } from '../support/synth';
import { copyEnvironment } from '../support/temp-environment';
import { runCommand, runInProcess, runScript, tempDir, treeHashes, withEnv } from './cli-harness';
import { main as onboardMain } from '../../scripts/onboard';

interface ValidCase {
  readonly title: string;
  readonly args: string[];
  /** The tenant as the loader must read it back from the new file. */
  readonly expected: Record<string, unknown>;
}

const VALID: readonly ValidCase[] = [
  {
    title: 'EEA, default region, conversion tracking to Meta and Google Ads, MCP, a privacy contact',
    args: [
      '--tenant', 'acme-leisure', '--name', 'Acme Leisure GmbH', '--jurisdiction', 'EEA',
      '--security-contact', 'security@acme.example', '--privacy-contact', 'privacy@acme.example',
      '--sources', 'roller,revsport', '--integrations', 'mailchimp,xero', '--conversion', 'meta,google-ads',
      '--google-denied', 'drop', '--mcp',
    ],
    expected: {
      id: 'acme-leisure',
      displayName: 'Acme Leisure GmbH',
      jurisdiction: 'EEA',
      region: JURISDICTION_RULES.EEA.defaultRegion,
      sources: ['roller', 'revsport'],
      integrations: ['mailchimp', 'xero'],
      conversionTracking: { enabled: true, destinations: ['meta', 'google-ads'], googleDeniedConsent: 'drop' },
      mcp: { enabled: true },
      llmSupport: 'allowed',
      warehouse: { mode: 'smart-segments' },
      lifecycle: { state: 'active' },
      contacts: { security: 'security@acme.example', privacy: 'privacy@acme.example' },
      projectId: 'ssx-acme-leisure',
    },
  },
  {
    title: 'UK, London, Meta only, LLM support restricted',
    args: [
      '--tenant', 'camden-climb', '--name', 'Camden Climb: Ltd', '--jurisdiction', 'UK', '--region', 'europe-west2',
      '--security-contact', 'it@camdenclimb.example', '--sources', 'roller', '--integrations', 'klaviyo',
      '--conversion', 'meta', '--llm-support', 'restricted',
    ],
    expected: {
      id: 'camden-climb',
      displayName: 'Camden Climb: Ltd',
      jurisdiction: 'UK',
      region: 'europe-west2',
      sources: ['roller'],
      integrations: ['klaviyo'],
      conversionTracking: { enabled: true, destinations: ['meta'] },
      mcp: { enabled: false },
      llmSupport: 'restricted',
      warehouse: { mode: 'smart-segments' },
      contacts: { security: 'it@camdenclimb.example' },
      projectId: 'ssx-camden-climb',
    },
  },
  {
    title: 'CH, default region (Zurich), a dedicated project for a later handover',
    args: [
      '--tenant', 'berner-bad', '--name', 'Berner Bad AG', '--jurisdiction', 'CH',
      '--security-contact', 'security@bernerbad.example', '--sources', 'revsport', '--integrations', 'deputy',
      '--warehouse', 'handover:bernerbad-warehouse',
    ],
    expected: {
      id: 'berner-bad',
      jurisdiction: 'CH',
      region: 'europe-west6',
      sources: ['revsport'],
      integrations: ['deputy'],
      conversionTracking: { enabled: false, destinations: [] },
      warehouse: { mode: 'customer', projectId: 'bernerbad-warehouse', provisionedBy: 'smart-segments' },
      projectId: 'bernerbad-warehouse',
    },
  },
  {
    title: "AU, Melbourne, the customer's own project, Google Ads with modeled conversions",
    args: [
      '--tenant', 'bondi-bowl', '--name', 'Bondi Bowl Pty Ltd', '--jurisdiction', 'AU', '--region', 'australia-southeast2',
      '--security-contact', 'security@bondibowl.example', '--sources', 'roller', '--integrations', 'quickbooks-online,deputy',
      '--conversion', 'google-ads', '--google-denied', 'modeled', '--mcp', '--warehouse', 'customer:bondi-bowl-dwh',
    ],
    expected: {
      id: 'bondi-bowl',
      jurisdiction: 'AU',
      region: 'australia-southeast2',
      integrations: ['quickbooks-online', 'deputy'],
      conversionTracking: { enabled: true, destinations: ['google-ads'], googleDeniedConsent: 'modeled' },
      mcp: { enabled: true },
      warehouse: { mode: 'customer', projectId: 'bondi-bowl-dwh', provisionedBy: 'customer' },
      projectId: 'bondi-bowl-dwh',
    },
  },
];

/**
 * What `npm run synth` writes for an environments folder of the fixture plus new tenants, in a fresh
 * output folder: its tenant stacks synthesized now; the platform stack, which reads no tenant
 * (test/platform-independence/platform-stack-independence.test.ts: byte-identical for any tenant
 * list), copied from the run's synthesis of the same platform.yaml rather than synthesized again;
 * and manifest.json written by cdktf's own Manifest from all their entries, as a full synthesis does.
 */
function fullSynth(environmentsDir: string, outdir: string): void {
  const tenants = stackNamesOf(loadAllEnvironments(environmentsDir)).filter((n) => n !== FIXTURE_PLATFORM_STACK);
  const synthesized = tempDir('ss-onboard-tenants-');
  try {
    buildApp({ environmentsDir, stacks: tenants, outdir: synthesized.dir }).synth();
    const ofTenants = JSON.parse(fs.readFileSync(path.join(synthesized.dir, 'manifest.json'), 'utf8')) as { version: string; stacks: Record<string, StackManifest> };
    const ofFixture = JSON.parse(fs.readFileSync(path.join(fixtureSynthOutput(), 'manifest.json'), 'utf8')) as typeof ofTenants;
    expect(Object.keys(ofTenants.stacks).sort()).toEqual([...tenants].sort());
    expect(ofTenants.version).toBe(ofFixture.version);
    fs.cpSync(synthesized.dir, outdir, { recursive: true });
    fs.cpSync(path.join(fixtureSynthOutput(), 'stacks', FIXTURE_PLATFORM_STACK), path.join(outdir, 'stacks', FIXTURE_PLATFORM_STACK), { recursive: true });
    const manifest = new Manifest(ofTenants.version, outdir, false);
    Object.assign(manifest.stacks, { [FIXTURE_PLATFORM_STACK]: ofFixture.stacks[FIXTURE_PLATFORM_STACK] }, ofTenants.stacks);
    manifest.writeToFile();
  } finally {
    synthesized.remove();
  }
}

describe('onboarding a valid tenant', () => {
  const runs: Array<{ c: ValidCase; result: Awaited<ReturnType<typeof runScript>>; envs: ReturnType<typeof copyEnvironment>; out: ReturnType<typeof tempDir>; before: Map<string, string>; outBefore: Map<string, string> }> = [];

  beforeAll(async () => {
    // The output folder already holds the other stacks, as after an earlier `npm run synth` (the
    // run's one synthesis of the fixture environment, copied).
    const prepared = VALID.map((c) => {
      const envs = copyEnvironment();
      const out = tempDir('ss-onboard-out-');
      fs.cpSync(fixtureSynthOutput(), out.dir, { recursive: true });
      return { c, envs, out, before: treeHashes(envs.dir), outBefore: treeHashes(out.dir) };
    });
    const argsOf = (p: (typeof prepared)[number]) => ['--env', 'fixture', ...p.c.args, '--environments-dir', p.envs.dir];
    const [first, ...others] = prepared;
    runs.push({ ...first, result: await runScript('onboard', argsOf(first), { CDKTF_OUTDIR: first.out.dir }) });
    for (const p of others) runs.push({ ...p, result: withEnv({ CDKTF_OUTDIR: p.out.dir }, () => runInProcess(onboardMain, argsOf(p))) });
    // Four onboardings, each synthesizing two stacks: longer than one test's budget on a busy machine.
  }, 600_000);

  afterAll(() => {
    for (const r of runs) {
      r.envs.remove();
      r.out.remove();
    }
  });

  it.each(VALID.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const run = runs.find((r) => r.c === c)!;
    const id = c.expected.id as string;
    const stack = tenantStackName('fixture', id);
    expect({ code: run.result.code, stderr: run.result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.result.stdout).toContain(path.join(run.envs.envDir, 'tenants', `${id}.yaml`));
    expect(run.result.stdout).toContain(`npx cdktf deploy ${stack}`);
    expect(run.result.stdout).toMatch(/Deploys run in CI/);
    expect(run.result.stdout).toContain('change:  applies in one step (plan-check');

    // The new file round-trips through the loader the stacks use, exactly as the flags said.
    const file = path.join(run.envs.envDir, 'tenants', `${id}.yaml`);
    const text = fs.readFileSync(file, 'utf8');
    // First the schema line for editors (docs/editor-support.md), then the header.
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../../schemas/tenant.schema.json');
    expect(text.split('\n')[1]).toMatch(/^# .*: onboarded with `npm run onboard`\.$/);
    const tenant = loadEnvironment('fixture', { environmentsDir: run.envs.dir }).tenants.find((t) => t.id === id);
    expect(tenant).toMatchObject(c.expected);

    // Only the new file was added; no other tenant's file changed and no temporary file is left.
    const after = treeHashes(run.envs.dir);
    expect([...after.keys()].filter((k) => !run.before.has(k))).toEqual([`fixture/tenants/${id}.yaml`]);
    for (const [k, h] of run.before) expect({ k, h: after.get(k) }).toEqual({ k, h });

    // The other stacks' output is untouched; the new stack and its manifest entry were added.
    const outAfter = treeHashes(run.out.dir);
    for (const [k, h] of run.outBefore) {
      if (k !== 'manifest.json') expect({ k, h: outAfter.get(k) }).toEqual({ k, h });
    }
    expect([...outAfter.keys()].filter((k) => !run.outBefore.has(k)).sort()).toEqual([`stacks/${stack}/`, `stacks/${stack}/cdk.tf.json`]);
    const synthesized = SynthesizedStack.parse(stack, fs.readFileSync(path.join(run.out.dir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    expect(synthesized.resources.length).toBeGreaterThan(0);
    const project = synthesized.ofType('google_project');
    if ((c.expected.warehouse as { provisionedBy?: string }).provisionedBy === 'customer') {
      expect(project).toEqual([]); // HAND-2: never the customer's project
    } else {
      expect(project.map((p) => p.values.project_id)).toEqual([c.expected.projectId]);
    }
  });

  it('leaves the output folder as a full synthesis of the new configuration writes it, but for the platform stack', () => {
    // Every tenant stack and manifest.json match `npm run synth`; the platform stack's output is
    // left as it was (only the new tenant's stack is installed), and the user is told to deploy it.
    const run = runs[0];
    const fresh = tempDir('ss-onboard-fresh-');
    try {
      fullSynth(run.envs.dir, fresh.dir);
      const platformFile = 'stacks/platform-fixture/cdk.tf.json';
      const expected = treeHashes(fresh.dir);
      expected.set(platformFile, run.outBefore.get(platformFile)!);
      expect(treeHashes(run.out.dir)).toEqual(expected);
      // Adding a tenant leaves the platform stack as it is (issue 14): the next steps deploy only the new stack.
      expect(run.result.stdout).not.toContain('deploy platform-fixture');
      expect(run.result.stdout).toMatch(/npx cdktf deploy tenant-fixture-/);
    } finally {
      fresh.remove();
    }
  });
});

interface BadCase {
  readonly title: string;
  /** Also run as a child process (every case runs in process; one proves the process plumbing: exit code, stderr). */
  readonly child?: true;
  /** Flags replacing or removing (value null) the valid baseline's. */
  readonly change: Record<string, string | null | true>;
  /** Extra raw arguments, for malformed command lines. */
  readonly extra?: string[];
  /** The one error message, which must name the flag (and the value). */
  readonly error: RegExp;
}

const BASELINE: Record<string, string | true> = {
  env: 'fixture',
  tenant: 'new-tenant',
  name: 'New Tenant Ltd',
  jurisdiction: 'EEA',
  'security-contact': 'security@new-tenant.example',
  sources: 'roller',
};

const BAD: readonly BadCase[] = [
  { title: 'tenant id with capitals and an underscore', change: { tenant: 'Bad_Id' }, error: /^error: --tenant: expected a tenant id: .*; got "Bad_Id"$/ },
  { child: true, title: 'duplicate tenant id', change: { tenant: 'thames-bowl' }, error: /^error: --tenant: tenant "thames-bowl" already exists in environment "fixture"/ },
  {
    title: 'tenant id that makes the project id longer than 30 characters',
    change: { tenant: 'an-extremely-long-tenant-name' },
    error: /^error: --tenant: gives project id "ssx-an-extremely-long-tenant-name" \(33 characters\), which is not a valid GCP project id/,
  },
  { title: 'path-like tenant id ../x', change: { tenant: '../x' }, error: /^error: --tenant: expected a tenant id: .*; got "\.\.\/x"$/ },
  { title: 'path-like tenant id x/../../y', change: { tenant: 'x/../../y' }, error: /^error: --tenant: .*got "x\/\.\.\/\.\.\/y"$/ },
  { title: 'unknown environment', change: { env: 'staging' }, error: /^error: --env: environment "staging" does not exist in .*; known environments: fixture$/ },
  { title: 'path-like environment', change: { env: '../fixture' }, error: /^error: --env: environment "\.\.\/fixture" does not exist/ },
  { title: 'EEA tenant in London', change: { region: 'europe-west2' }, error: /^error: --region: region "europe-west2" is outside jurisdiction EEA \(RES-3\); allowed: europe-west1,/ },
  { title: 'EEA tenant in Zurich', change: { region: 'europe-west6' }, error: /^error: --region: region "europe-west6" is outside jurisdiction EEA \(RES-3\); allowed: / },
  { title: 'UK tenant in Belgium', change: { jurisdiction: 'UK', region: 'europe-west1' }, error: /^error: --region: region "europe-west1" is outside jurisdiction UK \(RES-3\); allowed: europe-west2$/ },
  { title: 'unknown jurisdiction', change: { jurisdiction: 'EU' }, error: /^error: --jurisdiction: got "EU"; allowed: EEA, UK, CH, AU$/ },
  { title: 'unknown integration', change: { integrations: 'mailchimp,myspace' }, error: /^error: --integrations: got "myspace"; allowed: mailchimp, klaviyo, / },
  { title: 'unknown conversion destination', change: { conversion: 'meta,tiktok' }, error: /^error: --conversion: got "tiktok"; allowed: meta, google-ads$/ },
  { title: 'conversion tracking without the ROLLER source', change: { sources: 'revsport', conversion: 'meta' }, error: /^error: --sources: conversion tracking relays events from the ROLLER checkout/ },
  { title: 'bad security contact email', change: { 'security-contact': 'not-an-email' }, error: /^error: --security-contact: expected an email address .*; got "not-an-email"$/ },
  { title: 'bad --google-denied', change: { conversion: 'google-ads', 'google-denied': 'maybe' }, error: /^error: --google-denied: got "maybe"; allowed: drop, modeled$/ },
  { title: 'Google Ads without the Google-denied election', change: { conversion: 'google-ads' }, error: /^error: --google-denied: the tenant's election for Google-denied consent is required/ },
  { title: '--google-denied without Google Ads', change: { conversion: 'meta', 'google-denied': 'drop' }, error: /^error: --google-denied "drop": applies only to the google-ads destination/ },
  { title: 'customer warehouse with a bad project id', change: { warehouse: 'customer:My_Project' }, error: /^error: --warehouse: expected a GCP project id: .*; got "My_Project"$/ },
  { title: 'customer warehouse with a project id already in use', change: { warehouse: 'customer:nordic-climb-dwh' }, error: /^error: --warehouse: gives project id "nordic-climb-dwh", already used by tenant "nordic-climb"/ },
  { title: 'unknown warehouse form', change: { warehouse: 'bigquery' }, error: /^error: --warehouse: got "bigquery"; allowed: smart-segments, customer:<gcp-project-id>, handover:<gcp-project-id>$/ },
  { title: 'bad --llm-support', change: { 'llm-support': 'never' }, error: /^error: --llm-support: got "never"; allowed: allowed, restricted$/ },
  { title: 'unknown flag', change: {}, extra: ['--colour', 'blue'], error: /^error: unknown flag --colour; allowed flags: --env, --tenant, / },
  { title: 'missing required flag', change: { 'security-contact': null }, error: /^error: --security-contact is required: --security-contact <email>$/ },
  { title: 'flag without its value', change: {}, extra: ['--region'], error: /^error: --region needs a value: --region <region>$/ },
  { title: 'a value for a switch', change: { mcp: 'yes' }, error: /^error: --mcp takes no value; got --mcp=yes$/ },
];

function argsOf(c: BadCase, environmentsDir: string): string[] {
  const flags = { ...BASELINE, ...c.change };
  const args: string[] = [];
  for (const [k, v] of Object.entries(flags)) {
    if (v === null) continue;
    if (k === 'mcp' && v !== true) args.push(`--mcp=${v}`);
    else if (v === true) args.push(`--${k}`);
    else args.push(`--${k}`, v);
  }
  return [...args, '--environments-dir', environmentsDir, ...(c.extra ?? [])];
}

describe('bad input is refused with one message naming the flag, and changes nothing', () => {
  it('the baseline the bad cases vary is itself valid', () => {
    expect(parseFlags(argsOf({ title: '', change: {}, error: /./ }, '/tmp'), ONBOARD_SPEC).problems).toEqual([]);
  });

  type Outcome = { code: number | null; errors: string[]; stdout: string; envChanged: string[]; outCreated: boolean };
  const results = new Map<BadCase, Outcome[]>();
  const savedOutdir = process.env.CDKTF_OUTDIR;

  /**
   * Runs one case against a copy of the environment and reports what changed. The in-process cases
   * share one copy (each compares the folder before and after itself, so a case that wrote would
   * still fail); the child gets its own.
   */
  async function attempt(c: BadCase, how: 'in-process' | 'child', shared?: ReturnType<typeof copyEnvironment>): Promise<Outcome> {
    const envs = shared ?? copyEnvironment();
    const out = tempDir('ss-onboard-bad-');
    const outdir = path.join(out.dir, 'cdktf.out');
    try {
      const before = treeHashes(envs.dir);
      let r;
      if (how === 'child') {
        r = await runScript('onboard', argsOf(c, envs.dir), { CDKTF_OUTDIR: outdir });
      } else {
        // Should a case wrongly pass, its output still goes to the temporary folder.
        process.env.CDKTF_OUTDIR = outdir;
        r = runInProcess(onboardMain, argsOf(c, envs.dir));
      }
      const after = treeHashes(envs.dir);
      const envChanged = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
      return { code: r.code, errors: r.errors, stdout: r.stdout, envChanged, outCreated: fs.existsSync(outdir) };
    } finally {
      if (!shared) envs.remove();
      out.remove();
    }
  }

  beforeAll(async () => {
    const shared = copyEnvironment();
    try {
      for (const c of BAD) results.set(c, [await attempt(c, 'in-process', shared)]);
    } finally {
      shared.remove();
      if (savedOutdir === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = savedOutdir;
    }
    for (const c of BAD.filter((x) => x.child)) results.get(c)!.push(await attempt(c, 'child'));
  });

  it(`covers at least fifteen cases (${BAD.length})`, () => {
    expect(BAD.length).toBeGreaterThanOrEqual(15);
  });

  it.each(BAD.map((c) => [`${c.title}${c.child ? ' (also as a child process)' : ''}`, c] as const))('%s', (_title, c) => {
    const outcomes = results.get(c)!;
    expect(outcomes).toHaveLength(c.child ? 2 : 1);
    for (const r of outcomes) {
      expect(r.code).toBe(2);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(c.error);
      expect(r.stdout).toBe('');
      // Byte-identical environment folder (hidden files included: no temporary file left) and no output.
      expect(r.envChanged).toEqual([]);
      expect(r.outCreated).toBe(false);
    }
  });

  it('reports every problem at once, in the order of the flags', () => {
    const envs = copyEnvironment();
    try {
      const r = runInProcess(onboardMain, [
        '--env', 'fixture', '--tenant', 'several-problems', '--name', 'X', '--jurisdiction', 'EEA', '--region', 'europe-west2',
        '--security-contact', 'nope', '--integrations', 'myspace', '--environments-dir', envs.dir,
      ]);
      expect(r.code).toBe(2);
      expect(r.errors.map((e) => e.split(':')[1].trim())).toEqual(['--region', '--security-contact', '--integrations']);
    } finally {
      envs.remove();
    }
  });
});

describe('a synthesis failure writes nothing', () => {
  it('exits 1 and leaves the environment and the output folder as they were', () => {
    const envs = copyEnvironment();
    const out = tempDir('ss-onboard-fail-');
    // A second, broken environment: the tenant's own config is valid, but the synthesis of the change
    // (which loads every environment) fails, before anything is written.
    fs.mkdirSync(path.join(envs.dir, 'broken'));
    fs.writeFileSync(path.join(envs.dir, 'broken', 'platform.yaml'), 'environment: broken\n');
    try {
      const before = treeHashes(envs.dir);
      const r = withEnv({ CDKTF_OUTDIR: path.join(out.dir, 'cdktf.out') }, () =>
        runInProcess(onboardMain, [
          '--env', 'fixture', '--tenant', 'rolled-back', '--name', 'Rolled Back', '--jurisdiction', 'EEA', '--security-contact', 's@r.example', '--environments-dir', envs.dir,
        ]),
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/broken\/platform\.yaml/);
      expect(r.errors).toEqual(['error: synthesis of tenant-fixture-rolled-back failed (output above)']);
      expect(r.stderr).toMatch(/Nothing was written; .*rolled-back\.yaml was not created\./);
      expect(treeHashes(envs.dir)).toEqual(before);
      // Not even the output folder it created for staging is left.
      expect(fs.readdirSync(out.dir)).toEqual([]);
    } finally {
      envs.remove();
      out.remove();
    }
  });
});

describe('--help', () => {
  // The flags issue 6 specifies, plus the folder override the tests need.
  const ISSUE_FLAGS = [
    '--env', '--tenant', '--name', '--jurisdiction', '--region', '--security-contact', '--privacy-contact', '--sources',
    '--integrations', '--conversion', '--google-denied', '--warehouse', '--mcp', '--llm-support', '--environments-dir', '--help',
  ];

  it('documents every flag the command accepts, through the npm script', async () => {
    const r = await runCommand('npm', ['run', '--silent', 'onboard', '--', '--help']);
    expect(r.code).toBe(0);
    const flagSection = r.stdout.slice(r.stdout.indexOf('Flags:'), r.stdout.indexOf('Environment:'));
    const documented = [...flagSection.matchAll(/^ {2}(?:-h, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ISSUE_FLAGS].sort());
    // Each documented flag is accepted, and nothing else is.
    for (const flag of documented) {
      expect(parseFlags([flag === '--mcp' ? flag : `${flag}=x`], ONBOARD_SPEC).problems.filter((p) => p.startsWith('unknown flag'))).toEqual([]);
    }
    expect(parseFlags(['--outdir=x'], ONBOARD_SPEC).problems[0]).toMatch(/^unknown flag --outdir=x/);
    expect(r.stdout).toMatch(/npm run onboard -- --env example --tenant acme-leisure/); // the help text's own example
  });
});
