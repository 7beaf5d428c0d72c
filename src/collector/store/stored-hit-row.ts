import type { StoredHit } from '../types.js';

/** The recent-hits query of both stores, its columns in `toStoredHit`'s order; `limit` is the placeholder (`?`, `$1`). */
export function recentHitsSql(order: string, limit: string): string {
  return `SELECT h.id, h.time_ms, h.received_ms, h.protocol, e.method, e.route, h.status, h.duration_ms, c.client, h.user_id, h.title, h.host, h.event_name, h.hit_id
    FROM hits h JOIN endpoints e ON e.id = h.endpoint_id JOIN clients c ON c.id = h.client_id ORDER BY ${order} LIMIT ${limit}`;
}

/** First and last hit times of both stores: raw hits and the hourly rollup (which outlives pruned raw hits), each through its key. */
export const TIME_SPAN_SQL = `SELECT min(a), max(b) FROM (SELECT min(time_ms) AS a, max(time_ms) AS b FROM hits
  UNION ALL SELECT min(first_ms), NULL FROM hourly WHERE hour = (SELECT min(hour) FROM hourly)
  UNION ALL SELECT NULL, max(last_ms) FROM hourly WHERE hour = (SELECT max(hour) FROM hourly)) AS span`;

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
