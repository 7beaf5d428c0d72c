import type { Store } from './store/store.js';
import type { IncomingHit } from './types.js';

interface PendingWrite {
  readonly hits: readonly IncomingHit[];
  readonly receivedMs: number;
  readonly done: (error?: unknown) => void;
}

export interface WriteQueue {
  /** Resolves once the hits are stored (in one transaction with whatever else came in the same tick). */
  write(hits: readonly IncomingHit[], receivedMs: number): Promise<void>;
}

/**
 * Batches the writes of concurrent requests into one transaction per event-loop turn: many
 * small GA4 requests cost one commit, not one each. If the shared transaction fails, each
 * request is retried alone, so one bad request never takes others down with it and each is
 * stored whole or not at all.
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
      return new Promise<void>((resolve, reject) => {
        pending.push({ hits, receivedMs, done: (error) => (error === undefined ? resolve() : reject(error instanceof Error ? error : new Error(String(error)))) });
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
  try {
    store.insert(batch.flatMap((item) => item.hits), receivedMs);
  } catch {
    return false;
  }
  for (const item of batch) item.done();
  return true;
}

function tryAlone(store: Store, item: PendingWrite): void {
  try {
    store.insert(item.hits, item.receivedMs);
    item.done();
  } catch (error) {
    item.done(error);
  }
}
