import type { Leniency } from './ga4-lenient.js';
import type { IncomingHit } from './types.js';

/** What an ingest endpoint makes of one request: hits to store (and what was cut or dropped to keep them), or a refusal with its reason. */
export type IngestResult =
  | { readonly ok: true; readonly hits: readonly IncomingHit[]; readonly leniency?: Leniency }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly details?: unknown };

export function refuse(status: number, error: string, details?: unknown): IngestResult {
  return details === undefined ? { ok: false, status, error } : { ok: false, status, error, details };
}

/** Decodes UTF-8 strictly: a body with invalid bytes is refused, not half-read. */
export function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

const METHOD = /^[A-Z]{1,16}$/;

/** An HTTP method from a hit, upper-cased, or GET when it does not look like one. */
export function methodFrom(value: unknown): string {
  if (typeof value !== 'string') return 'GET';
  const upper = value.toUpperCase();
  return METHOD.test(upper) ? upper : 'GET';
}

/** The path of a URL (without query), or undefined. */
export function pathOf(location: string | undefined): string | undefined {
  if (location === undefined || location === '') return undefined;
  try {
    return new URL(location, 'http://collector.invalid').pathname;
  } catch {
    return undefined;
  }
}

export function hostOf(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  try {
    const host = new URL(location).host;
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}

/** A route from a hit: at most 1 000 characters, never empty. */
export function routeFrom(value: string | undefined, fallback: string): string {
  const route = value === undefined || value === '' ? fallback : value;
  return route.length > 1000 ? route.slice(0, 1000) : route;
}
