// The same small API on every framework, instrumented or bare (tracker undefined), for the
// adapter contract. Each resolves `slowStarted` when GET /v1/slow arrives and never answers it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Koa from 'koa';
import Router from '@koa/router';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { Tracker } from '../../src/delivery/tracker.js';
import * as nodeAdapter from '../../src/adapters/node/index.js';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as fastifyAdapter from '../../src/adapters/fastify/index.js';
import * as koaAdapter from '../../src/adapters/koa/index.js';
import * as honoAdapter from '../../src/adapters/hono/index.js';
import type { DeclaredRoute } from '../../src/adapters/shared/routes.js';

export interface App {
  url: string;
  routes: DeclaredRoute[];
  slowStarted: Promise<void>;
  close(): Promise<void>;
}
export type MakeApp = (tracker: Tracker | undefined) => Promise<App>;

const USERS = '/v1/users';

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve: () => resolve() };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server) {
  return () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
}

/** Any request listener on 127.0.0.1, port 0. */
export async function serveHttp(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  return { url: await listen(server), close: closer(server) };
}

export const makeNode: MakeApp = async (tracker) => {
  const slow = signal();
  const routes = ['GET /v1/users/:id', 'POST /v1/users', 'GET /v1/orders/:orderId/items', 'GET /v1/slow', 'GET /health'];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && /^\/v1\/users\/[^/]+$/.test(path)) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
    if (req.method === 'POST' && path === USERS) return void res.writeHead(201).end('{}');
    if (req.method === 'GET' && /^\/v1\/orders\/[^/]+\/items$/.test(path)) return void res.writeHead(200).end('[]');
    if (path === '/v1/slow') return slow.resolve();
    if (path === '/health') return void res.writeHead(200).end('ok');
    res.writeHead(404).end('not found');
  });
  if (tracker !== undefined) server.prependListener('request', nodeAdapter.trackRequests(tracker, { routes }));
  return { url: await listen(server), routes: nodeAdapter.listRoutes(routes), slowStarted: slow.promise, close: closer(server) };
};

function expressApp(factory: typeof express, tracker: Tracker | undefined, slow: ReturnType<typeof signal>) {
  const app = factory();
  if (tracker !== undefined) app.use(expressAdapter.trackRequests(tracker));
  const v1 = factory.Router();
  const users = factory.Router();
  users.get('/:id', (_req, res) => void res.json({ id: 1 }));
  users.post('/', (_req, res) => void res.status(201).json({}));
  v1.use('/users', users);
  v1.get('/orders/:orderId/items', (_req, res) => void res.json([]));
  v1.get('/slow', () => slow.resolve());
  app.use('/v1', v1);
  app.get('/health', (_req, res) => void res.send('ok'));
  // The app's own error handler, as a real app has: Express's default one prints each error's
  // stack unless NODE_ENV=test, and a bad percent-escape in `:id` is such an error (a URIError
  // with status 400), which littered passing test runs. Four parameters mark an error handler.
  app.use((error: { status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    res.status(error.status ?? 500).end();
  });
  return app;
}

export const makeExpress = (factory: typeof express): MakeApp => async (tracker) => {
  const slow = signal();
  const app = expressApp(factory, tracker, slow);
  const server = createServer(app);
  return { url: await listen(server), routes: expressAdapter.listRoutes(app), slowStarted: slow.promise, close: closer(server) };
};
export const makeExpress5 = makeExpress(express);
export const makeExpress4 = makeExpress(express4 as unknown as typeof express);

export const makeFastify: MakeApp = async (tracker) => {
  const slow = signal();
  const app = Fastify({ forceCloseConnections: true });
  if (tracker !== undefined) await app.register(fastifyAdapter.trackRequests, { tracker });
  await app.register(async (v1) => {
    v1.get('/users/:id', async () => ({ id: 1 }));
    v1.post('/users', async (_request, reply) => reply.code(201).send({}));
    v1.get('/orders/:orderId/items', async () => []);
    v1.get('/slow', async (request) => {
      slow.resolve();
      await new Promise((resolve) => request.raw.once('close', resolve));
      return '';
    });
  }, { prefix: '/v1' });
  app.get('/health', async () => 'ok');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}`, routes: tracker === undefined ? [] : fastifyAdapter.listRoutes(app), slowStarted: slow.promise, close: () => app.close() };
};

export const makeKoa: MakeApp = async (tracker) => {
  const slow = signal();
  const app = new Koa();
  if (tracker !== undefined) app.use(koaAdapter.trackRequests(tracker));
  const router = new Router({ prefix: '/v1' });
  router.get('/users/:id', (ctx) => void (ctx.body = { id: 1 }));
  router.post('/users', (ctx) => { ctx.status = 201; ctx.body = {}; });
  router.get('/orders/:orderId/items', (ctx) => void (ctx.body = []));
  router.get('/slow', async (ctx) => {
    slow.resolve();
    await new Promise((resolve) => ctx.req.once('close', resolve));
  });
  const root = new Router();
  root.get('/health', (ctx) => void (ctx.body = 'ok'));
  app.use(router.routes()).use(root.routes());
  const server = createServer(app.callback());
  return { url: await listen(server), routes: koaAdapter.listRoutes([router, root]), slowStarted: slow.promise, close: closer(server) };
};

export const makeHono: MakeApp = async (tracker) => {
  const slow = signal();
  const app = new Hono();
  if (tracker !== undefined) app.use(honoAdapter.trackRequests(tracker));
  const v1 = new Hono();
  v1.get('/users/:id', (c) => c.json({ id: 1 }));
  v1.post('/users', (c) => c.json({}, 201));
  v1.get('/orders/:orderId/items', (c) => c.json([]));
  v1.get('/slow', async (c) => {
    slow.resolve();
    await new Promise((resolve) => c.req.raw.signal.addEventListener('abort', resolve));
    return c.text('');
  });
  app.route('/v1', v1);
  app.get('/health', (c) => c.text('ok'));
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, routes: honoAdapter.listRoutes(app), slowStarted: slow.promise, close: closer(server) };
};

export const ADAPTERS: [string, MakeApp][] = [
  ['node:http', makeNode],
  ['express 5', makeExpress5],
  ['express 4', makeExpress4],
  ['fastify 5', makeFastify],
  ['koa 3', makeKoa],
  ['hono 4', makeHono],
];
