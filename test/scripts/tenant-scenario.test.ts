/**
 * The scenario through the scripts, on a temporary copy of the example environment: onboard
 * a tenant whose first stack mounts no secret; record its secrets, and its workloads appear; turn
 * conversion tracking off in two steps, and the one-step removal is refused. (The transition check
 * between the steps, `npm run plan-check`, belongs to the deployability pack.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../../compliance/synthesized-stack';
import { mountedSecretsOf, WORKLOAD_TYPES } from '../../compliance/workloads';
import { copyEnvironment, type TempEnvironments } from '../support/temp-environment';
import { runScript, tempDir } from './cli-harness';

const ID = 'scenario-park';
const STACK = `tenant-example-${ID}`;

describe('onboard, fill the secrets, turn conversion tracking off', () => {
  let envs: TempEnvironments;
  let out: { dir: string; remove: () => void };
  const common = () => ['--env', 'example', '--tenant', ID, '--environments-dir', envs.dir];
  const run = (script: 'onboard' | 'secrets' | 'feature', args: string[]) => runScript(script, [...common(), ...args], { CDKTF_OUTDIR: out.dir });
  const stack = () => SynthesizedStack.parse(STACK, fs.readFileSync(path.join(out.dir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
  const mounting = (s: SynthesizedStack) => s.ofType(...WORKLOAD_TYPES).filter((w) => mountedSecretsOf(s, w).length > 0).map((w) => String(w.values.name)).sort();

  beforeAll(() => {
    envs = copyEnvironment();
    out = tempDir('ss-scenario-out-');
  });
  afterAll(() => {
    envs.remove();
    out.remove();
  });

  it('1. onboarding: the first stack has the secrets, and no workload that mounts one', async () => {
    const r = await run('onboard', [
      '--name', 'Scenario Park GmbH', '--jurisdiction', 'EEA', '--security-contact', 'security@scenario.example',
      '--sources', 'roller', '--integrations', 'mailchimp', '--conversion', 'meta',
    ]);
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`npm run secrets -- --env example --tenant ${ID}`);
    const s = stack();
    expect(s.ofType('google_secret_manager_secret').map((x) => x.values.secret_id).sort()).toEqual(['conversion-meta', 'integration-mailchimp', 'source-roller']);
    expect(mounting(s)).toEqual([]);
  });

  it('2. recording the secrets: the workloads appear', async () => {
    const r = await run('secrets', ['--record', 'all']);
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(mounting(stack())).toEqual(['conversion-relay', 'ingest-webhook', 'sync-mailchimp']);
  });

  it('3. turning conversion tracking off: one step is refused, two steps remove it', async () => {
    const refused = await run('feature', ['--remove', 'conversion-tracking']);
    expect(refused.code).toBe(2);
    expect(refused.errors[0]).toMatch(/^error: --remove: conversion-tracking is not retiring/);

    const retire = await run('feature', ['--retire', 'conversion-tracking']);
    expect(retire.code).toBe(0);
    expect(stack().ofType('google_cloud_run_v2_service').find((x) => x.values.name === 'conversion-relay')?.values.deletion_protection).toBe(false);

    const remove = await run('feature', ['--remove', 'conversion-tracking']);
    expect(remove.code).toBe(0);
    const s = stack();
    expect(mounting(s)).toEqual(['ingest-webhook', 'sync-mailchimp']);
    expect(s.ofType('google_firestore_database')).toEqual([]);
  });
});
