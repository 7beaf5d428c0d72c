import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sendToCollect, GOOGLE_2XX_NOTE } from '../../src/cli/deliver.js';
import { resolveGa4Target } from '../../src/cli/target-flags.js';
import { systemClock } from '../../src/delivery/clock.js';
import { startCollector, type Collector } from '../../src/collector/server.js';
import { cli, cliWith } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';

const SECRET = 'sEcReT-4f1d9c2b7a';
const KEY = 'footfall-test-hash-key-0123456789';
const FOUR_DAYS_MS = 4 * 86_400_000;

/** The exact one-line body `send` printed. */
function printedBody(stdout: string): string {
  const body = /^(?:UA v1 )?body \(exact, \d+ bytes\):\n(.*)$/m.exec(stdout)?.[1];
  assert.ok(body !== undefined, `no body in:\n${stdout}`);
  return body;
}

function assertNoSecret(...outputs: string[]): void {
  for (const output of outputs) assert.ok(!output.includes(SECRET), `the secret was printed:\n${output}`);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('footfall send to a collector (in-process)', () => {
  let collector: Collector;
  before(async () => (collector = await startCollector({ port: 0, memory: true, output: 'none' })));
  after(() => collector.close());

  it('GA4: the collector stores exactly the printed payload; the secret is masked', async () => {
    const before = collector.stats().storedHits;
    const { code, stdout, stderr } = await cli('send', '--to', collector.url, '--api-secret', SECRET, '--hash-key', KEY, '--url', '/v1/users/42?fields=name&token=abc', '--method', 'post', '--status', '201', '--duration-ms', '12.5', '--user-id', 'alice', '--host', 'api.example.com', '--user-agent', 'curl/8.5');
    assert.equal(code, 0, stderr);
    const body = JSON.parse(printedBody(stdout)) as { client_id: string; user_id: string; events: { timestamp_micros: number; params: Record<string, unknown> }[] };
    const [event] = body.events;
    assert.ok(event);
    assert.equal(event.params.page_location, 'http://api.example.com/v1/users/:id?fields&token');
    assert.equal(collector.stats().storedHits, before + 1);
    const [stored] = await collector.store.recentHits(1);
    assert.ok(stored);
    assert.deepEqual(
      { protocol: stored.protocol, method: stored.method, route: stored.route, status: stored.status, durationMs: stored.durationMs, client: stored.client, userId: stored.userId, title: stored.title, host: stored.host, timeMs: stored.timeMs },
      { protocol: 'ga4', method: 'POST', route: '/v1/users/:id', status: 201, durationMs: 12.5, client: body.client_id, userId: body.user_id, title: 'POST /v1/users/:id', host: 'api.example.com', timeMs: event.timestamp_micros / 1000 },
    );
    assert.notEqual(body.user_id, 'alice', 'the user id is sent hashed');
    assert.match(stdout, /offline validation \(Footfall's validator\): no problems/);
    assert.match(stdout, /sending to http:\/\/127\.0\.0\.1:\d+\/mp\/collect\?measurement_id=G-FOOTFALLCLI&api_secret=\*\*\*/);
    assert.match(stdout, /answer: HTTP 204 \(accepted\)/);
    assert.doesNotMatch(stdout, /Google answers 2xx/, 'the Google note is for Google only');
    assertNoSecret(stdout, stderr);
  });

  it('the same --hash-key gives the same ids as the library would (and a pretty payload equal to the body)', async () => {
    const first = await cli('send', '--dry-run', '--hash-key', KEY, '--user-id', 'alice', '--client-ip', '203.0.113.9', '--user-agent', 'x');
    const second = await cliWith({ env: { FOOTFALL_HASH_KEY: KEY } }, 'send', '--dry-run', '--user-id', 'alice', '--client-ip', '203.0.113.9', '--user-agent', 'x');
    const a = JSON.parse(printedBody(first.stdout)) as { client_id: string; user_id: string };
    const b = JSON.parse(printedBody(second.stdout)) as { client_id: string; user_id: string };
    assert.deepEqual([a.client_id, a.user_id], [b.client_id, b.user_id]);
    const pretty = /^GA4 payload:\n([\s\S]*?)\n\nbody/m.exec(first.stdout)?.[1] ?? '';
    assert.deepEqual(JSON.parse(pretty), a);
    assert.doesNotMatch(first.stdout, /random key/);
    assert.match((await cli('send', '--dry-run')).stdout, /hashed with a random key/);
  });

  it('--dry-run prints and validates but sends nothing', async () => {
    const before = collector.stats();
    const { code, stdout } = await cli('send', '--dry-run', '--to', collector.url, '--route', '/v1/orders/:orderId', '--url', '/v1/orders/7');
    assert.equal(code, 0);
    assert.match(stdout, /"api_route":"\/v1\/orders\/:orderId"/);
    assert.doesNotMatch(stdout, /sending to/);
    assert.deepEqual(collector.stats(), before);
  });

  it('--debug sends to /debug/mp/collect (from a full --to path too): clean payload, nothing stored', async () => {
    const before = collector.stats().storedHits;
    const { code, stdout, stderr } = await cli('send', '--debug', '--to', `${collector.url}/mp/collect`, '--api-secret', SECRET);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /validating at http:\/\/127\.0\.0\.1:\d+\/debug\/mp\/collect\?measurement_id=G-FOOTFALLCLI&api_secret=\*\*\*/);
    assert.match(stdout, /validation server: no messages/);
    assert.equal(collector.stats().storedHits, before);
    assertNoSecret(stdout, stderr);
  });

  it('UA: sends the printed body to /collect; the collector stores it', async () => {
    const { code, stdout, stderr } = await cli('send', '--protocol', 'ua', '--tracking-id', 'UA-12345-1', '--to', collector.url, '--url', '/v2/items/9f8e7d6c-1a2b-4c3d-8e9f-0a1b2c3d4e5f', '--method', 'DELETE', '--hash-key', KEY);
    assert.equal(code, 0, stderr);
    const body = printedBody(stdout);
    assert.match(body, /^v=1&tid=UA-12345-1&cid=\d+\.\d+&t=pageview&/);
    assert.match(stdout, /^ {2}dt +DELETE \/v2\/items\/:id$/m, 'decoded parameters are listed');
    assert.match(stdout, /sending to http:\/\/127\.0\.0\.1:\d+\/collect\n/);
    const [stored] = await collector.store.recentHits(1);
    assert.equal(stored?.protocol, 'ua');
    assert.equal(stored?.route, '/v2/items/:id');
    assert.equal(stored?.client, new URLSearchParams(body).get('cid'));
  });

  it('UA --debug answers per hit from /debug/collect', async () => {
    const { code, stdout } = await cli('send', '--protocol', 'ua', '--debug', '--to', `${collector.url}/collect`);
    assert.equal(code, 0);
    assert.match(stdout, /validating at http:\/\/127\.0\.0\.1:\d+\/debug\/collect\n/);
    assert.match(stdout, /validation server: no messages\n {2}hit 1: valid, no messages/);
  });
});

describe('footfall send when things go wrong', () => {
  it('--debug prints the validation server\'s messages (asking for ENFORCE_RECOMMENDATIONS) and exits 1; collect stores the same hit at 72 h back, as Google does', async () => {
    // A collector whose clock runs four days ahead sees the hit as older than 72 hours.
    const collector = await startCollector({ port: 0, memory: true, output: 'none', clock: { ...systemClock, now: () => Date.now() + FOUR_DAYS_MS } });
    try {
      const { code, stdout } = await cli('send', '--debug', '--to', collector.url);
      assert.equal(code, 1);
      assert.match(stdout, /validation server: 2 messages\n {2}- timestamp_micros {2}VALUE_INVALID {2}.+\n {2}- events\[0\]\.timestamp_micros {2}VALUE_INVALID/);
      // The offline validator (ENFORCE_RECOMMENDATIONS) is happy on the real clock, so send sends it;
      // Google's collect (RELAXED) moves a hit older than 72 hours to 72 hours back and keeps it.
      const sent = await cli('send', '--to', collector.url);
      assert.equal(sent.code, 0, sent.stderr);
      assert.equal(collector.stats().storedHits, 1);
      assert.equal(collector.stats().leniency.rewrittenTimestamps, 2);
    } finally {
      await collector.close();
    }
  });

  it('a collector answering 500 makes send exit 1 and show the status', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', status: 500 });
    try {
      const { code, stdout, stderr } = await cli('send', '--to', collector.url, '--api-secret', SECRET);
      assert.equal(code, 1);
      assert.match(stderr, /^footfall: http:\/\/127\.0\.0\.1:\d+\/mp\/collect\?measurement_id=G-FOOTFALLCLI&api_secret=\*\*\* refused the hit with HTTP 500; it answered: \{"error":"failed on purpose/m);
      assertNoSecret(stdout, stderr);
    } finally {
      await collector.close();
    }
  });

  it('a refused api_secret (403) is reported without showing either secret', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', apiSecret: 'the-collector-secret' });
    try {
      const { code, stdout, stderr } = await cli('send', '--to', collector.url, '--api-secret', SECRET);
      assert.equal(code, 1);
      assert.match(stderr, /HTTP 403; it answered: .*api_secret does not match/);
      assertNoSecret(stdout, stderr);
      assert.equal((await cli('send', '--to', collector.url, '--api-secret', 'the-collector-secret')).code, 0);
    } finally {
      await collector.close();
    }
  });

  it('nothing listening: exit 1 with the network error', async () => {
    const port = await closedPort();
    const { code, stderr } = await cli('send', '--to', `http://127.0.0.1:${port}`, '--api-secret', SECRET);
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`could not send to http://127\\.0\\.0\\.1:${port}/mp/collect\\?measurement_id=G-FOOTFALLCLI&api_secret=\\*\\*\\*: .*ECONNREFUSED`));
    assertNoSecret(stderr);
  });

  it('a collector that never answers: exit 1 after --timeout-ms', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', hangRate: 1, hangMs: 600_000 });
    try {
      const { code, stderr } = await cli('send', '--to', collector.url, '--timeout-ms', '200');
      assert.equal(code, 1);
      assert.match(stderr, /no answer within 200 ms \(--timeout-ms\)/);
    } finally {
      await collector.close();
    }
  });

  it('bad flags are usage errors naming the flag (exit 2), never echoing a secret', async () => {
    for (const [args, message] of [
      [['--status', '99'], /--status <code>.*expected an HTTP status from 100 to 599, got "99"/],
      [['--method', 'GE T'], /--method <method>.*expected an HTTP method/],
      [['--duration-ms', '-1'], /--duration-ms <ms>.*expected a number of milliseconds/],
      [['--url', 'v1/users'], /--url <path>.*expected a path starting with \//],
      [['--query', 'a b'], /--query <policy>.*expected names, none, all/],
      [['--canonical-host', 'ftp://x'], /--canonical-host <host>.*expected a host like api\.example\.com/],
      [['--protocol', 'amplitude'], /--protocol.*Allowed choices are ga4, ua/],
      [['--tracking-id', 'G-ABCDEF'], /--tracking-id <id>.*expected a Universal Analytics tracking id/],
      [['--timeout-ms', 'soon'], /--timeout-ms <ms>.*expected a whole number of milliseconds/],
      [['--to', 'ftp://example.com'], /--to must be an absolute http:\/\/ or https:\/\/ URL/],
      [['--measurement-id', 'UA-1-1', '--api-secret', SECRET], /--measurement-id must be a GA4 measurement id like G-XXXXXXXXXX/],
      [['--measurement-id', 'G-ABCDEF', '--api-secret', `${SECRET} x`], /--api-secret must be a non-empty API secret without spaces \(the value is not shown\)/],
      [['--hash-key', SECRET.slice(0, 6), '--dry-run'], /--hash-key must be at least 16 characters, got 6 \(the key is not shown\)/],
      [[], /missing --measurement-id \(or FOOTFALL_GA4_MEASUREMENT_ID\).*or pass --to URL/],
      [['--measurement-id', 'G-ABCDEF'], /missing --api-secret \(or FOOTFALL_GA4_API_SECRET\)/],
      [['--protocol', 'ua'], /--protocol ua needs --to URL.*1 July 2023/],
      [['--protocol', 'ua', '--debug-mode', '--dry-run'], /--debug-mode is for GA4/],
    ] as const) {
      const { code, stdout, stderr } = await cli('send', ...args);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, message);
      assert.ok(!`${stdout}${stderr}`.includes(SECRET.slice(0, 6)), `a secret or key was printed: ${stderr}`);
    }
  });
});

