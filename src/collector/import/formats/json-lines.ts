import { FootfallError, describeValue } from '../../../errors.js';
import type { LogFormat, LogRecord, ParsedLine } from '../log-record.js';
import { parseIsoTime, readMethod } from './line-fields.js';

/**
 * JSON lines: one JSON object per line. Three shapes are known without a mapping:
 *
 * - pino-http: `time` (epoch ms), `req.method`, `req.url`, `req.headers` (lower-case names),
 *   `req.remoteAddress`, `res.statusCode`, `responseTime` (ms);
 * - Caddy's access log: `ts` (epoch seconds), `request.method`, `request.uri`, `request.host`,
 *   `request.client_ip` / `request.remote_ip`, `request.headers` (canonical names, each an
 *   array), `status`, `duration` (seconds), `user_id`;
 * - flat objects: `time` / `timestamp` / `@timestamp`, `method`, `url` / `path` / `uri`,
 *   `status` / `statusCode`, ...
 *
 * `--field name=path` mappings (FIELD_NAMES) come before all of them, e.g.
 * `{ time: '@timestamp', path: 'http.url' }`. A path is dotted (`req.headers.user-agent`); a key
 * that itself holds dots (`"http.url": ...`) is found too.
 */

export const FIELD_NAMES = [
  'time', 'method', 'path', 'status', 'durationMs', 'durationSeconds', 'clientIp', 'userAgent', 'referer', 'host', 'userId', 'forwardedFor',
] as const;

/** A record field a `--field` mapping can name. */
export type FieldName = (typeof FIELD_NAMES)[number];

type Paths = Partial<Record<FieldName, readonly string[][]>>;

const PINO: Paths = {
  time: [['time']], method: [['req', 'method']], path: [['req', 'url']], status: [['res', 'statusCode']], durationMs: [['responseTime']],
  clientIp: [['req', 'remoteAddress']], userAgent: [['req', 'headers', 'user-agent']], referer: [['req', 'headers', 'referer']],
  host: [['req', 'headers', 'host']], forwardedFor: [['req', 'headers', 'x-forwarded-for']],
};
const CADDY: Paths = {
  time: [['ts']], method: [['request', 'method']], path: [['request', 'uri']], status: [['status']], durationSeconds: [['duration']],
  clientIp: [['request', 'client_ip'], ['request', 'remote_ip']], userAgent: [['request', 'headers', 'User-Agent']],
  referer: [['request', 'headers', 'Referer']], host: [['request', 'host']], userId: [['user_id']],
  forwardedFor: [['request', 'headers', 'X-Forwarded-For']],
};
const FLAT: Paths = {
  time: [['time'], ['timestamp'], ['@timestamp'], ['ts']], method: [['method']], path: [['url'], ['path'], ['uri']],
  status: [['status'], ['statusCode'], ['status_code']], durationMs: [['responseTime'], ['duration_ms'], ['durationMs']],
  clientIp: [['ip'], ['remoteAddress'], ['remote_addr'], ['client_ip']], userAgent: [['userAgent'], ['user_agent']],
  referer: [['referer'], ['referrer']], host: [['host']], userId: [['userId'], ['user_id']],
};

/** Reads --field mappings: each name known, each path non-empty. */
function compileFields(fields: Readonly<Record<string, string>>): Paths {
  const paths: Paths = {};
  for (const [name, path] of Object.entries(fields)) {
    if (!(FIELD_NAMES as readonly string[]).includes(name)) {
      throw new FootfallError('FOOTFALL_ERR_INVALID_FIELD_MAPPING', describeValue(`${name}=${path}`), `${describeValue(name)} is not a field; the fields are ${FIELD_NAMES.join(', ')}`);
    }
    if (typeof path !== 'string' || path.trim() === '' || path.split('.').some((part) => part === '')) {
      throw new FootfallError('FOOTFALL_ERR_INVALID_FIELD_MAPPING', describeValue(`${name}=${String(path)}`), `expected a dotted path like http.url after "${name}=", got ${describeValue(path)}`);
    }
    paths[name as FieldName] = [path.split('.')];
  }
  return paths;
}

function lookup(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (let i = 0; i < path.length; i++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const object = current as Record<string, unknown>;
    const key = path[i] as string;
    const next = object[key];
    if (next !== undefined || key in object) current = next;
    else {
      // A key holding dots ("http.url"): the rest of the path, joined, as one key.
      const rest = path.slice(i).join('.');
      return i < path.length - 1 && rest in object ? object[rest] : undefined;
    }
  }
  return current;
}

