/**
 * `npm run feature` against temporary copies of the example environment: turning conversion
 * tracking off in two steps (retire: same resources, protection lifted; remove: the feature, its
 * secrets and its resources gone), and every refusal (exit 2, the flag named, the environment
 * folder byte-identical), above all `--remove` of a feature that is not retiring.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { loadEnvironment } from '../../config/loader';
import { main as featureMain } from '../../scripts/feature';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runInProcess, runScript, tempDir, treeHashes, withEnv } from './cli-harness';

const ID = 'thames-bowl';
const STACK = `tenant-fixture-${ID}`;

describe('turning conversion tracking off: retire, deploy, remove', () => {
  let envs: TempEnvironments;
  let out: { dir: string; remove: () => void };
  let file: string;
  const stackOf = () => SynthesizedStack.parse(STACK, fs.readFileSync(path.join(out.dir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
  beforeAll(() => {
    envs = copyEnvironment();
    out = tempDir('ss-feature-out-');
    file = path.join(envs.envDir, 'tenants', `${ID}.yaml`);
  });
  afterAll(() => {
    envs.remove();
    out.remove();
  });

  it('--remove before --retire is refused with the steps to take, and writes nothing', () => {
    const before = treeHashes(envs.dir);
    const r = runInProcess(featureMain, ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--remove', 'conversion-tracking']);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual([
      'error: --remove: conversion-tracking is not retiring, and its resources are still delete-protected in state, so removing it now would fail the deploy. Turn it off in two steps: 1. npm run feature -- --env fixture --tenant thames-bowl --retire conversion-tracking; 2. merge and let CI deploy that change (it lifts the protection); 3. npm run feature -- --env fixture --tenant thames-bowl --remove conversion-tracking',
    ]);
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  it('--retire lists the feature as retiring: the resources stay, their protection lifted', async () => {
    const before = treeHashes(envs.dir);
    const r = await runScript('feature', ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--retire', 'conversion-tracking'], {
      CDKTF_OUTDIR: out.dir,
    });
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('conversion-tracking of tenant "thames-bowl" is retiring');
    expect(r.stdout).toContain('npm run feature -- --env fixture --tenant thames-bowl --remove conversion-tracking');
    expect(r.stdout).toContain('change: applies in one step (plan-check');
    const after = treeHashes(envs.dir);
    expect([...after.keys()].filter((k) => before.get(k) !== after.get(k))).toEqual([`fixture/tenants/${ID}.yaml`]);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/\nretiringFeatures: \[conversion-tracking\]\n$/);

    const s = stackOf();
    expect(s.ofType('google_cloud_run_v2_service').map((x) => [x.values.name, x.values.deletion_protection]).sort()).toEqual([
      ['conversion-relay', false],
      ['ingest-webhook', true],
    ]);
    expect(s.ofType('google_firestore_database').map((x) => x.values.delete_protection_state)).toEqual(['DELETE_PROTECTION_DISABLED']);
    expect(s.ofType('google_secret_manager_secret').filter((x) => x.values.secret_id === 'conversion-meta').map((x) => x.values.deletion_protection)).toEqual([false]);
    // A child process that itself spawns the synthesis: slower than one test's budget on a busy machine.
  }, 600_000);

  it('--retire again writes nothing', () => {
    const before = treeHashes(envs.dir);
    const r = runInProcess(featureMain, ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--retire', 'conversion-tracking']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('conversion-tracking is already retiring');
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  // --retire ran as a user runs it (a child process); --remove calls the same main here.
  it('--remove then turns the feature off, drops its secret from populatedSecrets and its resources from the stack', () => {
    const r = withEnv({ CDKTF_OUTDIR: out.dir }, () =>
      runInProcess(featureMain, ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir, '--remove', 'conversion-tracking']),
    );
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('secrets leaving with it (and from populatedSecrets): conversion-meta');
    expect(r.stdout).toContain('npm run plan-check -- --base <revision>');
    expect(r.stdout).toContain('change: applies in one step (plan-check');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('conversionTracking:\n  enabled: false\n');
    expect(text).not.toContain('retiringFeatures');
    expect(text).not.toContain('destinations');
    const tenant = loadEnvironment('fixture', { environmentsDir: envs.dir }).tenants.find((t) => t.id === ID)!;
    expect(tenant.conversionTracking.enabled).toBe(false);
    expect(tenant.populatedSecrets).toEqual(['integration-klaviyo', 'source-roller']);
    expect(tenant.retiringFeatures).toEqual([]);
    // Comments and the other fields survive the edit.
    expect(text.split('\n').slice(0, 2)).toEqual([
      '# yaml-language-server: $schema=../../../../../schemas/tenant.schema.json',
      '# UK tenant: data stays in London (europe-west2) under the UK Addendum (DPA 6.3).',
    ]);

    const s = stackOf();
    expect(s.ofType('google_cloud_run_v2_service').map((x) => x.values.name)).toEqual(['ingest-webhook']);
    expect(s.ofType('google_firestore_database')).toEqual([]);
    expect(s.ofType('google_secret_manager_secret').map((x) => x.values.secret_id).sort()).toEqual(['integration-klaviyo', 'source-roller']);
  });
});

describe('refusals: exit 2, the flag named, nothing written', () => {
  let envs: TempEnvironments;
  beforeAll(() => (envs = copyEnvironment()));
  afterAll(() => envs.remove());

  const cases: Array<[string, string[], RegExp]> = [
    ['a misspelt feature, with a suggestion', ['--tenant', ID, '--retire', 'conversion-trackin'], /^error: --retire: "conversion-trackin" is not a feature; did you mean conversion-tracking\?; the forms are source:<name>, conversion-tracking, mcp, integration:<name>; tenant "thames-bowl" has source:roller, conversion-tracking, integration:klaviyo$/],
    ['a feature the tenant does not have', ['--tenant', ID, '--retire', 'mcp'], /^error: --retire: tenant "thames-bowl" does not have mcp turned on, so there is nothing to turn off; its features: source:roller, conversion-tracking, integration:klaviyo$/],
    ['--remove of a feature the tenant does not have', ['--tenant', ID, '--remove', 'integration:xero'], /^error: --remove: tenant "thames-bowl" does not have integration:xero turned on/],
    ['--remove of a feature that is not retiring', ['--tenant', ID, '--remove', 'integration:klaviyo'], /^error: --remove: integration:klaviyo is not retiring, .* 1\. npm run feature -- --env fixture --tenant thames-bowl --retire integration:klaviyo; 2\. merge and let CI deploy that change/],
    ['retiring roller while conversion tracking stays', ['--tenant', ID, '--retire', 'source:roller'], /^error: --retire source:roller: retiringFeatures: source:roller is retiring but conversion tracking, .* retire conversion-tracking too, or keep roller$/],
    ['both steps at once', ['--tenant', ID, '--retire', 'mcp', '--remove', 'mcp'], /^error: --retire and --remove cannot be combined; retire, deploy, then remove$/],
    ['no step', ['--tenant', ID], /^error: choose one step: --retire <feature> or --remove <feature>$/],
    ['an unknown tenant', ['--tenant', 'nobody', '--retire', 'mcp'], /^error: --tenant: environment "fixture" has no tenant "nobody"/],
    ['an unknown flag', ['--tenant', ID, '--retier', 'mcp'], /^error: unknown flag --retier; allowed flags: --env, --tenant, --retire, --remove/],
  ];

  it.each(cases)('%s', (_title, args, error) => {
    const before = treeHashes(envs.dir);
    const r = runInProcess(featureMain, ['--env', 'fixture', '--environments-dir', envs.dir, ...args]);
    expect(r.code).toBe(2);
    expect(r.errors[0]).toMatch(error);
    expect(r.stderr).toMatch(/Nothing was written\./);
    expect(treeHashes(envs.dir)).toEqual(before);
  });

  it('has --help that explains the two steps and names plan-check', () => {
    const r = runInProcess(featureMain, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--retire <feature>');
    expect(r.stdout).toContain('--remove <feature>');
    expect(r.stdout).toContain('npm run plan-check -- --base <revision>');
  });
});