describe('footfall send to Google (targets only: this machine cannot reach Google)', () => {
  it('GA4 ids come from the environment; --region eu goes through region1; the URLs carry the secret, the output does not', () => {
    const fail = (message: string): never => assert.fail(message);
    const env = { FOOTFALL_GA4_MEASUREMENT_ID: 'G-ABC123', FOOTFALL_GA4_API_SECRET: SECRET };
    const global = resolveGa4Target({ region: 'global', timeoutMs: 1 }, env, fail);
    assert.equal(global.collectUrl, `https://www.google-analytics.com/mp/collect?measurement_id=G-ABC123&api_secret=${SECRET}`);
    assert.equal(global.debugUrl, `https://www.google-analytics.com/debug/mp/collect?measurement_id=G-ABC123&api_secret=${SECRET}`);
    assert.equal(global.google, true);
    const eu = resolveGa4Target({ region: 'eu', timeoutMs: 1, measurementId: 'G-OTHER1' }, env, fail);
    assert.equal(eu.debugUrl, `https://region1.google-analytics.com/debug/mp/collect?measurement_id=G-OTHER1&api_secret=${SECRET}`);
  });

  it('a 2xx from Google comes with the note that Google says 2xx to anything', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none' });
    try {
      let stdout = '';
      const target = { ...resolveGa4Target({ region: 'global', timeoutMs: 1, to: collector.url }, {}, assert.fail), google: true };
      const body = printedBody((await cli('send', '--dry-run')).stdout);
      const ok = await sendToCollect({ protocol: 'ga4', body, target, timeoutMs: 5000 }, { stdout: (t) => void (stdout += t), stderr: (t) => void (stdout += t), env: {} });
      assert.equal(ok, true);
      assert.ok(stdout.includes(GOOGLE_2XX_NOTE));
      assert.match(GOOGLE_2XX_NOTE, /--debug/);
    } finally {
      await collector.close();
    }
  });
});

describe('footfall send (a real process)', () => {
  it('sends to a collector, exits 0, and never prints the secret', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none' });
    try {
      const { code, stdout, stderr } = await runFootfall(['send', '--to', collector.url, '--api-secret', SECRET, '--url', '/v1/health', '--title', 'health check']);
      assert.equal(code, 0, stderr);
      const body = JSON.parse(printedBody(stdout)) as { client_id: string };
      const [stored] = await collector.store.recentHits(1);
      assert.equal(stored?.client, body.client_id);
      assert.equal(stored?.title, 'health check');
      assertNoSecret(stdout, stderr);
    } finally {
      await collector.close();
    }
  });

  it('exits 2 on a bad flag', async () => {
    const { code, stderr } = await runFootfall(['send', '--status', '700']);
    assert.equal(code, 2);
    assert.match(stderr, /--status <code>.*got "700"/);
  });
});
