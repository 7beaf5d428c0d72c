/**
 * Hit ids: stamped on every hit when it is tracked, kept the same across retries and
 * re-encodings, so a collector can store each hit once however often it arrives (GA4 carries
 * it in the event parameter `hit_id`, UA v1 in `z`, the cache buster Google ignores).
 *
 * Form: ten base-36 characters of randomness for the tracker (or the hit, when nobody
 * stamped one), a dash, and a sequence number: `k3j9x0a1bq-1795`.
 */
export const HIT_ID_PATTERN = /^[0-9a-z]{10}-[0-9a-z]{1,11}$/;

/** The longest hit id taken from the outside (`track({ hitId })`); GA4 cuts parameter values at 100. */
export const MAX_HIT_ID_CHARS = 100;

/** True for an id in Footfall's own form (what a UA `z` must look like to be taken as one). */
export function isFootfallHitId(value: unknown): value is string {
  return typeof value === 'string' && HIT_ID_PATTERN.test(value);
}

/** A hit id given from outside is kept when it is 1 to 100 printable ASCII characters. */
export function isUsableHitId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_HIT_ID_CHARS) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** Ten base-36 characters from `random` (values in [0, 1)). */
export function hitIdPrefix(random: () => number): string {
  let prefix = '';
  for (let i = 0; i < 10; i++) prefix += Math.min(35, Math.floor(Math.abs(random()) * 36) || 0).toString(36);
  return prefix;
}

/**
 * Ids in sequence under one prefix: `track()` takes the next number (an increment), and the
 * id is printed from it later, off the request path (decimal: the cheapest number to print).
 */
export function createHitIds(prefix: string): { next(): number; format(sequence: number): string } {
  const head = `${prefix}-`;
  let sequence = 0;
  return { next: () => sequence++, format: (n) => head + n };
}
