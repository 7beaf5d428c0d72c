import type { Hit } from '../core/hit.js';

/** Hits listed one per line (method, route, status, path, client), for failure messages. */
export function describeHits(hits: readonly Hit[], limit = 20): string {
  if (hits.length === 0) return 'no hits were tracked';
  const lines = hits.slice(0, limit).map((hit) => `  ${describeHit(hit)}`);
  if (hits.length > limit) lines.push(`  ... and ${hits.length - limit} more`);
  return `${hits.length} hit(s) were tracked:\n${lines.join('\n')}`;
}

export function describeHit(hit: Hit): string {
  const user = hit.userId === undefined ? '' : `, user ${hit.userId.slice(0, 8)}…`;
  return `${hit.method} ${hit.route} -> ${hit.status}  (${hit.path}, host ${hit.host}, client ${hit.clientId}${user})`;
}
