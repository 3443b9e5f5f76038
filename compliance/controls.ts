/**
 * The control catalogue: docs/controls.md, every DPA promise infrastructure can keep, parsed once.
 * Rules take their DPA clauses from here, and the reports list every control, so catalogue, rules
 * and reports cannot disagree.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Control {
  /** Stable id used verbatim by rules, tests and reports, for example `RES-1`. */
  readonly id: string;
  /** The DPA clause(s) the control keeps. */
  readonly dpaClause: string;
  /** What must hold in the synthesized Terraform, as docs/controls.md words it. */
  readonly requirement: string;
}

/** The catalogue: docs/controls.md, in the repository, read once. */
export const CONTROLS_FILE = path.resolve(__dirname, '..', 'docs', 'controls.md');


/**
 * Parses the catalogue table of docs/controls.md: every row whose first cell is an id such as `RES-1`.
 * Throws on a duplicate id, because the report must list each control exactly once.
 */
export function parseControlsMarkdown(text: string): Control[] {
  const controls: Control[] = [];
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\|\s*([A-Z]+-\d+)\s*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    // The requirement may itself contain `|` inside code spans only in theory; the clause never does.
    const rest = m[2];
    const bar = rest.indexOf('|');
    if (bar < 0) continue;
    const id = m[1];
    if (seen.has(id)) throw new Error(`docs/controls.md lists ${id} twice`);
    seen.add(id);
    controls.push({ id, dpaClause: rest.slice(0, bar).trim(), requirement: rest.slice(bar + 1).trim() });
  }
  return controls;
}

/** Every control of docs/controls.md, in its order. */
export const CONTROLS: readonly Control[] = (() => {
  const controls = parseControlsMarkdown(fs.readFileSync(CONTROLS_FILE, 'utf8'));
  if (controls.length === 0) throw new Error(`${CONTROLS_FILE} holds no control rows`);
  return controls;
})();

/** The ids of the catalogue, in its order. */
export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.id);

export interface ControlCatalogue {
  readonly controls: readonly Control[];
  /** The file the catalogue was read from, relative to the repository. */
  readonly source: string;
}

/** The catalogue the reports use. */
export function loadControlCatalogue(): ControlCatalogue {
  return { controls: CONTROLS, source: 'docs/controls.md' };
}

export function controlById(id: string): Control {
  const control = CONTROLS.find((c) => c.id === id);
  if (!control) throw new Error(`unknown control id "${id}"; known: ${CONTROL_IDS.join(', ')}`);
  return control;
}
