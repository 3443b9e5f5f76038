/**
 * The scenario through the scripts, on a temporary copy of the fixture environment: onboard
 * a tenant whose first stack mounts no secret; record its secrets, and its workloads appear; turn
 * conversion tracking off in two steps, and the one-step removal is refused. Each script checks its
 * own transition before writing; here the synthesized output of every step is also kept in its own
 * folder and `npm run plan-check -- --before --after` compares consecutive steps: each passes, and
 * going from the recorded secrets straight to the removal (one step, as a hand edit would) is refused.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RETIRE_FIX } from '../../compliance/deployability/transitions';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { mountedSecretsOf, WORKLOAD_TYPES } from '../../compliance/workloads';
import { main as featureMain } from '../../scripts/feature';
import { main as onboardMain } from '../../scripts/onboard';
import { main as planCheckMain } from '../../scripts/plan-check';
import { main as secretsMain } from '../../scripts/secrets';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runInProcess, tempDir, withEnv } from './cli-harness';

const ID = 'scenario-park';
const STACK = `tenant-fixture-${ID}`;

describe('onboard, fill the secrets, turn conversion tracking off', () => {
  let envs: TempEnvironments;
  let out: { dir: string; remove: () => void };
  const common = () => ['--env', 'fixture', '--tenant', ID, '--environments-dir', envs.dir];
  // Each script's main in this process (each has its own end-to-end child-process test in its file).
  const mains = { onboard: onboardMain, secrets: secretsMain, feature: featureMain };
  const run = (script: keyof typeof mains, args: string[]) => withEnv({ CDKTF_OUTDIR: out.dir }, () => runInProcess(mains[script], [...common(), ...args]));
  const stack = () => SynthesizedStack.parse(STACK, fs.readFileSync(path.join(out.dir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
  const mounting = (s: SynthesizedStack) => s.ofType(...WORKLOAD_TYPES).filter((w) => mountedSecretsOf(s, w).length > 0).map((w) => String(w.values.name)).sort();

  /** The synthesized output after each step, each in its own folder (step 0: before onboarding, no stack). */
  let steps: { dir: string; remove: () => void };
  const keep = (step: string) => fs.cpSync(out.dir, path.join(steps.dir, step), { recursive: true });
  const planCheck = (before: string, after: string) => runInProcess(planCheckMain, ['--before', path.join(steps.dir, before), '--after', path.join(steps.dir, after)]);
  const expectOneStep = (before: string, after: string) => {
    const r = planCheck(before, after);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no protected resource leaves and no data-bearing resource changes address');
  };

  beforeAll(() => {
    envs = copyEnvironment();
    out = tempDir('ss-scenario-out-');
    steps = tempDir('ss-scenario-steps-');
    fs.mkdirSync(path.join(steps.dir, '0-before', 'stacks'), { recursive: true });
  });
  afterAll(() => {
    envs.remove();
    out.remove();
    steps.remove();
  });

  it('1. onboarding: the first stack has the secrets, and no workload that mounts one', () => {
    const r = run('onboard', [
      '--name', 'Scenario Park GmbH', '--jurisdiction', 'EEA', '--security-contact', 'security@scenario.example',
      '--sources', 'roller', '--integrations', 'mailchimp', '--conversion', 'meta',
    ]);
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`npm run secrets -- --env fixture --tenant ${ID}`);
    const s = stack();
    expect(s.ofType('google_secret_manager_secret').map((x) => x.values.secret_id).sort()).toEqual(['conversion-meta', 'integration-mailchimp', 'source-roller']);
    expect(mounting(s)).toEqual([]);
    expect(r.stdout).toContain('change:  applies in one step');
    keep('1-onboarded');
    expectOneStep('0-before', '1-onboarded');
  });

  it('2. recording the secrets: the workloads appear', () => {
    const r = run('secrets', ['--record', 'all']);
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(mounting(stack())).toEqual(['conversion-relay', 'ingest-webhook', 'sync-mailchimp']);
    expect(r.stdout).toContain('change: applies in one step');
    keep('2-recorded');
    expectOneStep('1-onboarded', '2-recorded');
  });

  it('3. turning conversion tracking off: one step is refused, two steps remove it', () => {
    const refused = run('feature', ['--remove', 'conversion-tracking']);
    expect(refused.code).toBe(2);
    expect(refused.errors[0]).toMatch(/^error: --remove: conversion-tracking is not retiring/);

    const retire = run('feature', ['--retire', 'conversion-tracking']);
    expect(retire.code).toBe(0);
    expect(stack().ofType('google_cloud_run_v2_service').find((x) => x.values.name === 'conversion-relay')?.values.deletion_protection).toBe(false);
    keep('3-retiring');
    expectOneStep('2-recorded', '3-retiring');

    const remove = run('feature', ['--remove', 'conversion-tracking']);
    expect(remove.code).toBe(0);
    const s = stack();
    expect(mounting(s)).toEqual(['ingest-webhook', 'sync-mailchimp']);
    expect(s.ofType('google_firestore_database')).toEqual([]);
    keep('4-removed');
    expectOneStep('3-retiring', '4-removed');
  });

  it('4. the transition check refuses the removal in one step (recorded secrets straight to removed)', () => {
    // What a hand edit of the recorded file dropping conversion tracking would synthesize is the
    // removed step's output: compared with the recorded step, everything leaving is still protected.
    const r = planCheck('2-recorded', '4-removed');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/this change cannot be applied as it is/);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p).toMatch(new RegExp(`^  - \\[${STACK}\\] \\S+ .*breaks DEP-REMOVE-PROTECTED`));
      expect(p).toContain(`Fix: ${RETIRE_FIX}.`);
    }
    const leaving = (type: string) => problems.some((p) => p.startsWith(`  - [${STACK}] ${type}.`));
    expect(['google_cloud_run_v2_service', 'google_secret_manager_secret'].filter(leaving)).toEqual(['google_cloud_run_v2_service', 'google_secret_manager_secret']);
  });
});
