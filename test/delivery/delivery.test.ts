import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTracker } from '../../src/delivery/tracker.js';
import { createManualClock } from '../../src/delivery/clock.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { ua } from '../../src/protocols/ua/destination.js';
import { validateGa4 } from '../../src/protocols/ga4/validate.js';
import { validateUa } from '../../src/protocols/ua/validate.js';
import { utf8Length } from '../../src/internal/text.js';
import { settle, startSink } from '../helpers/sink.js';
import { assertAccounting, requestFor, testTracker, waitFor } from '../helpers/tracker.js';
import { T0, TEST_KEY } from '../helpers/context.js';

describe('delivery to a real HTTP server', () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  before(async () => {
    sink = await startSink();
  });
  after(() => sink.close());

  it('delivers every hit, grouped by client, 25 events a request, in order', async () => {
    sink.received.length = 0;
    const { tracker, clock } = testTracker(sink.url);
    for (let i = 0; i < 60; i++) tracker.track(requestFor('alice', i));
    for (let i = 0; i < 10; i++) tracker.track(requestFor('bob', 100 + i));
    await tracker.flush();
    const perRequest = sink.received.map((r) => JSON.parse(r.body) as { client_id: string; events: { params: { page_location: string } }[] });
    assert.deepEqual(perRequest.map((p) => p.events.length).sort((a, b) => a - b), [10, 10, 25, 25]);
    const alice = perRequest.filter((p) => p.client_id === perRequest[0]?.client_id);
    assert.equal(alice.reduce((n, p) => n + p.events.length, 0), 60);
    for (const request of sink.received) {
      assert.equal(request.contentType, 'application/json');
      assert.match(request.url, /^\/mp\/collect\?measurement_id=G-TEST1234&api_secret=test-secret$/);
      assert.deepEqual(validateGa4(request.body, { nowMs: clock.now() }).validationMessages, []);
    }
    assert.deepEqual(tracker.stats().sent, 70);
    assertAccounting(tracker);
    await tracker.close();
  });

  it('splits a batch under 130 kB', async () => {
    sink.received.length = 0;
    const { tracker } = testTracker(sink.url);
    const params = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`p${i}`, '\u0001'.repeat(100)]));
    for (let i = 0; i < 25; i++) tracker.track({ ...requestFor('carol', i), params });
    await tracker.flush();
    assert.ok(sink.received.length >= 2);
    for (const request of sink.received) assert.ok(utf8Length(request.body) < 130_000);
    assert.equal(sink.events().length, 25);
    await tracker.close();
  });

  it('sends on its own when a batch is full, and after flushIntervalMs otherwise', async () => {
    sink.received.length = 0;
    const { tracker, clock } = testTracker(sink.url, { flushIntervalMs: 2000 });
    for (let i = 0; i < 25; i++) tracker.track(requestFor('dave', i));
    await waitFor(() => tracker.stats().sent === 25, 'the full batch to be answered');
    tracker.track(requestFor('dave', 99));
    clock.advance(1999);
    assert.equal(sink.received.length, 1, 'not before the interval');
    clock.advance(1);
    await sink.until(2);
    assert.equal(sink.events().length, 26);
    await tracker.close();
  });

  it('a full batch goes at once; the rest of that client waits for company or the interval', async () => {
    sink.received.length = 0;
    const { tracker, clock } = testTracker(sink.url, { flushIntervalMs: 2000 });
    for (let i = 0; i < 30; i++) tracker.track(requestFor('ivy', i));
    tracker.track(requestFor('jon', 1));
    await sink.until(1);
    await waitFor(() => tracker.stats().inFlight === 0, 'the full batch');
    assert.deepEqual(sink.received.map((r) => (JSON.parse(r.body) as { events: unknown[] }).events.length), [25]);
    assert.equal(tracker.stats().pending, 6, 'five of ivy and one of jon held');
    assertAccounting(tracker);
    clock.advance(2000);
    await sink.until(3);
    assert.deepEqual(sink.received.map((r) => (JSON.parse(r.body) as { events: unknown[] }).events.length).sort((a, b) => a - b), [1, 5, 25]);
    await tracker.close();
  });

  it('256 consumers, their hits interleaved: each still goes out in full batches of 25 (issue 14)', async () => {
    sink.received.length = 0;
    const consumers = 256;
    const { tracker } = testTracker(sink.url, { maxInFlight: 16 });
    for (let i = 0; i < consumers * 25; i++) {
      tracker.track(requestFor(`consumer-${i % consumers}`, i));
      if (i % 500 === 499) await settle(1);
    }
    await sink.until(consumers);
    await waitFor(() => tracker.stats().pending === 0, 'every batch');
    const sizes = sink.received.map((r) => (JSON.parse(r.body) as { events: unknown[] }).events.length);
    // Before, at most 2 000 hits waited for company: groups of ~8 went early, ~800 requests.
    assert.equal(sizes.length, consumers, `requests: ${sizes.length}`);
    assert.ok(sizes.every((n) => n === 25), `sizes: ${[...new Set(sizes)].join(', ')}`);
    assertAccounting(tracker);
    await tracker.close();
  });

  it('the full batches of a busy client do not hold back a quiet one past flushIntervalMs', async () => {
    sink.received.length = 0;
    const { tracker, clock } = testTracker(sink.url, { flushIntervalMs: 2000 });
    tracker.track(requestFor('quiet'));
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 25; i++) tracker.track(requestFor('busy', i));
      await sink.until(round);
      await waitFor(() => tracker.stats().inFlight === 0, `busy batch ${round}`);
      clock.advance(900);
    }
    await waitFor(() => tracker.stats().pending === 0, 'the quiet hit to go with the interval');
    assert.equal(sink.events().length, 76);
    await tracker.close();
  });

  it('stamps each event with the moment the request was tracked, not sent', async () => {
    sink.received.length = 0;
    const { tracker, clock } = testTracker(sink.url, { flushIntervalMs: 600_000 });
    tracker.track(requestFor('erin'));
    clock.advance(60_000);
    await tracker.flush();
    const body = JSON.parse(sink.received[0]?.body ?? '{}') as { events: { timestamp_micros: number }[] };
    assert.equal(body.events[0]?.timestamp_micros, T0 * 1000);
    await tracker.close();
  });

  it('speaks UA v1: /batch for several hits, /collect for one', async () => {
    sink.received.length = 0;
    const clock = createManualClock(T0);
    const tracker = createTracker({ destination: ua({ trackingId: 'UA-1234-1', endpoint: `${sink.url}/collect` }), hashKey: TEST_KEY, clock, flushOnExit: false });
    for (let i = 0; i < 21; i++) tracker.track(requestFor('frank', i));
    await tracker.flush();
    assert.deepEqual(sink.received.map((r) => r.url).sort(), ['/batch', '/collect']);
    for (const request of sink.received) for (const hit of validateUa(request.body).hitParsingResult) assert.ok(hit.valid, JSON.stringify(hit));
    assert.equal(tracker.stats().sent, 21);
    await tracker.close();
  });

  it('follows FOOTFALL_ENDPOINT when the destination names no endpoint', async () => {
    sink.received.length = 0;
    process.env.FOOTFALL_ENDPOINT = sink.url;
    try {
      const tracker = createTracker({ destination: ga4({ measurementId: 'G-ENV12345', apiSecret: 's' }), hashKey: TEST_KEY, clock: createManualClock(T0), flushOnExit: false });
      tracker.track(requestFor('gina'));
      await tracker.flush();
      assert.match(sink.received[0]?.url ?? '', /^\/mp\/collect\?measurement_id=G-ENV12345/);
      await tracker.close();
    } finally {
      delete process.env.FOOTFALL_ENDPOINT;
    }
  });
});

