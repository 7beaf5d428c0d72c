import type { Hit } from '../core/hit.js';
import { FootfallError, describeValue } from '../errors.js';
import type { HitContext } from '../core/hit-context.js';
import { deriveHitContext, resolveHitOptions, type HitOverrides } from '../hit-options.js';
import { warnOnce } from '../warnings.js';
import { createAccounting } from './accounting.js';
import { createBreaker, type BreakerState } from './breaker.js';
import type { TimerHandle } from './clock.js';
import { withEnvEndpoint } from './env-endpoint.js';
import { createSafeEmitter, safeCall, type DropReason, type FailReason, type TrackerEvent, type TrackerEvents } from './events.js';
import * as lifecycle from './lifecycle.js';
import { resolveTrackerOptions, type TrackerOptions } from './options.js';
import { createPipeline } from './pipeline.js';
import { createProtocol } from './protocol.js';
import { createSender, type Job } from './sender.js';
import { estimateBytes, toRequestInfo, type TrackInput } from './track-input.js';
import { createUndiciTransport } from './undici-transport.js';

export interface TrackerStats {
  readonly tracked: number;
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  /** Queued, in flight, or waiting to retry. tracked = sent + failed + dropped + pending. */
  readonly pending: number;
  /** Hits sent again after a failed attempt (counted per attempt). */
  readonly retried: number;
  readonly queued: number;
  readonly inFlight: number;
  readonly failedByReason: Readonly<Record<FailReason, number>>;
  readonly droppedByReason: Readonly<Record<DropReason, number>>;
  readonly breaker: BreakerState;
}

export interface CloseResult {
  readonly sent: number;
  readonly failed: number;
  readonly dropped: number;
  readonly pending: number;
}

export interface Tracker {
  /** Queues one hit. O(1); never throws, never returns a promise. */
  track(input: TrackInput): void;
  /** Sends everything queued now; resolves when it is delivered or failed. Concurrent calls join. */
  flush(): Promise<void>;
  /** Once: stops taking hits, flushes within `timeoutMs`, abandons the rest. Later calls get the same promise. */
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
  stats(): TrackerStats;
  on<E extends TrackerEvent>(event: E, listener: (report: TrackerEvents[E]) => void): () => void;
}

/**
 * Internal, for footfall/testing only (not a public option): a tracker created with this key
 * set to true drains on every `track()`, so the hit is built, encoded and handed to the
 * transport before `track()` returns.
 */
export const DRAIN_ON_TRACK = Symbol.for('footfall.drainOnTrack');

