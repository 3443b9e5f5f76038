/**
 * `npm run compliance -- --env <env> [--synth-dir <dir>]`: synthesizes the environment in memory (or
 * reads the output already synthesized in <dir>), runs the DPA rule pack and the deployability pack on
 * every stack and writes reports/compliance-<env>.md and .json (both or neither). Exits 1 when a
 * control or a deployability check fails, 2 on bad flags, config or synth dir (nothing written).
 * See docs/compliance.md.
 */
import { loadControlCatalogue } from '../compliance/controls';
import { formatViolation } from '../compliance/engine';
import { buildComplianceReport, renderComplianceJson, renderComplianceMarkdown } from '../compliance/report/compliance-report';
import { renderComplianceHtml } from '../compliance/report/compliance-html';
import { indexTests } from '../compliance/report/test-index';
import { EXIT_FAILED, EXIT_OK, processIo, readCommandLine, runCli, type CommandSpec, type Io } from './lib/cli';
import { evaluateReportTarget, reportCommandFlags, SYNTH_DIR_FLAG } from './lib/report-command';
import { generationMetadata, writeReportPair } from './lib/report-output';
import { REPO_ROOT } from './lib/paths';

export const COMPLIANCE_SPEC: CommandSpec = {
  usage: ['npm run compliance -- --env <env> [--synth-dir <dir>] [--out-dir <dir>] [--environments-dir <dir>]'],
  summary:
    'Checks every stack of an environment against the DPA control catalogue (docs/controls.md) and writes\n' +
    'the compliance report: reports/compliance-<env>.md and .html (for people; the HTML page is self-contained, with the\n' +
    'access maps drawn) and .json (for tools). Every report states its generation time (UTC; $SOURCE_DATE_EPOCH when set),\n' +
    'the commit (and whether the checkout had uncommitted changes) and the tool version.',
  flags: [...reportCommandFlags('the report'), SYNTH_DIR_FLAG],
  footer:
    'Exit status: 0 no control fails; 1 a control or a deployability check fails (the report and the errors say which\n' +
    'and how to fix it); 2 invalid flags, config or --synth-dir (nothing written).',
};

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, COMPLIANCE_SPEC, io, 'compliance');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const target = evaluateReportTarget(commandLine.values, io);
  if (typeof target === 'number') return target;
  const { env, outDir, evaluation, deployEvaluations } = target;
  const catalogue = loadControlCatalogue();
  const report = buildComplianceReport({
    ...evaluation,
    catalogue,
    tests: indexTests(
      REPO_ROOT,
      catalogue.controls.map((c) => c.id),
    ),
    generated: generationMetadata(`npm run compliance -- --env ${env}`),
  });
  const c = report.counts;
  const written = writeReportPair(
    io,
    outDir,
    `compliance-${env}`,
    { md: renderComplianceMarkdown(report), json: renderComplianceJson(report), html: renderComplianceHtml(report) },
    'the report',
    `Compliance report for ${env}: ${c.pass} pass, ${c.fail} fail, ${c.suppressed} suppressed, ${c['not applicable']} not applicable, ${c['not yet implemented']} not yet implemented.`,
  );
  if (!written) return EXIT_FAILED;
  const failed = report.controls.filter((x) => x.status === 'fail');
  const deployViolations = deployEvaluations.flatMap((e) => e.violations);
  if (failed.length > 0) {
    io.err(`Failing controls: ${failed.map((x) => x.id).join(', ')}`);
    for (const v of report.violations) io.err(`  - [${v.stack}] ${v.address}: ${v.ruleId}: ${v.problem}`);
  }
  if (deployViolations.length > 0) {
    io.err(`Failing deployability checks (docs/deployability.md): ${[...new Set(deployViolations.map((v) => v.control))].join(', ')}`);
    for (const v of deployViolations) io.err(`  - ${formatViolation(v)}`);
  }
  return failed.length > 0 || deployViolations.length > 0 ? EXIT_FAILED : EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