function first(object: unknown, mapped: Paths, shape: Paths, field: FieldName): unknown {
  const paths = mapped[field] ?? shape[field];
  if (paths === undefined) return undefined;
  for (const path of paths) {
    const value = lookup(object, path);
    if (value !== undefined && value !== null && value !== '') return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Epoch seconds, ms or µs (told apart by size), a numeric string, or an ISO 8601 string -> epoch ms. */
function toTimeMs(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isNaN(number)) return number > 1e14 ? Math.floor(number / 1000) : number > 1e11 ? number : Math.round(number * 1000);
  return typeof value === 'string' ? parseIsoTime(value) : NaN;
}

const GO_UNITS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000_001 };

/** A number in `unitMs`, a numeric string, or a Go duration string (Caddy: "1.5ms", "2m3s") -> ms. */
function toMs(value: unknown, unitMs: number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * unitMs : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * unitMs;
  let total = 0;
  const parts = value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g);
  let length = 0;
  for (const [whole, amount, unit] of parts) {
    total += Number(amount) * (GO_UNITS[unit as string] ?? NaN);
    length += whole.length;
  }
  return length === value.length && length > 0 && !Number.isNaN(total) ? total : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function shapeOf(object: Record<string, unknown>): Paths {
  if (typeof object['req'] === 'object' && object['req'] !== null) return PINO;
  if (typeof object['request'] === 'object' && object['request'] !== null) return CADDY;
  return FLAT;
}

const TEXT_FIELDS = ['clientIp', 'userAgent', 'referer', 'host', 'userId', 'forwardedFor'] as const;

/** Where a field was looked for, for a malformed line's reason: "req.url", "time or timestamp or ...". */
function where(mapped: Paths, shape: Paths, field: FieldName): string {
  return (mapped[field] ?? shape[field] ?? []).map((path) => path.join('.')).join(' or ');
}

function parseJsonLine(mapped: Paths, line: string): ParsedLine {
  let object: unknown;
  try {
    object = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'expected a JSON object, got text that is not JSON' };
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return { ok: false, reason: `expected a JSON object, got ${Array.isArray(object) ? 'an array' : typeof object}` };
  const shape = shapeOf(object as Record<string, unknown>);
  const methodText = text(first(object, mapped, shape, 'method'));
  const method = methodText === undefined ? undefined : readMethod(methodText, 0, methodText.length);
  if (method === undefined) return { ok: false, reason: `expected a request method at ${where(mapped, shape, 'method')}, got ${methodText === undefined ? 'none' : describeValue(methodText)}` };
  const target = text(first(object, mapped, shape, 'path'));
  if (target === undefined) return { ok: false, reason: `expected a request path at ${where(mapped, shape, 'path')}, got none` };
  const timeMs = toTimeMs(first(object, mapped, shape, 'time'));
  if (Number.isNaN(timeMs)) return { ok: false, reason: `expected a time (epoch or ISO 8601) at ${where(mapped, shape, 'time')}, got none that reads` };
  const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = { timeMs, method, target };
  const status = first(object, mapped, shape, 'status');
  if (status !== undefined) {
    const code = typeof status === 'string' ? Number(status) : status;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) return { ok: false, reason: `expected a status from 100 to 599, got ${describeValue(status)}` };
    record.status = code;
  }
  const durationMs = toMs(first(object, mapped, shape, 'durationMs'), 1) ?? toMs(first(object, mapped, shape, 'durationSeconds'), 1000);
  if (durationMs !== undefined) record.durationMs = durationMs;
  for (const field of TEXT_FIELDS) {
    const value = text(first(object, mapped, shape, field));
    if (value !== undefined && value !== '-') record[field] = value;
  }
  return { ok: true, record };
}

/** JSON lines, with optional `--field name=path` mappings (FIELD_NAMES); throws FOOTFALL_ERR_INVALID_FIELD_MAPPING for a bad one. */
export function createJsonLinesFormat(options: { readonly fields?: Readonly<Record<string, string>> } = {}): LogFormat {
  const mapped = compileFields(options.fields ?? {});
  return { name: 'json', parse: (line) => parseJsonLine(mapped, line) };
}
