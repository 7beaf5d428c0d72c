import { FootfallError, describeValue } from '../../../errors.js';
import type { LogFormat } from '../log-record.js';
import { createAlbFormat } from './alb.js';
import { createCombinedFormat } from './combined.js';
import { createCommonFormat } from './common.js';
import { createJsonLinesFormat } from './json-lines.js';
import { createNginxLogFormat } from './nginx-log-format.js';

export { COMBINED_LOG_FORMAT } from './combined.js';
export { COMMON_LOG_FORMAT } from './common.js';
export { FIELD_NAMES, type FieldName } from './json-lines.js';

/** Options of getFormat. */
export interface FormatOptions {
  /** `--field name=path` mappings for the json format (json-lines.ts's FIELD_NAMES). @default {} */
  readonly fields?: Readonly<Record<string, string>>;
}

/** The format specs `--format` takes besides `auto` (and `nginx:<log_format>`). */
export const FORMAT_NAMES = ['combined', 'common', 'json', 'alb'] as const;

/**
 * The format a `--format` spec names: 'combined' | 'common' | 'json' | 'alb' | 'nginx:<log_format>'.
 * Throws FOOTFALL_ERR_INVALID_LOG_FORMAT for another spec or an unreadable log_format, and
 * FOOTFALL_ERR_INVALID_FIELD_MAPPING for a bad field mapping (or one given to another format).
 */
export function getFormat(spec: string, options: FormatOptions = {}): LogFormat {
  const fields = options.fields ?? {};
  if (spec !== 'json' && Object.keys(fields).length > 0) {
    throw new FootfallError('FOOTFALL_ERR_INVALID_FIELD_MAPPING', Object.keys(fields).map((name) => `${name}=...`).join(', '), `field mappings are for --format json, and the format is ${describeValue(spec)}`);
  }
  switch (spec) {
    case 'combined': return createCombinedFormat();
    case 'common': return createCommonFormat();
    case 'json': return createJsonLinesFormat({ fields });
    case 'alb': return createAlbFormat();
  }
  if (typeof spec === 'string' && spec.startsWith('nginx:')) return createNginxLogFormat(spec.slice('nginx:'.length));
  if (spec === 'auto') throw new FootfallError('FOOTFALL_ERR_INVALID_LOG_FORMAT', '"auto"', 'auto is not a format but a guess from the first lines: detectFormat(lines) makes it');
  const hint = typeof spec === 'string' && spec.includes('$') ? '; a log_format string goes after "nginx:"' : '';
  throw new FootfallError('FOOTFALL_ERR_INVALID_LOG_FORMAT', describeValue(spec), `expected auto, ${FORMAT_NAMES.join(', ')} or nginx:'<log_format>'${hint}`);
}

/**
 * The format that parses most of `sampleLines` (empty lines left out), or undefined when none
 * parses more than half of them. On a tie the more specific format wins (combined over common,
 * whose lines a combined parser refuses anyway). nginx custom formats are never guessed.
 * `options.fields` (--field mappings) apply to the json candidate.
 */
export function detectFormat(sampleLines: readonly string[], options: FormatOptions = {}): LogFormat | undefined {
  const lines = sampleLines.filter((line) => line.trim() !== '');
  if (lines.length === 0) return undefined;
  let best: LogFormat | undefined;
  let bestCount = 0;
  for (const format of [createJsonLinesFormat({ fields: options.fields ?? {} }), createAlbFormat(), createCombinedFormat(), createCommonFormat()]) {
    let count = 0;
    for (const line of lines) if (format.parse(line).ok) count++;
    if (count > bestCount) [best, bestCount] = [format, count];
  }
  return bestCount * 2 > lines.length ? best : undefined;
}
