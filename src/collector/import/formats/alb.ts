import type { LogFormat, LogRecord, ParsedLine } from '../log-record.js';
import { closingQuote, isDash, parseIsoTime, parseRequestLine, parseStatus, secondsAtToMs, shown, unescapeField } from './line-fields.js';

/**
 * AWS Application Load Balancer access logs, as AWS documents them: space-separated fields, some
 * quoted, `-` for absent ones and -1 for times the load balancer could not measure:
 *
 *   type time elb client:port target:port request_processing_time target_processing_time
 *   response_processing_time elb_status_code target_status_code received_bytes sent_bytes
 *   "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" ...
 *
 * Only the first 14 fields are read; the ones after (AWS adds fields over time) are skipped.
 * The request's target is the absolute URL the load balancer logs (`https://host:443/path?q`).
 */

const TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
const FIELDS_READ = 14;

/** Splits the first `count` fields of an ALB line: [start, end) pairs, or a reason. */
function splitFields(line: string, count: number): number[] | string {
  const bounds: number[] = [];
  let pos = 0;
  for (let field = 0; field < count; field++) {
    if (pos >= line.length) return `expected at least ${count} fields, got ${field}`;
    if (line.charCodeAt(pos) === 34) {
      const close = closingQuote(line, pos + 1);
      if (close === -1) return `expected a closing quote for field ${field + 1} (column ${pos + 1})`;
      bounds.push(pos + 1, close);
      pos = close + 1;
    } else {
      const space = line.indexOf(' ', pos);
      const end = space === -1 ? line.length : space;
      bounds.push(pos, end);
      pos = end;
    }
    if (pos < line.length && line.charCodeAt(pos) !== 32) return `expected a space after field ${field + 1} (column ${pos + 1})`;
    pos++;
  }
  return bounds;
}

function at(bounds: readonly number[], field: number): [number, number] {
  return [bounds[field * 2] as number, bounds[field * 2 + 1] as number];
}

/** The host of an absolute URL (`https://api.example.com:443/x` -> api.example.com), or undefined. */
function urlHost(target: string): string | undefined {
  const scheme = target.indexOf('://');
  if (scheme === -1) return undefined;
  const slash = target.indexOf('/', scheme + 3);
  const authority = target.slice(scheme + 3, slash === -1 ? target.length : slash);
  if (authority.startsWith('[')) return authority.slice(0, authority.indexOf(']') + 1);
  const colon = authority.lastIndexOf(':');
  return colon === -1 ? authority : authority.slice(0, colon);
}

/** `192.168.131.39:2817` or `[2001:db8::1]:2817` -> the address without its port. */
function withoutPort(text: string): string {
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']'));
  const colon = text.lastIndexOf(':');
  return colon === -1 ? text : text.slice(0, colon);
}

/** request + target + response processing times, in ms; undefined when one is -1 (not measured). */
function durationMs(line: string, bounds: readonly number[]): number | undefined {
  let total = 0;
  for (let field = 5; field <= 7; field++) {
    const [start, end] = at(bounds, field);
    const ms = secondsAtToMs(line, start, end);
    if (Number.isNaN(ms)) return undefined;
    total += ms;
  }
  return total;
}

function parseAlbLine(line: string): ParsedLine {
  const bounds = splitFields(line, FIELDS_READ);
  if (typeof bounds === 'string') return { ok: false, reason: bounds };
  const [typeStart, typeEnd] = at(bounds, 0);
  if (!TYPES.has(line.slice(typeStart, typeEnd))) return { ok: false, reason: `expected a type (http, https, h2, grpcs, ws, wss) first, got ${shown(line.slice(typeStart, typeEnd))}` };
  const [timeStart, timeEnd] = at(bounds, 1);
  const timeMs = parseIsoTime(line.slice(timeStart, timeEnd));
  if (Number.isNaN(timeMs)) return { ok: false, reason: `expected a time like 2018-07-02T22:23:00.186641Z, got ${shown(line.slice(timeStart, timeEnd))}` };
  let [requestStart, requestEnd] = at(bounds, 12);
  let requestText = line;
  if (line.lastIndexOf('\\', requestEnd) >= requestStart) {
    requestText = unescapeField(line.slice(requestStart, requestEnd));
    [requestStart, requestEnd] = [0, requestText.length];
  }
  const request = parseRequestLine(requestText, requestStart, requestEnd);
  if ('reason' in request) return { ok: false, reason: request.reason };
  const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = { timeMs, method: request.method, target: request.target };
  const [statusStart, statusEnd] = at(bounds, 8);
  if (!isDash(line, statusStart, statusEnd)) {
    const status = parseStatus(line, statusStart, statusEnd);
    if (status === -1) return { ok: false, reason: `expected an elb_status_code from 100 to 599, got ${shown(line.slice(statusStart, statusEnd))}` };
    record.status = status;
  }
  const duration = durationMs(line, bounds);
  if (duration !== undefined) record.durationMs = duration;
  const [clientStart, clientEnd] = at(bounds, 3);
  if (!isDash(line, clientStart, clientEnd)) record.clientIp = withoutPort(line.slice(clientStart, clientEnd));
  const [agentStart, agentEnd] = at(bounds, 13);
  if (!isDash(line, agentStart, agentEnd) && agentEnd > agentStart) record.userAgent = unescapeField(line.slice(agentStart, agentEnd));
  const host = urlHost(request.target);
  if (host !== undefined) record.host = host;
  return { ok: true, record };
}

/** The AWS ALB access-log format. */
export function createAlbFormat(): LogFormat {
  return { name: 'alb', parse: parseAlbLine };
}
