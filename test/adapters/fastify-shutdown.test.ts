// Issue 11: Footfall inside Fastify's own shutdown. `await app.close()` must deliver every hit
// (the plugin flushes, or closes, the tracker in onClose), including under close-with-grace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { trackRequests } from '../../src/adapters/fastify/index.js';
import { createTracker, type Tracker } from '../../src/delivery/tracker.js';
import { ga4 } from '../../src/protocols/ga4/destination.js';
import { startFakeCollector, type FakeCollector } from '../../src/testing/index.js';

const PATHS = ['/api/tasks', '/api/tasks/', '/api/tasks/1', '/api/tasks/2'];
/** The collector answers each ingest request this late, as a distant GA4 does. */
const COLLECTOR_DELAY_MS = 150;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * GET on a connection of its own that ends with the response (`Connection: close`). Over a
 * keep-alive connection a request in flight at app.close() holds the close up: Fastify's
 * server.close() waits for that connection, idle after the answer, until the client drops it.
 */
function getOnce(url: string): Promise<string> {
  return new Promise((resolve) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    }).once('error', (error) => resolve(error.message));
  });
}

/**
 * Starts the child app, makes the four requests (and with `slow`, one more still in flight),
 * sends SIGTERM; a guard kills it after 20 s.
 */
async function runGraceChild(endpoint: string, mode: 'given' | 'env', options: { env?: Record<string, string>; slow?: boolean } = {}): Promise<Exit & { killed: boolean; slowAnswer?: string }> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...options.env };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/fastify-grace-child.ts', endpoint, mode], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let killed = false;
  const guard = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, 20_000);
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = () => Promise.race([lines.next().then((line) => (line.done === true ? undefined : String(line.value))), exited.then(() => undefined)]);
  const url = await nextLine();
  let slowAnswer: Promise<string> | undefined;
  if (url !== undefined) {
    for (const path of PATHS) await (await fetch(`${url}${path}`)).text();
    if (options.slow === true) {
      slowAnswer = getOnce(`${url}/api/slow`);
      await nextLine(); // `slow started`
    }
    child.kill('SIGTERM');
  }
  const exit = await exited;
  clearTimeout(guard);
  return { ...exit, killed, ...(slowAnswer === undefined ? {} : { slowAnswer: await slowAnswer }) };
}

describe('fastify: the app\'s shutdown delivers every hit', () => {
  let collector: FakeCollector;
  before(async () => {
    collector = await startFakeCollector({ delayMs: COLLECTOR_DELAY_MS });
  });
  after(async () => {
    await collector.close();
  });

  const routesSince = (start: number) => collector.hits.slice(start).map((hit) => hit.route).sort();

  it('close-with-grace + closeOnSignals: SIGTERM, then all 4 hits are stored and the process exits 0', async () => {
    const start = collector.hits.length;
    const exit = await runGraceChild(collector.endpoint, 'given');
    assert.equal(exit.killed, false, 'the child had to be killed');
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, exit.stderr);
    assert.deepEqual(routesSince(start), ['/api/tasks', '/api/tasks', '/api/tasks/:id', '/api/tasks/:id']);
  });

  it('close-with-grace + closeOnSignals: a request still in flight at SIGTERM is answered, and its hit delivered too', async () => {
    const start = collector.hits.length;
    const exit = await runGraceChild(collector.endpoint, 'given', { slow: true });
    assert.equal(exit.killed, false, 'the child had to be killed');
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, exit.stderr);
    assert.equal(exit.slowAnswer, 'slow');
    assert.deepEqual(routesSince(start), ['/api/slow', '/api/tasks', '/api/tasks', '/api/tasks/:id', '/api/tasks/:id']);
  });

  it('close-with-grace, tracker built from the environment by the plugin: all 4 hits stored, exits 0', async () => {
    const start = collector.hits.length;
    const exit = await runGraceChild(collector.endpoint, 'env', {
      env: {
        FOOTFALL_GA4_MEASUREMENT_ID: 'G-GRACEENV1',
        FOOTFALL_GA4_API_SECRET: 's',
        FOOTFALL_ENDPOINT: collector.url,
        FOOTFALL_HASH_KEY: 'env-key-0123456789abcdef',
      },
    });
    assert.equal(exit.killed, false, 'the child had to be killed');
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, exit.stderr);
    assert.equal(collector.hits.length - start, 4);
  });
});

