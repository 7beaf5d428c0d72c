// Test stand-ins for what the import-formats branch builds (readLines, the combined format):
// used by these tests until that branch is merged, then dropped.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { LineItem, LineReader } from '../../src/collector/import/run-import.js';
import type { LogFormat } from '../../src/collector/import/log-record.js';

export function openLinesStandIn(path: string, options: { startOffset: number; startLineNumber: number }, batchLines = 1000): LineReader {
  const raw = readFileSync(path);
  const data = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  let bytesRead = 0;
  return {
    progress: () => ({ bytesRead, totalBytes: raw.length }),
    emptyLines: 0,
    async *[Symbol.asyncIterator]() {
      let batch: LineItem[] = [];
      let start = 0;
      let lineNumber = 0;
      while (start < data.length) {
        let end = data.indexOf(10, start);
        const next = end === -1 ? data.length : end + 1;
        if (end === -1) end = data.length;
        lineNumber++;
        if (start >= options.startOffset) {
          const text = data.subarray(start, end).toString('utf8').replace(/\r$/, '');
          batch.push({ line: text, lineNumber, offset: start });
        }
        start = next;
        if (batch.length >= batchLines) {
          bytesRead = Math.round((start / data.length) * raw.length);
          yield batch;
          batch = [];
        }
      }
      bytesRead = raw.length;
      if (batch.length > 0) yield batch;
    },
  };
}

const COMBINED = /^(\S+) \S+ (\S+) \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "(\S+) (\S+) [^"]*" (\d{3}) (\S+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const combinedStandIn: LogFormat = {
  name: 'combined',
  parse(line) {
    const m = COMBINED.exec(line);
    if (m === null) return { ok: false, reason: 'not a combined log line' };
    const [, ip, , dd, mon, yyyy, hh, mi, ss, , method, target, status, , referer, agent] = m as unknown as string[];
    const timeMs = Date.UTC(Number(yyyy), MONTHS.indexOf(mon as string), Number(dd), Number(hh), Number(mi), Number(ss));
    const unescape = (text: string) => text.replace(/\\(.)/g, '$1');
    return {
      ok: true,
      record: {
        timeMs,
        method: method as string,
        target: target as string,
        status: Number(status),
        clientIp: ip as string,
        ...(agent === '-' ? {} : { userAgent: unescape(agent as string) }),
        ...(referer === '-' ? {} : { referer: unescape(referer as string) }),
      },
    };
  },
};
