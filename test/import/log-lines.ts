// Writers of access-log lines for the import tests: each format written as its server writes it,
// so the parsers are tested against the writers' escapes, not against our own reading of them.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `$time_local` / Apache `%t` of an epoch ms seen from a UTC offset in minutes: 10/Oct/2000:13:55:36 -0700. */
export function timeLocal(timeMs: number, offsetMinutes: number): string {
  const local = new Date(timeMs + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(offsetMinutes);
  return `${pad(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${pad(local.getUTCFullYear(), 4)}:${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${sign}${pad(Math.floor(offset / 60))}${pad(offset % 60)}`;
}

/** nginx's default escaping of a variable (ngx_http_log_escape): `"`, `\`, control bytes and bytes >= 0x7f as \xHH. */
export function nginxEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value)) {
    out += byte === 0x22 || byte === 0x5c || byte < 0x20 || byte >= 0x7f ? `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/** Apache's escaping of logged headers (ap_escape_logitem): `\"`, `\\`, \n \t, other control bytes as \xhh; UTF-8 bytes as they are... except that Apache escapes them too. */
export function apacheEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value)) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

export interface CombinedFields {
  clientIp?: string;
  user?: string;
  timeMs?: number;
  offsetMinutes?: number;
  /** The whole request line, or method + target + protocol. */
  request?: string;
  method?: string;
  target?: string;
  protocol?: string;
  status?: number | string;
  bytes?: number | string;
  referer?: string;
  userAgent?: string;
  escape?: (value: string) => string;
}

export const DEFAULT_TIME_MS = Date.UTC(2024, 2, 10, 13, 55, 36);

function requestOf(fields: CombinedFields): string {
  return fields.request ?? `${fields.method ?? 'GET'} ${fields.target ?? '/v1/users/42'} ${fields.protocol ?? 'HTTP/1.1'}`;
}

/** A common-log line: `%h %l %u %t "%r" %>s %b`. */
export function commonLine(fields: CombinedFields = {}): string {
  const escape = fields.escape ?? nginxEscape;
  const time = timeLocal(fields.timeMs ?? DEFAULT_TIME_MS, fields.offsetMinutes ?? 0);
  return `${fields.clientIp ?? '203.0.113.7'} - ${fields.user ?? '-'} [${time}] "${escape(requestOf(fields))}" ${fields.status ?? 200} ${fields.bytes ?? 512}`;
}

/** A combined-log line: common + `"%{Referer}i" "%{User-agent}i"`, `-` for an absent header. */
export function combinedLine(fields: CombinedFields = {}): string {
  const escape = fields.escape ?? nginxEscape;
  const quoted = (value: string | undefined) => `"${value === undefined ? '-' : escape(value)}"`;
  return `${commonLine(fields)} ${quoted(fields.referer)} ${quoted(fields.userAgent ?? 'curl/8.5.0')}`;
}
