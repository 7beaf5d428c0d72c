import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FootfallError, describeValue } from '../../errors.js';

/** One line of a log: its text (no newline, no \r), its 1-based number, and the byte offset of its start in the decompressed stream. */
export interface LogLine {
  readonly line: string;
  readonly lineNumber: number;
  readonly offset: number;
}

/** How far a reader is: bytes of the source read (compressed bytes for gzip) and its size (undefined for standard input and pipes). */
export interface ReadProgress {
  readonly bytesRead: number;
  readonly totalBytes: number | undefined;
}

export interface ReadLinesOptions {
  /**
   * Byte offset in the decompressed stream where reading starts: a line's `offset`, for a
   * resumed import. A plain file is seeked; gzip and standard input are read and skipped. @default 0
   */
  readonly startOffset?: number;
  /** The line number of the line at `startOffset` (the resumed import's own count). @default 1 */
  readonly startLineNumber?: number;
  /** What `-` reads. @default process.stdin */
  readonly stdin?: NodeJS.ReadableStream;
  /** Bytes read from a file at a time; one batch of lines comes of each read. @default 262144 */
  readonly chunkBytes?: number;
}

/** Batches of lines (one batch per chunk read, never empty), with progress and the count of empty lines skipped. */
export interface LineReader extends AsyncIterable<LogLine[]> {
  progress(): ReadProgress;
  /** Empty lines skipped so far (they keep their line numbers). */
  readonly emptyLines: number;
  /** Whether the source is gzip (known once reading has begun): told by its magic bytes, not its name. */
  readonly gzip: boolean;
}

const NEWLINE = 10;
const CR = 13;
const GZIP_MAGIC = [0x1f, 0x8b];

function unreadable(source: string, cause: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE', source === '-' ? 'standard input' : describeValue(source), cause);
}

function causeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'Z_STREAM_ERROR') return `its gzip stream is broken (${(error as Error).message})`;
  if (error instanceof Error && /unexpected end of file/i.test(error.message)) return 'its gzip stream is cut short (unexpected end of file)';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a log file (or standard input, `-`), plain or gzip (several members too), as batches of
 * lines. CRLF and a final line without a newline are read; empty lines are skipped and counted; a
 * UTF-8 character split between two reads is joined. Errors are FootfallErrors naming the file.
 */
export function readLines(source: string, options: ReadLinesOptions = {}): LineReader {
  const startOffset = options.startOffset ?? 0;
  if (!Number.isSafeInteger(startOffset) || startOffset < 0) throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'startOffset', 'a byte offset (an integer >= 0)', describeValue(startOffset));
  const state = { bytesRead: 0, totalBytes: undefined as number | undefined, emptyLines: 0, gzip: false };
  const chunkBytes = options.chunkBytes ?? 262_144;
  return {
    progress: () => ({ bytesRead: state.bytesRead, totalBytes: state.totalBytes }),
    get emptyLines() { return state.emptyLines; },
    get gzip() { return state.gzip; },
    [Symbol.asyncIterator]: () => readBatches(source, options, startOffset, chunkBytes, state)[Symbol.asyncIterator](),
  };
}

interface ReaderState { bytesRead: number; totalBytes: number | undefined; emptyLines: number; gzip: boolean }

async function* readBatches(source: string, options: ReadLinesOptions, startOffset: number, chunkBytes: number, state: ReaderState): AsyncGenerator<LogLine[]> {
  try {
    const raw = source === '-' ? await stdinChunks(options.stdin ?? process.stdin, state) : await fileChunks(source, startOffset, chunkBytes, state);
    const seeked = source !== '-' && !state.gzip;
    const decoded = state.gzip ? gunzipped(raw) : raw;
    yield* splitLines(decoded, { skipBytes: seeked ? 0 : startOffset, offset: startOffset, lineNumber: options.startLineNumber ?? 1, state });
  } catch (error) {
    if (error instanceof FootfallError) throw error;
    throw unreadable(source, causeOf(error));
  }
}

