/**
 * `npm run ropa -- --env <env>`: writes the records of processing (GDPR Art. 30(2), DPA 9.3,
 * AUD-1) for every tenant of an environment: reports/ropa-<env>.md and .json (both or neither),
 * generated from the tenant configs and the synthesized stacks. See docs/compliance.md.
 */
import { renderRopaJson, renderRopaMarkdown } from '../compliance/report/ropa';
import { EXIT_FAILED, EXIT_OK, processIo, readCommandLine, runCli, type CommandSpec, type Io } from './lib/cli';
import { evaluateReportTarget, reportCommandFlags } from './lib/report-command';
import { generationMetadata, writeReportPair } from './lib/report-output';

export const ROPA_SPEC: CommandSpec = {
  usage: ['npm run ropa -- --env <env> [--out-dir <dir>] [--environments-dir <dir>]'],
  summary: 'Writes the records of processing of every tenant of an environment: reports/ropa-<env>.md and .json.',
  flags: reportCommandFlags('the records'),
  footer: 'Exit status: 0 written; 1 writing failed; 2 invalid flags or config (nothing written).',
};

export function main(argv: readonly string[], io: Io = processIo): number {
  const commandLine = readCommandLine(argv, ROPA_SPEC, io, 'ropa');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const target = evaluateReportTarget(commandLine.values, io);
  if (typeof target === 'number') return target;
  const { env, outDir } = target;
  const { records } = target.evaluation;
  const generated = generationMetadata(`npm run ropa -- --env ${env}`);
  const written = writeReportPair(
    io,
    outDir,
    `ropa-${env}`,
    { md: renderRopaMarkdown(env, records, generated), json: renderRopaJson(env, records, generated) },
    'the records',
    `Records of processing for ${env}: ${records.length} tenant${records.length === 1 ? '' : 's'} (${records.map((r) => r.tenant).join(', ')}).`,
  );
  return written ? EXIT_OK : EXIT_FAILED;
}

if (require.main === module) runCli((argv) => main(argv));
