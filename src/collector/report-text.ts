import type { EndpointSummary, EndpointsReport, TimeRange } from './types.js';

/** What the text formats draw from: the report, the endpoints to show, and "now". */
export interface ReportView {
  readonly report: EndpointsReport;
  readonly shown: readonly EndpointSummary[];
  readonly nowMs: number;
}

/** Control characters, and the bidi controls that reorder what a reader sees, as visible escapes. */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[char] ?? `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
  });
}

/** `12.5%` (errorRate is a share of 1). */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Milliseconds for a table: `4.2` under 10, whole above, `-` when unknown. */
export function milliseconds(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/** `2026-11-01 12:05 UTC`. */
export function utcMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `just now`, `45s ago`, `3m ago`, `5h ago`, `12d ago`, or the date beyond 30 days (or in the future). */
export function relativeTime(ms: number, nowMs: number): string {
  const ago = nowMs - ms;
  if (ago < -60_000 || ago >= 30 * 86_400_000) return new Date(ms).toISOString().slice(0, 10);
  if (ago < 1000) return 'just now';
  if (ago < 60_000) return `${Math.floor(ago / 1000)}s ago`;
  if (ago < 3_600_000) return `${Math.floor(ago / 60_000)}m ago`;
  if (ago < 86_400_000) return `${Math.floor(ago / 3_600_000)}h ago`;
  return `${Math.floor(ago / 86_400_000)}d ago`;
}

/** `from 2026-10-02 12:00 UTC to now` for a report's range. */
export function describeRange(range: TimeRange): string {
  const since = range.sinceMs === undefined ? 'the first hit' : utcMinute(range.sinceMs);
  const until = range.untilMs === undefined ? 'now' : utcMinute(range.untilMs);
  return `from ${since} to ${until}`;
}

/** `20 hits from 5 consumers on 3 endpoints` (+ how many are not in the inventory). */
export function describeTotals(report: EndpointsReport): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const totals = `${plural(report.hits, 'hit')} from ${plural(report.clients, 'consumer')} on ${plural(report.endpoints.length, 'endpoint')}`;
  const undeclared = report.endpoints.filter((endpoint) => !endpoint.declared).length;
  return report.declared > 0 && undeclared > 0 ? `${totals} (${undeclared} not in the route inventory)` : totals;
}

/** The line shown instead of the unused list when the report had no inventory to compare with. */
export const NO_INVENTORY_HINT = 'No route inventory, so unused endpoints are unknown: give one with `footfall report --routes <openapi.yaml|routes.json>` or POST listRoutes(app) to /api/routes (docs/routes.md).';

/** The unused list's heading. */
export function unusedHeading(report: EndpointsReport): string {
  return `Unused endpoints (${report.unused.length} of ${report.declared} declared)`;
}

/** Hidden rows when `limit` cut the list: `... and 32 more endpoints`. */
export function moreLine(view: ReportView): string | undefined {
  const hidden = view.report.endpoints.length - view.shown.length;
  return hidden > 0 ? `... and ${hidden} more endpoint${hidden === 1 ? '' : 's'} not shown` : undefined;
}

/**
 * After retention pruned raw hits: `Raw detail since 2026-11-01 00:00 UTC; older figures from
 * hourly rollups.`, and when the range starts or ends inside an hour before that, that those
 * minutes are not counted. Undefined while every raw hit is kept.
 */
export function rawDetailLine(report: EndpointsReport): string | undefined {
  const detail = report.rawDetail;
  if (detail === undefined) return undefined;
  const line = `Raw detail since ${utcMinute(detail.sinceMs)}; older figures from hourly rollups`;
  return detail.partial ? `${line} (partial: this range starts or ends inside an hour before then, and those minutes are not counted).` : `${line}.`;
}
