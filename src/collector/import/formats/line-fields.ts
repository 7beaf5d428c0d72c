/**
 * The pieces access-log formats share, read straight from the line by position (no split, no
 * regular expression): Apache/nginx times, request lines, status codes, quoted fields with
 * their escapes. Each returns NaN / undefined / -1 for "not this", and the caller says why.
 */

const MONTHS = new Map<number, number>(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((name, index) => [monthKey(name, 0), index + 1]),
);
const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;

function monthKey(text: string, at: number): number {
  return (text.charCodeAt(at) << 16) | (text.charCodeAt(at + 1) << 8) | text.charCodeAt(at + 2);
}

/** The digits of text[at, at + count) as a number, or -1 if one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function clockMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > (DAYS_IN_MONTH[month] ?? 0)) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return NaN;
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000;
}

/** Length of an Apache/nginx `$time_local`: `10/Oct/2000:13:55:36 -0700`. */
export const TIME_LOCAL_LENGTH = 26;

/** Epoch ms of a `$time_local` (`10/Oct/2000:13:55:36 -0700`) at text[at], or NaN. */
export function parseTimeLocal(text: string, at: number): number {
  if (text.charCodeAt(at + 2) !== 47 || text.charCodeAt(at + 6) !== 47 || text.charCodeAt(at + 11) !== 58) return NaN;
  if (text.charCodeAt(at + 14) !== 58 || text.charCodeAt(at + 17) !== 58 || text.charCodeAt(at + 20) !== 32) return NaN;
  const month = MONTHS.get(monthKey(text, at + 3)) ?? 0;
  const local = clockMs(digits(text, at + 7, 4), month, digits(text, at, 2), digits(text, at + 12, 2), digits(text, at + 15, 2), digits(text, at + 18, 2));
  const sign = text.charCodeAt(at + 21);
  const offsetHours = digits(text, at + 22, 2);
  const offsetMinutes = digits(text, at + 24, 2);
  if ((sign !== 43 && sign !== 45) || offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59) return NaN;
  const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000;
  return sign === 43 ? local - offsetMs : local + offsetMs;
}

/**
 * Epoch ms of an ISO 8601 time as nginx (`$time_iso8601`: 2000-10-10T13:55:36-07:00) and AWS
 * (2018-07-02T22:23:00.186641Z) write them, or NaN; other ISO shapes fall back to Date.parse.
 */
export function parseIsoTime(text: string): number {
  const fast = parseIsoFast(text);
  if (!Number.isNaN(fast)) return fast;
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text) ? Date.parse(text) : NaN;
}

function parseIsoFast(text: string): number {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return NaN;
  let ms = clockMs(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2));
  let at = 19;
  if (text.charCodeAt(at) === 46) {
    let scale = 100;
    for (at++; at < text.length; at++) {
      const digit = text.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) break;
      ms += digit * scale;
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  if (at === text.length - 1 && text.charCodeAt(at) === 90) return ms;
  if (at !== text.length - 6 || text.charCodeAt(at + 3) !== 58) return NaN;
  const sign = text.charCodeAt(at);
  const hours = digits(text, at + 1, 2);
  const minutes = digits(text, at + 4, 2);
  if ((sign !== 43 && sign !== 45) || hours < 0 || minutes < 0) return NaN;
  const offsetMs = (hours * 60 + minutes) * 60_000;
  return sign === 43 ? ms - offsetMs : ms + offsetMs;
}

/** A three-digit HTTP status in 100..599 at text[start, end), or -1. */
export function parseStatus(text: string, start: number, end: number): number {
  if (end - start !== 3) return -1;
  const status = digits(text, start, 3);
  return status >= 100 && status <= 599 ? status : -1;
}

/** A non-negative decimal number of seconds (`0.005`, `12`) as milliseconds, or NaN. */
export function secondsToMs(text: string): number {
  if (text.length === 0 || text === '-') return NaN;
  const first = text.charCodeAt(0);
  if (first < 48 || first > 57) return NaN;
  const seconds = Number(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : NaN;
}

/**
 * A non-negative decimal number of seconds at text[start, end) (`0.005`, `12`, `1.`) as
 * milliseconds, or NaN: read digit by digit, without slicing the line.
 */
export function secondsAtToMs(text: string, start: number, end: number): number {
  if (end <= start || end - start > 20) return NaN;
  let whole = 0;
  let i = start;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    whole = whole * 10 + digit;
  }
  if (i === start) return NaN;
  if (i === end) return whole * 1000;
  if (text.charCodeAt(i) !== 46) return NaN;
  let fraction = 0;
  let scale = 1;
  for (i++; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    fraction = fraction * 10 + digit;
    scale *= 10;
  }
  return whole * 1000 + (fraction * 1000) / scale;
}

