/**
 * Every fixture stack against its reviewed inventory (test/inventories/<stack>.yaml): resource
 * counts by type exactly, and the values that carry a control by address. These replace the
 * snapshots: a difference prints what changed and the command that rewrites the inventory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SynthesizedStack } from '../compliance/synthesized-stack';
import { inventoryDifferences, inventoryOf, parseInventory, renderInventory } from '../scripts/lib/inventory';
import { INVENTORIES_DIR, WRITE_COMMAND, differences, inventoryFile, main } from '../scripts/inventories';
import { runInProcess } from './scripts/cli-harness';
import { fixtureStack, fixtureStackNames } from './support/synth';

const stacks = fixtureStackNames().map(fixtureStack);
const brightwave = fixtureStack('tenant-fixture-brightwave-leisure');

/** A copy of a synthesized stack with one resource's attribute set to `value`. */
function withValue(stack: SynthesizedStack, address: string, key: string, value: unknown): SynthesizedStack {
  const json = JSON.parse(JSON.stringify(stack.json));
  const [type, name] = address.split('.');
  json.resource[type][name][key] = value;
  return new SynthesizedStack(stack.name, json);
}

describe('inventories of the fixture stacks', () => {
  it.each(stacks.map((s) => s.name))('%s matches its inventory in test/inventories/', (name) => {
    const found = differences([fixtureStack(name)]).filter((d) => d.includes(`${name}.yaml:`));
    // On a difference the message is the list of changes and the command, not a JSON dump.
    if (found.length > 0) {
      throw new Error(`${found.length} difference(s) from the reviewed inventory:\n  ${found.join('\n  ')}\nIf intended: ${WRITE_COMMAND}, then trim and review the diff.`);
    }
  });

  it('has an inventory for every fixture stack and none for a stack that is gone', () => {
    const files = fs.readdirSync(INVENTORIES_DIR).filter((f) => f.endsWith('.yaml')).sort();
    expect(files).toEqual(stacks.map((s) => `${s.name}.yaml`).sort());
  });

  it('stays small enough to review (a few hundred lines per stack)', () => {
    for (const s of stacks) {
      const lines = fs.readFileSync(inventoryFile(s.name), 'utf8').split('\n').length;
      expect({ stack: s.name, small: lines <= 450 }).toEqual({ stack: s.name, small: true });
    }
  });
});

describe('comparing a stack with an inventory', () => {
  const inventory = inventoryOf(brightwave);
  const dataset = brightwave.ofType('google_bigquery_dataset')[0].address;

  it('finds nothing when they agree, and records control values such as dataset location and protection', () => {
    expect(inventoryDifferences(inventory, brightwave)).toEqual([]);
    expect(inventory.values[dataset]).toMatchObject({ location: 'EU', lifecycle: { prevent_destroy: true } });
  });

  it('names the address, attribute and both values of a changed control value', () => {
    expect(inventoryDifferences(inventory, withValue(brightwave, dataset, 'location', 'US'))).toEqual([
      `values.${dataset}.location: inventory "EU", synthesized "US"`,
    ]);
  });

  it('counts resources exactly: one more or one fewer of a type is a difference', () => {
    const json = JSON.parse(JSON.stringify(brightwave.json));
    const [type, name] = dataset.split('.');
    json.resource[type][`${name}_copy`] = json.resource[type][name];
    delete json.resource.google_firestore_database;
    const differences = inventoryDifferences(inventory, new SynthesizedStack(brightwave.name, json));
    expect(differences).toEqual(
      expect.arrayContaining([
        'counts.google_bigquery_dataset: inventory 1, synthesized 2',
        'counts.google_firestore_database: inventory 1, synthesized 0',
      ]),
    );
    expect(differences).toContain(`values.${brightwave.ofType('google_firestore_database')[0].address}: not in the synthesized stack`);
  });

  it('compares only what the inventory lists (a trimmed inventory passes a stack with more attributes)', () => {
    const trimmed = { counts: inventory.counts, values: { [dataset]: { location: 'EU' } } };
    expect(inventoryDifferences(trimmed, withValue(brightwave, dataset, 'description', 'changed'))).toEqual([]);
  });

  it('leaves out the labels every resource carries, keeping the others (data-class, llm-support)', () => {
    const project = inventory.values[brightwave.ofType('google_project')[0].address];
    expect(project.labels).toEqual({ 'llm-support': 'allowed' });
    expect(inventory.values[dataset].labels).toEqual({ 'data-class': 'customer-data' });
  });

  it('reads back what it writes', () => {
    expect(parseInventory(renderInventory(brightwave.name, inventory), 'x.yaml')).toEqual(inventory);
  });

  it.each([
    ['no counts', 'values: {}\n', /^bad\.yaml: counts: is missing/],
    ['a count that is not a number', 'counts: {google_project: two}\n', /^bad\.yaml: counts\.google_project: is "two"; it must be a whole number$/],
    ['values that are not a mapping', 'counts: {}\nvalues: [a]\n', /^bad\.yaml: values: must map resource addresses to attributes$/],
    ['invalid YAML', 'counts: {a: 1\n', /^bad\.yaml: is not valid YAML/],
  ])('refuses an inventory file with %s, naming the file and field', (_title, text, error) => {
    expect(() => parseInventory(text, 'bad.yaml')).toThrow(error);
  });
});

describe('npm run inventories', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ss-inventories-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => runInProcess((argv, io) => main(argv, io, dir, () => [brightwave]), args);

  it('--write writes one inventory per stack, and removes the inventory of a stack that is gone', () => {
    fs.writeFileSync(path.join(dir, 'tenant-fixture-gone.yaml'), 'counts: {}\n');
    expect(run(['--write']).code).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['tenant-fixture-brightwave-leisure.yaml']);
    expect(run([]).code).toBe(0);
  });

  it('exits 1 naming each difference and the command, writing nothing', () => {
    run(['--write']);
    const file = path.join(dir, 'tenant-fixture-brightwave-leisure.yaml');
    const edited = fs.readFileSync(file, 'utf8').replace('google_project: 1', 'google_project: 2');
    fs.writeFileSync(file, edited);
    const r = run([]);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/tenant-fixture-brightwave-leisure\.yaml: counts\.google_project: inventory 2, synthesized 1$/)]);
    expect(r.stderr).toContain(WRITE_COMMAND);
    expect(fs.readFileSync(file, 'utf8')).toBe(edited);
  });

  it('names a stack without an inventory', () => {
    const r = run([]);
    expect(r.code).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/tenant-fixture-brightwave-leisure\.yaml: missing; stack tenant-fixture-brightwave-leisure has no inventory$/)]);
  });
});
