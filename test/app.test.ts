/**
 * The App as main.ts builds it: deterministic output, STACKS filtering, and deep provider imports.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp, parseStackList } from '../stacks/build-app';
import { FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT } from './support/synth';
import { fixtureOutdir, synthesizeFixtures } from './support/fixture-synthesis';

function synthTo(options: Parameters<typeof buildApp>[0] = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-synth-'));
  buildApp({ environmentsDir: FIXTURE_ENVIRONMENTS_DIR, ...options, outdir }).synth();
  return outdir;
}

function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

describe('deterministic output', () => {
  // The fixture environment was synthesized once for this run in another process (jest globalSetup),
  // or by an earlier run from the same sources: the same config gives the same bytes across processes.
  it('synthesizing the same config again, in another process, gives identical bytes', () => {
    const fresh = synthTo({ environment: 'fixture' });
    const earlier = fixtureOutdir(synthesizeFixtures());
    try {
      const ta = readTree(path.join(fresh, 'stacks'));
      const tb = readTree(path.join(earlier, 'stacks'));
      expect([...ta.keys()].sort()).toEqual([...tb.keys()].sort());
      expect([...ta.keys()].filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(1);
      for (const [file, bytes] of ta) expect({ file, same: bytes.equals(tb.get(file)!) }).toEqual({ file, same: true });
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('STACKS limits synthesis to the named stacks', () => {
  it('parses a comma-separated list', () => {
    expect(parseStackList(undefined)).toBeUndefined();
    expect(parseStackList(' ')).toBeUndefined();
    expect(parseStackList('a, b,,c')).toEqual(['a', 'b', 'c']);
  });

  it('builds only the named stack', () => {
    const app = buildApp({ environmentsDir: FIXTURE_ENVIRONMENTS_DIR, stacks: ['tenant-fixture-thames-bowl'] });
    expect(app.node.children.map((c) => c.node.id)).toEqual(['tenant-fixture-thames-bowl']);
  });

  it('rejects an unknown stack name, listing the known ones', () => {
    expect(() => buildApp({ environmentsDir: FIXTURE_ENVIRONMENTS_DIR, stacks: ['tenant-fixture-nobody'] })).toThrow(
      /STACKS names unknown stack\(s\): tenant-fixture-nobody; known stacks: .*tenant-fixture-thames-bowl/,
    );
  });
});

describe('deep imports only', () => {
  // Built from parts so this file does not itself contain a root import.
  const root = ['@cdktf', 'provider-google'].join('/');
  const rootImport = new RegExp(`(from\\s+|require\\(\\s*|import\\(\\s*)['"]${root}['"]`);
  // The package root import loads ~1,500 provider classes (seconds) and type-checks for minutes.
  it('no TypeScript file imports @cdktf/provider-google from the package root', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
        if (['node_modules', 'cdktf.out', '.git', 'reports'].includes(entry.name)) continue;
        const full = path.join(d, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts')) {
          const text = fs.readFileSync(full, 'utf8');
          if (rootImport.test(text)) offenders.push(path.relative(REPO_ROOT, full));
        }
      }
    };
    walk(REPO_ROOT);
    expect(offenders).toEqual([]);
  });

  it('the check catches a root import', () => {
    expect(rootImport.test(`import { x } from '${root}';`)).toBe(true);
    expect(rootImport.test(`const x = require("${root}");`)).toBe(true);
    expect(rootImport.test(`import { x } from '${root}/lib/project';`)).toBe(false);
  });
});
