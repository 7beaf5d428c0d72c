import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it, mock } from 'node:test';
import { startSink } from '../helpers/sink.js';
import { assertAccounting, testTracker, waitFor } from '../helpers/tracker.js';
import { validateGa4 } from '../../src/protocols/ga4/validate.js';
import { ADAPTERS, makeExpress4, makeExpress5 } from './apps.js';

/** Sends raw bytes over a real socket; resolves with the response's status line ('' if the server just closed). */
function raw(url: string, bytes: Buffer): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes));
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
  });
}

const request = (line: string, headers = 'Host: api.example.com\r\n') => Buffer.from(`${line}\r\n${headers}Connection: close\r\n\r\n`, 'latin1');

const CASES: [string, Buffer][] = [
  ['invalid percent-encoding', request('GET /v1/users/%E0%A4%A?q=%zz HTTP/1.1')],
  ['a 16 KB URL', request(`GET /v1/users/${'a'.repeat(16 * 1024)} HTTP/1.1`)],
  ['a 6 KB URL', request(`GET /v1/users/${'b'.repeat(6 * 1024)} HTTP/1.1`)],
  ['non-UTF-8 bytes in the path', Buffer.concat([Buffer.from('GET /v1/users/'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')])],
  ['no Host header', request('GET /v1/users/1 HTTP/1.0', '')],
  ['huge headers', request('GET /v1/users/1 HTTP/1.1', `Host: a\r\nX-Big: ${'x'.repeat(12 * 1024)}\r\nUser-Agent: ${'\u00ff'.repeat(2000)}\r\n`)],
];

for (const [name, makeApp] of ADAPTERS) {
  describe(`bad input through real sockets: ${name}`, () => {
    it('the app answers exactly as without Footfall; each hit is valid or dropped with a reason', async () => {
      const sink = await startSink();
      const { tracker, clock } = testTracker(sink.url, { flushIntervalMs: 600_000 });
      const bare = await makeApp(undefined);
      const instrumented = await makeApp(tracker);
      try {
        for (const [label, bytes] of CASES) {
          const expected = await raw(bare.url, bytes);
          assert.equal(await raw(instrumented.url, bytes), expected, label);
        }
        const tracked = tracker.stats().tracked;
        await waitFor(() => tracker.stats().tracked === tracked, 'tracking to settle', 20);
        await tracker.flush();
        for (const body of sink.received.map((r) => r.body)) assert.deepEqual(validateGa4(body, { nowMs: clock.now() }).validationMessages, []);
        assertAccounting(tracker);
        assert.equal(tracker.stats().pending, 0);
      } finally {
        await bare.close();
        await instrumented.close();
        await tracker.close();
        await sink.close();
      }
    });
  });
}

describe('bad input through Express: the test apps print nothing', () => {
  for (const [name, makeApp] of [['express 5', makeExpress5], ['express 4', makeExpress4]] as const) {
    it(`${name}: a bad percent-escape in a route parameter is answered 400 by the app's own error handler, with no stack trace on stderr`, async () => {
      const app = await makeApp(undefined);
      const printed = mock.method(console, 'error', () => undefined);
      try {
        assert.equal(await raw(app.url, request('GET /v1/users/%E0%A4%A HTTP/1.1')), 'HTTP/1.1 400 Bad Request');
        assert.deepEqual(printed.mock.calls.map((call) => String(call.arguments[0]).split('\n')[0]), []);
      } finally {
        printed.mock.restore();
        await app.close();
      }
    });
  }
});
