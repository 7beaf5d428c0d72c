import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Koa from 'koa';
import Router from '@koa/router';
import { Hono } from 'hono';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as fastifyAdapter from '../../src/adapters/fastify/index.js';
import * as koaAdapter from '../../src/adapters/koa/index.js';
import * as honoAdapter from '../../src/adapters/hono/index.js';
import * as nodeAdapter from '../../src/adapters/node/index.js';
import { isFootfallError } from '../../src/errors.js';
import { startSink } from '../helpers/sink.js';
import { testTracker, waitFor } from '../helpers/tracker.js';

async function serveNode(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Tracks what one request through `url + path` becomes; returns its api_route. */
async function routesOf(tracker: ReturnType<typeof testTracker>['tracker'], sink: Awaited<ReturnType<typeof startSink>>, url: string, paths: string[]): Promise<string[]> {
  sink.received.length = 0;
  const before = tracker.stats().tracked;
  for (const path of paths) await (await fetch(`${url}${path}`)).text();
  await waitFor(() => tracker.stats().tracked === before + paths.length, 'the requests to be tracked');
  await tracker.flush();
  return (sink.events() as { params: { api_route: string } }[]).map((e) => e.params.api_route).sort();
}

describe('express specifics', () => {
  for (const [name, factory] of [['5', express], ['4', express4 as unknown as typeof express]] as const) {
    it(`express ${name}: routers mounted with params, and nested twice`, async () => {
      const sink = await startSink();
      const { tracker } = testTracker(sink.url);
      const app = factory();
      app.use(expressAdapter.trackRequests(tracker));
      const things = factory.Router({ mergeParams: true });
      things.get('/things/:id', (_req, res) => void res.send('ok'));
      const tenants = factory.Router();
      tenants.use('/tenants/:tenant', things);
      app.use('/api', tenants);
      const server = await serveNode(app);
      assert.deepEqual(await routesOf(tracker, sink, server.url, ['/api/tenants/acme/things/9', '/api/tenants/x']), ['(unmatched)', '/api/tenants/:tenant/things/:id']);
      assert.deepEqual(expressAdapter.listRoutes(app), [{ method: 'GET', path: '/api/tenants/:tenant/things/:id' }]);
      await server.close();
      await tracker.close();
      await sink.close();
    });
  }
});

describe('fastify specifics', () => {
  it('sees routes of encapsulated plugins registered after it, with their prefixes', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url);
    const app = Fastify();
    await app.register(fastifyAdapter.trackRequests, { tracker, title: (request) => `API (${request.routeOptions.url ?? 'none'})` });
    await app.register(async (outer) => {
      await outer.register(async (inner) => {
        inner.get('/reports/:year', async () => 'ok');
      }, { prefix: '/admin' });
    }, { prefix: '/v2' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    assert.deepEqual(await routesOf(tracker, sink, url, ['/v2/admin/reports/2026']), ['/v2/admin/reports/:year']);
    assert.equal((sink.events()[0] as { params: { page_title: string } }).params.page_title, 'API (/v2/admin/reports/:year)');
    assert.deepEqual(fastifyAdapter.listRoutes(app), [{ method: 'GET', path: '/v2/admin/reports/:year' }]);
    await app.close();
    await tracker.close();
    await sink.close();
  });

  it('fails registration, not requests, on a bad option', async () => {
    const { tracker } = testTracker('http://127.0.0.1:9');
    const app = Fastify();
    await assert.rejects(async () => {
      await app.register(fastifyAdapter.trackRequests, { tracker, sampleRate: 2 });
      await app.ready();
    }, (error: Error & { code?: string }) => error.code === 'FOOTFALL_ERR_INVALID_OPTION' && /sampleRate/.test(error.message));
  });
});

describe('koa specifics', () => {
  it('router prefixes and nested routers', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url);
    const app = new Koa();
    app.use(koaAdapter.trackRequests(tracker));
    const admin = new Router();
    admin.get('/users/:id/audit', (ctx) => void (ctx.body = 'ok'));
    const api = new Router({ prefix: '/api' });
    api.use('/admin', admin.routes());
    app.use(api.routes());
    const server = await serveNode(app.callback());
    assert.deepEqual(await routesOf(tracker, sink, server.url, ['/api/admin/users/3/audit', '/api/nothing']), ['(unmatched)', '/api/admin/users/:id/audit']);
    await server.close();
    await tracker.close();
    await sink.close();
  });
});

