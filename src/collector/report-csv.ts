import type { ReportView } from './report-text.js';
import type { EndpointSummary } from './types.js';

const HEADER = ['status', 'method', 'route', 'hits', 'consumers', 'server_errors', 'client_errors', 'error_rate', 'p50_ms', 'p95_ms', 'first_seen', 'last_seen'];

/**
 * RFC 4180 CSV (CRLF line ends, a header row): one row per endpoint with hits and one per
 * unused declared route (hits 0). `status` is `used`, `undeclared` (hit but not in the route
 * inventory; only when there is one) or `unused`. Times are ISO 8601 UTC; unknown values are
 * empty. A field that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
 * gets a leading `'`.
 */
export function formatCsv(view: ReportView): string {
  const hasInventory = view.report.declared > 0;
  const used = view.shown.map((e) => endpointRow(e, hasInventory && !e.declared ? 'undeclared' : 'used'));
  const unused = view.report.unused.map((route) => ['unused', route.method, route.route, '0', '0', '0', '0', '', '', '', '', '']);
  return [HEADER, ...used, ...unused].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

function endpointRow(e: EndpointSummary, status: string): string[] {
  const optional = (value: number | null) => (value === null ? '' : String(value));
  return [
    status,
    e.method,
    e.route,
    String(e.hits),
    String(e.clients),
    String(e.serverErrors),
    String(e.clientErrors),
    String(e.errorRate),
    optional(e.p50Ms),
    optional(e.p95Ms),
    new Date(e.firstSeenMs).toISOString(),
    new Date(e.lastSeenMs).toISOString(),
  ];
}

/** One field: formula-guarded, then quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}
