// Issue 14: the tracker takes all its time from its clock. The size-triggered drain used the
// global setImmediate of the moment, so fake timers installed after Footfall loaded (Jest's
// `useFakeTimers`, sinon's) held every full batch until the test advanced them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTracker } from '../../src/delivery/tracker.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { startSink } from '../helpers/sink.js';
import { requestFor, testTracker } from '../helpers/tracker.js';
import { TEST_KEY } from '../helpers/context.js';

/** Replaces the global setImmediate with one that never runs what it is given, as fake timers do. */
function fakeSetImmediate(): () => void {
  const real = globalThis.setImmediate;
  globalThis.setImmediate = ((() => ({ hasRef: () => false, ref() {}, unref() {} })) as unknown) as typeof setImmediate;
  return () => {
    globalThis.setImmediate = real;
  };
}

/** Fails the test instead of hanging it when `promise` does not settle in time (a real timer: only setImmediate is faked). */
async function withinSeconds<T>(seconds: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${seconds} s`)), seconds * 1000)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a full batch under fake timers', () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  before(async () => {
    sink = await startSink();
  });
  after(() => sink.close());

  /** Tracks a full batch with the global setImmediate faked, and expects it at the sink. */
  async function fullBatchUnderFakes(tracker: ReturnType<typeof createTracker>): Promise<void> {
    sink.received.length = 0;
    const restore = fakeSetImmediate();
    try {
      for (let i = 0; i < 25; i++) tracker.track(requestFor('ada', i));
      await withinSeconds(5, sink.until(1), 'the full batch');
    } finally {
      restore();
    }
    assert.equal(sink.events().length, 25);
    await tracker.close();
  }

  it('is sent by a tracker on the system clock', async () => {
    await fullBatchUnderFakes(createTracker({ destination: ga4({ measurementId: 'G-TEST1234', apiSecret: 's', endpoint: `${sink.url}/mp/collect` }), hashKey: TEST_KEY, flushOnExit: false, sendInTests: true, flushIntervalMs: 600_000 }));
  });

  it('is sent by a tracker on a manual clock, without advancing it', async () => {
    await fullBatchUnderFakes(testTracker(sink.url).tracker);
  });
});
