import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { createManualClock, type ManualClock } from '../../src/delivery/clock.js';
import type { SendResult, Transport } from '../../src/delivery/transport.js';
import { createUndiciTransport } from '../../src/delivery/undici-transport.js';
import { freePort } from '../helpers/ports.js';
import { settle, startSink } from '../helpers/sink.js';
import { waitFor } from '../helpers/tracker.js';

/**
 * The undici transport against real servers on 127.0.0.1: what it sends, how it classifies
 * what comes back, and its one deadline timer and one close listener, on a manual clock so no
 * test sleeps a deadline.
 */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

function transportOn(clock: ManualClock, connections = 8): Transport {
  const transport = createUndiciTransport({ connections, clock });
  open.push({ close: () => transport.close(true) });
  return transport;
}

async function sink(...args: Parameters<typeof startSink>) {
  const started = await startSink(...args);
  open.push(started);
  return started;
}

/** A server that never answers, and counts the requests it was sent and the ones the client cut. */
async function hangingServer() {
  const counts = { arrived: 0, cut: 0 };
  const server = createServer((req) => {
    req.resume();
    counts.arrived++;
    req.socket.once('close', () => counts.cut++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts };
}

const request = (url: string, body = '{"events":[]}') => ({ url, contentType: 'application/json', body });
const options = (signal = new AbortController().signal, timeoutMs = 5_000, readBody = false) => ({ timeoutMs, signal, readBody });

/** Records each result with the clock's time when it came, to see who settled when. */
function track(clock: ManualClock, sent: Promise<SendResult>) {
  const entry: { result?: SendResult; atMs?: number } = {};
  void sent.then((result) => {
    entry.result = result;
    entry.atMs = clock.now();
  });
  return entry;
}

describe('createUndiciTransport', () => {
  it('posts the body with its content type, user agent and byte length, and answers success without reading the body', async () => {
    const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'retry-after': '5' }).end('{"ignored":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
    const clock = createManualClock();
    const transport = transportOn(clock);
    const body = '{"events":[{"name":"page_view","params":{"page_title":"Café – ✓"}}]}';
    const result = await transport.send(request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mp/collect?api_secret=s#frag`, body), options());
    assert.deepEqual(result, { kind: 'success', status: 200 });
    assert.equal(seen.length, 1);
    const [first] = seen;
    assert.equal(first?.body, body);
    assert.equal(first?.headers['content-type'], 'application/json');
    assert.equal(first?.headers['user-agent'], 'footfall');
    assert.equal(first?.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(clock.pending, 0);
  });

  it('reads and decodes the body when asked, and sends to the path and query of each URL', async () => {
    const answer = JSON.stringify({ validationMessages: [{ description: 'é'.repeat(40_000) }] });
    const server = await sink([], { kind: 'status', status: 200, body: answer });
    const transport = transportOn(createManualClock());
    assert.deepEqual(await transport.send(request(`${server.url}/debug/mp/collect?a=1`), options(undefined, 5_000, true)), { kind: 'success', status: 200, body: answer });
    assert.deepEqual(await transport.send(request(`${server.url}/mp/collect?a=2`), options(undefined, 5_000, true)), { kind: 'success', status: 200, body: answer });
    assert.deepEqual(await transport.send(request(`${server.url}/debug/mp/collect?a=1`), options()), { kind: 'success', status: 200 });
    assert.deepEqual(server.received.map((r) => `${r.method} ${r.url}`), ['POST /debug/mp/collect?a=1', 'POST /mp/collect?a=2', 'POST /debug/mp/collect?a=1']);
  });

  it('answers 500 with Retry-After as retryable, with the wait', async () => {
    const server = await sink([{ kind: 'status', status: 500, headers: { 'Retry-After': '7' }, body: 'down' }, { kind: 'status', status: 503 }]);
    const transport = transportOn(createManualClock());
    assert.deepEqual(await transport.send(request(server.url), options(undefined, 5_000, true)), { kind: 'retryable', reason: 'http_5xx', status: 500, retryAfterMs: 7_000 });
    assert.deepEqual(await transport.send(request(server.url), options()), { kind: 'retryable', reason: 'http_5xx', status: 503 });
  });

  it('times out a server that never answers at the deadline, on the injected clock, and cuts the request', async () => {
    const server = await hangingServer();
    const clock = createManualClock();
    const transport = transportOn(clock);
    const entry = track(clock, transport.send(request(server.url), options(undefined, 5_000)));
    await waitFor(() => server.counts.arrived === 1, 'the request');
    clock.advance(4_999);
    await settle();
    assert.equal(entry.atMs, undefined, 'not before its deadline');
    clock.advance(1);
    await waitFor(() => entry.result !== undefined, 'the timeout');
    assert.equal(entry.atMs, clock.now());
    assert.equal(entry.result?.kind === 'retryable' && entry.result.reason, 'timeout', JSON.stringify(entry.result));
    assert.equal(clock.pending, 0, 'no timer left armed');
    await waitFor(() => server.counts.cut === 1, 'the request to be cut on the wire');
  });

  it('ends every attempt in flight when the close signal aborts, with one listener on it however many there are', async () => {
    const server = await hangingServer();
    const clock = createManualClock();
    const transport = transportOn(clock, 4);
    const shutdown = new AbortController();
    assert.equal(getEventListeners(shutdown.signal, 'abort').length, 0);
    // Six attempts, four connections: two still wait for a socket when the signal aborts.
    const entries = Array.from({ length: 6 }, () => track(clock, transport.send(request(server.url), options(shutdown.signal))));
    await waitFor(() => server.counts.arrived === 4, 'four requests');
    assert.equal(getEventListeners(shutdown.signal, 'abort').length, 1);
    shutdown.abort();
    await waitFor(() => entries.every((entry) => entry.result !== undefined), 'every attempt to end');
    for (const entry of entries) assert.equal(entry.result?.kind === 'failure' && entry.result.reason, 'aborted', JSON.stringify(entry.result));
    assert.equal(clock.pending, 0, 'no timer left armed');
    assert.equal((await transport.send(request(server.url), options(shutdown.signal))).kind, 'failure', 'an aborted signal sends nothing');
    await waitFor(() => server.counts.cut === 4, 'the four on the wire to be cut');
    assert.equal(server.counts.arrived, 4, 'the two that waited for a socket never went out');
  });

  it('answers a refused connection as a network failure', async () => {
    const clock = createManualClock();
    const transport = transportOn(clock);
    const result = await transport.send(request(`http://127.0.0.1:${await freePort()}/mp/collect`), options());
    assert.equal(result.kind === 'retryable' && result.reason, 'network', JSON.stringify(result));
    assert.match(result.kind === 'retryable' ? (result.error ?? '') : '', /ECONNREFUSED/);
    assert.equal(clock.pending, 0);
  });

  it('expires many attempts each at its own deadline, with one timer armed at a time', async () => {
    const server = await sink([], { kind: 'hang' });
    const clock = createManualClock();
    const transport = transportOn(clock, 16);
    const deadlines = [700, 100, 400, 400, 250, 900, 100, 550, 1_000, 300, 50, 800];
    const entries = deadlines.map((ms) => track(clock, transport.send(request(server.url), options(undefined, ms))));
    await server.until(deadlines.length);
    assert.equal(clock.pending, 1, 'one timer for every deadline');
    for (let elapsed = 0; elapsed < 1_000; elapsed += 10) {
      clock.advance(10);
      await settle(3);
    }
    await waitFor(() => entries.every((entry) => entry.result !== undefined), 'every deadline');
    const start = clock.now() - 1_000;
    assert.deepEqual(entries.map((entry) => (entry.atMs ?? 0) - start), deadlines, 'each settled at its own deadline');
    for (const entry of entries) assert.equal(entry.result?.kind === 'retryable' && entry.result.reason, 'timeout');
    assert.equal(clock.pending, 0, 'no timer left armed');
  });

  it('leaves no timer armed once attempts answer, time out and fail in any order', async () => {
    const server = await sink([{ kind: 'hang' }, { kind: 'status', status: 204 }, { kind: 'status', status: 404 }]);
    const clock = createManualClock();
    const transport = transportOn(clock, 1);
    const hung = track(clock, transport.send(request(server.url), options(undefined, 300)));
    await server.until(1);
    assert.equal(clock.pending, 1);
    clock.advance(300);
    await waitFor(() => hung.result !== undefined, 'the timeout');
    assert.equal(clock.pending, 0);
    assert.deepEqual(await transport.send(request(server.url), options(undefined, 200)), { kind: 'success', status: 204 });
    assert.equal(clock.pending, 0);
    assert.deepEqual(await transport.send(request(server.url), options(undefined, 100)), { kind: 'failure', reason: 'http_4xx', status: 404 });
    assert.equal(clock.pending, 0);
  });
});
