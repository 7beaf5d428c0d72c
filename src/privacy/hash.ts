import { createHmac } from 'node:crypto';

/**
 * Keyed hashing (HMAC-SHA256) for everything that could identify a consumer. Each use has
 * its own purpose label, so a user id and a client id that happen to be equal still hash
 * apart. Without the key the hashes cannot be reversed or recomputed.
 */
export interface KeyedHasher {
  /** Hex digest (64 characters) of `value` under `purpose`. */
  hex(purpose: string, value: string): string;
  /** Raw digest (32 bytes) of `value` under `purpose`. */
  bytes(purpose: string, value: string): Uint8Array;
}

export function createKeyedHasher(key: string | Uint8Array): KeyedHasher {
  const digest = (purpose: string, value: string) =>
    createHmac('sha256', key).update(purpose).update('\u0000').update(value).digest();
  return {
    hex: (purpose, value) => digest(purpose, value).toString('hex'),
    bytes: (purpose, value) => digest(purpose, value),
  };
}

/** The day (UTC, `YYYY-MM-DD`) a timestamp falls on: the unit the anonymous salt rotates by. */
export function utcDay(timestampMs: number): string {
  const day = Math.floor(timestampMs / DAY_MS);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  return lastDayText;
}

const DAY_MS = 86_400_000;
let lastDay = Number.NaN;
let lastDayText = '';
