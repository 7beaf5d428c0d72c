// One server for bench/http, in its own process: `framework mode sinkUrl`.
// framework: node | express | fastify | koa | hono. mode: bare | footfall | adapter-only | floor |
// queue (issue 15: the tracker hands hits to Redis with footfall/queue's queue(), under the key
// prefix BENCH_QUEUE_PREFIX, at FOOTFALL_REDIS_URL or 127.0.0.1:6379), and for express also the
// alternatives a user would pick: universal-analytics | segment | posthog | fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import Router from '@koa/router';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { Pool } from 'undici';
import { instantTransport, loadAdapter, loadFootfall, loadQueue } from './built.js';

const [framework = 'express', mode = 'bare', sinkUrl = ''] = process.argv.slice(2);
const { createTracker, ga4, collector } = await loadFootfall();
const [nodeAdapter, expressAdapter, fastifyAdapter, koaAdapter, honoAdapter] = await Promise.all([loadAdapter('node'), loadAdapter('express'), loadAdapter('fastify'), loadAdapter('koa'), loadAdapter('hono')]);
const footfall = mode === 'footfall' || mode === 'adapter-only' || mode === 'queue';
/** footfall/queue loads bullmq and ioredis: only in queue mode. */
const queueModule = mode === 'queue' ? await loadQueue() : undefined;
/** 'adapter-only': the adapter records into a tracker whose track() does nothing (what the adapter alone costs). */
const nullTracker = { track: () => undefined, flush: async () => undefined, close: async () => ({ sent: 0, failed: 0, dropped: 0, pending: 0 }), stats: () => ({ tracked: 0, sent: 0 }), on: () => () => undefined } as unknown as ReturnType<typeof createTracker>;
const tracker = mode === 'adapter-only' ? nullTracker : footfall
  ? createTracker({
      destination: destination(),
      hashKey: 'bench-key-0123456789abcdef',
      flushOnExit: false,
      // BENCH_NULL_TRANSPORT=1 drops the HTTP send, to separate what sending costs from the rest.
      ...(process.env.BENCH_NULL_TRANSPORT === '1' ? { transport: instantTransport } : {}),
    })
  : undefined;
/**
 * 'floor': the least any sender inside the process can do, written by hand for this bench — one
 * 'finish' listener on the raw response, three facts held, and every 25 one JSON body sent over a
 * kept-alive undici pool whose answer is thrown away. No privacy, no retries, no accounting: what
 * no analytics library can go below. Hooked on the node:http server itself, under every framework.
 */
function hookFloor(server: Server): void {
  if (mode !== 'floor') return;
  const pool = new Pool(sinkUrl, { connections: 4 });
  let held: { path: string; status: number; ms: number }[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    res.once('finish', () => {
      held.push({ path: req.url ?? '/', status: res.statusCode, ms: performance.now() - started });
      if (held.length < 25) return;
      const body = JSON.stringify({ client_id: '1.1', events: held.map((hit) => ({ name: 'page_view', params: { page_location: hit.path, status: hit.status, duration_ms: hit.ms } })) });
      held = [];
      pool.request({ path: '/mp/collect', method: 'POST', body }).then((answer) => answer.body.dump(), () => undefined);
    });
  });
}
const BODY = JSON.stringify({ id: 42, name: 'Ada' });

/** BENCH_DESTINATION: ga4 (default), collector (Footfall's /mp/batch, many consumers a request), collector-unbatched (/mp/collect). */
function destination() {
  if (queueModule !== undefined) return queueModule.queue({ redisUrl: process.env.FOOTFALL_REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: process.env.BENCH_QUEUE_PREFIX });
  const kind = process.env.BENCH_DESTINATION ?? 'ga4';
  if (kind === 'collector') return collector(sinkUrl);
  if (kind === 'collector-unbatched') return collector(sinkUrl, { batch: false });
  return ga4({ measurementId: 'G-BENCH123', apiSecret: 's', endpoint: `${sinkUrl}/mp/collect` });
}
/** BENCH_CONSUMERS: how many consumers the requests come from (each request's user id drawn in turn from a pool). */
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 1);
let nextConsumer = 0;
const consumer = (): string | undefined => (CONSUMERS <= 1 ? undefined : `consumer-${nextConsumer++ % CONSUMERS}`);
/** The same options for every adapter: a user id per request when there are several consumers. */
const adapterOptions = CONSUMERS <= 1 ? {} : { userId: () => consumer() };
/**
 * BENCH_EMPTY_HOOK=1: one middleware (Fastify: an onRequest hook) that does nothing, where the
 * adapter would go — what the framework itself charges any middleware, the least an adapter adds.
 */
const EMPTY_HOOK = process.env.BENCH_EMPTY_HOOK === '1';

