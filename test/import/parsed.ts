import assert from 'node:assert/strict';
import type { LogRecord, ParsedLine } from '../../src/collector/import/log-record.js';

/** The record of a line that must parse. */
export function record(parsed: ParsedLine): LogRecord {
  assert.ok(parsed.ok, `expected a record, got: ${parsed.ok ? '' : parsed.reason}`);
  return parsed.record;
}

/** The reason of a line that must be malformed. */
export function reason(parsed: ParsedLine): string {
  assert.ok(!parsed.ok, `expected a malformed line, got ${JSON.stringify(parsed)}`);
  return parsed.reason;
}
