import type { IncomingHit } from './types.js';

/**
 * One line per stored hit, the seed's "insight into what gets posted":
 * `12:03:04.123  ga4  1234.5678  GET /v1/users/:id  200  12.5 ms  "GET /v1/users/:id"`.
 */
export function formatHitLine(hit: IncomingHit, receivedMs: number): string {
  const status = hit.status === undefined ? '-' : String(hit.status);
  const duration = hit.durationMs === undefined ? '-' : `${round(hit.durationMs)} ms`;
  const title = hit.title === undefined ? '' : `  ${JSON.stringify(hit.title)}`;
  return `${clockTime(receivedMs)}  ${hit.protocol}  ${hit.client.padEnd(21)}  ${`${hit.method} ${hit.route}`.padEnd(32)}  ${status.padStart(3)}  ${duration.padStart(10)}${title}`;
}

/** The same hit as one JSON line, for `--json`. */
export function formatHitJson(hit: IncomingHit, receivedMs: number): string {
  return JSON.stringify({ receivedMs, ...hit });
}

/** A request's hits not stored again, in text mode: `12:03:04.123  =  3 duplicate hits ignored (hit id already stored)`. */
export function formatDuplicates(count: number, receivedMs: number): string {
  return `${clockTime(receivedMs)}  =  ${count} duplicate hit${count === 1 ? '' : 's'} ignored (hit id already stored)`;
}

/** The same as one JSON line, for `--json`: `{"receivedMs":…,"duplicateHits":3,"hitIds":[…]}`. */
export function formatDuplicatesJson(duplicates: readonly IncomingHit[], receivedMs: number): string {
  return JSON.stringify({ receivedMs, duplicateHits: duplicates.length, hitIds: duplicates.map((hit) => hit.hitId) });
}

/** A refused request, in text mode: `12:03:04.123  !  400  reason`. */
export function formatRefusal(receivedMs: number, status: number, reason: string): string {
  return `${clockTime(receivedMs)}  !    ${status}  ${reason}`;
}

function clockTime(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