/** A file's chunks, from `startOffset` when it is plain; tells gzip by its first two bytes. */
async function fileChunks(path: string, startOffset: number, chunkBytes: number, state: ReaderState): Promise<AsyncIterable<Buffer>> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FootfallError('FOOTFALL_ERR_IMPORT_INPUT_MISSING', describeValue(path), 'does not exist');
    throw error;
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw unreadable(path, 'it is a directory');
    state.totalBytes = info.isFile() ? info.size : undefined;
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    state.gzip = bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
  const start = state.gzip ? 0 : startOffset;
  state.bytesRead = start;
  return counted(createReadStream(path, { start, highWaterMark: chunkBytes }), state);
}

async function* counted(stream: AsyncIterable<Buffer>, state: ReaderState): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    state.bytesRead += chunk.length;
    yield chunk;
  }
}

/** Standard input's chunks; gzip is told by the first two bytes that arrive (read before this returns). */
async function stdinChunks(stdin: NodeJS.ReadableStream, state: ReaderState): Promise<AsyncIterable<Buffer>> {
  const iterator = counted(stdin as AsyncIterable<Buffer>, state)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let done = false;
  while (!done && head.length < 2) {
    const next = await iterator.next();
    if (next.done === true) done = true;
    else head = Buffer.concat([head, typeof next.value === 'string' ? Buffer.from(next.value) : next.value]);
  }
  state.gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  return (async function* rest() {
    if (head.length > 0) yield head;
    if (done) return;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  })();
}

/** Decompresses gzip chunks (Node's gunzip reads concatenated members one after another). */
function gunzipped(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const gunzip = createGunzip();
  // An error on either side destroys the other; iterating the gunzip stream then throws it.
  pipeline(Readable.from(chunks, { objectMode: false }), gunzip, () => undefined);
  return gunzip;
}

interface SplitState {
  skipBytes: number;
  offset: number;
  lineNumber: number;
  readonly state: ReaderState;
}

/** Cuts chunks into lines at newline bytes: a chunk is decoded up to its last newline, so UTF-8 is never split. */
async function* splitLines(chunks: AsyncIterable<Buffer>, split: SplitState): AsyncGenerator<LogLine[]> {
  let carry: Buffer[] = [];
  let first = true;
  for await (let chunk of chunks) {
    if (split.skipBytes > 0) {
      if (chunk.length <= split.skipBytes) {
        split.skipBytes -= chunk.length;
        continue;
      }
      chunk = chunk.subarray(split.skipBytes);
      split.skipBytes = 0;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      carry.push(chunk);
      continue;
    }
    const head = carry.length === 0 ? chunk.subarray(0, last + 1) : Buffer.concat([...carry, chunk.subarray(0, last + 1)]);
    carry = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    const batch = linesOf(head, split, first);
    first = false;
    if (batch.length > 0) yield batch;
  }
  if (carry.length > 0) {
    const batch = linesOf(Buffer.concat([...carry, Buffer.of(NEWLINE)]), split, first);
    if (batch.length > 0) yield batch;
  }
}

/** The lines of `bytes`, which ends with a newline. ASCII text is cut as a string; other text by bytes, so offsets stay exact. */
function linesOf(bytes: Buffer, split: SplitState, first: boolean): LogLine[] {
  const ascii = isAscii(bytes);
  const text = ascii ? bytes.toString('latin1') : '';
  const batch: LogLine[] = [];
  let start = first && split.offset === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  split.offset += start;
  while (start < bytes.length) {
    const newline = ascii ? text.indexOf('\n', start) : bytes.indexOf(NEWLINE, start);
    const end = newline > start && bytes[newline - 1] === CR ? newline - 1 : newline;
    if (end === start) split.state.emptyLines++;
    else batch.push({ line: ascii ? text.slice(start, end) : bytes.toString('utf8', start, end), lineNumber: split.lineNumber, offset: split.offset });
    split.lineNumber++;
    split.offset += newline + 1 - start;
    start = newline + 1;
  }
  return batch;
}
