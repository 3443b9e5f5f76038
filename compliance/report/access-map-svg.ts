/**
 * An access map drawn as inline SVG for the HTML report: principals on the left, grouped by party,
 * the resources they hold roles on at the right, one line per grant (its role in the line's
 * tooltip and in the table beside the drawing). No script and no external asset.
 */
import type { AccessMap } from './access-map';
import { escapeHtml } from './html';

const ROW = 20;
const WIDTH = 1200;
const LEFT = { x: 10, width: 470 };
const RIGHT = { x: 760, width: 430 };
const PARTY_COLOURS = ['#1f6feb', '#8250df', '#bf3989', '#9a6700', '#1a7f37', '#cf222e', '#0969da', '#6e7781'];

/** At most `max` characters, with an ellipsis; the full text stays in the element's title. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A principal's box label: its words without the explanation in parentheses (that stays in the tooltip and the table). */
function boxLabel(principal: string): string {
  return principal.replace(/ \((its email holds|Google creates it)[^)]*\)$/, '');
}

export function accessMapSvg(map: AccessMap): string {
  const parties = [...new Set(map.entries.map((e) => e.party))].sort();
  const colour = new Map(parties.map((p, i) => [p, PARTY_COLOURS[i % PARTY_COLOURS.length]]));
  const left: string[] = [];
  const principalY = new Map<string, number>();
  let y = 30;
  for (const party of parties) {
    left.push(`<text x="${LEFT.x}" y="${y}" font-weight="bold" fill="${colour.get(party)}">${escapeHtml(clip(party, 70))}</text>`);
    y += ROW;
    const principals = [...new Set(map.entries.filter((e) => e.party === party).map((e) => e.principalShown))].sort();
    for (const p of principals) {
      principalY.set(`${party}\u0000${p}`, y);
      left.push(
        `<g class="principal"><title>${escapeHtml(p)}</title><rect x="${LEFT.x}" y="${y - 14}" width="${LEFT.width}" height="${ROW - 2}" rx="3" fill="#f6f8fa" stroke="${colour.get(party)}"/><text x="${LEFT.x + 6}" y="${y}">${escapeHtml(clip(boxLabel(p), 78))}</text></g>`,
      );
      y += ROW;
    }
    y += ROW / 2;
  }
  const resources = [...new Set(map.entries.map((e) => e.resource))].sort();
  const resourceY = new Map<string, number>();
  const right: string[] = [`<text x="${RIGHT.x}" y="30" font-weight="bold">Resources</text>`];
  resources.forEach((r, i) => {
    const ry = 30 + ROW * (i + 1);
    resourceY.set(r, ry);
    right.push(
      `<g class="resource"><title>${escapeHtml(r)}</title><rect x="${RIGHT.x}" y="${ry - 14}" width="${RIGHT.width}" height="${ROW - 2}" rx="9" fill="#fff8c5" stroke="#9a6700"/><text x="${RIGHT.x + 8}" y="${ry}">${escapeHtml(clip(r, 70))}</text></g>`,
    );
  });
  const edges = map.entries.map((e) => {
    const from = principalY.get(`${e.party}\u0000${e.principalShown}`)! - 5;
    const to = resourceY.get(e.resource)! - 5;
    const x1 = LEFT.x + LEFT.width;
    const x2 = RIGHT.x;
    const label = [e.role, e.condition ? `if ${e.condition}` : undefined, e.note].filter(Boolean).join(' · ');
    return `<path class="grant" d="M${x1},${from} C${x1 + 120},${from} ${x2 - 120},${to} ${x2},${to}" fill="none" stroke="${colour.get(e.party)}" stroke-opacity="0.55"><title>${escapeHtml(
      `${e.principalShown} holds ${label} on ${e.resource}`,
    )}</title></path>`;
  });
  const height = Math.max(y, 30 + ROW * (resources.length + 1)) + 10;
  return [
    `<svg class="access-map" data-tenant="${escapeHtml(map.tenant)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(
      `Access map of ${map.tenant}: ${map.entries.length} grants`,
    )}">`,
    ...edges,
    ...left,
    ...right,
    '</svg>',
  ].join('\n');
}
