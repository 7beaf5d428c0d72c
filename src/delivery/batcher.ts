import type { Hit } from '../core/hit.js';
import type { HitContext } from '../core/hit-context.js';
import type { RequestInfo } from '../core/request-info.js';
import { toHit } from '../core/to-hit.js';
import type { Clock } from './clock.js';
import type { FlushLedger } from './flush-ledger.js';
import { createRingBuffer } from './ring-buffer.js';
import type { Job } from './sender.js';
import type { WireFormat } from './wire-format.js';

interface Entry {
  /** As tracked: the adapter's object (or the caller's), never changed here. */
  readonly info: RequestInfo;
  readonly bytes: number;
  readonly context: HitContext;
  readonly epoch: number;
  /** When it was tracked, or its own time. */
  readonly timestampMs: number;
  /** The id it brought, if usable; else `sequence`, its number at `track()`, makes one. */
  readonly hitId: string | undefined;
  readonly sequence: number;
  /** A hit built elsewhere (a queue worker relays hits a web process built): filed as it is. */
  readonly built?: Hit | undefined;
}

/**
 * Hits waiting for company under one group key, with their flush epochs and estimated bytes
 * beside them (parallel arrays: a held hit costs no wrapper object of its own).
 */
interface Group {
  readonly hits: Hit[];
  readonly epochs: number[];
  bytes: number;
}

/** What one slice produced: jobs to send, and the hits that could not become any. */
export interface Slice {
  readonly jobs: Job[];
  /** Built, but too old for the destination when their turn came. */
  readonly stale: Hit[];
  /** Inputs that could not be built into hits (counted, not kept). */
  invalid: number;
}

/**
 * Between `track()` and the sender: raw request infos wait in a ring buffer (cheap to push);
 * each `take()` is one slice of bounded work: it builds at most a batch's worth of hits,
 * files each under the wire format's group key once, and encodes a group when it is full —
 * or, in `'all'` mode (the interval, flush, close), every group once the ring is empty. Groups
 * wait for company at most `maxHeld` hits (and `maxHeldBytes`) in all; past that the oldest go as they are.
 */
export interface Batcher {
  push(info: RequestInfo, bytes: number, context: HitContext, timestampMs: number, hitId: string | undefined, sequence: number): void;
  /** A hit already built (privacy applied where it was tracked): it waits for company like the rest. */
  pushBuilt(hit: Hit, bytes: number, context: HitContext): void;
  /** One slice; it encodes no more requests than `jobRoom` (the sender's room) allows, give or take a split batch. */
  take(mode: 'full' | 'all', jobRoom: number): Slice;
  /** True when `take(mode)` has work to do. */
  hasWork(mode: 'full' | 'all'): boolean;
  /** Raw infos not yet built. */
  readonly unbuilt: number;
  /** Everything waiting here (raw and held for company), in hits and estimated bytes. */
  readonly queued: number;
  readonly queuedBytes: number;
  /** Empties it, for the books at close: the raw inputs and the hits held for company. */
  takeAll(): { inputs: RequestInfo[]; hits: Hit[] };
}

/** The info of a relayed hit's entry: never read, since the entry carries the hit. */
const BUILT_INFO: RequestInfo = Object.freeze({ method: 'GET', url: '/' });

