import type { ReportView } from './report-text.js';
import { describeRange, describeTotals, milliseconds, moreLine, percent, rawDetailLine, relativeTime, unusedHeading, visible } from './report-text.js';

const NO_INVENTORY_MARKDOWN = '_No route inventory, so unused endpoints are unknown: give one with `footfall report --routes <openapi.yaml>` or POST `listRoutes(app)` to `/api/routes` (docs/routes.md)._';

/**
 * GitHub-flavoured Markdown: a heading, the totals, a table of the endpoints and the list of
 * unused ones, e.g. for `$GITHUB_STEP_SUMMARY`. Routes are code spans (so `<`, `*` and `_`
 * stay literal), pipes are escaped in table cells, control characters made visible.
 */
export function formatMarkdown(view: ReportView): string {
  const { report } = view;
  const marked = report.declared > 0;
  const out = ['### Footfall: API endpoint usage', '', `${describeTotals(report)}, ${describeRange(report.range)}.`, ''];
  const rawDetail = rawDetailLine(report);
  if (rawDetail !== undefined) out.push(`_${text(rawDetail)}_`, '');
  if (view.shown.length === 0) {
    out.push('No hits in this range.', '');
  } else {
    out.push('| Method | Route | Hits | Consumers | 5xx rate | p50 ms | p95 ms | Last seen |', '|---|---|--:|--:|--:|--:|--:|---|');
    for (const e of view.shown) {
      const route = `${code(e.route, true)}${marked && !e.declared ? ' (not declared)' : ''}`;
      const cells = [text(e.method), route, String(e.hits), String(e.clients), percent(e.errorRate), milliseconds(e.p50Ms), milliseconds(e.p95Ms), relativeTime(e.lastSeenMs, view.nowMs)];
      out.push(`| ${cells.join(' | ')} |`);
    }
    const more = moreLine(view);
    out.push(...(more === undefined ? [''] : ['', text(more), '']));
  }
  if (!marked) return `${out.join('\n')}\n${NO_INVENTORY_MARKDOWN}\n`;
  out.push(`**${unusedHeading(report)}${report.unused.length > 0 ? ':' : '.'}**`, '');
  for (const route of report.unused) out.push(`- ${code(`${route.method} ${route.route}`, false)}`);
  return `${out.join('\n').trimEnd()}\n`;
}

/** A code span fenced longer than any backtick run inside; `|` escaped when in a table cell. */
function code(value: string, inTable: boolean): string {
  const shown = visible(value);
  const body = inTable ? shown.replace(/\|/g, '\\|') : shown;
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const space = body.startsWith('`') || body.endsWith('`') || body === '' ? ' ' : '';
  return `${fence}${space}${body}${space}${fence}`;
}

/** Plain text with every Markdown-active ASCII punctuation mark backslash-escaped. */
function text(value: string): string {
  return visible(value).replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, '\\$&');
}
