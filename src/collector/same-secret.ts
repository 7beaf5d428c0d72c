import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret someone sent with the expected one in constant time: both are hashed
 * first, so neither their contents nor their lengths leak through timing. The collector's
 * one comparison for its token and for `--api-secret`.
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
