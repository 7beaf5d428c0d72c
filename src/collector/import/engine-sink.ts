import type { Clock } from '../../delivery/clock.js';
import type { Destination } from '../../delivery/options.js';
import { assembleEngine } from '../../delivery/tracker.js';
import { GA4_ENCODE_MAX_AGE_MS } from '../../protocols/ga4/encode.js';
import type { HitSink, SinkResult } from './sink.js';

export interface EngineSinkOptions {
  readonly destination: Destination;
  /** `--to` as printed (no secret). */
  readonly name: string;
  /** The same key as the hits were hashed with (the engine resolves hit options too). */
  readonly hashKey: string | Uint8Array;
  /** Only hits of the last 72 hours go (GA4 refuses older ones); the others are counted `older_than_72h`. @default false */
  readonly last72HoursOnly?: boolean;
  readonly clock?: Clock;
  /** Per-attempt timeout, ms. @default the engine's */
  readonly timeoutMs?: number;
}

/** Hits relayed to the engine at a time, then flushed: well under its default queue bound (10 000). */
const RELAY_SLICE = 5_000;

/**
 * Hits sent by the delivery engine, as a queue worker relays them (`relay`): the same batching,
 * retries, breaker and books as live traffic. `write` resolves once every hit given is sent,
 * failed for good or dropped, counted by the engine's own reasons.
 */
export function createEngineSink(options: EngineSinkOptions): HitSink {
  const { tracker, relay } = assembleEngine({
    destination: options.destination,
    hashKey: options.hashKey,
    flushOnExit: false,
    closeOnSignals: false,
    sendInTests: true,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    // As a queue worker's: what is not delivered is not lost (the summary counts it, and the import
    // stops before recording its lines, so --resume sends them again): no FFWRN008 "hits were lost".
  }, { handsBack: true });
  let sent = 0;
  let failed: Record<string, number> = {};
  tracker.on('sent', (report) => void (sent += report.hits.length));
  tracker.on('failed', (report) => void (failed[report.reason] = (failed[report.reason] ?? 0) + report.hits.length));
  tracker.on('dropped', (report) => void (failed[report.reason] = (failed[report.reason] ?? 0) + report.hits.length + report.inputs.length));
  const now = () => (options.clock ?? { now: Date.now }).now();
  return {
    name: options.name,
    async write(hits): Promise<SinkResult> {
      sent = 0;
      failed = {};
      let fresh = hits;
      let old = 0;
      if (options.last72HoursOnly === true) {
        const oldestMs = now() - GA4_ENCODE_MAX_AGE_MS;
        fresh = hits.filter((hit) => hit.timestampMs >= oldestMs);
        old = hits.length - fresh.length;
      }
      for (let at = 0; at < fresh.length; at += RELAY_SLICE) {
        relay(fresh.slice(at, at + RELAY_SLICE));
        await tracker.flush();
      }
      return { imported: sent, duplicates: 0, skipped: old > 0 ? { older_than_72h: old } : {}, failed };
    },
    async close() {
      await tracker.close();
    },
  };
}
