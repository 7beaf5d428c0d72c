import { FootfallError, describeValue } from '../../../errors.js';
import type { LogFormat, LogRecord, ParsedLine } from '../log-record.js';
import {
  TIME_LOCAL_LENGTH, closingQuote, isDash, parseIsoTime, parseRequestLine, parseStatus, parseTimeLocal, readMethod, secondsAtToMs, secondsToMs, shown, unescapeField,
} from './line-fields.js';

/**
 * Compiles an nginx `log_format` string (`$remote_addr - $remote_user [$time_local] "$request" ...`)
 * into a line parser, once: the parser then walks each line by position, finding each variable's
 * end by the literal text that follows it in the format (quoted variables honour `\"`, `\\` and
 * `\xHH` escapes), and reads only the variables a record needs. Unknown variables are captured and
 * ignored. combined and common are such strings (combined.ts, common.ts).
 */

const enum Kind {
  Ignored, RemoteAddr, RemoteUser, TimeLocal, TimeIso, Msec, Request, Method, RequestUri, Uri, Args, Status,
  RequestTime, UpstreamTime, UserAgent, Referer, ForwardedFor, Host, ServerName, HttpHost,
}

const KINDS: Readonly<Record<string, Kind>> = {
  remote_addr: Kind.RemoteAddr, remote_user: Kind.RemoteUser, time_local: Kind.TimeLocal, time_iso8601: Kind.TimeIso, msec: Kind.Msec,
  request: Kind.Request, request_method: Kind.Method, request_uri: Kind.RequestUri, uri: Kind.Uri, document_uri: Kind.Uri,
  args: Kind.Args, query_string: Kind.Args, status: Kind.Status, request_time: Kind.RequestTime,
  upstream_response_time: Kind.UpstreamTime, http_user_agent: Kind.UserAgent, http_referer: Kind.Referer,
  http_x_forwarded_for: Kind.ForwardedFor, proxy_add_x_forwarded_for: Kind.ForwardedFor, host: Kind.Host,
  server_name: Kind.ServerName, http_host: Kind.HttpHost,
};

/** How a compiled format reads lines. */
export interface LogFormatOptions {
  /** The format's name in records and messages. @default 'nginx' */
  readonly name?: string;
  /** Accept text after the format's end (a combined log with fields appended). @default false */
  readonly allowTrailing?: boolean;
}

interface Compiled {
  /** literals[i] comes before variable i; literals[names.length] ends the format. */
  readonly literals: readonly string[];
  readonly names: readonly string[];
  readonly kinds: readonly Kind[];
  readonly quoted: readonly boolean[];
}

function invalid(format: string, why: string): FootfallError {
  return new FootfallError('FOOTFALL_ERR_INVALID_LOG_FORMAT', describeValue(`nginx:${format}`), why);
}

/** Splits a log_format string into literals and variables (`$name` or `${name}`). */
function tokenize(format: string): { literals: string[]; names: string[] } {
  const literals: string[] = [];
  const names: string[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '$') {
      literal += format[i];
      continue;
    }
    const braced = format[i + 1] === '{';
    const match = /^[A-Za-z0-9_]+/.exec(format.slice(braced ? i + 2 : i + 1));
    if (match === null) throw invalid(format, `a "$" at column ${i + 1} is not followed by a variable name`);
    const after = i + (braced ? 2 : 1) + match[0].length;
    if (braced && format[after] !== '}') throw invalid(format, `"\${${match[0]}" at column ${i + 1} has no closing "}"`);
    if (names.length > 0 && literal === '') throw invalid(format, `$${names.at(-1)} and $${match[0]} have nothing between them, so a line cannot be split between them`);
    literals.push(literal);
    names.push(match[0]);
    literal = '';
    i = after - (braced ? 0 : 1);
  }
  literals.push(literal);
  return { literals, names };
}

function compile(format: string): Compiled {
  if (format.trim() === '') throw invalid(format, 'it is empty');
  const { literals, names } = tokenize(format);
  if (names.length === 0) throw invalid(format, 'it has no $variable');
  const kinds = names.map((name) => KINDS[name] ?? Kind.Ignored);
  const has = (...wanted: Kind[]) => kinds.some((kind) => wanted.includes(kind));
  if (!has(Kind.TimeLocal, Kind.TimeIso, Kind.Msec)) throw invalid(format, 'it has no time: expected $time_local, $time_iso8601 or $msec');
  if (!has(Kind.Request) && !(has(Kind.Method) && has(Kind.RequestUri, Kind.Uri))) {
    throw invalid(format, 'it has no request: expected $request, or $request_method with $request_uri or $uri');
  }
  const quoted = names.map((_, i) => (literals[i] ?? '').endsWith('"') && (literals[i + 1] ?? '').startsWith('"'));
  return { literals, names, kinds, quoted };
}

