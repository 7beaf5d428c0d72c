import type { Store } from './store/store.js';
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
  /** Resolves once the hits are stored (in one transaction with whatever else came in the same tick). */
  write(hits: readonly IncomingHit[], receivedMs: number): Promise<WriteResult>;
}

/**
 * Batches the writes of concurrent requests into one transaction per event-loop turn: many
 * small GA4 requests cost one commit, not one each. If the shared transaction fails, each
 * request is retried alone, so one bad request never takes others down with it and each is
 * stored whole or not at all. A hit id stored by an earlier request of the same transaction
 * makes a duplicate of the later one, as it would have in two transactions.
 */
export function createWriteQueue(store: Store): WriteQueue {
  let pending: PendingWrite[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 1 || !tryTogether(store, batch)) {
      for (const item of batch) tryAlone(store, item);
    }
  };
  return {
    write(hits, receivedMs) {
      return new Promise<WriteResult>((resolve, reject) => {
        pending.push({ hits, receivedMs, done: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

function tryTogether(store: Store, batch: readonly PendingWrite[]): boolean {
  const receivedMs = batch[batch.length - 1]?.receivedMs ?? 0;
  let duplicates: readonly number[];
  try {
    duplicates = store.insert(batch.flatMap((item) => item.hits), receivedMs).duplicates;
  } catch {
    return false;
  }
  const perItem = splitIndexes(duplicates, batch.map((item) => item.hits.length));
  batch.forEach((item, i) => item.done({ duplicates: perItem[i] ?? [] }));
  return true;
}

function tryAlone(store: Store, item: PendingWrite): void {
  try {
    item.done({ duplicates: store.insert(item.hits, item.receivedMs).duplicates });
  } catch (error) {
    item.done(error instanceof Error ? error : new Error(String(error)));
  }
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
