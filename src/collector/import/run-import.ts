import type { Hit } from '../../core/hit.js';
import { UNMATCHED_ROUTE } from '../../core/hit.js';
import { fileIdentity, lineHitId } from './hit-ids.js';
import type { LogFormat } from './log-record.js';
import type { LineReader, LogLine } from './read-lines.js';
import type { ResumeState } from './resume-state.js';
import type { HitSink } from './sink.js';
import { addCounts } from './sink.js';
import { emptySummary, MAX_EXAMPLES, type FileSummary, type ImportSummary } from './summary.js';
import type { RecordToHit } from './to-hit.js';

/** Opens an input's lines (readLines; `startOffset` and `startLineNumber` to resume). */
export type OpenLines = (source: string, options: { startOffset: number; startLineNumber: number }) => LineReader;

/** Where the import stands, for a progress bar or line. */
export interface ImportProgress {
  /** Bytes read of all inputs so far (finished inputs count whole). */
  readonly bytesRead: number;
  readonly linesRead: number;
  readonly imported: number;
  readonly file: string;
}

export interface ImportOptions {
  /** Paths (already expanded: expandInputs) or `-`. */
  readonly inputs: readonly string[];
  readonly open: OpenLines;
  /** The format of an input, from its first lines (`--format auto` detects; any other returns its one format). */
  readonly formatFor: (sample: readonly string[]) => LogFormat;
  readonly toHit: RecordToHit;
  readonly sink: HitSink;
  /** Where each file's progress is recorded, and (with `resume`) read back. */
  readonly state?: ResumeState | undefined;
  /** Start each file after the last line the state says was stored. @default false */
  readonly resume?: boolean | undefined;
  /** Lines per write to the sink. @default 20_000 */
  readonly batchLines?: number | undefined;
  readonly onProgress?: ((progress: ImportProgress) => void) | undefined;
  /** Stops after the batch being written (its progress recorded): an interrupted import, to resume. */
  readonly signal?: AbortSignal | undefined;
  /** @default Date.now */
  readonly now?: () => number;
}

const DEFAULT_BATCH_LINES = 20_000;

/**
 * Reads every input, parses each line with its format, turns each record into a hit
 * (to-hit.ts) with a stable id (file identity + offset) and writes them to the sink in
 * batches; after each batch, records how far the file got (--resume). Malformed lines are
 * counted with their line numbers, never fatal. Returns the summary.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const now = options.now ?? Date.now;
  const startMs = now();
  const summary = emptySummary();
  let bytesBefore = 0;
  for (const input of options.inputs) {
    if (options.signal?.aborted === true || summary.failedBatch !== undefined) break;
    const file = await importFile(input, options, summary, bytesBefore);
    summary.files.push(file.summary);
    bytesBefore += file.bytes;
  }
  summary.elapsedMs = now() - startMs;
  return summary;
}

interface FileRun {
  identity: string | undefined;
  format: LogFormat | undefined;
  resumeAfter: { offset: number; lineNumber: number } | undefined;
  hits: Hit[];
  timed: boolean[];
  lastOffset: number;
  lastLineNumber: number;
  /** Line number of the first line of the hits held (for the summary, when their delivery fails). */
  batchFirstLine: number;
  linesRead: number;
}