/** Compiles `format` (an nginx log_format string); throws FOOTFALL_ERR_INVALID_LOG_FORMAT if it cannot be read. */
export function createNginxLogFormat(format: string, options: LogFormatOptions = {}): LogFormat {
  const compiled = compile(format);
  const name = options.name ?? 'nginx';
  const allowTrailing = options.allowTrailing ?? false;
  return { name, parse: (line) => parseLine(compiled, allowTrailing, line) };
}

function fail(reason: string): ParsedLine {
  return { ok: false, reason };
}

function literalReason(compiled: Compiled, index: number, at: number): string {
  const literal = JSON.stringify(compiled.literals[index]);
  if (index === 0) return `expected the line to start with ${literal}`;
  return `expected ${literal} after $${compiled.names[index - 1]} (which starts at column ${at + 1})`;
}

/** The end of variable i's value starting at `start`, or -1. */
function valueEnd(compiled: Compiled, allowTrailing: boolean, line: string, i: number, start: number): number {
  const next = compiled.literals[i + 1] as string;
  const last = i === compiled.names.length - 1;
  if (compiled.quoted[i] === true) {
    let quote = closingQuote(line, start);
    // A quote not followed by the format's next text is part of the value (an unescaped quote);
    // the last one ends the line, or (with text allowed after it) comes before a space.
    while (quote !== -1 && !(line.startsWith(next, quote) && (!last || endsField(line, quote + next.length, allowTrailing)))) {
      quote = closingQuote(line, quote + 1);
    }
    return quote;
  }
  if (compiled.kinds[i] === Kind.TimeLocal) return line.startsWith(next, start + TIME_LOCAL_LENGTH) ? start + TIME_LOCAL_LENGTH : -1;
  if (compiled.kinds[i] === Kind.Request) {
    // An unquoted request line holds two spaces of its own: "GET /path HTTP/1.1".
    const first = line.indexOf(' ', start);
    const second = first === -1 ? -1 : line.indexOf(' ', first + 1);
    if (second !== -1) return next === '' ? line.length : line.indexOf(next, second + 1);
  }
  if (next === '') {
    // The last variable: a value with a space in it is the start of text the format does not have.
    const space = line.indexOf(' ', start);
    return space === -1 ? line.length : space;
  }
  return line.indexOf(next, start);
}

function endsField(line: string, at: number, allowTrailing: boolean): boolean {
  return at === line.length || (allowTrailing && line.charCodeAt(at) === 32);
}

