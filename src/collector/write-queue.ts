import { isFootfallError } from '../errors.js';
import type { AsyncStore } from './store/store.js';
import type { IncomingHit } from './types.js';

/** What became of one request's hits. */
export interface WriteResult {
  /** Indexes into the request's hits of those not stored: their (client, hit id) was stored already, ascending. */
  readonly duplicates: readonly number[];
}

interface PendingWrite {
  readonly hits: readonly IncomingHit[];
  readonly receivedMs: number;
  readonly done: (result: WriteResult | Error) => void;
}

export interface WriteQueue {
  /** Resolves once the hits are stored (in one transaction with whatever else was waiting); rejects when they could not be. */
  write(hits: readonly IncomingHit[], receivedMs: number): Promise<WriteResult>;
}

export interface WriteQueueOptions {
  /**
   * Writes (transactions) in flight at once. 1 for SQLite, whose writes are one at a time
   * anyway; a few for PostgreSQL, whose pool serves them on several connections. @default 1
   */
  readonly maxInFlight?: number;
  /** A write gathers requests up to about this many hits (a request is never split). @default 5000 */
  readonly maxHitsPerWrite?: number;
}

/**
 * Batches the writes of concurrent requests: what is waiting when a write can start goes in
 * one transaction, so many small GA4 requests cost one commit, not one each, and under load
 * (all `maxInFlight` writes busy) the batches grow by themselves. If a shared transaction
 * fails, each request is tried alone, so one bad request never takes others down with it and
 * each is stored whole or not at all — unless the store says it is unreachable, when trying
 * again at once would only wait out the same timeout once per request: all of them fail then.
 * A hit id stored by an earlier request of the same transaction makes a duplicate of the
 * later one, as it would have in two transactions.
 */
export function createWriteQueue(store: AsyncStore, options: WriteQueueOptions = {}): WriteQueue {
  const maxInFlight = options.maxInFlight ?? 1;
  const maxHits = options.maxHitsPerWrite ?? 5000;
  let pending: PendingWrite[] = [];
  let scheduled = false;
  let inFlight = 0;
  const take = (): PendingWrite[] => {
    let hits = 0;
    let count = 0;
    while (count < pending.length && (count === 0 || hits + (pending[count]?.hits.length ?? 0) <= maxHits)) hits += pending[count++]?.hits.length ?? 0;
    const batch = pending.slice(0, count);
    pending = pending.slice(count);
    return batch;
  };
  const drain = (): void => {
    scheduled = false;
    while (pending.length > 0 && inFlight < maxInFlight) {
      inFlight++;
      void writeBatch(store, take()).finally(() => {
        inFlight--;
        if (pending.length > 0 && !scheduled) drain();
      });
    }
  };
  return {
    write(hits, receivedMs) {
      return new Promise<WriteResult>((resolve, reject) => {
        pending.push({ hits, receivedMs, done: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
        if (!scheduled) {
          scheduled = true;
          setImmediate(drain);
        }
      });
    },
  };
}

async function writeBatch(store: AsyncStore, batch: readonly PendingWrite[]): Promise<void> {
  if (batch.length === 1) return writeAlone(store, batch[0] as PendingWrite);
  const receivedMs = batch[batch.length - 1]?.receivedMs ?? 0;
  let duplicates: readonly number[];
  try {
    duplicates = (await store.insert(batch.flatMap((item) => item.hits), receivedMs)).duplicates;
  } catch (error) {
    if (unreachable(error)) {
      for (const item of batch) item.done(asError(error));
      return;
    }
    for (const item of batch) await writeAlone(store, item);
    return;
  }
  const perItem = splitIndexes(duplicates, batch.map((item) => item.hits.length));
  batch.forEach((item, i) => item.done({ duplicates: perItem[i] ?? [] }));
}

async function writeAlone(store: AsyncStore, item: PendingWrite): Promise<void> {
  try {
    item.done({ duplicates: (await store.insert(item.hits, item.receivedMs)).duplicates });
  } catch (error) {
    item.done(asError(error));
  }
}

function unreachable(error: unknown): boolean {
  return isFootfallError(error) && error.code === 'FOOTFALL_ERR_DATABASE_UNREACHABLE';
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Ascending indexes into the concatenation of parts of these lengths, as indexes into each part. */
export function splitIndexes(indexes: readonly number[], lengths: readonly number[]): number[][] {
  const parts = lengths.map((): number[] => []);
  let part = 0;
  let start = 0;
  for (const index of indexes) {
    while (part < lengths.length - 1 && index >= start + (lengths[part] ?? 0)) start += lengths[part++] ?? 0;
    parts[part]?.push(index - start);
  }
  return parts;
}
