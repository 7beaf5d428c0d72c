import { AssertionError } from 'node:assert';
import { validateGa4 } from '../protocols/ga4/validate.js';
import { validateUa } from '../protocols/ua/validate.js';
import { describeHits, type HitLike } from './describe-hits.js';
import type { RecordedRequest } from './memory-transport.js';

/** What a hit must look like: every field given must match (strings exactly, or a RegExp). */
export interface HitMatch {
  /** Upper or lower case. */
  readonly method?: string | RegExp;
  /** The route template, e.g. `/v1/users/:id`, or `(unmatched)`. */
  readonly route?: string | RegExp;
  readonly status?: number;
  /** Route path plus the redacted query, e.g. `/v1/users/:id?fields` (test trackers' hits only). */
  readonly path?: string | RegExp;
  readonly host?: string | RegExp;
  readonly title?: string | RegExp;
  /** The client id (a collector's hits call it `client`). */
  readonly clientId?: string | RegExp;
  /** The keyed hash of the user id (not the id itself). */
  readonly userId?: string | RegExp;
  /** Extra event parameters the hit must carry (others may be there too). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  /** How many hits must match. @default at least one */
  readonly count?: number;
}

/** Anything with hits: a test tracker, a fake collector (its stored hits), or an array of either's hits. */
export type HitSource = { readonly hits: readonly HitLike[] } | readonly HitLike[];

/**
 * Throws an AssertionError (node:assert's, so node:test, Jest and Vitest all show it) unless
 * a tracked hit matches; the message lists what was tracked instead. Returns the matches.
 */
export function assertTracked<H extends HitLike>(source: { readonly hits: readonly H[] } | readonly H[], match: HitMatch, message?: string): H[] {
  const hits = hitsOf(source);
  const found = hits.filter((hit) => matches(hit, match));
  const wanted = match.count;
  const ok = wanted === undefined ? found.length > 0 : found.length === wanted;
  if (!ok) {
    const count = wanted === undefined ? 'a tracked hit' : `${wanted} tracked hit(s)`;
    fail(`${message === undefined ? '' : `${message}: `}expected ${count} matching ${describeMatch(match)}, found ${found.length}; ${describeHits(hits)}${hits.length === 0 ? ' (is trackRequests(tracker) registered before the routes, and FOOTFALL_DISABLED unset?)' : ''}`, found.length, match, 'assertTracked');
  }
  return found;
}

/** Throws an AssertionError listing the matching hits when any tracked hit matches. */
export function assertNotTracked(source: HitSource, match: Omit<HitMatch, 'count'>, message?: string): void {
  const found = hitsOf(source).filter((hit) => matches(hit, match));
  if (found.length > 0) {
    fail(`${message === undefined ? '' : `${message}: `}expected no tracked hit matching ${describeMatch(match)}, found ${found.length}; the matching ${describeHits(found).replace(/^\d+ hit\(s\) were tracked/, 'hits')}`, found.length, 0, 'assertNotTracked');
  }
}

/**
 * Runs Footfall's offline validators (`validateGa4`, `validateUa`, the rules of Google's
 * validation servers) over every request a test tracker made; throws an AssertionError with
 * each message and its body. `nowMs` is "now" for GA4's 72-hour window.
 * @default nowMs the newest hit of each request
 */
export function assertValidPayloads(source: { readonly requests: readonly RecordedRequest[] }, options: { nowMs?: number } = {}): void {
  const problems: string[] = [];
  for (const [index, request] of source.requests.entries()) {
    const messages = validate(request, options.nowMs);
    if (messages.length > 0) problems.push(`request ${index + 1} (${request.contentType}):\n    ${messages.join('\n    ')}\n    body: ${request.body.slice(0, 500)}`);
  }
  if (problems.length > 0) fail(`${problems.length} of ${source.requests.length} payload(s) are invalid:\n  ${problems.join('\n  ')}`, problems.length, 0, 'assertValidPayloads');
}

function validateBatch(body: string, nowMs: number): string[] {
  const payloads = JSON.parse(body) as unknown;
  if (!Array.isArray(payloads)) return ['(body): a /mp/batch body must be a JSON array of GA4 payloads'];
  return payloads.flatMap((payload: unknown, i) => validateGa4(payload, { nowMs }).validationMessages.map((m) => `[${i}]${m.fieldPath === '' ? '' : `.${m.fieldPath}`}: ${m.description} [${m.validationCode}]`));
}

function validate(request: RecordedRequest, nowMs: number | undefined): string[] {
  if (request.contentType.startsWith('application/json')) {
    const now = nowMs ?? Math.max(0, ...request.hits.map((hit) => hit.timestampMs));
    // collector(url) sends a Footfall /mp/batch: a JSON array of GA4 payloads, each validated as GA4's own.
    if (/\/mp\/batch(?:\?|$)/.test(request.url)) return validateBatch(request.body, now);
    return validateGa4(request.body, { nowMs: now }).validationMessages.map((m) => `${m.fieldPath || '(body)'}: ${m.description} [${m.validationCode}]`);
  }
  return validateUa(request.body).hitParsingResult.flatMap((result) => result.parserMessage.filter((m) => m.messageType === 'ERROR').map((m) => `${m.parameter ?? '(hit)'}: ${m.description}`));
}

function hitsOf<H extends HitLike>(source: { readonly hits: readonly H[] } | readonly H[]): readonly H[] {
  return isHitArray(source) ? source : source.hits;
}

function isHitArray<H>(source: { readonly hits: readonly H[] } | readonly H[]): source is readonly H[] {
  return Array.isArray(source);
}

function matches(hit: HitLike, match: Omit<HitMatch, 'count'>): boolean {
  if (match.status !== undefined && hit.status !== match.status) return false;
  if (match.method !== undefined && !text(hit.method, typeof match.method === 'string' ? match.method.toUpperCase() : match.method)) return false;
  const fields = ['route', 'path', 'host', 'title', 'userId'] as const;
  for (const field of fields) {
    const wanted = match[field];
    if (wanted !== undefined && !text(hit[field], wanted)) return false;
  }
  if (match.clientId !== undefined && !text(hit.clientId ?? hit.client, match.clientId)) return false;
  if (match.params !== undefined) {
    for (const [name, value] of Object.entries(match.params)) if (hit.params?.[name] !== value) return false;
  }
  return true;
}

function text(value: string | undefined, wanted: string | RegExp): boolean {
  if (value === undefined) return false;
  return typeof wanted === 'string' ? value === wanted : wanted.test(value);
}

function describeMatch(match: Omit<HitMatch, 'count'>): string {
  const parts = Object.entries(match)
    .filter(([name, value]) => name !== 'count' && value !== undefined)
    .map(([name, value]) => `${name}: ${value instanceof RegExp ? String(value) : JSON.stringify(value)}`);
  return `{ ${parts.join(', ')} }`;
}

function fail(message: string, actual: unknown, expected: unknown, operator: string): never {
  throw new AssertionError({ message, actual, expected, operator });
}
