import cliProgress from 'cli-progress';
import type { ImportProgress } from '../collector/import/run-import.js';

export interface ProgressReporter {
  update(progress: ImportProgress): void;
  /** Ends the bar (or says nothing more) before the summary is printed. */
  stop(): void;
}

export interface ProgressOptions {
  /** A terminal: a live bar (cli-progress) on it. Otherwise a plain line every `intervalMs`. */
  readonly tty: boolean;
  /** Where progress goes (standard error: standard output keeps the summary, or its JSON). */
  readonly stream: NodeJS.WritableStream;
  readonly write: (text: string) => void;
  /** Total bytes of the inputs, when known (not for standard input). */
  readonly totalBytes: number | undefined;
  /** Between two plain lines, ms. @default 5_000 */
  readonly intervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Progress of `footfall import`: on a terminal, cli-progress's bar (bytes and lines, rate, time
 * left); elsewhere (a CI log, a file) one plain line at most every `intervalMs`, decided on the
 * injected clock at each batch, so nothing runs on a timer.
 */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const startMs = now();
  const total = options.totalBytes;
  if (options.tty) return barReporter(options.stream, total, now, startMs);
  const intervalMs = options.intervalMs ?? 5_000;
  let lastMs = startMs;
  return {
    update(progress) {
      const at = now();
      if (at - lastMs < intervalMs) return;
      lastMs = at;
      options.write(`${plainLine(progress, total, at - startMs)}\n`);
    },
    stop: () => undefined,
  };
}

/** `footfall import: 1,234,567 lines (45.2 MB of 120.0 MB, 38%), 212,000 lines/s, about 9 s left` */
export function plainLine(progress: ImportProgress, totalBytes: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((progress.linesRead * 1000) / elapsedMs) : 0;
  const share = totalBytes !== undefined && totalBytes > 0 ? progress.bytesRead / totalBytes : undefined;
  const of = totalBytes === undefined ? '' : ` of ${megabytes(totalBytes)}${share === undefined ? '' : `, ${Math.floor(share * 100)}%`}`;
  const left = share !== undefined && share > 0 && share < 1 ? `, about ${Math.ceil(((1 - share) * elapsedMs) / share / 1000)} s left` : '';
  return `footfall import: ${progress.linesRead.toLocaleString('en-US')} lines (${megabytes(progress.bytesRead)}${of}), ${rate.toLocaleString('en-US')} lines/s${left}`;
}

function barReporter(stream: NodeJS.WritableStream, total: number | undefined, now: () => number, startMs: number): ProgressReporter {
  const format = total === undefined
    ? 'importing | {read} | {lines} lines | {rate} lines/s'
    : 'importing [{bar}] {percentage}% | {read} of {size} | {lines} lines | {rate} lines/s | {eta_formatted} left';
  const bar = new cliProgress.SingleBar({ format, stream, hideCursor: true, clearOnComplete: true, etaBuffer: 50, fps: 10 }, cliProgress.Presets.shades_classic);
  bar.start(total ?? 1, 0, { read: megabytes(0), size: megabytes(total ?? 0), lines: '0', rate: '0' });
  return {
    update(progress) {
      const elapsedMs = now() - startMs;
      const rate = elapsedMs > 0 ? Math.round((progress.linesRead * 1000) / elapsedMs) : 0;
      bar.update(total === undefined ? 0 : Math.min(progress.bytesRead, total), { read: megabytes(progress.bytesRead), lines: progress.linesRead.toLocaleString('en-US'), rate: rate.toLocaleString('en-US') });
    },
    stop: () => bar.stop(),
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
