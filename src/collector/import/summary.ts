/** One malformed line, by where it is: never its text (it may hold an address or query values). */
export interface MalformedExample {
  readonly file: string;
  readonly lineNumber: number;
  readonly reason: string;
}

/** One input as imported. */
export interface FileSummary {
  readonly name: string;
  /** Its identity (hit-ids.ts), absent for an input with no line. */
  readonly identity?: string;
  readonly format?: string;
  readonly linesRead: number;
  /** The line number a resumed import started after (0 when it started at the beginning). */
  readonly resumedAfterLine: number;
}

/** What `footfall import` did: printed at the end, and as JSON with `--json`. */
export interface ImportSummary {
  /** Lines read this run (lines before a resume point are not read again). */
  linesRead: number;
  /** Hits newly stored (or delivered). */
  imported: number;
  /** Lines already imported before (same hit id in the store): a file imported twice adds nothing. */
  duplicates: number;
  /** Lines whose path matched no route of the inventory: imported under `(unmatched)`. */
  unmatched: number;
  malformed: number;
  /** The first malformed lines (at most MAX_EXAMPLES). */
  malformedExamples: MalformedExample[];
  /** Lines not imported on purpose, by reason: `options`, `health_check` (as live traffic), `empty_line`, `older_than_72h` (GA4). */
  skipped: Record<string, number>;
  /** Hits that could not be delivered, by the engine's reason. */
  failed: Record<string, number>;
  /** Lines parsed per format (`combined`, `json`, ...). */
  formats: Record<string, number>;
  files: FileSummary[];
  /** The batch whose delivery failed, where the import stopped (absent when none did). */
  failedBatch?: { readonly file: string; readonly fromLine: number; readonly toLine: number };
  elapsedMs: number;
}

export const MAX_EXAMPLES = 5;

export function emptySummary(): ImportSummary {
  return { linesRead: 0, imported: 0, duplicates: 0, unmatched: 0, malformed: 0, malformedExamples: [], skipped: {}, failed: {}, formats: {}, files: [], elapsedMs: 0 };
}

/** The summary as people read it. */
export function formatSummary(summary: ImportSummary, destination: string): string {
  const rate = summary.elapsedMs > 0 ? Math.round((summary.linesRead * 1000) / summary.elapsedMs) : 0;
  const lines = [
    `footfall import: ${count(summary.linesRead)} lines read in ${(summary.elapsedMs / 1000).toFixed(1)} s (${count(rate)} lines/s) into ${destination}`,
    `  imported   ${count(summary.imported)}`,
    `  unmatched  ${count(summary.unmatched)} (no route of the inventory matched their path: counted under (unmatched))`,
    `  duplicates ${count(summary.duplicates)} (imported before)`,
    `  malformed  ${count(summary.malformed)}`,
    ...summary.malformedExamples.map((example) => `    ${example.file}:${example.lineNumber}: ${example.reason}`),
    `  skipped    ${count(sum(summary.skipped))}${reasons(summary.skipped)}`,
  ];
  if (sum(summary.failed) > 0) lines.push(`  failed     ${count(sum(summary.failed))}${reasons(summary.failed)}`);
  const stop = summary.failedBatch;
  if (stop !== undefined) lines.push(`  stopped    at ${stop.file} lines ${stop.fromLine}-${stop.toLine}: their delivery failed; fix the cause and run again with --resume`);
  const formats = Object.entries(summary.formats).map(([name, lines]) => `${name} ${count(lines)}`).join(', ');
  lines.push(`  formats    ${formats.length > 0 ? formats : 'none'}`);
  return `${lines.join('\n')}\n`;
}

function sum(counts: Readonly<Record<string, number>>): number {
  let total = 0;
  for (const value of Object.values(counts)) total += value;
  return total;
}

function reasons(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).filter(([, value]) => value > 0);
  return entries.length === 0 ? '' : ` (${entries.map(([reason, value]) => `${reason} ${count(value)}`).join(', ')})`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