async function start(): Promise<number> {
  if (framework === 'node') {
    const listener = tracker ? nodeAdapter.trackRequests(tracker, { routes: ['/v1/users/:id'], ...adapterOptions }) : undefined;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      listener?.(req, res);
      res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
    });
    hookFloor(server);
    return listen(server);
  }
  if (framework === 'express') {
    const app = express();
    if (EMPTY_HOOK) app.use((_req, _res, next) => next());
    if (tracker) app.use(expressAdapter.trackRequests(tracker, adapterOptions));
    const send = await alternative();
    app.get('/v1/users/:id', async (req, res) => {
      await send(req.path);
      res.json({ id: 42, name: 'Ada' });
    });
    const server = createServer(app);
    hookFloor(server);
    return listen(server);
  }
  if (framework === 'fastify') {
    const app = Fastify();
    if (EMPTY_HOOK) app.addHook('onRequest', (_request, _reply, done) => done());
    if (tracker) await app.register(fastifyAdapter.trackRequests, { tracker, ...adapterOptions });
    app.get('/v1/users/:id', async () => ({ id: 42, name: 'Ada' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    hookFloor(app.server);
    return (app.server.address() as AddressInfo).port;
  }
  if (framework === 'koa') {
    const app = new Koa();
    if (EMPTY_HOOK) app.use((_ctx, next) => next());
    if (tracker) app.use(koaAdapter.trackRequests(tracker, adapterOptions));
    const router = new Router();
    router.get('/v1/users/:id', (ctx) => void (ctx.body = { id: 42, name: 'Ada' }));
    app.use(router.routes());
    const server = createServer(app.callback());
    hookFloor(server);
    return listen(server);
  }
  const app = new Hono();
  if (EMPTY_HOOK) app.use((_c, next) => next());
  if (tracker) app.use(honoAdapter.trackRequests(tracker, adapterOptions));
  app.get('/v1/users/:id', (c) => c.json({ id: 42, name: 'Ada' }));
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    hookFloor(server as Server);
  });
}

/** What the handler awaits per request for the alternatives (they have no middleware of their own). */
async function alternative(): Promise<(path: string) => Promise<void> | void> {
  let n = 0;
  if (mode === 'universal-analytics') {
    const { default: ua } = await import('universal-analytics');
    return (path) => void ua('UA-1234-1', `cid-${n++ % CONSUMERS}`, { hostname: sinkUrl, http: true }).pageview(path).send();
  }
  if (mode === 'segment') {
    const { Analytics } = await import('@segment/analytics-node');
    const analytics = new Analytics({ writeKey: 'bench', host: sinkUrl, path: '/v1/batch' });
    analytics.on('error', () => undefined);
    return (path) => void analytics.track({ anonymousId: `a-${n++ % CONSUMERS}`, event: 'api_request', properties: { path } });
  }
  if (mode === 'posthog') {
    const { PostHog } = await import('posthog-node');
    const posthog = new PostHog('phc_bench', { host: sinkUrl });
    posthog.on('error', () => undefined);
    return (path) => void posthog.capture({ distinctId: `d-${n++ % CONSUMERS}`, event: '$pageview', properties: { $current_url: path } });
  }
  if (mode === 'fetch') {
    return async (path) => {
      await fetch(`${sinkUrl}/mp/collect`, { method: 'POST', body: JSON.stringify({ client_id: '1.1', events: [{ name: 'page_view', params: { page_location: path } }] }) }).then((r) => r.arrayBuffer()).catch(() => undefined);
    };
  }
  return () => undefined;
}

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

process.on('uncaughtException', () => undefined);
const port = await start();
process.stdout.write(`http://127.0.0.1:${port}\n`);
// 'stats': memory (now and peak) and CPU so far. 'close:<ms>': closes the tracker with that
// deadline and answers how it went (the share of hits delivered by the end of close()).
process.on('message', (message) => {
  const text = String(message);
  if (text === 'profile-start' || text.startsWith('profile-stop:')) return void profile(text).then(() => process.send?.('ok'));
  if (!text.startsWith('close:')) {
    process.send?.({ rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024, cpuUs: process.cpuUsage().user + process.cpuUsage().system });
    return;
  }
  const started = Date.now();
  void (tracker?.close({ timeoutMs: Number(text.slice(6)) }) ?? Promise.resolve(undefined)).then((result) => {
    process.send?.({ result, closeMs: Date.now() - started, stats: tracker?.stats() });
  });
});
process.on('disconnect', () => process.exit(0));

let inspector: Session | undefined;
/** 'profile-start' starts V8's sampling profiler in this process; 'profile-stop:<file>' writes what it saw (bench/stages). */
async function profile(command: string): Promise<void> {
  if (command === 'profile-start') {
    inspector = new Session();
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
    await inspector.post('Profiler.start');
    return;
  }
  const { profile: result } = await (inspector as Session).post('Profiler.stop');
  writeFileSync(command.slice('profile-stop:'.length), JSON.stringify(result));
  inspector?.disconnect();
}
process.on('SIGINT', () => process.exit(0));
