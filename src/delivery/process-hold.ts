import type { Clock } from './clock.js';

/** Longer than any hold: the interval below never fires, it only keeps the event loop alive. */
const NEVER_MS = 2 ** 31 - 1;

/**
 * A promise that keeps the process alive while someone waits for it. Its `then` (which
 * `await`, `.then`, `.catch` and Promise.race all call, as it is not a plain Promise) starts
 * one ref'd timer, cleared when the work settles; nobody waiting, nothing held. Derived
 * promises are plain ones.
 */
class AwaitedHold<T> extends Promise<T> {
  static override get [Symbol.species]() {
    return Promise;
  }

  #acquire: () => void = () => undefined;

  /** Called once, right after construction: what `then` does first. */
  onAwait(acquire: () => void): this {
    this.#acquire = acquire;
    return this;
  }

  override then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.#acquire();
    return super.then(onFulfilled, onRejected);
  }
}

/**
 * Wraps `work` so that awaiting it keeps the process alive until it settles, and no longer
 * than `capMs` on the tracker's clock (undefined: until it settles; close() has its own
 * deadline). A script that ends with `await tracker.close()` gets its answer instead of exiting
 * with code 13 ("unsettled top-level await"); a flush nobody awaits holds nothing, and every
 * other timer and socket of the tracker stays unref'd.
 */
export function holdWhileAwaited<T>(work: Promise<T>, clock: Clock, capMs?: number): Promise<T> {
  let settled = false;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let cap: ReturnType<Clock['setTimeout']> | undefined;
  const release = () => {
    settled = true;
    if (keepAlive !== undefined) clearInterval(keepAlive);
    if (cap !== undefined) clock.clearTimeout(cap);
    keepAlive = undefined;
    cap = undefined;
  };
  const acquire = () => {
    if (settled || keepAlive !== undefined) return;
    keepAlive = setInterval(() => undefined, NEVER_MS);
    if (capMs !== undefined) cap = clock.setTimeout(release, capMs);
  };
  const held = new AwaitedHold<T>((resolve, reject) => {
    work.then(
      (value) => {
        release();
        resolve(value);
      },
      (error: unknown) => {
        release();
        reject(error as Error);
      },
    );
  });
  return held.onAwait(acquire);
}

/**
 * The tracker's flush() and close() as it hands them out: awaited, each holds the process
 * until it settles (flush() at most `flushCapMs`; close() until its own deadline). One wrapper
 * per flush, so concurrent calls still share one promise; a refused close() (a bad option,
 * `isClosing()` still false) is passed on as it is, since it closed nothing.
 */
export function holdWhenAwaited<C, R>(run: { flush: () => Promise<void>; close: (options?: C) => Promise<R>; isClosing: () => boolean }, clock: Clock, flushCapMs: number) {
  const flushes = new WeakMap<Promise<void>, Promise<void>>();
  let closing: Promise<R> | undefined;
  return {
    flush(): Promise<void> {
      const work = run.flush();
      let held = flushes.get(work);
      if (held === undefined) flushes.set(work, (held = holdWhileAwaited(work, clock, flushCapMs)));
      return held;
    },
    close(options?: C): Promise<R> {
      if (closing !== undefined) return closing;
      const work = run.close(options);
      return run.isClosing() ? (closing = holdWhileAwaited(work, clock)) : work;
    },
  };
}
