import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { readLines, type LogLine, type ReadLinesOptions } from '../../src/collector/import/read-lines.js';
import { expandInputs } from '../../src/collector/import/expand-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'footfall-read-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function file(content: Buffer | string, name = `f${files++}.log`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function all(source: string, options?: ReadLinesOptions): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for await (const batch of readLines(source, options)) {
    assert.ok(batch.length > 0, 'no empty batch');
    lines.push(...batch);
  }
  return lines;
}

/** What a reader must give for `text`: its non-empty lines, CR stripped, with numbers and byte offsets. */
function expected(text: string): LogLine[] {
  const lines: LogLine[] = [];
  let offset = 0;
  text.split('\n').forEach((raw, index, parts) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line !== '' && !(index === parts.length - 1 && raw === '')) lines.push({ line, lineNumber: index + 1, offset });
    offset += Buffer.byteLength(raw) + 1;
  });
  return lines;
}

const SAMPLE = 'first line\r\nsecond\n\n\r\nthird é ünïcödé 日本\nlast without newline';

describe('readLines', () => {
  it('reads CRLF, skips and counts empty lines, keeps the final line without a newline, with byte offsets', async () => {
    const path = file(SAMPLE);
    const reader = readLines(path);
    const lines: LogLine[] = [];
    for await (const batch of reader) lines.push(...batch);
    assert.deepEqual(lines, expected(SAMPLE));
    assert.deepEqual(lines.map((l) => l.lineNumber), [1, 2, 5, 6]);
    assert.equal(reader.emptyLines, 2);
    assert.equal(reader.gzip, false);
    assert.deepEqual(reader.progress(), { bytesRead: statSync(path).size, totalBytes: statSync(path).size });
    const bytes = Buffer.from(SAMPLE);
    for (const { line, offset } of lines) assert.ok(bytes.subarray(offset).toString().startsWith(line));
  });

  it('joins UTF-8 characters split between reads (1 to 7 byte chunks)', async () => {
    const path = file(SAMPLE);
    for (let chunkBytes = 1; chunkBytes <= 7; chunkBytes++) assert.deepEqual(await all(path, { chunkBytes }), expected(SAMPLE), `chunkBytes ${chunkBytes}`);
  });

  it('reads any text the same whatever the chunk size (property)', async () => {
    const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r', '')), { maxLength: 30 }).map((parts) => parts.join(''));
    await fc.assert(fc.asyncProperty(text, fc.integer({ min: 1, max: 64 }), async (content, chunkBytes) => {
      assert.deepEqual(await all(file(content), { chunkBytes }), expected(content));
    }), { numRuns: 150 });
  });

  it('strips a UTF-8 byte order mark at the start of the file', async () => {
    const lines = await all(file(Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from('a\nb\n')])));
    assert.deepEqual(lines, [{ line: 'a', lineNumber: 1, offset: 3 }, { line: 'b', lineNumber: 2, offset: 5 }]);
  });

  it('reads gzip, told by its magic bytes whatever the name, and several gzip members one after another', async () => {
    const single = file(gzipSync(SAMPLE), 'single.log');
    const reader = readLines(single);
    const lines: LogLine[] = [];
    for await (const batch of reader) lines.push(...batch);
    assert.deepEqual(lines, expected(SAMPLE));
    assert.equal(reader.gzip, true);
    assert.deepEqual(reader.progress(), { bytesRead: statSync(single).size, totalBytes: statSync(single).size });
    // Cut mid-line and mid-character: members are joined before lines are cut.
    const bytes = Buffer.from(SAMPLE);
    const multi = file(Buffer.concat([gzipSync(bytes.subarray(0, 5)), gzipSync(bytes.subarray(5, 31)), gzipSync(bytes.subarray(31))]), 'multi.gz');
    assert.deepEqual(await all(multi, { chunkBytes: 16 }), expected(SAMPLE));
    assert.deepEqual(await all(file('plain text\n', 'plain.gz')), [{ line: 'plain text', lineNumber: 1, offset: 0 }]);
  });

  it('resumes at startOffset: a plain file is seeked, gzip is read and skipped', async () => {
    const whole = expected(SAMPLE);
    const from = whole[2] as LogLine;
    for (const path of [file(SAMPLE), file(gzipSync(SAMPLE))]) {
      const reader = readLines(path, { startOffset: from.offset, startLineNumber: from.lineNumber, chunkBytes: 8 });
      const lines: LogLine[] = [];
      for await (const batch of reader) lines.push(...batch);
      assert.deepEqual(lines, whole.slice(2), path);
      assert.equal(reader.progress().bytesRead, statSync(path).size);
    }
  });

  it('reads standard input (-), plain or gzip', async () => {
    const chunks = (buffer: Buffer) => Readable.from([buffer.subarray(0, 1), buffer.subarray(1, 9), buffer.subarray(9)]);
    assert.deepEqual(await all('-', { stdin: chunks(Buffer.from(SAMPLE)) }), expected(SAMPLE));
    const reader = readLines('-', { stdin: chunks(gzipSync(SAMPLE)) });
    const lines: LogLine[] = [];
    for await (const batch of reader) lines.push(...batch);
    assert.deepEqual(lines, expected(SAMPLE));
    assert.equal(reader.gzip, true);
    assert.equal(reader.progress().totalBytes, undefined);
    assert.deepEqual(await all('-', { stdin: Readable.from([]) }), []);
  });

  it('says which file is missing, a directory, or broken gzip', async () => {
    await assert.rejects(all(join(dir, 'nope.log')), { code: 'FOOTFALL_ERR_IMPORT_INPUT_MISSING', message: /nope\.log.*does not exist/ });
    await assert.rejects(all(dir), { code: 'FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE', message: /directory/ });
    const gz = gzipSync(Array.from({ length: 5000 }, (_, i) => `line ${i * 7919 % 10007}`).join('\n'));
    await assert.rejects(all(file(gz.subarray(0, gz.length / 2))), { code: 'FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE', message: /cut short/ });
    const corrupt = Buffer.from(gz);
    corrupt.fill(0x55, 20, 200);
    await assert.rejects(all(file(corrupt)), { code: 'FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE', message: /gzip stream is broken/ });
    assert.throws(() => readLines('x', { startOffset: -1 }), { code: 'FOOTFALL_ERR_INVALID_OPTION' });
  });
});

