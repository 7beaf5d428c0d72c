import type { Hit } from '../../core/hit.js';
import type { AsyncStore } from '../store/store.js';
import type { DeclaredRoute, IncomingHit } from '../types.js';
import type { HitSink } from './sink.js';

export interface StoreSinkOptions {
  /** Replaces the store's route inventory when given (`--routes`), so the report's unused endpoints show. */
  readonly routes?: readonly DeclaredRoute[] | undefined;
  /** `--db` as printed: a file path, or the URL without its password. */
  readonly name: string;
  /** When the hits are received, epoch ms. @default Date.now */
  readonly now?: () => number;
}

/**
 * Hits into a store (`--db`): what a collector would store for them, written in big
 * batches; the store keeps one hit per (client, hit id), so lines imported again add nothing.
 */
export async function createStoreSink(store: AsyncStore, options: StoreSinkOptions): Promise<HitSink> {
  if (options.routes !== undefined && options.routes.length > 0) await store.setRoutes(options.routes);
  const now = options.now ?? Date.now;
  return {
    name: options.name,
    async write(hits, timed) {
      if (hits.length === 0) return { imported: 0, duplicates: 0, skipped: {}, failed: {} };
      const result = await store.insert(hits.map((hit, index) => toIncoming(hit, timed[index] === true)), receivedAt(hits, now()));
      return { imported: result.stored, duplicates: result.duplicates.length, skipped: {}, failed: {} };
    },
    close: () => store.close(),
  };
}

/**
 * When a batch of old lines counts as received: when its newest line was served (never later
 * than now). A log read in order then moves the store's day folding forward with it, so its
 * hits land in days not folded yet and are folded in bulk, instead of each being added to the
 * daily rollups one by one as a late hit (that was 4 % of an import's CPU, and more of the
 * store's). Answers are the same either way (fold-days.ts).
 */
export function receivedAt(hits: readonly Hit[], nowMs: number): number {
  let newest = -Infinity;
  for (const hit of hits) if (hit.timestampMs > newest) newest = hit.timestampMs;
  return Math.min(nowMs, newest);
}

/**
 * A hit as the collector stores it from its GA4 page_view (see ingest-ga4.ts): status only when
 * known (100-599), duration only when the line had one (a log without durations must not read
 * as requests that took 0 ms).
 */
export function toIncoming(hit: Hit, timed: boolean): IncomingHit {
  const incoming: { -readonly [K in keyof IncomingHit]: IncomingHit[K] } = {
    timeMs: hit.timestampMs,
    protocol: 'ga4',
    method: hit.method,
    route: hit.route,
    client: hit.clientId,
    eventName: 'page_view',
    title: hit.title,
    host: hit.host,
    hitId: hit.hitId,
  };
  if (hit.status >= 100 && hit.status <= 599) incoming.status = hit.status;
  if (timed) incoming.durationMs = hit.durationMs;
  if (hit.userId !== undefined) incoming.userId = hit.userId;
  return incoming;
}
