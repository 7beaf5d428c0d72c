// listRoutes returns each route as its hits record it, on every framework: the core writes a
// recorded page without a trailing slash and without parameter patterns (`:id(\d+)`,
// `:id{[0-9]+}`), so the inventory must too, or a called route shows as unused. HEAD routes
// the app declared are listed; the ones a framework adds for GET are not.
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import Router from '@koa/router';
import { serve } from '@hono/node-server';
import express4 from 'express4';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as fastifyAdapter from '../../src/adapters/fastify/index.js';
import * as honoAdapter from '../../src/adapters/hono/index.js';
import * as koaAdapter from '../../src/adapters/koa/index.js';
import * as nodeAdapter from '../../src/adapters/node/index.js';
import type { DeclaredRoute } from '../../src/adapters/shared/routes.js';
import { createTestTracker, type TestTracker } from '../../src/testing/index.js';

interface Served {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Served> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const serveNode = (listener: RequestListener) => listen(createServer(listener));

/** Calls each `METHOD /path`, then checks that the pages recorded are exactly the routes listed. */
async function assertSameStrings(tracker: TestTracker, served: Served, calls: string[], listed: () => DeclaredRoute[], expected: string[]): Promise<void> {
  try {
    for (const call of calls) {
      const [method = 'GET', path = '/'] = call.split(' ');
      const response = await fetch(`${served.url}${path}`, { method });
      await response.text();
      assert.ok(response.status < 300, `${call}: ${response.status}`);
    }
    await tracker.flush();
    const recorded = [...new Set(tracker.hits.map((hit) => `${hit.method} ${hit.route}`))].sort();
    const routes = listed().map((route) => `${route.method} ${route.path}`).sort();
    assert.deepEqual(routes, [...expected].sort(), 'listRoutes');
    assert.deepEqual(recorded, routes, 'recorded pages and listRoutes are the same strings');
  } finally {
    await served.close();
    await tracker.close();
  }
}

describe('listRoutes writes routes as hits record them', () => {
  it('koa: a prefix\'s "/" route, a trailing slash, an explicit HEAD route', async () => {
    const tracker = createTestTracker();
    const router = new Router({ prefix: '/api' });
    router.get('/', (ctx) => void (ctx.body = 'x'));
    router.get('/tasks/', (ctx) => void (ctx.body = 'x'));
    router.head('/tasks/:id/file', (ctx) => void (ctx.status = 200));
    const app = new Koa();
    app.use(koaAdapter.trackRequests(tracker)).use(router.routes());
    await assertSameStrings(tracker, await serveNode(app.callback()), ['GET /api', 'GET /api/tasks/', 'HEAD /api/tasks/7/file'], () => koaAdapter.listRoutes(router), ['GET /api', 'GET /api/tasks', 'HEAD /api/tasks/:id/file']);
  });

  // Hono 4 answers HEAD with the GET route (`app.on('HEAD', ...)` is never reached), so it has no HEAD case.
  it('hono: a trailing slash, a parameter pattern', async () => {
    const tracker = createTestTracker();
    const app = new Hono();
    app.use(honoAdapter.trackRequests(tracker));
    const api = new Hono();
    api.get('/tasks/', (c) => c.text('x'));
    api.get('/tasks/:id{[0-9]+}', (c) => c.text('x'));
    app.route('/api', api);
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    const served = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
    await assertSameStrings(tracker, served, ['GET /api/tasks/', 'GET /api/tasks/7'], () => honoAdapter.listRoutes(app), ['GET /api/tasks', 'GET /api/tasks/:id']);
  });

  it('express 4: a trailing slash and a parameter pattern', async () => {
    const tracker = createTestTracker();
    const app = express4();
    app.use(expressAdapter.trackRequests(tracker));
    app.get('/users/:id(\\d+)', (_req, res) => void res.send('x'));
    app.get('/slash/', (_req, res) => void res.send('x'));
    await assertSameStrings(tracker, await serveNode(app), ['GET /users/5', 'GET /slash/'], () => expressAdapter.listRoutes(app), ['GET /slash', 'GET /users/:id']);
  });

  it('node:http: a trailing slash in `routes`', async () => {
    const tracker = createTestTracker();
    const routes = ['GET /a/', 'GET /b/:id'];
    const listener = nodeAdapter.trackRequests(tracker, { routes });
    await assertSameStrings(tracker, await serveNode((req, res) => { listener(req, res); res.end('x'); }), ['GET /a/', 'GET /b/1'], () => nodeAdapter.listRoutes(routes), ['GET /a', 'GET /b/:id']);
  });

  it('fastify: a prefix\'s "/" route, a trailing slash, a parameter pattern, HEAD routes of its own and the app\'s', async () => {
    const tracker = createTestTracker();
    const app = Fastify();
    await app.register(fastifyAdapter.trackRequests, { tracker });
    await app.register(async (api) => {
      api.get('/', async () => 'x');
      api.get('/notes/', async () => 'x');
      api.get('/n/:id(^\\d+)', async () => 'x');
      api.head('/file', async (_request, reply) => reply.send());
      api.route({ method: ['GET', 'HEAD'], url: '/both', handler: async () => 'x' });
    }, { prefix: '/api' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const served = { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
    const calls = ['GET /api', 'GET /api/', 'GET /api/notes/', 'GET /api/n/5', 'HEAD /api/file', 'GET /api/both', 'HEAD /api/both'];
    await assertSameStrings(tracker, served, calls, () => fastifyAdapter.listRoutes(app), ['GET /api', 'GET /api/both', 'GET /api/n/:id', 'GET /api/notes', 'HEAD /api/both', 'HEAD /api/file']);
  });
});