describe('the drain works in slices', () => {
  it('one turn of the event loop builds at most a slice: 10 000 queued hits are not encoded at once', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url, { maxQueueSize: 20_000 });
    for (let i = 0; i < 10_000; i++) tracker.track(requestFor(`c${i % 400}`, i));
    await new Promise((resolve) => setImmediate(resolve));
    const queued = tracker.stats().queued;
    assert.ok(queued >= 10_000 - 2 * 25, `one slice built at most 50 hits; ${10_000 - queued} left the queue`);
    await tracker.flush();
    assert.equal(tracker.stats().sent, 10_000);
    await tracker.close();
    await sink.close();
  });
});

describe('GA4 validation mode', () => {
  it('sends to /debug/mp/collect and fails hits the validation server objects to', async () => {
    const messages = [{ fieldPath: 'events', description: 'bad', validationCode: 'NAME_INVALID' }];
    const sink = await startSink([
      { kind: 'status', status: 200, body: JSON.stringify({ validationMessages: messages }) },
      { kind: 'status', status: 200, body: '{"validationMessages":[]}' },
    ]);
    const failures: unknown[] = [];
    const clock = createManualClock(T0);
    const tracker = createTracker({
      destination: ga4({ measurementId: 'G-TEST1234', apiSecret: 's', endpoint: `${sink.url}/mp/collect`, validate: true }),
      hashKey: TEST_KEY, clock, flushOnExit: false, maxInFlight: 1,
      onFailure: (report) => failures.push(report.validationMessages),
    });
    tracker.track(requestFor('hal', 1));
    await tracker.flush();
    tracker.track(requestFor('hal', 2));
    await tracker.flush();
    assert.match(sink.received[0]?.url ?? '', /^\/debug\/mp\/collect\?/);
    assert.deepEqual(failures, [messages]);
    assert.deepEqual({ sent: tracker.stats().sent, validation: tracker.stats().failedByReason.validation }, { sent: 1, validation: 1 });
    await tracker.close();
    await sink.close();
  });
});
