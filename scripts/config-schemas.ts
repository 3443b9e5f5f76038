/**
 * `npm run config-schemas`: writes schemas/platform.schema.json and schemas/tenant.schema.json from
 * the zod schemas in config/schema.ts (scripts/lib/config-schema-files.ts); `--check` (for CI)
 * writes nothing and fails naming every committed schema that differs from the generated one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFilesAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, processIo, readCommandLine, reportProblems, runCli, type CommandSpec, type Io } from './lib/cli';
import { CONFIG_FILE_KINDS, CONFIG_SCHEMA_FILES, SCHEMAS_DIR, configSchemaText } from './lib/config-schema-files';
import { displayPath } from './lib/paths';

export const CONFIG_SCHEMAS_SPEC: CommandSpec = {
  usage: ['npm run config-schemas', 'npm run config-schemas -- --check'],
  summary: [
    'Generates the JSON Schemas that editors use to check platform.yaml and tenant files',
    '(docs/editor-support.md) from config/schema.ts, and writes them to schemas/ atomically.',
  ].join('\n'),
  flags: [
    {
      name: 'check',
      type: 'boolean',
      description: 'Write nothing; exit 1 naming each committed schema that differs from the generated one.',
    },
  ],
  footer: 'Exit status: 0 written (or up to date); 1 a schema is out of date (--check) or writing failed; 2 invalid flags.',
};

/** The schema files that are missing or differ from the generated text, as paths. */
export function staleSchemaFiles(dir: string): string[] {
  return CONFIG_FILE_KINDS.map((kind) => path.join(dir, CONFIG_SCHEMA_FILES[kind].fileName)).filter((file, i) => {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    return current !== configSchemaText(CONFIG_FILE_KINDS[i]);
  });
}

export function main(argv: readonly string[], io: Io = processIo, dir = SCHEMAS_DIR): number {
  const commandLine = readCommandLine(argv, CONFIG_SCHEMAS_SPEC, io, 'config-schemas');
  if ('exitCode' in commandLine) return commandLine.exitCode;

  if (commandLine.values.check === true) {
    const stale = staleSchemaFiles(dir);
    if (stale.length > 0) {
      reportProblems(
        io,
        stale.map((f) => `${displayPath(f)} differs from the schema generated from config/schema.ts; run npm run config-schemas and commit it`),
        '',
      );
      return EXIT_FAILED;
    }
    io.out(`${displayPath(dir)}: up to date`);
    return EXIT_OK;
  }

  const files = CONFIG_FILE_KINDS.map((kind) => ({ path: path.join(dir, CONFIG_SCHEMA_FILES[kind].fileName), data: configSchemaText(kind) }));
  try {
    fs.mkdirSync(dir, { recursive: true });
    writeFilesAtomic(files);
  } catch (e) {
    reportProblems(io, [`cannot write ${displayPath(dir)}: ${(e as Error).message}`]);
    return EXIT_FAILED;
  }
  for (const f of files) io.out(`wrote ${displayPath(f.path)}`);
  return EXIT_OK;
}

if (require.main === module) runCli(main);
