/**
 * The HTML pages of the reports: one self-contained file each (inline CSS, no script, no external
 * asset), so a page opened years later, offline, shows what it showed when it was generated.
 */

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A `<table>` of already escaped cells (headers are escaped here). */
export function htmlTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, className = ''): string {
  return [
    `<table${className ? ` class="${className}"` : ''}>`,
    `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

/** Inline code, escaped. */
export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.5rem; }
table { border-collapse: collapse; margin: 0.75rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85em; word-break: break-all; }
.meta { background: #f6f8fa; border: 1px solid #d0d7de; padding: 0.5rem 0.75rem; font-size: 0.9rem; }
.status-pass { color: #116329; } .status-fail { color: #b3261e; font-weight: bold; } .status-suppressed { color: #8a5a00; }
.status-not-applicable { color: #555; } .status-not-yet-implemented { color: #555; font-style: italic; }
.breach { border: 2px solid #b3261e; background: #fdecea; padding: 0.5rem 1rem; }
svg.access-map { max-width: 100%; height: auto; border: 1px solid #ddd; background: #fff; }
svg.access-map text { font-family: system-ui, sans-serif; font-size: 11px; }
`;

/** A complete page: `body` is already escaped HTML. */
export function htmlPage(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
