/**
 * `npm run compliance -- --env <env>`: synthesizes the environment, runs the DPA rule pack on every
 * stack and writes reports/compliance-<env>.md and .json (both or neither). Exits 1 when a control
 * fails, 2 on bad flags or config (nothing written). See docs/compliance.md.
 */
import { loadControlCatalogue } from '../compliance/controls';
import { buildComplianceReport, renderComplianceJson, renderComplianceMarkdown } from '../compliance/report/compliance-report';
import { indexTests } from '../compliance/report/test-index';
import { EXIT_FAILED, EXIT_OK, processIo, readCommandLine, runCli, type CommandSpec, type Io } from './lib/cli';
import { evaluateReportTarget, reportCommandFlags } from './lib/report-command';
import { writeReportPair } from './lib/report-output';
import { REPO_ROOT } from './lib/synth';

export const COMPLIANCE_SPEC: CommandSpec = {
  usage: ['npm run compliance -- --env <env> [--out-dir <dir>] [--environments-dir <dir>]'],
  summary:
    'Checks every stack of an environment against the DPA control catalogue (docs/controls.md) and writes\n' +
    'the compliance report: reports/compliance-<env>.md (for people) and .json (for tools).',
  flags: reportCommandFlags('the report'),
  footer:
    'Exit status: 0 no control fails; 1 a control fails (the report says which and how to fix it); 2 invalid flags or config (nothing written).',
};

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, COMPLIANCE_SPEC, io, 'compliance');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const target = evaluateReportTarget(commandLine.values, io);
  if (typeof target === 'number') return target;
  const { env, outDir, evaluation } = target;
  const catalogue = loadControlCatalogue();
  const report = buildComplianceReport({
    ...evaluation,
    catalogue,
    tests: indexTests(
      REPO_ROOT,
      catalogue.controls.map((c) => c.id),
    ),
  });
  const c = report.counts;
  const written = writeReportPair(
    io,
    outDir,
    `compliance-${env}`,
    { md: renderComplianceMarkdown(report), json: renderComplianceJson(report) },
    'the report',
    `Compliance report for ${env}: ${c.pass} pass, ${c.fail} fail, ${c.suppressed} suppressed, ${c['not applicable']} not applicable, ${c['not yet implemented']} not yet implemented.`,
  );
  if (!written) return EXIT_FAILED;
  const failed = report.controls.filter((x) => x.status === 'fail');
  if (failed.length > 0) {
    io.err(`Failing controls: ${failed.map((x) => x.id).join(', ')}`);
    for (const v of report.violations) io.err(`  - [${v.stack}] ${v.address}: ${v.ruleId}: ${v.problem}`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
