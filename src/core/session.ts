/**
 * Session ids per client with an idle timeout, in a map bounded by `maxSessions`: when
 * full, the least recently seen client is forgotten (its next hit starts a new session).
 * Memory therefore stays flat however many consumers an API has.
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
  movedMs: number;
}

export function createSessionStore({ idleTimeoutMs, maxSessions }: SessionStoreOptions): SessionStore {
  const sessions = new Map<string, Session>();
  return {
    sessionFor(clientId, atMs) {
      const current = sessions.get(clientId);
      if (current !== undefined && Math.abs(atMs - current.lastMs) <= idleTimeoutMs) {
        // Move to the young end of the map at most once a minute: cheap, and recent enough.
        if (atMs - current.movedMs > 60_000) {
          current.movedMs = atMs;
          sessions.delete(clientId);
          sessions.set(clientId, current);
        }
        if (atMs > current.lastMs) current.lastMs = atMs;
        return current.id;
      }
      if (current === undefined && sessions.size >= maxSessions) {
        const oldest = sessions.keys().next();
        if (oldest.done !== true) sessions.delete(oldest.value);
      }
      const started: Session = { id: Math.max(1, Math.floor(atMs / 1000)), lastMs: atMs, movedMs: atMs };
      sessions.delete(clientId);
      sessions.set(clientId, started);
      return started.id;
    },
    get size() {
      return sessions.size;
    },
  };
}
