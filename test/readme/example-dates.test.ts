/**
 * One set of example dates: every date a command's `--help` shows is one the README's examples use,
 * so a reader who follows both sees one story. The commands are found by scanning scripts/ and
 * main.ts for exported CommandSpecs, so a new command is covered without being listed here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatHelp, type CommandSpec } from '../../scripts/lib/cli';
import { REPO_ROOT } from '../support/synth';

const DATE = /\b\d{4}-\d{2}-\d{2}\b/g;

function commandSpecs(): Array<{ file: string; name: string; spec: CommandSpec }> {
  const files = [
    path.join(REPO_ROOT, 'main.ts'),
    ...['scripts', path.join('scripts', 'lib')].flatMap((dir) =>
      fs.readdirSync(path.join(REPO_ROOT, dir)).filter((f) => f.endsWith('.ts')).map((f) => path.join(REPO_ROOT, dir, f)),
    ),
  ].filter((f) => /export const \w+: CommandSpec = /.test(fs.readFileSync(f, 'utf8')));
  return files.flatMap((file) => {
    // Every command guards its main with require.main, so requiring it only defines its exports.
    const exports = require(file) as Record<string, unknown>;
    return Object.entries(exports)
      .filter(([, v]) => typeof v === 'object' && v !== null && 'usage' in v && 'flags' in v && 'summary' in v)
      .map(([name, spec]) => ({ file: path.relative(REPO_ROOT, file), name, spec: spec as CommandSpec }));
  });
}

describe('example dates', () => {
  it('every date in a --help is one the README uses', () => {
    const readmeDates = new Set(fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').match(DATE) ?? []);
    expect(readmeDates.size).toBeGreaterThan(0);
    const specs = commandSpecs();
    // Every lifecycle and report command, the synthesis, new-environment and the stack listing.
    expect(specs.length).toBeGreaterThanOrEqual(15);
    const strays = specs.flatMap(({ file, name, spec }) =>
      (formatHelp(spec).match(DATE) ?? []).filter((d) => !readmeDates.has(d)).map((d) => `${file} ${name}: ${d}`),
    );
    expect({ strays, readme: [...readmeDates].sort() }).toEqual({ strays: [], readme: [...readmeDates].sort() });
  });
});
