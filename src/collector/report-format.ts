import { describeValue, FootfallError } from '../errors.js';
import { formatCsv } from './report-csv.js';
import { formatMarkdown } from './report-markdown.js';
import { formatTable } from './report-table.js';
import type { ReportView } from './report-text.js';
import type { DeclaredRoute, EndpointSummary, EndpointsReport, TimeRange } from './types.js';

export type ReportFormat = 'table' | 'json' | 'csv' | 'markdown';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'csv', 'markdown'];

export interface ReportFormatOptions {
  /** "Now" for relative times ("3m ago") and an open-ended range. @default Date.now() */
  nowMs?: number;
  /** ANSI colours in the table (other formats never have them). @default false */
  color?: boolean;
  /** Show only the first `limit` endpoints (most hits first); totals and the unused list stay whole. @default all */
  limit?: number;
}

/**
 * The endpoints report as text: an aligned `table` for a terminal, `json` (the report itself,
 * keys in a fixed order), `csv` (RFC 4180, one row per endpoint and per unused route, safe to
 * open in a spreadsheet) or `markdown` (a table and the unused list, e.g. for a CI job summary).
 * Route names come from the network: every format escapes them for its medium.
 */
export function formatReport(report: EndpointsReport, format: ReportFormat, options: ReportFormatOptions = {}): string {
  const { limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'limit', 'a whole number of at least 1', describeValue(limit));
  const view: ReportView = { report, shown: limit === undefined ? report.endpoints : report.endpoints.slice(0, limit), nowMs: options.nowMs ?? Date.now() };
  switch (format) {
    case 'table':
      return formatTable(view, options.color ?? false);
    case 'json':
      return `${JSON.stringify(orderedReport(report, view.shown), null, 2)}\n`;
    case 'csv':
      return formatCsv(view);
    case 'markdown':
      return formatMarkdown(view);
  }
  throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'format', `one of ${REPORT_FORMATS.join(', ')}`, describeValue(format));
}

const ENDPOINT_KEYS = ['method', 'route', 'hits', 'clients', 'serverErrors', 'clientErrors', 'errorRate', 'p50Ms', 'p95Ms', 'firstSeenMs', 'lastSeenMs', 'declared'] as const;

/** The report with its keys in the order of types.ts (fields added later follow, as given). */
function orderedReport(report: EndpointsReport, shown: readonly EndpointSummary[]): EndpointsReport {
  const range: TimeRange = { ...pick(report.range, ['sinceMs', 'untilMs']) };
  const endpoints = shown.map((endpoint) => pick(endpoint, ENDPOINT_KEYS) as unknown as EndpointSummary);
  const unused = report.unused.map((route) => pick(route, ['method', 'route']) as unknown as DeclaredRoute);
  return pick({ ...report, range, endpoints, unused }, ['range', 'endpoints', 'unused', 'clients', 'hits', 'declared', 'rawDetail']) as unknown as EndpointsReport;
}

function pick<T extends object>(value: T, first: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of first) if (source[key] !== undefined) out[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in out) && source[key] !== undefined) out[key] = source[key];
  return out;
}
