/**
 * Which test files assert which control: every `describe(...)` title in test/**\/*.test.ts that
 * names a control id. Derived from the tests themselves, so the report cannot claim a test that
 * does not exist (AUD-2).
 */
import * as fs from 'fs';
import * as path from 'path';

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(full));
    else if (entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

/** The first argument of every describe call that is a plain string literal. */
export function describeTitles(source: string): string[] {
  const titles: string[] = [];
  for (const m of source.matchAll(/\bdescribe(?:\.each\([^)]*\))?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) titles.push(m[2]);
  return titles;
}

/** Control id -> test files (relative to `root`, sorted) whose describe titles name it. */
export function indexTests(root: string, controlIds: readonly string[]): Map<string, string[]> {
  const index = new Map<string, string[]>(controlIds.map((id) => [id, []]));
  const idPattern = new RegExp(`(?<![A-Z0-9-])(${controlIds.map((id) => id.replace('-', '\\-')).join('|')})(?![0-9])`, 'g');
  for (const file of testFiles(path.join(root, 'test')).sort()) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const ids = new Set<string>();
    for (const title of describeTitles(fs.readFileSync(file, 'utf8'))) for (const m of title.matchAll(idPattern)) ids.add(m[1]);
    for (const id of ids) index.get(id)!.push(rel);
  }
  return index;
}
