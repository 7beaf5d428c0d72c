import { createBoundedMap } from './bounded-map.js';

/**
 * Session ids per client with an idle timeout, in a map bounded by `maxSessions`: when
 * full, the least recently seen clients are forgotten (their next hit starts a new session;
 * see bounded-map.ts). Memory therefore stays flat however many consumers an API has, and a
 * new consumer costs the same at any count.
 */
export interface SessionStore {
  /** The session id (start, epoch seconds) for `clientId` at `atMs`; starts one if needed. */
  sessionFor(clientId: string, atMs: number): number;
  readonly size: number;
}

export interface SessionStoreOptions {
  /** @default 1_800_000 (30 minutes, as GA) */
  idleTimeoutMs: number;
  /** @default 10_000 */
  maxSessions: number;
}

interface Session {
  id: number;
  lastMs: number;
}

export function createSessionStore({ idleTimeoutMs, maxSessions }: SessionStoreOptions): SessionStore {
  const sessions = createBoundedMap<Session>(maxSessions);
  return {
    sessionFor(clientId, atMs) {
      const current = sessions.get(clientId);
      if (current !== undefined && Math.abs(atMs - current.lastMs) <= idleTimeoutMs) {
        if (atMs > current.lastMs) current.lastMs = atMs;
        return current.id;
      }
      const started: Session = { id: Math.max(1, Math.floor(atMs / 1000)), lastMs: atMs };
      sessions.set(clientId, started);
      return started.id;
    },
    get size() {
      return sessions.size;
    },
  };
}