async function importFile(input: string, options: ImportOptions, summary: ImportSummary, bytesBefore: number): Promise<{ summary: FileSummary; bytes: number }> {
  const run: FileRun = { identity: undefined, format: undefined, resumeAfter: undefined, hits: [], timed: [], lastOffset: -1, lastLineNumber: 0, batchFirstLine: 0, linesRead: 0 };
  if (options.resume === true && input !== '-') {
    run.identity = await identify(input, options.open);
    const known = run.identity === undefined ? undefined : options.state?.get(run.identity);
    if (known !== undefined) run.resumeAfter = { offset: known.lastOffset, lineNumber: known.lastLineNumber };
  }
  const reader = options.open(input, { startOffset: run.resumeAfter?.offset ?? 0, startLineNumber: run.resumeAfter?.lineNumber ?? 1 });
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  let stopped = false;
  for await (const batch of reader) {
    const first = batch[0];
    if (first === undefined) continue;
    run.identity ??= fileIdentity(first.line);
    run.format ??= options.formatFor(batch.slice(0, 20).map((item) => item.line));
    for (const item of batch) {
      if (run.resumeAfter !== undefined && item.offset <= run.resumeAfter.offset) continue;
      readLine(item, input, run, options.toHit, summary);
      if (run.hits.length >= batchLines) await flush(input, run, options, summary, false);
      if (summary.failedBatch !== undefined) break;
    }
    options.onProgress?.({ bytesRead: bytesBefore + reader.progress().bytesRead, linesRead: summary.linesRead, imported: summary.imported, file: input });
    if (options.signal?.aborted === true || summary.failedBatch !== undefined) {
      stopped = true;
      break;
    }
  }
  await flush(input, run, options, summary, !stopped);
  if (reader.emptyLines > 0) {
    summary.linesRead += reader.emptyLines;
    summary.skipped.empty_line = (summary.skipped.empty_line ?? 0) + reader.emptyLines;
  }
  const fileSummary: FileSummary = {
    name: input,
    ...(run.identity === undefined ? {} : { identity: run.identity }),
    ...(run.format === undefined ? {} : { format: run.format.name }),
    linesRead: run.linesRead,
    resumedAfterLine: run.resumeAfter?.lineNumber ?? 0,
  };
  const read = reader.progress();
  return { summary: fileSummary, bytes: read.totalBytes ?? read.bytesRead };
}

function readLine(item: LogLine, input: string, run: FileRun, toHit: RecordToHit, summary: ImportSummary): void {
  summary.linesRead++;
  run.linesRead++;
  run.lastOffset = item.offset;
  run.lastLineNumber = item.lineNumber;
  if (run.hits.length === 0) run.batchFirstLine = item.lineNumber;
  const format = run.format as LogFormat;
  const parsed = format.parse(item.line);
  if (!parsed.ok) {
    summary.malformed++;
    if (summary.malformedExamples.length < MAX_EXAMPLES) summary.malformedExamples.push({ file: input, lineNumber: item.lineNumber, reason: parsed.reason });
    return;
  }
  summary.formats[format.name] = (summary.formats[format.name] ?? 0) + 1;
  const hit = toHit(parsed.record, lineHitId(run.identity as string, item.offset));
  if (typeof hit === 'string') {
    summary.skipped[hit] = (summary.skipped[hit] ?? 0) + 1;
    return;
  }
  if (hit.route === UNMATCHED_ROUTE) summary.unmatched++;
  run.hits.push(hit);
  run.timed.push(parsed.record.durationMs !== undefined);
}

/** Writes the hits held, then records the file's progress (only after the sink settled them). */
async function flush(input: string, run: FileRun, options: ImportOptions, summary: ImportSummary, done: boolean): Promise<void> {
  const { hits, timed } = run;
  run.hits = [];
  run.timed = [];
  if (hits.length > 0) {
    const result = await options.sink.write(hits, timed);
    summary.imported += result.imported;
    summary.duplicates += result.duplicates;
    addCounts(summary.skipped, result.skipped);
    addCounts(summary.failed, result.failed);
    // Hits that failed for good (after the engine's retries): the batch is not recorded as done,
    // and the import stops there, so --resume sends it again once the cause is fixed.
    if (Object.keys(result.failed).length > 0) {
      summary.failedBatch = { file: input, fromLine: run.batchFirstLine, toLine: run.lastLineNumber };
      return;
    }
  }
  if (run.identity !== undefined && input !== '-' && (run.lastOffset >= 0 || done)) {
    const previous = options.state?.get(run.identity);
    const lastOffset = run.lastOffset >= 0 ? run.lastOffset : previous?.lastOffset ?? -1;
    const lastLineNumber = run.lastOffset >= 0 ? run.lastLineNumber : previous?.lastLineNumber ?? 0;
    options.state?.set(run.identity, { name: input, lastOffset, lastLineNumber, done });
  }
}

/** The identity of a file from its first line (read again from the start: a resumed import skips past it). */
async function identify(input: string, open: OpenLines): Promise<string | undefined> {
  for await (const batch of open(input, { startOffset: 0, startLineNumber: 1 })) {
    const first = batch[0];
    if (first !== undefined) return fileIdentity(first.line);
  }
  return undefined;
}
