import type { ReportView } from './report-text.js';
import { describeRange, describeTotals, milliseconds, moreLine, NO_INVENTORY_HINT, percent, rawDetailLine, relativeTime, unusedHeading, visible } from './report-text.js';

const HEADINGS = ['METHOD', 'ROUTE', 'HITS', 'CONSUMERS', '5XX RATE', 'P50 MS', 'P95 MS', 'LAST SEEN'] as const;
/** Which columns are numbers, aligned right. */
const RIGHT = [false, false, true, true, true, true, true, false];
const GAP = '  ';

const ANSI = { bold: '\u001b[1m', dim: '\u001b[2m', yellow: '\u001b[33m', reset: '\u001b[0m' };

/**
 * The report for a terminal: a line with the range, aligned columns (an endpoint that is not
 * in the route inventory is marked `*`), the totals, then the unused endpoints, or a hint
 * when there is no inventory. Widths count terminal columns (CJK and emoji take two).
 */
export function formatTable(view: ReportView, color: boolean): string {
  const paint = (style: keyof typeof ANSI, text: string) => (color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const { report } = view;
  const lines = [paint('bold', `Footfall report ${describeRange(report.range)}`), ''];
  if (report.endpoints.length === 0) lines.push('No hits in this range.');
  else lines.push(...rows(view, paint));
  const more = moreLine(view);
  if (more !== undefined) lines.push(paint('dim', more));
  lines.push('', `${describeTotals(report)}.`);
  const rawDetail = rawDetailLine(report);
  if (rawDetail !== undefined) lines.push(paint(report.rawDetail?.partial === true ? 'yellow' : 'dim', rawDetail));
  if (report.declared === 0) {
    lines.push(paint('dim', NO_INVENTORY_HINT));
  } else {
    lines.push('', paint(report.unused.length > 0 ? 'yellow' : 'bold', `${unusedHeading(report)}${report.unused.length > 0 ? ':' : '.'}`));
    const width = Math.max(0, ...report.unused.map((route) => length(visible(route.method))));
    for (const route of report.unused) lines.push(`  ${pad(visible(route.method), width, false)}${GAP}${visible(route.route)}`);
  }
  return `${lines.join('\n')}\n`;
}

function rows(view: ReportView, paint: (style: keyof typeof ANSI, text: string) => string): string[] {
  const marked = view.report.declared > 0;
  const cells = view.shown.map((e) => [
    visible(e.method),
    `${visible(e.route)}${marked && !e.declared ? ' *' : ''}`,
    String(e.hits),
    String(e.clients),
    percent(e.errorRate),
    milliseconds(e.p50Ms),
    milliseconds(e.p95Ms),
    relativeTime(e.lastSeenMs, view.nowMs),
  ]);
  const widths = HEADINGS.map((heading, i) => Math.max(heading.length, ...cells.map((row) => length(row[i] ?? ''))));
  const line = (row: readonly string[]) => row.map((cell, i) => pad(cell, widths[i] ?? 0, RIGHT[i] ?? false)).join(GAP).trimEnd();
  const out = [paint('bold', line(HEADINGS)), ...cells.map(line)];
  if (marked && view.shown.some((e) => !e.declared)) out.push(paint('dim', '* not in the route inventory'));
  return out;
}

/** Terminal columns: wide (CJK, emoji) code points take two, combining marks none. */
function length(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (/\p{Mn}|\p{Me}|\u200b|\u200d|\ufe0f/u.test(char)) continue;
    width += /\p{Emoji_Presentation}/u.test(char) || WIDE.some(([from, to]) => code >= from && code <= to) ? 2 : 1;
  }
  return width;
}

/** East Asian Wide and Fullwidth blocks (emoji are found by their Emoji_Presentation property). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x20000, 0x3fffd],
];

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - length(text)));
  return right ? `${fill}${text}` : `${text}${fill}`;
}
