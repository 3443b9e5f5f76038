/**
 * `npm run compliance -- --env <env>`: synthesizes the environment, runs the DPA rule pack on every
 * stack and writes reports/compliance-<env>.md and .json (both or neither). Exits 1 when a control
 * fails, 2 on bad flags or config (nothing written). See docs/compliance.md.
 */
import * as path from 'path';
import { ConfigError } from '../config/config-error';
import { loadControlCatalogue } from '../compliance/controls';
import { buildComplianceReport, renderComplianceJson, renderComplianceMarkdown } from '../compliance/report/compliance-report';
import { evaluateEnvironment } from '../compliance/report/evaluate-environment';
import { indexTests } from '../compliance/report/test-index';
import { writeFilesAtomic } from './lib/atomic-write';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  formatHelp,
  parseFlags,
  processIo,
  reportProblems,
  runCli,
  stringFlag,
  type CommandSpec,
  type Io,
} from './lib/cli';
import { displayPath, environmentsDirFrom } from './lib/paths';
import { ensureDir, reportsDirFrom } from './lib/report-output';
import { REPO_ROOT } from './lib/synth';

export const COMPLIANCE_SPEC: CommandSpec = {
  usage: ['npm run compliance -- --env <env> [--out-dir <dir>] [--environments-dir <dir>]'],
  summary:
    'Checks every stack of an environment against the DPA control catalogue (../shared/CONTROLS.md) and writes\n' +
    'the compliance report: reports/compliance-<env>.md (for people) and .json (for tools).',
  flags: [
    { name: 'env', type: 'string', value: '<env>', description: 'Environment folder under environments/.', required: true },
    { name: 'out-dir', type: 'string', value: '<dir>', description: 'Where to write the report. Default: reports/ of this repository.' },
    {
      name: 'environments-dir',
      type: 'string',
      value: '<dir>',
      description: 'Folder of environments. Default: $ENVIRONMENTS_DIR, else environments/.',
    },
  ],
  footer:
    'Exit status: 0 no control fails; 1 a control fails (the report says which and how to fix it); 2 invalid flags or config (nothing written).',
};

export function main(argv: readonly string[], io: Io = processIo): number {
  const parsed = parseFlags(argv, COMPLIANCE_SPEC);
  if (parsed.help) {
    io.out(formatHelp(COMPLIANCE_SPEC));
    return EXIT_OK;
  }
  if (parsed.problems.length > 0) {
    reportProblems(io, parsed.problems, 'Nothing was written. See npm run compliance -- --help.');
    return EXIT_USAGE;
  }
  const env = stringFlag(parsed.values, 'env')!;
  const outDir = reportsDirFrom(stringFlag(parsed.values, 'out-dir'));
  let evaluation;
  try {
    evaluation = evaluateEnvironment(env, environmentsDirFrom(stringFlag(parsed.values, 'environments-dir')));
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
  const catalogue = loadControlCatalogue();
  const report = buildComplianceReport({
    ...evaluation,
    catalogue,
    tests: indexTests(
      REPO_ROOT,
      catalogue.controls.map((c) => c.id),
    ),
  });
  const md = path.join(outDir, `compliance-${env}.md`);
  const json = path.join(outDir, `compliance-${env}.json`);
  try {
    ensureDir(outDir);
    writeFilesAtomic([
      { path: md, data: renderComplianceMarkdown(report) },
      { path: json, data: renderComplianceJson(report) },
    ]);
  } catch (e) {
    reportProblems(io, [`cannot write the report: ${(e as Error).message}`]);
    return EXIT_FAILED;
  }
  const c = report.counts;
  io.out(
    `Compliance report for ${env}: ${c.pass} pass, ${c.fail} fail, ${c.suppressed} suppressed, ${c['not applicable']} not applicable, ${c['not yet implemented']} not yet implemented.`,
  );
  io.out(`  ${displayPath(md)}\n  ${displayPath(json)}`);
  const failed = report.controls.filter((x) => x.status === 'fail');
  if (failed.length > 0) {
    io.err(`Failing controls: ${failed.map((x) => x.id).join(', ')}`);
    for (const v of report.violations) io.err(`  - [${v.stack}] ${v.address}: ${v.ruleId}: ${v.problem}`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
