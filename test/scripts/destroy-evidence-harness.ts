/**
 * Destroy evidence for the offboarding tests, made as the destroy job makes it: a Terraform destroy
 * output and a `terraform show -json` state written to files, then `npm run record-destroy`'s main.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main as recordDestroyMain } from '../../scripts/record-destroy';
import { runInProcess, type CliResult } from './cli-harness';

/** What `terraform destroy -no-color` prints for these resources (the lines record-destroy reads, and noise). */
export function destroyLog(addresses: readonly string[]): string {
  return [
    ...addresses.map((a) => `${a}: Refreshing state... [id=projects/x/${a.split('.')[1]}]`),
    '',
    'Terraform will perform the following actions:',
    '',
    `Plan: 0 to add, 0 to change, ${addresses.length} to destroy.`,
    ...addresses.flatMap((a) => [`${a}: Destroying... [id=projects/x/${a.split('.')[1]}]`, `${a}: Destruction complete after 2s`]),
    '',
    `Destroy complete! Resources: ${addresses.length} destroyed.`,
    '',
  ].join('\n');
}

/** `terraform show -json` of a state holding these resources. */
export function stateJson(addresses: readonly string[]): string {
  return JSON.stringify({
    format_version: '1.0',
    terraform_version: '1.9.8',
    values: { root_module: { resources: addresses.map((address) => ({ address, mode: 'managed', type: address.split('.')[0], name: address.split('.')[1] })) } },
  });
}

export interface RecordRequest {
  readonly environmentsDir: string;
  readonly evidenceDir: string;
  readonly env?: string;
  readonly stack: string;
  /** Destroyed resources, as the log reports them. */
  readonly destroyed: readonly string[];
  /** Resources in the state before; default the destroyed ones. */
  readonly stateBefore?: readonly string[];
  readonly started: string;
  readonly finished: string;
  readonly exitCode?: number;
  readonly runId?: string;
  readonly attempt?: string;
  /** A folder for the log and state files. */
  readonly workDir: string;
}

export const TEST_COMMIT = 'c0ffee'.padEnd(40, '0');

/** Runs record-destroy; returns its result and the evidence file it names. */
export function recordEvidence(r: RecordRequest): CliResult & { file: string } {
  const runId = r.runId ?? '4242';
  const attempt = r.attempt ?? '1';
  const log = path.join(r.workDir, `destroy-${runId}-${attempt}.log`);
  const state = path.join(r.workDir, `state-before-${runId}-${attempt}.json`);
  fs.writeFileSync(log, r.exitCode ? `${destroyLog(r.destroyed.slice(0, 1)).split('Destroy complete!')[0]}Error: deleting bucket: 409 bucket not empty\n` : destroyLog(r.destroyed));
  fs.writeFileSync(state, stateJson(r.stateBefore ?? r.destroyed));
  const env = r.env ?? 'fixture';
  const result = runInProcess(
    (a, io) => recordDestroyMain(a, { io, env: {} }),
    [
      '--env', env, '--stack', r.stack, '--terraform-log', log, '--state-json', state, '--exit-code', String(r.exitCode ?? 0),
      '--started', r.started, '--finished', r.finished, '--run-id', runId, '--run-attempt', attempt,
      '--repository', 'smart-segments/platform', '--commit', TEST_COMMIT,
      '--evidence-dir', r.evidenceDir, '--environments-dir', r.environmentsDir,
    ],
  );
  return { ...result, file: path.join(r.evidenceDir, env, `destroy-${r.stack}-${runId}-${attempt}.json`) };
}
