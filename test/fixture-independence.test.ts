/**
 * Tests never read environments/example: it is the users' to edit (the README's examples onboard,
 * hand over and offboard tenants in it). They read the fixture environment under test/fixtures/.
 * CI's `npm run synth` and `npm run compliance -- --env example` check that the example itself
 * synthesizes with zero findings, so no test needs to.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURE_ENV, FIXTURE_ENVIRONMENTS_DIR, REPO_ROOT, fixtureEnvironment } from './support/synth';

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'inventories' ? [] : sourcesUnder(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const EXAMPLE = 'example';
const READS_EXAMPLE: ReadonlyArray<[string, RegExp]> = [
  ['the path environments/example', new RegExp(`environments['"\`]?\\s*[,/]\\s*['"\`]?${EXAMPLE}\\b`)],
  ['the environment name as a value', new RegExp(`['"\`]${EXAMPLE}['"\`]`)],
  ['the default environments folder', /DEFAULT_ENVIRONMENTS_DIR/],
];

describe('tests read only their own fixtures', () => {
  // This file names what it looks for, so it is not scanned.
  const files = sourcesUnder(path.join(REPO_ROOT, 'test')).filter((f) => f !== __filename);

  it.each(READS_EXAMPLE)('no test source names %s', (_what, pattern) => {
    expect(files.length).toBeGreaterThan(20);
    const offending = files.flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (pattern.test(line) ? [`${path.relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });

  it('the guard finds each form it looks for', () => {
    const samples = [`loadEnvironment('${EXAMPLE}')`, `path.join(ENVIRONMENTS_DIR, '${EXAMPLE}')`, `'environments/${EXAMPLE}/tenants/a.yaml'`, 'DEFAULT_ENVIRONMENTS_DIR'];
    for (const sample of samples) expect({ sample, found: READS_EXAMPLE.some(([, p]) => p.test(sample)) }).toEqual({ sample, found: true });
  });

  it('the fixture environment is its own folder, named so its stacks say they are fixtures', () => {
    const env = fixtureEnvironment();
    expect(env.name).toBe(FIXTURE_ENV);
    expect(path.relative(REPO_ROOT, env.dir)).toBe(path.join('test', 'fixtures', 'environments', 'fixture'));
    expect(path.dirname(env.dir)).toBe(FIXTURE_ENVIRONMENTS_DIR);
    expect(env.tenants.length).toBeGreaterThan(0);
  });
});
