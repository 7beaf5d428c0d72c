import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { VERIFY_ROUTE } from '../../src/cli/commands/verify.js';
import { systemClock } from '../../src/delivery/clock.js';
import { startCollector } from '../../src/collector/server.js';
import { cli, cliWith } from '../helpers/cli.js';
import { runFootfall } from '../helpers/cli-process.js';

const SECRET = 'vErIfY-secret-9a8b7c';
const IDS = ['--measurement-id', 'G-TEST1234', '--api-secret', SECRET] as const;

function marker(stdout: string): string {
  const title = /page_view titled "(footfall verify \d{8}-\d{6}-[0-9a-f]{6})"/.exec(stdout)?.[1];
  assert.ok(title !== undefined, stdout);
  return title;
}

function assertNoSecret(...outputs: string[]): void {
  for (const output of outputs) assert.ok(!output.includes(SECRET), `the secret was printed:\n${output}`);
}

interface Received {
  path: string;
  query: URLSearchParams;
  body: string;
}

/** A plain HTTP server that records what it receives and answers like Google. */
async function startRecorder(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      received.push({ path: url.pathname, query: url.searchParams, body });
      if (url.pathname === '/debug/mp/collect') res.writeHead(200, { 'content-type': 'application/json' }).end('{"validationMessages":[]}');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('footfall verify (in-process)', () => {
  it('the page_view arrives at the collector, titled with a unique marker; the output says where to look', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none' });
    try {
      const { code, stdout, stderr } = await cli('verify', ...IDS, '--to', collector.url);
      assert.equal(code, 0, stderr);
      const title = marker(stdout);
      const [stored] = await collector.store.recentHits(10);
      assert.equal(collector.stats().storedHits, 1);
      assert.deepEqual([stored?.title, stored?.route, stored?.eventName, stored?.host], [title, VERIFY_ROUTE, 'page_view', 'footfall-verify.invalid']);
      assert.match(stdout, /validation server: no messages/);
      assert.match(stdout, /"debug_mode":true/);
      assert.match(stdout, /DebugView/);
      assert.match(stdout, /Reports > Realtime/);
      assert.match(stdout, /within about a minute/);
      assert.match(stdout, /the validation server checks neither.*\n.*silently lost/);
      assert.match(stdout, /api_secret=\*\*\*/);
      assertNoSecret(stdout, stderr);
      const again = marker((await cli('verify', ...IDS, '--to', collector.url)).stdout);
      assert.notEqual(again, title, 'each run has its own marker');
    } finally {
      await collector.close();
    }
  });

  it('checks at /debug/mp/collect first, then sends debug_mode with a positive engagement_time_msec to /mp/collect', async () => {
    const recorder = await startRecorder();
    try {
      const { code, stderr } = await cli('verify', ...IDS, '--to', recorder.url);
      assert.equal(code, 0, stderr);
      assert.deepEqual(recorder.received.map((r) => r.path), ['/debug/mp/collect', '/mp/collect']);
      const [check, real] = recorder.received;
      assert.ok(check && real);
      // The same payload is checked and sent; the check asks for ENFORCE_RECOMMENDATIONS (the debug path's default is RELAXED, as Google's).
      assert.deepEqual(JSON.parse(check.body), { ...(JSON.parse(real.body) as object), validation_behavior: 'ENFORCE_RECOMMENDATIONS' });
      assert.equal(real.query.get('measurement_id'), 'G-TEST1234');
      assert.equal(real.query.get('api_secret'), SECRET);
      const body = JSON.parse(real.body) as { events: { name: string; params: { debug_mode?: unknown; engagement_time_msec?: number } }[] };
      const [event] = body.events;
      assert.equal(event?.name, 'page_view');
      assert.equal(event?.params.debug_mode, true);
      assert.ok((event?.params.engagement_time_msec ?? 0) > 0);
    } finally {
      await recorder.close();
    }
  });

  it('does not send when the validation server has messages (exit 1)', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', clock: { ...systemClock, now: () => Date.now() + 4 * 86_400_000 } });
    try {
      const { code, stdout, stderr } = await cli('verify', ...IDS, '--to', collector.url);
      assert.equal(code, 1);
      assert.match(stdout, /validation server: 2 messages/);
      assert.match(stderr, /not sent to \/mp\/collect/);
      assert.equal(collector.stats().storedHits, 0);
      assertNoSecret(stdout, stderr);
    } finally {
      await collector.close();
    }
  });

  it('a refusing collector: exit 1 with the status', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none', status: 503 });
    try {
      const { code, stderr } = await cli('verify', ...IDS, '--to', collector.url);
      assert.equal(code, 1);
      assert.match(stderr, /refused the hit with HTTP 503/);
      assertNoSecret(stderr);
    } finally {
      await collector.close();
    }
  });

  it('takes the ids from FOOTFALL_GA4_MEASUREMENT_ID / FOOTFALL_GA4_API_SECRET', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none' });
    try {
      const { code, stdout, stderr } = await cliWith({ env: { FOOTFALL_GA4_MEASUREMENT_ID: 'G-FROMENV1', FOOTFALL_GA4_API_SECRET: SECRET } }, 'verify', '--to', collector.url);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /Verifying measurement id G-FROMENV1 \(the API secret is not shown\)/);
      assertNoSecret(stdout, stderr);
    } finally {
      await collector.close();
    }
  });

  it('needs both ids even with --to: usage errors naming the flag (exit 2)', async () => {
    for (const [args, message] of [
      [['--api-secret', SECRET], /missing --measurement-id \(or FOOTFALL_GA4_MEASUREMENT_ID\)/],
      [['--measurement-id', 'G-TEST1234', '--to', 'http://127.0.0.1:9'], /missing --api-secret \(or FOOTFALL_GA4_API_SECRET\)/],
      [['--measurement-id', '123456789', '--api-secret', SECRET], /--measurement-id must be a GA4 measurement id/],
      [[...IDS, '--region', 'us'], /--region <region>.*Allowed choices are global, eu/],
      [[...IDS, '--timeout-ms', '-5'], /--timeout-ms <ms>/],
    ] as const) {
      const { code, stdout, stderr } = await cli('verify', ...args);
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, message);
      assertNoSecret(stdout, stderr);
    }
  });
});

describe('footfall verify (a real process)', () => {
  it('sends the debug_mode page_view to a collector and exits 0', async () => {
    const collector = await startCollector({ port: 0, memory: true, output: 'none' });
    try {
      const { code, stdout, stderr } = await runFootfall(['verify', ...IDS, '--to', collector.url]);
      assert.equal(code, 0, stderr);
      assert.equal((await collector.store.recentHits(1))[0]?.title, marker(stdout));
      assertNoSecret(stdout, stderr);
    } finally {
      await collector.close();
    }
  });
});
