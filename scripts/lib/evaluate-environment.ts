/**
 * Synthesizes one environment in memory, exactly as `npm run synth` would (buildApp, aspects,
 * overrides), and runs the rule pack on every stack without failing on violations, so the reports
 * can show them. Also builds the records of processing, which the report's AUD-1 check reads.
 * It lives with the scripts because it builds the stacks: the rule pack itself never imports them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironment, type EnvironmentConfig } from '../../config/loader';
import { tenantStackName } from '../../config/naming';
import { buildApp } from '../../stacks/build-app';
import type { StackEvaluation } from '../../compliance/engine';
import { evaluateApp } from '../../compliance/synth-gate';
import type { SynthesizedStack } from '../../compliance/synthesized-stack';
import { buildRopaRecord } from '../../compliance/report/ropa';
import type { RopaRecord } from '../../compliance/report/ropa-record';
import { withoutTokenStackTraces } from './token-stack-traces';

export interface EnvironmentEvaluation {
  readonly environment: EnvironmentConfig;
  readonly stacks: readonly SynthesizedStack[];
  readonly evaluations: readonly StackEvaluation[];
  readonly records: readonly RopaRecord[];
}

export function evaluateEnvironment(envName: string, environmentsDir?: string): EnvironmentEvaluation {
  const environment = loadEnvironment(envName, { environmentsDir });
  // Nothing is synthesized to disk, but cdktf's App creates its output folder when constructed:
  // give it a temporary one and remove it, so a report never touches cdktf.out or the repository.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-app-'));
  try {
    // As the pipeline does: no token creation traces (scripts/lib/token-stack-traces.ts).
    const { stacks, evaluations } = withoutTokenStackTraces(() => evaluateApp(buildApp({ environment: envName, environmentsDir, outdir }), [environment]));
    const records = environment.tenants
      .map((t) => ({ t, i: stacks.findIndex((s) => s.name === tenantStackName(envName, t.id)) }))
      .filter(({ i }) => i >= 0)
      .map(({ t, i }) => buildRopaRecord(t, stacks[i], evaluations[i]));
    return { environment, stacks, evaluations, records };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
