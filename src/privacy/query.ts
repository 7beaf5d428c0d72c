import { FootfallError, describeValue } from '../errors.js';
import { cutChars, wellFormed } from '../internal/text.js';
import { isSensitiveName } from './sensitive.js';

/**
 * What of a request's query string may leave the process.
 * - `'names'` (default): parameter names only, every value dropped.
 * - `'none'`: nothing of the query.
 * - `'all'`: names and values.
 * - `string[]`: names, plus the values of the listed names.
 * Sensitive names (see sensitive.ts) never keep their value, whatever the policy.
 */
export type QueryPolicy = 'names' | 'none' | 'all' | readonly string[];

export interface CompiledQueryPolicy {
  readonly kind: 'names' | 'none' | 'all' | 'allow';
  readonly allow: ReadonlySet<string>;
}

/** Names kept per URL, to bound the number of distinct pages a client can create. */
export const MAX_QUERY_NAMES = 20;
/** A kept value is cut to this many characters. */
export const MAX_QUERY_VALUE_CHARS = 100;
const PLAIN_NEEDS_DECODING = /[%+]/;
const NAME_PATTERN = /^[A-Za-z0-9_.\-[\]]{1,40}$/;

export function compileQueryPolicy(policy: unknown = 'names'): CompiledQueryPolicy {
  if (policy === 'names' || policy === 'none' || policy === 'all') {
    return Object.freeze({ kind: policy, allow: new Set<string>() });
  }
  if (Array.isArray(policy) && policy.every((name) => typeof name === 'string')) {
    return Object.freeze({ kind: 'allow', allow: new Set(policy as string[]) });
  }
  throw new FootfallError('FOOTFALL_ERR_INVALID_QUERY_POLICY', describeValue(policy));
}

/**
 * Applies a compiled policy to a raw query string (without `?`). Returns the query to send
 * (without `?`), or '' when nothing remains. Names are decoded, checked against a
 * conservative pattern (anything else is dropped), de-duplicated and sorted, so the same
 * parameters in another order make the same page. Never throws.
 */
export function redactQuery(rawQuery: string, policy: CompiledQueryPolicy): string {
  if (policy.kind === 'none' || rawQuery.length === 0) return '';
  const names: string[] = [];
  const values: (string | undefined)[] = [];
  for (const pair of rawQuery.split('&')) {
    if (names.length >= MAX_QUERY_NAMES) break;
    const eq = pair.indexOf('=');
    const name = safeDecode(eq === -1 ? pair : pair.slice(0, eq));
    if (name === undefined || !NAME_PATTERN.test(name) || names.includes(name)) continue;
    names.push(name);
    values.push(eq !== -1 && keepValue(name, policy) ? safeDecode(pair.slice(eq + 1)) : undefined);
  }
  if (policy.kind === 'names') return names.sort().join('&');
  return names
    .map((name, i) => [name, values[i]] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([name, value]) => formatPair(name, value))
    .join('&');
}

function keepValue(name: string, policy: CompiledQueryPolicy): boolean {
  if (policy.kind === 'names') return false;
  if (policy.kind === 'allow' && !policy.allow.has(name)) return false;
  return !isSensitiveName(name);
}

function formatPair(name: string, value: string | undefined): string {
  if (value === undefined) return name;
  const cut = cutChars(wellFormed(value), MAX_QUERY_VALUE_CHARS);
  return `${name}=${encodeURIComponent(cut)}`;
}

/** Decodes a form-encoded component, or returns undefined when it is not valid. */
export function safeDecode(text: string): string | undefined {
  if (!PLAIN_NEEDS_DECODING.test(text)) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