/** True when text[start, end) is a lone `-`, the mark of an absent field. */
export function isDash(text: string, start: number, end: number): boolean {
  return end - start === 1 && text.charCodeAt(start) === 45;
}

/**
 * The index of the `"` that closes a quoted field opened before `from`: the first one not
 * escaped by a backslash (`\"`; `\\` is an escaped backslash). -1 if the line has none.
 */
export function closingQuote(text: string, from: number): number {
  let quote = text.indexOf('"', from);
  while (quote !== -1) {
    let backslashes = 0;
    for (let i = quote - 1; i >= from && text.charCodeAt(i) === 92; i--) backslashes++;
    if ((backslashes & 1) === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}

/**
 * A quoted field's text with its escapes undone: `\"` and `\\` (Apache, which also writes \n
 * and \t), and `\xHH` (nginx escapes `"`, `\` and each byte of a non-ASCII character so: runs
 * of bytes are decoded together as UTF-8). Text between escapes is copied in slices.
 */
export function unescapeField(raw: string): string {
  let at = raw.indexOf('\\');
  if (at === -1) return raw;
  let out = '';
  let from = 0;
  let bytes: number[] = [];
  for (; at !== -1 && at < raw.length - 1; at = raw.indexOf('\\', from)) {
    if (at > from) {
      if (bytes.length > 0) bytes = flushBytes(bytes, (text) => (out += text));
      out += raw.slice(from, at);
    }
    const next = raw.charCodeAt(at + 1);
    const high = hexValue(raw.charCodeAt(at + 2));
    const low = hexValue(raw.charCodeAt(at + 3));
    if (next === 120 && high !== -1 && low !== -1) {
      bytes.push(high * 16 + low);
      from = at + 4;
      continue;
    }
    if (bytes.length > 0) bytes = flushBytes(bytes, (text) => (out += text));
    out += next === 110 ? '\n' : next === 116 ? '\t' : raw.charAt(at + 1);
    from = at + 2;
  }
  if (bytes.length > 0) bytes = flushBytes(bytes, (text) => (out += text));
  return out + raw.slice(from);
}

function flushBytes(bytes: number[], append: (text: string) => void): number[] {
  append(Buffer.from(bytes).toString('utf8'));
  return [];
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Cuts a value for a malformed line's reason: short, and never a query (values stay private). */
export function shown(value: string): string {
  const query = value.indexOf('?');
  const cut = query === -1 ? value : `${value.slice(0, query)}?…`;
  return JSON.stringify(cut.length > 40 ? `${cut.slice(0, 40)}…` : cut);
}

/** Upper-case method, or undefined if text[start, end) is not an HTTP token. */
export function readMethod(text: string, start: number, end: number): string | undefined {
  if (end <= start || end - start > 20) return undefined;
  const first = text.charCodeAt(start) | 32;
  if (first < 97 || first > 122) return undefined;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = true;
    else if (!((c >= 65 && c <= 90) || c === 45 || c === 95 || (c >= 48 && c <= 57))) return undefined;
  }
  const method = text.slice(start, end);
  return lower ? method.toUpperCase() : method;
}

/** A request line split into method and target, or the reason it is not one. */
export type RequestLine = { method: string; target: string } | { reason: string };

/** `GET /path?q HTTP/1.1` at text[start, end): method, target and an `HTTP/x[.y]` protocol. */
export function parseRequestLine(text: string, start: number, end: number): RequestLine {
  const first = text.indexOf(' ', start);
  const last = text.lastIndexOf(' ', end - 1);
  const method = first > start && first < end ? readMethod(text, start, first) : undefined;
  if (method === undefined || last <= first + 1 || !text.startsWith('HTTP/', last + 1) || end - last < 7) {
    return { reason: `expected a request "METHOD target HTTP/x.y", got ${shown(text.slice(start, end))}` };
  }
  return { method, target: text.slice(first + 1, last) };
}
