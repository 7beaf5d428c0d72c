import { randomInt } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createHitIds, hitIdPrefix } from '../core/hit-id.js';
import type { HitContext } from '../core/hit-context.js';
import type { Hit } from '../core/hit.js';
import { deriveHitContext, pickHitOptions, resolveHitOptions, type HitOverrides } from '../hit-options.js';
import { readFootfallEnv } from '../internal/footfall-env.js';
import { warnOnce } from '../warnings.js';
import { createAccounting } from './accounting.js';
import { createBatcher } from './batcher.js';
import { createBooks } from './books.js';
import { createDrain } from './drain.js';
import { withEnvEndpoint } from './env-endpoint.js';
import { createSafeEmitter, type DropReason } from './events.js';
import { createFlushLedger } from './flush-ledger.js';
import { createLossWarnings } from './loss-warnings.js';
import * as lifecycle from './lifecycle.js';
import { holdWhenAwaited } from './process-hold.js';
import { resolveCloseTimeoutMs, resolveTrackerOptions, type TrackerOptions } from './options.js';
import { createEventLoopScheduler, type Scheduler } from './scheduler.js';
import { createSender } from './sender.js';
import { heldBackInTests } from './test-guard.js';
import { readStats, type CloseOptions, type CloseResult, type Tracker } from './tracker-api.js';
import { checkInput, estimateBytes, estimateHitBytes, givenHitId, stampOf, type TrackInput } from './track-input.js';
import { createTransportStack } from './transport-stack.js';
import { createWireFormat } from './wire-format.js';

export type { CloseOptions, CloseResult, Tracker, TrackerStats } from './tracker-api.js';

/**
 * The share of the queue (hits and bytes) that may wait for company: enough for 256 consumers'
 * full GA4 batches (6 400 hits) with the default 10 000, and the rest left for hits on their way.
 * Past it the oldest groups go as they are.
 */
const HELD_SHARE = 0.7;

/** Creates a tracker: the bounded background queue between your API and its analytics. */
export function createTracker(options: TrackerOptions): Tracker {
  return assembleTracker(options);
}

/** What footfall/testing changes, and nobody else: when slices run, and the first concurrency limit. */
export interface TrackerInternals {
  readonly scheduler?: Scheduler;
  readonly initialConcurrency?: number | undefined;
  /**
   * A queue worker's engine: what it does not deliver goes back to the queue, so closing with
   * hits failed or dropped loses nothing, and FFWRN008 ("hits were lost") is not said.
   */
  readonly handsBack?: boolean | undefined;
}

/** The wiring: ring buffer -> batcher -> sender -> retry(concurrency(breaker(timeout(transport)))) -> books. */
export function assembleTracker(options: TrackerOptions, internals: TrackerInternals = {}): Tracker {
  return assembleEngine(options, internals).tracker;
}

/**
 * A tracker, and the way in for hits built elsewhere: a queue worker (src/queue) relays the
 * hits a web process built — privacy already applied there — through the same batching,
 * sending and books. Each relayed hit is counted as tracked, and settles as sent, failed or
 * dropped like any other (the `sent`/`failed`/`dropped` events carry it).
 */
export interface Engine {
  readonly tracker: Tracker;
  relay(hits: readonly Hit[]): void;
}