/** Creates a tracker: the bounded background queue between your API and its analytics. */
export function createTracker(options: TrackerOptions): Tracker {
  const settings = resolveTrackerOptions(options);
  const context = resolveHitOptions({ now: settings.clock.now, ...options });
  const destination = withEnvEndpoint(settings.destination, process.env);
  const { clock } = settings;
  const protocol = createProtocol(destination);
  const accounting = createAccounting();
  const emitter = createSafeEmitter();
  const transport = settings.transport ?? createUndiciTransport({ connections: settings.maxInFlight, clock });
  const breaker = createBreaker({ threshold: settings.breakerThreshold, cooldownMs: settings.breakerCooldownMs, maxCooldownMs: settings.breakerMaxCooldownMs, clock });
  const random = options.random ?? Math.random;
  const drainOnTrack = (options as { [DRAIN_ON_TRACK]?: unknown })[DRAIN_ON_TRACK] === true;

  const fail = (hits: readonly Hit[], reason: FailReason, job?: Job, status?: number, validationMessages?: unknown[]) => {
    accounting.fail(reason, hits.length);
    const report = { hits, reason, lastError: job?.lastError, status, attempts: job?.attempts ?? 0, validationMessages };
    emitter.emit('failed', report);
    safeCall(settings.onFailure, report);
  };
  const drop = (reason: DropReason, hits: readonly Hit[], inputs: readonly TrackInput[], count = hits.length + inputs.length) => {
    accounting.drop(reason, count);
    if (emitter.has('dropped')) emitter.emit('dropped', { reason, hits, inputs });
  };

  const sender = createSender(
    { timeoutMs: settings.timeoutMs, maxInFlight: settings.maxInFlight, maxRetryMs: settings.maxRetryMs, retryBaseMs: settings.retryBaseMs, retryMaxDelayMs: settings.retryMaxDelayMs, readBody: protocol.readBody },
    {
      transport, breaker, clock, random,
      hooks: {
        delivered(job, status, body) {
          const messages = protocol.validationMessages(body);
          if (messages.length > 0) fail(job.request.hits, 'validation', job, status, messages);
          else {
            accounting.sent += job.request.hits.length;
            const report = { hits: job.request.hits, status, attempts: job.attempts };
            emitter.emit('sent', report);
            safeCall(settings.onSuccess, report);
          }
          pipeline.jobDone(job);
        },
        failed(job, reason, status) {
          fail(job.request.hits, reason, job, status);
          pipeline.jobDone(job);
        },
        retrying(job) {
          accounting.retried += job.request.hits.length;
        },
      },
    },
  );
  const pipeline = createPipeline({
    context, protocol, sender, clock,
    onStale: (hits) => drop('stale', hits, []),
    onInvalid: (count) => drop('invalid', [], [], count),
  });

  let closed = false;
  let closing: Promise<CloseResult> | undefined;
  let flushing: Promise<void> | undefined;
  let interval: TimerHandle | undefined;
  let drainSoon = false;

  const pending = () => pipeline.queued + sender.hits;
  const drainNow = (mode: 'full' | 'all' = 'all') => {
    drainSoon = false;
    // Only a drain that sends everything restarts the clock: a full-batch drain leaves the
    // interval running, so hits held for company never wait longer than flushIntervalMs.
    if (mode === 'all' && interval !== undefined) {
      clock.clearTimeout(interval);
      interval = undefined;
    }
    const generation = pipeline.drain(mode);
    if (pipeline.queued > 0) armInterval();
    return generation;
  };
  const scheduleDrain = () => {
    if (drainSoon) return;
    drainSoon = true;
    setImmediate(() => drainNow('full'));
  };
  const armInterval = () => {
    interval ??= clock.setTimeout(() => {
      interval = undefined;
      drainNow();
    }, settings.flushIntervalMs);
  };

  const track = (input: TrackInput): void => {
    try {
      accounting.tracked++;
      if (closed) return drop('closed', [], [input]);
      const info = toRequestInfo(input, clock.now());
      if (info === undefined) return drop('invalid', [], [input]);
      const bytes = estimateBytes(info);
      if (pending() >= settings.maxQueueSize) return dropFull('queue_full', input);
      if (pipeline.queuedBytes + sender.bytes + bytes > settings.maxQueueBytes) return dropFull('queue_bytes_full', input);
      pipeline.push(info, bytes, contextFor(input.hitOptions));
      if (drainOnTrack) drainNow();
      else if (pipeline.queued >= protocol.batchSize) scheduleDrain();
      else armInterval();
    } catch {
      // Never into the host app. The hit is counted as tracked; account it as invalid.
      drop('invalid', [], [input]);
    }
  };
  const derived = new WeakMap<object, HitContext>();
  const contextFor = (overrides: Readonly<HitOverrides> | undefined): HitContext => {
    if (overrides === undefined) return context;
    let found = derived.get(overrides);
    if (found === undefined) {
      found = deriveHitContext(context, overrides);
      derived.set(overrides, found);
    }
    return found;
  };
  const dropFull = (reason: DropReason, input: TrackInput) => {
    warnOnce('FFWRN004');
    drop(reason, [], [input]);
  };

  const flush = (): Promise<void> => {
    if (flushing !== undefined && pipeline.queued === 0) return flushing;
    const previous = flushing;
    const run = (async () => {
      if (previous !== undefined) await previous;
      await pipeline.settledThrough(drainNow());
    })();
    flushing = run;
    void run.finally(() => {
      if (flushing === run) flushing = undefined;
    });
    return run;
  };

  const abandon = () => {
    const left = pipeline.takeQueued();
    if (left.length > 0) drop('closed', [], left);
    const held = pipeline.takeHeld();
    if (held.length > 0) drop('closed', held, []);
    for (const job of sender.abandon()) {
      if (job.attempts > 0) fail(job.request.hits, 'aborted', job);
      else drop('closed', job.request.hits, []);
      pipeline.jobDone(job);
    }
  };

  const close = (closeOptions: { timeoutMs?: number } = {}): Promise<CloseResult> => {
    closing ??= (async () => {
      const timeoutMs = closeOptions.timeoutMs ?? settings.closeTimeoutMs;
      if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
        throw new FootfallError('FOOTFALL_ERR_INVALID_OPTION', 'timeoutMs', 'a number of milliseconds >= 0', describeValue(timeoutMs));
      }
      closed = true;
      unregister();
      let timer: TimerHandle | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = clock.setTimeout(() => resolve('deadline'), timeoutMs);
      });
      const outcome = await Promise.race([flush().then(() => 'flushed' as const), deadline]);
      if (timer !== undefined) clock.clearTimeout(timer);
      if (outcome === 'deadline') abandon();
      void transport.close(outcome === 'deadline');
      return { sent: accounting.sent, failed: accounting.failed, dropped: accounting.dropped, pending: pending() };
    })();
    return closing;
  };

  const stats = (): TrackerStats => ({
    tracked: accounting.tracked,
    sent: accounting.sent,
    failed: accounting.failed,
    dropped: accounting.dropped,
    pending: pending(),
    retried: accounting.retried,
    queued: pipeline.queued,
    inFlight: sender.inFlight,
    failedByReason: { ...accounting.failedBy },
    droppedByReason: { ...accounting.droppedBy },
    breaker: breaker.state,
  });

  const unregister = settings.flushOnExit || settings.closeOnSignals
    ? lifecycle.register({ flushOnExit: () => (settings.flushOnExit ? flush() : Promise.resolve()), closeForSignal: () => close(), wantsSignals: settings.closeOnSignals })
    : () => undefined;

  return { track, flush, close, stats, on: emitter.on };
}