describe('fastify onClose, in process', () => {
  let collector: FakeCollector;
  before(async () => {
    collector = await startFakeCollector({ delayMs: COLLECTOR_DELAY_MS });
  });
  after(async () => {
    await collector.close();
  });

  function makeTracker(): Tracker {
    return createTracker({ destination: ga4({ measurementId: 'G-ONCLOSE1', apiSecret: 's', endpoint: collector.endpoint }), hashKey: 'test-key-0123456789abcdef', flushIntervalMs: 600_000, flushOnExit: false });
  }

  async function appWith(options: Record<string, unknown>) {
    const app = Fastify();
    await app.register(trackRequests, options);
    app.get('/v1/things/:id', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    for (let i = 0; i < 4; i++) await (await fetch(`${url}/v1/things/${i}`)).text();
    return app;
  }

  it('a tracker the app passed: await app.close() flushes it and leaves it open (it may serve other apps)', async () => {
    const tracker = makeTracker();
    const start = collector.hits.length;
    const app = await appWith({ tracker });
    await app.close();
    assert.equal(collector.hits.length - start, 4, 'every hit stored by the time app.close() resolved');
    assert.deepEqual({ sent: tracker.stats().sent, pending: tracker.stats().queued + tracker.stats().inFlight }, { sent: 4, pending: 0 });
    tracker.track({ method: 'GET', url: '/still-open', route: '/still-open', status: 200 });
    assert.equal(tracker.stats().droppedByReason.closed, 0, 'still open: a hit after app.close() is queued, not dropped');
    await tracker.close();
  });

  it('a request still in flight when app.close() is called is delivered too (onClose runs after the server closed)', async () => {
    const tracker = makeTracker();
    const start = collector.hits.length;
    const app = Fastify();
    await app.register(trackRequests, { tracker });
    let release: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/v1/slow', async () => {
      arrived();
      await new Promise<void>((resolve) => (release = resolve));
      return 'done';
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const answer = fetch(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/v1/slow`).then((response) => response.text());
    await started;
    const closing = app.close();
    release();
    assert.equal(await answer, 'done');
    await closing;
    assert.deepEqual(collector.hits.slice(start).map((hit) => hit.route), ['/v1/slow']);
    await tracker.close();
  });

  it('closeTracker: true closes a passed tracker in onClose', async () => {
    const tracker = makeTracker();
    const start = collector.hits.length;
    const app = await appWith({ tracker, closeTracker: true });
    await app.close();
    assert.equal(collector.hits.length - start, 4);
    tracker.track({ method: 'GET', url: '/after', route: '/after', status: 200 });
    assert.equal(tracker.stats().droppedByReason.closed, 1, 'closed: a later hit is dropped as closed');
  });

  it('a tracker the plugin built from the environment is its own: closed in onClose, every hit delivered', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { FOOTFALL_GA4_MEASUREMENT_ID: 'G-ONCLOSEENV', FOOTFALL_GA4_API_SECRET: 's', FOOTFALL_ENDPOINT: collector.url, FOOTFALL_HASH_KEY: 'env-key-0123456789abcdef' });
    const listeners = process.listenerCount('beforeExit');
    try {
      const start = collector.hits.length;
      const app = await appWith({});
      await app.close();
      assert.equal(collector.hits.length - start, 4, 'every hit stored by the time app.close() resolved');
      assert.equal(process.listenerCount('beforeExit'), listeners, 'closed: its exit hook is gone');
    } finally {
      process.env = saved;
    }
  });

  it('a tracker the app closed before app.close(): the hook does not wait or throw', async () => {
    const tracker = makeTracker();
    const start = collector.hits.length;
    const app = await appWith({ tracker });
    assert.deepEqual(await tracker.close(), { sent: 4, failed: 0, dropped: 0, pending: 0 });
    await app.close();
    assert.equal(collector.hits.length - start, 4);
  });

  it('refuses a misspelt or mistyped closeTracker at registration', async () => {
    const tracker = makeTracker();
    for (const [options, code] of [[{ tracker, closetracker: true }, 'FOOTFALL_ERR_UNKNOWN_OPTION'], [{ tracker, closeTracker: 'yes' }, 'FOOTFALL_ERR_INVALID_OPTION']] as const) {
      const app = Fastify();
      await assert.rejects(async () => {
        await app.register(trackRequests, options as Record<string, unknown>);
        await app.ready();
      }, (error: Error & { code?: string }) => error.code === code && /closeTracker|closetracker/.test(error.message));
    }
    await tracker.close();
  });
});
