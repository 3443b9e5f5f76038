/**
 * `npm run ropa -- --env <env>`: writes the records of processing (GDPR Art. 30(2), DPA 9.3,
 * AUD-1) for every tenant of an environment: reports/ropa-<env>.md and .json (both or neither),
 * generated from the tenant configs and the synthesized stacks. See docs/compliance.md.
 */
import * as path from 'path';
import { ConfigError } from '../config/config-error';
import { evaluateEnvironment } from '../compliance/report/evaluate-environment';
import { renderRopaMarkdown } from '../compliance/report/ropa';
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

export const ROPA_SPEC: CommandSpec = {
  usage: ['npm run ropa -- --env <env> [--out-dir <dir>] [--environments-dir <dir>]'],
  summary: 'Writes the records of processing of every tenant of an environment: reports/ropa-<env>.md and .json.',
  flags: [
    { name: 'env', type: 'string', value: '<env>', description: 'Environment folder under environments/.', required: true },
    { name: 'out-dir', type: 'string', value: '<dir>', description: 'Where to write the records. Default: reports/ of this repository.' },
    {
      name: 'environments-dir',
      type: 'string',
      value: '<dir>',
      description: 'Folder of environments. Default: $ENVIRONMENTS_DIR, else environments/.',
    },
  ],
  footer: 'Exit status: 0 written; 1 writing failed; 2 invalid flags or config (nothing written).',
};

export function main(argv: readonly string[], io: Io = processIo): number {
  const parsed = parseFlags(argv, ROPA_SPEC);
  if (parsed.help) {
    io.out(formatHelp(ROPA_SPEC));
    return EXIT_OK;
  }
  if (parsed.problems.length > 0) {
    reportProblems(io, parsed.problems, 'Nothing was written. See npm run ropa -- --help.');
    return EXIT_USAGE;
  }
  const env = stringFlag(parsed.values, 'env')!;
  const outDir = reportsDirFrom(stringFlag(parsed.values, 'out-dir'));
  let records;
  try {
    records = evaluateEnvironment(env, environmentsDirFrom(stringFlag(parsed.values, 'environments-dir'))).records;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
  const md = path.join(outDir, `ropa-${env}.md`);
  const json = path.join(outDir, `ropa-${env}.json`);
  try {
    ensureDir(outDir);
    writeFilesAtomic([
      { path: md, data: renderRopaMarkdown(env, records) },
      { path: json, data: `${JSON.stringify({ environment: env, records }, null, 2)}\n` },
    ]);
  } catch (e) {
    reportProblems(io, [`cannot write the records: ${(e as Error).message}`]);
    return EXIT_FAILED;
  }
  io.out(
    `Records of processing for ${env}: ${records.length} tenant${records.length === 1 ? '' : 's'} (${records
      .map((r) => r.tenant)
      .join(', ')}).`,
  );
  io.out(`  ${displayPath(md)}\n  ${displayPath(json)}`);
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
