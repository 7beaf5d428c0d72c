/**
 * A bounded memo for keyed hashes: an HMAC costs microseconds, a map lookup nanoseconds,
 * and an API's consumers repeat. When full, the oldest entry goes (first in, first out),
 * so memory stays flat. Lives in the process only; nothing in it is ever sent.
 */
export type Memo = (key: string, compute: () => string) => string;

/** Keys longer than this are computed every time rather than held. */
const MAX_KEY_CHARS = 600;

export function createMemo(maxEntries: number): Memo {
  const entries = new Map<string, string>();
  return (key, compute) => {
    const found = entries.get(key);
    if (found !== undefined) return found;
    const value = compute();
    if (key.length > MAX_KEY_CHARS) return value;
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, value);
    return value;
  };
}