describe('expandInputs', () => {
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  for (const name of ['access.log', 'access.log.1', 'access.log.2.gz', 'access.log.10.gz', 'access[1].log']) writeFileSync(join(logs, name), 'x\n');

  it('expands globs in name order (numbers numerically), keeps paths and - as given, reads each file once', async () => {
    assert.deepEqual(await expandInputs([join(logs, 'access.log*'), join(logs, 'access.log'), '-']), [
      ...['access.log', 'access.log.1', 'access.log.2.gz', 'access.log.10.gz'].map((name) => join(logs, name)),
      '-',
    ]);
    assert.deepEqual(await expandInputs([join(logs, 'access[1].log')]), [join(logs, 'access[1].log')]);
  });

  it('refuses a missing path, a glob that matches nothing, a directory and an empty list', async () => {
    await assert.rejects(expandInputs([join(logs, 'missing.log')]), { code: 'FOOTFALL_ERR_IMPORT_INPUT_MISSING', message: /missing\.log.*does not exist/ });
    await assert.rejects(expandInputs([join(logs, '*.zst')]), { code: 'FOOTFALL_ERR_IMPORT_INPUT_MISSING', message: /\(a glob\) matches no file/ });
    await assert.rejects(expandInputs([logs]), { code: 'FOOTFALL_ERR_IMPORT_INPUT_UNREADABLE', message: /directory/ });
    await assert.rejects(expandInputs([]), { code: 'FOOTFALL_ERR_IMPORT_INPUT_MISSING' });
  });
});
