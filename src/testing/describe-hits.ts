/** What the helpers read of a hit: a tracker's `Hit` and a collector's `StoredHit` both fit. */
export interface HitLike {
  readonly method: string;
  readonly route: string;
  readonly status?: number | undefined;
  readonly path?: string | undefined;
  readonly host?: string | undefined;
  readonly title?: string | undefined;
  /** A tracker's hit. */
  readonly clientId?: string | undefined;
  /** A collector's stored hit. */
  readonly client?: string | undefined;
  readonly userId?: string | undefined;
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/** Hits listed one per line (method, route, status, path, host, client), for failure messages. */
export function describeHits(hits: readonly HitLike[], limit = 20): string {
  if (hits.length === 0) return 'no hits were tracked';
  const lines = hits.slice(0, limit).map((hit) => `  ${describeHit(hit)}`);
  if (hits.length > limit) lines.push(`  ... and ${hits.length - limit} more`);
  return `${hits.length} hit(s) were tracked:\n${lines.join('\n')}`;
}

export function describeHit(hit: HitLike): string {
  const details = [
    hit.path,
    hit.host === undefined ? undefined : `host ${hit.host}`,
    `client ${hit.clientId ?? hit.client ?? '?'}`,
    hit.userId === undefined ? undefined : `user ${hit.userId.slice(0, 8)}…`,
  ].filter((part) => part !== undefined);
  return `${hit.method} ${hit.route} -> ${hit.status ?? '?'}  (${details.join(', ')})`;
}
