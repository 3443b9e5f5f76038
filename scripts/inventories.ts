/**
 * `npm run inventories`: compares every stack of the test fixture environment
 * (test/fixtures/environments/fixture) with its inventory in test/inventories/ and prints each
 * difference; `--write` writes the inventories from the synthesis instead (atomically, all files or
 * none), for a person to trim and review in the diff. The format is scripts/lib/inventory.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SynthesizedStack } from '../compliance/synthesized-stack';
import { writeFilesAtomic } from './lib/atomic-write';
import { EXIT_FAILED, EXIT_OK, processIo, readCommandLine, reportProblems, runCli, type CommandSpec, type Io } from './lib/cli';
import { inventoryDifferences, inventoryOf, parseInventory, renderInventory } from './lib/inventory';
import { displayPath } from './lib/paths';
import { REPO_ROOT, fixtureStackFile, synthesizeFixtures } from '../test/support/fixture-synthesis';

export const INVENTORIES_DIR = path.join(REPO_ROOT, 'test', 'inventories');
export const WRITE_COMMAND = 'npm run inventories -- --write';

export const INVENTORIES_SPEC: CommandSpec = {
  usage: ['npm run inventories', `${WRITE_COMMAND}`],
  summary: [
    'Compares each stack of the test fixture environment with test/inventories/<stack>.yaml:',
    'resource counts by type exactly, and every attribute the inventory lists by address.',
  ].join('\n'),
  flags: [
    {
      name: 'write',
      type: 'boolean',
      description: 'Write every inventory from the synthesis (and remove those of stacks that are gone); review the diff.',
    },
  ],
  footer: 'Exit status: 0 every inventory matches (or was written); 1 a difference, or writing failed; 2 invalid flags.',
};

export const inventoryFile = (stackName: string, dir = INVENTORIES_DIR): string => path.join(dir, `${stackName}.yaml`);

/** The fixture stacks, synthesized (or reused from this run's synthesis). */
export function fixtureStacks(): SynthesizedStack[] {
  const dir = synthesizeFixtures();
  const names = JSON.parse(fs.readFileSync(path.join(dir, 'stacks.json'), 'utf8')) as string[];
  return names.map((name) => SynthesizedStack.parse(name, fs.readFileSync(fixtureStackFile(name, dir), 'utf8')));
}

/** Every difference between the stacks and the inventories in `dir`, each line naming its file. */
export function differences(stacks: readonly SynthesizedStack[], dir = INVENTORIES_DIR): string[] {
  const out: string[] = [];
  const names = new Set(stacks.map((s) => s.name));
  for (const stack of stacks) {
    const file = inventoryFile(stack.name, dir);
    if (!fs.existsSync(file)) {
      out.push(`${displayPath(file)}: missing; stack ${stack.name} has no inventory`);
      continue;
    }
    const expected = parseInventory(fs.readFileSync(file, 'utf8'), displayPath(file));
    for (const d of inventoryDifferences(expected, stack)) out.push(`${displayPath(file)}: ${d}`);
  }
  const stale = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !names.has(f.slice(0, -'.yaml'.length))) : [];
  for (const f of stale) out.push(`${displayPath(path.join(dir, f))}: no fixture stack of that name`);
  return out;
}

export function main(argv: readonly string[], io: Io = processIo, dir = INVENTORIES_DIR, stacks: () => SynthesizedStack[] = fixtureStacks): number {
  const commandLine = readCommandLine(argv, INVENTORIES_SPEC, io, 'inventories');
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const synthesized = stacks();

  if (commandLine.values.write !== true) {
    const found = differences(synthesized, dir);
    if (found.length > 0) {
      reportProblems(io, found, `Nothing was written. If the change is intended: ${WRITE_COMMAND}, then trim and review the diff.`);
      return EXIT_FAILED;
    }
    io.out(`${displayPath(dir)}: ${synthesized.length} inventories match`);
    return EXIT_OK;
  }

  const files = synthesized.map((s) => ({ path: inventoryFile(s.name, dir), data: renderInventory(s.name, inventoryOf(s)) }));
  const names = new Set(synthesized.map((s) => s.name));
  try {
    fs.mkdirSync(dir, { recursive: true });
    writeFilesAtomic(files);
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !names.has(f.slice(0, -'.yaml'.length)))) fs.rmSync(path.join(dir, f));
  } catch (e) {
    reportProblems(io, [`cannot write ${displayPath(dir)}: ${(e as Error).message}`]);
    return EXIT_FAILED;
  }
  for (const f of files) io.out(`wrote ${displayPath(f.path)}`);
  return EXIT_OK;
}

if (require.main === module) runCli((argv) => main(argv));
