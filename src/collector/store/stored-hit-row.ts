import type { StoredHit } from '../types.js';

/** A `hits` row (in the recent query's column order, the same in both stores) as a StoredHit, without absent fields. */
export function toStoredHit(row: unknown[]): StoredHit {
  const [id, timeMs, receivedMs, protocol, method, route, status, durationMs, client, userId, title, host, eventName, hitId] = row;
  const hit: { -readonly [K in keyof StoredHit]: StoredHit[K] } = {
    id: Number(id),
    timeMs: Number(timeMs),
    receivedMs: Number(receivedMs),
    protocol: protocol === 'ua' ? 'ua' : 'ga4',
    method: String(method),
    route: String(route),
    client: String(client),
    eventName: String(eventName),
  };
  if (status !== null) hit.status = Number(status);
  if (durationMs !== null) hit.durationMs = Number(durationMs);
  if (userId !== null) hit.userId = String(userId);
  if (title !== null) hit.title = String(title);
  if (host !== null) hit.host = String(host);
  if (hitId !== null) hit.hitId = String(hitId);
  return hit;
}