describe('hono specifics', () => {
  it('sub-apps mounted with route(), served as a plain fetch handler', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url);
    const app = new Hono();
    app.use(honoAdapter.trackRequests(tracker));
    const books = new Hono();
    books.get('/:isbn/reviews', (c) => c.text('ok'));
    const v3 = new Hono();
    v3.route('/books', books);
    app.route('/v3', v3);
    for (const path of ['/v3/books/978-3/reviews', '/v3/none']) await (await app.request(path)).text();
    await tracker.flush();
    assert.deepEqual((sink.events() as { params: { api_route: string } }[]).map((e) => e.params.api_route).sort(), ['(unmatched)', '/v3/books/:isbn/reviews']);
    assert.deepEqual(honoAdapter.listRoutes(app), [{ method: 'GET', path: '/v3/books/:isbn/reviews' }]);
    await tracker.close();
    await sink.close();
  });
});

describe('shared options', () => {
  it('title, userId (hashed), skip and sampleRate; errors in them never reach the app', async () => {
    const sink = await startSink();
    const { tracker } = testTracker(sink.url);
    let n = 0;
    const listener = nodeAdapter.trackRequests(tracker, {
      routes: ['/v1/:thing'],
      title: () => 'API (ThingView)',
      userId: (req) => { if (req.headers['x-boom'] !== undefined) throw new Error('boom'); return req.headers['x-user'] as string; },
      skip: (req) => req.url === '/v1/skipped',
      sampleRate: 0.5,
      random: () => (n++ % 2 === 0 ? 0.1 : 0.9),
    });
    const server = await serveNode((req, res) => { listener(req, res); res.end('ok'); });
    for (const path of ['/v1/a', '/v1/b', '/v1/skipped', '/v1/c', '/v1/d']) await (await fetch(`${server.url}${path}`, { headers: { 'x-user': 'user-7' } })).text();
    const boom = await fetch(`${server.url}/v1/e`, { headers: { 'x-boom': '1' } });
    assert.equal(boom.status, 200, 'the app answered as usual');
    await waitFor(() => tracker.stats().tracked === 2, 'two sampled requests');
    await tracker.flush();
    const bodies = sink.received.map((r) => JSON.parse(r.body) as { user_id: string; events: { params: { page_title: string } }[] });
    assert.equal(bodies.flatMap((b) => b.events).length, 2, 'half of four kept, the skipped one never counted');
    for (const body of bodies) {
      assert.match(body.user_id, /^[0-9a-f]{32}$/);
      assert.equal(body.events[0]?.params.page_title, 'API (ThingView)');
    }
    assert.ok(!sink.received.some((r) => r.body.includes('user-7')));
    await server.close();
    await tracker.close();
    await sink.close();
  });

  it('works from the environment alone, and not at all with FOOTFALL_DISABLED=1', async () => {
    const sink = await startSink();
    const env: Record<string, string> = { FOOTFALL_GA4_MEASUREMENT_ID: 'G-FROMENV1', FOOTFALL_GA4_API_SECRET: 's', FOOTFALL_ENDPOINT: sink.url, FOOTFALL_HASH_KEY: 'env-key-0123456789abcdef' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const app = express();
      app.use(expressAdapter.trackRequests());
      app.get('/x/:id', (_req, res) => void res.send('ok'));
      const server = await serveNode(app);
      for (let i = 0; i < 25; i++) await (await fetch(`${server.url}/x/${i}`)).text(); // a full batch goes at once
      await sink.until(1);
      assert.match(sink.received[0]?.url ?? '', /measurement_id=G-FROMENV1/);
      await server.close();
      process.env.FOOTFALL_DISABLED = '1';
      delete process.env.FOOTFALL_GA4_MEASUREMENT_ID;
      assert.doesNotThrow(() => expressAdapter.trackRequests(), 'disabled: no tracker needed');
      delete process.env.FOOTFALL_DISABLED;
      assert.doesNotThrow(() => expressAdapter.trackRequests(), 'FOOTFALL_ENDPOINT alone: a local collector, no Google ids needed');
      delete process.env.FOOTFALL_ENDPOINT;
      assert.throws(() => expressAdapter.trackRequests(), (error) => isFootfallError(error) && error.code === 'FOOTFALL_ERR_NO_TRACKER');
    } finally {
      process.env = saved;
    }
    await sink.close();
  });
});
