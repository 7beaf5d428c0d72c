import type { Clock } from './clock.js';
import type { Transport } from './transport.js';
import type { EncodedRequest } from './wire-format.js';

/**
 * A destination that brings its own transport: `queue()` from `footfall/queue` hands hits to
 * a Redis queue (BullMQ) for `footfall worker` to deliver. Delivery knows only this shape, so
 * bullmq and ioredis are loaded by `footfall/queue` alone.
 */
export interface QueueDestination {
  readonly kind: 'queue';
  /** For messages: the Redis URL without its password, with the queue's name as its fragment. */
  readonly endpoint: string;
  /** FOOTFALL_ENDPOINT never overrides it. */
  readonly customEndpoint: true;
  /** The BullMQ queue's name and Redis key prefix. */
  readonly name: string;
  readonly prefix: string;
  /** Hits per queue job (one job per batch of hits). */
  readonly hitsPerJob: number;
  /** The transport that adds jobs; one per tracker. */
  createTransport(deps: { clock: Clock }): Transport<EncodedRequest>;
}

/** How often a queue destination moves hits to Redis unless `flushIntervalMs` says otherwise: the window a crash of the process can lose. */
export const QUEUE_FLUSH_INTERVAL_MS = 100;
