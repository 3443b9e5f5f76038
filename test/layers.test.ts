/**
 * The layers import one way: config -> policy -> constructs -> stacks -> scripts (and main.ts on
 * top), with compliance/ (the rule pack, the deployability pack, the reports) beside constructs,
 * reading only config and policy, so that a rule is an oracle independent of the construct it
 * judges. Every import of every non-test .ts file is read with TypeScript's own parser
 * (`ts.preProcessFile`, type-only imports included), and no file may take part in an import cycle.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const REPO_ROOT = path.resolve(__dirname, '..');
const SKIPPED_DIRS = new Set(['node_modules', 'cdktf.out', '.git', 'reports', 'test', 'coverage', '.stryker-tmp']);

type Layer = 'config' | 'policy' | 'constructs' | 'compliance' | 'stacks' | 'scripts' | 'main';

/** What each layer may import, besides itself. */
const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
  config: [],
  policy: ['config'],
  constructs: ['config', 'policy'],
  compliance: ['config', 'policy'],
  stacks: ['config', 'policy', 'constructs', 'compliance'],
  scripts: ['config', 'policy', 'constructs', 'compliance', 'stacks'],
  main: ['config', 'policy', 'constructs', 'compliance', 'stacks', 'scripts'],
};

function layerOf(file: string): Layer | undefined {
  if (file === 'main.ts') return 'main';
  const top = file.split('/')[0];
  return (Object.keys(MAY_IMPORT) as Layer[]).find((l) => l === top);
}

function sourceFiles(dir: string = REPO_ROOT): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

/** Resolves a relative import to a repository file (`x.ts` or `x/index.ts`); undefined for packages and non-TypeScript files. */
function resolveImport(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** The import graph of the given files: repository-relative file -> the repository files it imports. */
function importGraph(files: ReadonlyArray<{ file: string; text: string }>, resolve: (from: string, spec: string) => string | undefined): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const { file, text } of files) {
    const info = ts.preProcessFile(text, true, true);
    const targets = info.importedFiles
      .map((i) => resolve(file, i.fileName))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Every import that goes against the layer order, as "file imports target (layer may not import layer)". */
function layerViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    if (!from) continue;
    for (const target of targets) {
      const to = layerOf(target);
      if (!to || to === from || MAY_IMPORT[from].includes(to)) continue;
      out.push(`${file} imports ${target} (${from} may import only ${[from, ...MAY_IMPORT[from]].join(', ')})`);
    }
  }
  return out.sort();
}

/** The import cycles (strongly connected components of more than one file, or a file importing itself). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

function repositoryGraph(): Map<string, string[]> {
  const rel = (f: string) => path.relative(REPO_ROOT, f).split(path.sep).join('/');
  const files = sourceFiles().map((f) => ({ file: rel(f), text: fs.readFileSync(f, 'utf8') }));
  return importGraph(files, (from, spec) => {
    const target = resolveImport(path.join(REPO_ROOT, from), spec);
    return target ? rel(target) : undefined;
  });
}

describe('import layers', () => {
  const graph = repositoryGraph();

  it('reads the imports of every layer', () => {
    const layers = new Set([...graph.keys()].map(layerOf));
    for (const l of ['config', 'policy', 'constructs', 'compliance', 'stacks', 'scripts', 'main'] as const) expect(layers).toContain(l);
    // The graph sees real edges, for example the loader's schema import.
    expect(graph.get('config/loader.ts')).toContain('config/schema.ts');
  });

  it('no import goes against config -> policy -> constructs -> stacks -> scripts, and compliance reads only config and policy', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('no file takes part in an import cycle', () => {
    expect(importCycles(graph).map((c) => c.join(' <-> '))).toEqual([]);
  });
});

describe('the layer checks catch what they must', () => {
  const resolveIn = (files: Record<string, string>) => (from: string, spec: string) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), `${spec}.ts`));
    return target in files ? target : undefined;
  };
  const graphOf = (files: Record<string, string>) =>
    importGraph(Object.entries(files).map(([file, text]) => ({ file, text })), resolveIn(files));

  it('names a construct importing the rule pack, a rule importing a construct and config importing policy', () => {
    const files = {
      'constructs/a.ts': "import { x } from '../compliance/b';",
      'compliance/b.ts': "import type { Y } from '../constructs/c';",
      'compliance/rules/d.ts': "export { z } from '../../stacks/e';",
      'constructs/c.ts': "import { p } from '../policy/dpa';",
      'config/f.ts': "import { p } from '../policy/dpa';",
      'policy/dpa.ts': "import { q } from '../config/g';",
      'config/g.ts': '',
      'stacks/e.ts': "import { c } from '../constructs/c'; import { b } from '../compliance/b';",
    };
    expect(layerViolations(graphOf(files))).toEqual([
      'compliance/b.ts imports constructs/c.ts (compliance may import only compliance, config, policy)',
      'compliance/rules/d.ts imports stacks/e.ts (compliance may import only compliance, config, policy)',
      'config/f.ts imports policy/dpa.ts (config may import only config)',
      'constructs/a.ts imports compliance/b.ts (constructs may import only constructs, config, policy)',
    ]);
  });

  it('finds a cycle, also through a type-only import', () => {
    const files = {
      'compliance/report/a.ts': "import { b } from './b';",
      'compliance/report/b.ts': "import type { C } from './c';",
      'compliance/report/c.ts': "import { a } from './a';",
      'compliance/report/d.ts': "import { a } from './a';",
    };
    expect(importCycles(graphOf(files))).toEqual([['compliance/report/a.ts', 'compliance/report/b.ts', 'compliance/report/c.ts']]);
  });
});