export function createBatcher({ format, ledger, clock, maxHeld, maxHeldBytes = Infinity, hitId }: { format: WireFormat; ledger: FlushLedger; clock: Clock; maxHeld: number; maxHeldBytes?: number; hitId: (sequence: number) => string }): Batcher {
  const ring = createRingBuffer<Entry>();
  const groups = new Map<string, Group>();
  let ringBytes = 0;
  let held = 0;
  let heldBytes = 0;

  const emit = (group: Group, nowMs: number, slice: Slice): number => {
    const { hits, epochs, bytes } = group;
    held -= hits.length;
    heldBytes -= bytes;
    const epoch = epochs[0] as number;
    try {
      const encoded = format.encodeGroup(hits, nowMs);
      const share = bytes / hits.length;
      for (const request of encoded.requests) {
        slice.jobs.push({ request, bytes: share * request.hits.length, epoch });
        ledger.add(epoch, request.hits.length);
      }
      for (const hit of encoded.stale) slice.stale.push(hit);
    } catch {
      slice.invalid += hits.length;
    }
    // After the jobs are counted, so a flush never sees its epoch empty in between. Epochs
    // only grow along a group: one call per run of equal ones.
    let runEpoch = epoch;
    let run = 0;
    for (const each of epochs) {
      if (each !== runEpoch) {
        ledger.remove(runEpoch, run);
        runEpoch = each;
        run = 0;
      }
      run++;
    }
    ledger.remove(runEpoch, run);
    return hits.length;
  };

  const build = (entry: Entry, nowMs: number, slice: Slice): number => {
    ringBytes -= entry.bytes;
    let hit: Hit;
    try {
      hit = entry.built ?? toHit(entry.info, entry.context, entry.timestampMs, entry.hitId ?? hitId(entry.sequence));
    } catch {
      slice.invalid++;
      ledger.remove(entry.epoch, 1);
      return 0;
    }
    const key = format.groupKey(hit);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { hits: [], epochs: [], bytes: 0 }));
    group.hits.push(hit);
    group.epochs.push(entry.epoch);
    group.bytes += entry.bytes;
    held++;
    heldBytes += entry.bytes;
    if (group.hits.length < format.batchSize) return 0;
    groups.delete(key);
    return emit(group, nowMs, slice);
  };

  return {
    push(info, bytes, context, timestampMs, givenId, sequence) {
      const epoch = ledger.epoch;
      ring.push({ info, bytes, context, epoch, timestampMs, hitId: givenId, sequence });
      ringBytes += bytes;
      ledger.add(epoch, 1);
    },
    pushBuilt(hit, bytes, context) {
      const epoch = ledger.epoch;
      ring.push({ info: BUILT_INFO, bytes, context, epoch, timestampMs: hit.timestampMs, hitId: hit.hitId, sequence: 0, built: hit });
      ringBytes += bytes;
      ledger.add(epoch, 1);
    },
    take(mode, jobRoom) {
      const nowMs = clock.now();
      const slice: Slice = { jobs: [], stale: [], invalid: 0 };
      // One batch's worth of building and about as much encoding per slice, then the event loop runs.
      let budget = 2 * format.batchSize;
      while (budget > 0 && ring.length > 0 && slice.jobs.length < jobRoom) budget -= 1 + build(ring.shift() as Entry, nowMs, slice);
      if (mode === 'all' && ring.length === 0) {
        for (const [key, group] of groups) {
          if (budget <= 0 || slice.jobs.length >= jobRoom) break;
          groups.delete(key);
          budget -= emit(group, nowMs, slice);
        }
      }
      // Too many consumers waiting for company: the oldest groups go as they are.
      for (const [key, group] of groups) {
        if (held <= maxHeld && heldBytes <= maxHeldBytes) break;
        groups.delete(key);
        emit(group, nowMs, slice);
      }
      return slice;
    },
    hasWork: (mode) => ring.length > 0 || (mode === 'all' && groups.size > 0),
    get unbuilt() {
      return ring.length;
    },
    get queued() {
      return ring.length + held;
    },
    get queuedBytes() {
      return ringBytes + heldBytes;
    },
    takeAll() {
      const inputs: RequestInfo[] = [];
      const hits: Hit[] = [];
      for (let entry = ring.shift(); entry !== undefined; entry = ring.shift()) {
        if (entry.built === undefined) inputs.push(entry.info);
        else hits.push(entry.built);
        ledger.remove(entry.epoch, 1);
      }
      for (const group of groups.values()) {
        for (let i = 0; i < group.hits.length; i++) {
          hits.push(group.hits[i] as Hit);
          ledger.remove(group.epochs[i] as number, 1);
        }
      }
      groups.clear();
      ringBytes = 0;
      held = 0;
      heldBytes = 0;
      return { inputs, hits };
    },
  };
}
