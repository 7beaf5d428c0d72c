import type { KeyedHasher } from '../privacy/hash.js';

/**
 * Client ids in the `<digits>.<digits>` form GA accepts. Hashed ids take 96 bits of an
 * HMAC as two 48-bit numbers; random ids copy GA's own `random.seconds` form.
 */
export function clientIdFromDigest(digest: Uint8Array): string {
  return `${readUint48(digest, 0) + 1}.${readUint48(digest, 6) + 1}`;
}

export function randomClientId(random: () => number, timestampMs: number): string {
  const left = 1 + Math.floor(random() * 2147483646);
  return `${left}.${Math.max(1, Math.floor(timestampMs / 1000))}`;
}

/** True for an id already in GA's form, which is kept as it is. */
export function isGaClientId(value: string): boolean {
  return /^[1-9]\d{0,19}\.[1-9]\d{0,19}$/.test(value);
}

/** Keyed hash of an application user id, as sent in `user_id` / `uid`. */
export function hashUserId(hasher: KeyedHasher, userId: string): string {
  return hasher.hex('footfall:user_id', userId).slice(0, 32);
}

function readUint48(bytes: Uint8Array, offset: number): number {
  let value = 0;
  for (let i = 0; i < 6; i++) value = value * 256 + (bytes[offset + i] ?? 0);
  return value;
}