// One function with locals for every field: no object per variable, and only the values a
// record needs are sliced out of the line.
function parseLine(compiled: Compiled, allowTrailing: boolean, line: string): ParsedLine {
  const { literals, kinds } = compiled;
  if (!line.startsWith(literals[0] as string)) return fail(literalReason(compiled, 0, 0));
  const anyBackslash = line.indexOf('\\') !== -1;
  let pos = (literals[0] as string).length;
  let timeMs = NaN;
  let method: string | undefined;
  let target: string | undefined;
  let requestMethod: string | undefined;
  let requestUri: string | undefined;
  let uri: string | undefined;
  let args: string | undefined;
  let status: number | undefined;
  let requestTime: number | undefined;
  let upstreamTime: number | undefined;
  let clientIp: string | undefined;
  let userId: string | undefined;
  let userAgent: string | undefined;
  let referer: string | undefined;
  let forwardedFor: string | undefined;
  let host: string | undefined;
  let serverName: string | undefined;
  let httpHost: string | undefined;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i] as Kind;
    const end = valueEnd(compiled, allowTrailing, line, i, pos);
    if (end === -1) {
      if (compiled.quoted[i] === true) return fail(`expected a closing quote after $${compiled.names[i]} at column ${pos + 1}`);
      if (kind === Kind.TimeLocal) return fail(`expected a time like 10/Oct/2000:13:55:36 -0700 at column ${pos + 1}`);
      return fail(literalReason(compiled, i + 1, pos));
    }
    if (kind !== Kind.Ignored && !isDash(line, pos, end) && end > pos) {
      let text = line;
      let start = pos;
      let stop = end;
      if (anyBackslash && compiled.quoted[i] === true) {
        const backslash = line.indexOf('\\', pos);
        if (backslash !== -1 && backslash < end) {
          text = unescapeField(line.slice(pos, end));
          start = 0;
          stop = text.length;
        }
      }
      switch (kind) {
        case Kind.RemoteAddr: clientIp = text.slice(start, stop); break;
        case Kind.RemoteUser: userId = text.slice(start, stop); break;
        case Kind.TimeLocal:
          timeMs = parseTimeLocal(text, start);
          if (Number.isNaN(timeMs)) return fail(`expected a time like 10/Oct/2000:13:55:36 -0700, got ${shown(text.slice(start, stop))}`);
          break;
        case Kind.TimeIso:
        case Kind.Msec: {
          const value = text.slice(start, stop);
          timeMs = kind === Kind.Msec ? secondsToMs(value) : parseIsoTime(value);
          if (Number.isNaN(timeMs)) return fail(`expected ${kind === Kind.Msec ? 'epoch seconds like 1700000000.123' : 'a time like 2000-10-10T13:55:36-07:00'} in $${compiled.names[i]}, got ${shown(value)}`);
          break;
        }
        case Kind.Request: {
          const request = parseRequestLine(text, start, stop);
          if ('reason' in request) return fail(request.reason);
          method = request.method;
          target = request.target;
          break;
        }
        case Kind.Method:
          requestMethod = readMethod(text, start, stop);
          if (requestMethod === undefined) return fail(`expected a method like GET in $request_method, got ${shown(text.slice(start, stop))}`);
          break;
        case Kind.RequestUri: requestUri = text.slice(start, stop); break;
        case Kind.Uri: uri = text.slice(start, stop); break;
        case Kind.Args: args = text.slice(start, stop); break;
        case Kind.Status:
          status = parseStatus(text, start, stop);
          if (status === -1) return fail(`expected a status from 100 to 599, got ${shown(text.slice(start, stop))}`);
          break;
        case Kind.RequestTime:
          requestTime = secondsAtToMs(text, start, stop);
          if (Number.isNaN(requestTime)) return fail(`expected seconds like 0.005 in $request_time, got ${shown(text.slice(start, stop))}`);
          break;
        case Kind.UpstreamTime: upstreamTime = upstreamMs(text, start, stop); break;
        case Kind.UserAgent: userAgent = text.slice(start, stop); break;
        case Kind.Referer: referer = text.slice(start, stop); break;
        case Kind.ForwardedFor: forwardedFor = text.slice(start, stop); break;
        case Kind.Host: host = text.slice(start, stop); break;
        case Kind.ServerName: serverName = text.slice(start, stop); break;
        case Kind.HttpHost: httpHost = text.slice(start, stop); break;
      }
    }
    const literal = literals[i + 1] as string;
    pos = end + literal.length;
  }
  if (!allowTrailing && pos !== line.length) return fail(`expected the line to end after $${compiled.names.at(-1)}, got more at column ${pos + 1}`);
  if (Number.isNaN(timeMs)) return fail('expected a time, got "-"');
  method ??= requestMethod;
  target ??= requestUri ?? (uri === undefined ? undefined : args === undefined ? uri : `${uri}?${args}`);
  if (method === undefined || target === undefined) return fail('expected a request "METHOD target HTTP/x.y", got "-"');
  const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = { timeMs, method, target };
  if (status !== undefined) record.status = status;
  const durationMs = requestTime ?? upstreamTime;
  if (durationMs !== undefined && !Number.isNaN(durationMs)) record.durationMs = durationMs;
  if (clientIp !== undefined) record.clientIp = clientIp;
  if (userAgent !== undefined) record.userAgent = userAgent;
  if (referer !== undefined) record.referer = referer;
  const anyHost = host ?? httpHost ?? serverName;
  if (anyHost !== undefined) record.host = anyHost;
  if (userId !== undefined) record.userId = userId;
  if (forwardedFor !== undefined) record.forwardedFor = forwardedFor;
  return { ok: true, record };
}

/** `$upstream_response_time`: "0.004", or "0.002, 0.004" / "0.002 : 0.004" when nginx tried several upstreams (summed). */
function upstreamMs(text: string, start: number, end: number): number | undefined {
  const single = secondsAtToMs(text, start, end);
  if (!Number.isNaN(single)) return single;
  let total = 0;
  for (const part of text.slice(start, end).split(/\s*[,:]\s*/)) {
    const ms = secondsToMs(part);
    if (Number.isNaN(ms)) return undefined;
    total += ms;
  }
  return total;
}