export function assembleEngine(options: TrackerOptions, internals: TrackerInternals = {}): Engine {
  // The environment, read once for the whole tracker (src/internal/footfall-env.ts).
  const env = readFootfallEnv();
  const runner = env.testRunner;
  // Jest drops a test file's modules when the file ends: no timer or exit hook of ours may outlive it.
  const settings = resolveTrackerOptions(options, { underJest: runner === 'jest' && internals.scheduler === undefined });
  const { clock } = settings;
  const context = resolveHitOptions({ now: clock.now, ...pickHitOptions(options) }, env);
  const destination = withEnvEndpoint(settings.destination, env.endpoint);
  const heldBack = heldBackInTests({ destination, injectedTransport: settings.transport !== undefined, sendInTests: settings.sendInTests, runner });
  if (heldBack !== undefined) warnOnce('FFWRN006', `(${heldBack} detected; endpoint ${destination.endpoint})`);
  const format = createWireFormat(destination);
  const accounting = createAccounting();
  const pending = () => batcher.queued + sender.hits;
  const losses = createLossWarnings({ destination, accounting, pending, clock });
  const emitter = createSafeEmitter();
  emitter.on('failed', losses.failed);
  const ledger = createFlushLedger();
  const books = createBooks({ accounting, emitter, ledger, onSuccess: settings.onSuccess, onFailure: settings.onFailure });
  const stack = createTransportStack(settings, { random: options.random ?? Math.random, onBreakerChange: (change) => emitter.emit('breaker', change), onFailing: losses.failing, onBackoff: () => drain.freed(), initialConcurrency: internals.initialConcurrency });
  const shutdown = new AbortController();
  // Every attempt in flight listens to it (as many as maxInFlight): not a leak.
  setMaxListeners(0, shutdown.signal);
  const sender = createSender({ transport: stack.retry, format, timeoutMs: settings.timeoutMs, signal: shutdown.signal });
  const hitIds = createHitIds(hitIdPrefix(() => randomInt(36) / 36));
  const batcher = createBatcher({ format, ledger, clock, maxHeld: Math.floor(settings.maxQueueSize * HELD_SHARE), maxHeldBytes: Math.floor(settings.maxQueueBytes * HELD_SHARE), hitId: hitIds.format });
  const scheduler = internals.scheduler ?? createEventLoopScheduler(clock);
  const drain = createDrain({ batcher, sender, books, scheduler, flushIntervalMs: settings.flushIntervalMs, maxJobs: 2 * settings.maxInFlight, batchSize: format.batchSize, backingOff: () => stack.retry.backingOff });
  const derived = new WeakMap<object, HitContext>();
  let closed = false;
  let closing: Promise<CloseResult> | undefined;
  let flushing: Promise<void> | undefined;

  const contextFor = (overrides: Readonly<HitOverrides> | undefined): HitContext => {
    if (overrides === undefined) return context;
    let found = derived.get(overrides);
    if (found === undefined) derived.set(overrides, (found = deriveHitContext(context, overrides)));
    return found;
  };
  const dropFull = (reason: DropReason, input: TrackInput) => {
    warnOnce('FFWRN004');
    books.drop(reason, [], [input]);
  };

  const track = (input: TrackInput): void => {
    try {
      accounting.tracked++;
      if (closed) return books.drop('closed', [], [input]);
      if (heldBack !== undefined) return books.drop('test_environment', [], [input]);
      const info = checkInput(input);
      if (info === undefined) return books.drop('invalid', [], [input]);
      const bytes = estimateBytes(info);
      if (pending() >= settings.maxQueueSize) return dropFull('queue_full', input);
      if (batcher.queuedBytes + sender.bytes + bytes > settings.maxQueueBytes) return dropFull('queue_bytes_full', input);
      batcher.push(info, bytes, contextFor(input.hitOptions), stampOf(info, clock.now()), givenHitId(info), hitIds.next());
      drain.queued();
    } catch {
      // Never into the host app. The hit is counted as tracked; account it as invalid.
      books.drop('invalid', [], [input]);
    }
  };

  const relay = (hits: readonly Hit[]): void => {
    for (const hit of hits) {
      accounting.tracked++;
      if (closed) {
        books.drop('closed', [hit], []);
        continue;
      }
      const bytes = estimateHitBytes(hit);
      // The same two bounds as track(), written out there rather than behind a shared helper on
      // track()'s hot path (tried: bench/pipeline read it 1-8 % dearer, about its noise; not kept).
      if (pending() >= settings.maxQueueSize) books.drop('queue_full', [hit], []);
      else if (batcher.queuedBytes + sender.bytes + bytes > settings.maxQueueBytes) books.drop('queue_bytes_full', [hit], []);
      else batcher.pushBuilt(hit, bytes, context);
    }
    drain.queued();
  };

  /** Unheld: what `beforeExit` and close() use; the process may end meanwhile. */
  const flushInBackground = (): Promise<void> => {
    if (flushing !== undefined && !ledger.currentBusy) return flushing;
    const release = drain.sendAll();
    const run = ledger.settled(ledger.cut()).finally(release);
    flushing = run;
    void run.finally(() => {
      if (flushing === run) flushing = undefined;
    });
    return run;
  };

  /** At close's deadline: what never went is dropped `closed`; what is on its way settles as aborted. */
  const abandon = async () => {
    const left = batcher.takeAll();
    if (left.inputs.length > 0) books.drop('closed', [], left.inputs);
    if (left.hits.length > 0) books.drop('closed', left.hits, []);
    shutdown.abort(new Error('tracker closed'));
    await drain.idle();
  };

  const close = (closeOptions?: CloseOptions): Promise<CloseResult> => {
    if (closing !== undefined) return closing;
    let timeoutMs: number;
    try {
      timeoutMs = resolveCloseTimeoutMs(closeOptions, settings.closeTimeoutMs);
    } catch (error) {
      // A refused close() closes nothing: the next call may still close the tracker.
      return Promise.reject(error as Error);
    }
    closing = (async () => {
      closed = true;
      stack.retry.hurry(clock.now() + timeoutMs);
      unregister();
      let timer: ReturnType<typeof clock.setTimeout> | undefined;
      const deadline = new Promise<'deadline'>((resolve) => (timer = clock.setTimeout(() => resolve('deadline'), timeoutMs)));
      const outcome = await Promise.race([flushInBackground().then(() => 'flushed' as const), deadline]);
      if (timer !== undefined) clock.clearTimeout(timer);
      if (outcome === 'deadline') await abandon();
      drain.stop();
      void stack.retry.close(outcome === 'deadline').catch(() => undefined);
      stack.watch.stop();
      if (internals.handsBack !== true) losses.closed();
      return { sent: accounting.sent, failed: accounting.failed, dropped: accounting.dropped, pending: pending() };
    })();
    return closing;
  };

  const unregister = settings.flushOnExit || settings.closeOnSignals
    ? lifecycle.register({ flushOnExit: () => (settings.flushOnExit ? flushInBackground() : Promise.resolve()), processEnding: losses.processEnding, onSignal: (appHandles) => (appHandles ? held.flush() : held.close()), wantsSignals: settings.closeOnSignals })
    : () => undefined;

  // Awaited, flush() and close() keep the process alive until they settle: close() within its
  // deadline, flush() at most as long as a request may retry (docs/delivery.md, "The process").
  const held = holdWhenAwaited({ flush: flushInBackground, close, isClosing: () => closing !== undefined }, clock, settings.maxRetryMs + settings.timeoutMs);

  const tracker: Tracker = { track, flush: held.flush, close: held.close, stats: () => readStats(accounting, batcher, stack, pending()), on: emitter.on };
  return { tracker, relay };
}
