// One small API on Express and on Fastify, instrumented with a given tracker, listening on
// 127.0.0.1 port 0, for the testing kit's tests; `call` is a real HTTP request through undici.
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import type { Tracker } from '../../src/delivery/tracker.js';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as fastifyAdapter from '../../src/adapters/fastify/index.js';

export interface App {
  readonly name: string;
  readonly url: string;
  /** Sends one request; resolves with the status once the whole body has arrived. */
  call(method: string, path: string): Promise<number>;
  /** Fastify only: the same request through `app.inject()` (no socket). */
  inject?: (method: string, path: string) => Promise<number>;
  close(): Promise<void>;
}

/** 1 MiB: larger than a socket buffer, so the server writes it in several pieces. */
export const BIG_BODY = 'x'.repeat(1_048_576);

export async function startExpress(tracker: Tracker): Promise<App> {
  const app = express();
  app.use(expressAdapter.trackRequests(tracker));
  app.get('/v1/users/:id', (req, res) => void (req.params.id === '0' ? res.status(404).json({ error: 'no such user' }) : res.json({ id: req.params.id })));
  app.post('/v1/orders', (_req, res) => void res.status(201).json({ ok: true }));
  app.get('/v1/big', (_req, res) => void res.type('text/plain').send(BIG_BODY));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: 'express',
    url,
    call: (method, path) => call(url, method, path),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export async function startFastify(tracker: Tracker): Promise<App> {
  const app: FastifyInstance = Fastify();
  await app.register(fastifyAdapter.trackRequests, { tracker });
  app.get<{ Params: { id: string } }>('/v1/users/:id', async (req, reply) => (req.params.id === '0' ? reply.code(404).send({ error: 'no such user' }) : { id: req.params.id }));
  app.post('/v1/orders', async (_req, reply) => reply.code(201).send({ ok: true }));
  app.get('/v1/big', async (_req, reply) => reply.type('text/plain').send(BIG_BODY));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    name: 'fastify',
    url,
    call: (method, path) => call(url, method, path),
    inject: async (method, path) => (await app.inject({ method: method as 'GET', url: path })).statusCode,
    close: () => app.close(),
  };
}

async function call(url: string, method: string, path: string): Promise<number> {
  const response = await request(`${url}${path}`, { method: method as 'GET', headers: { 'user-agent': 'footfall-test/1.0' } });
  await response.body.text();
  return response.statusCode;
}

export const APPS = [
  { name: 'express', start: startExpress },
  { name: 'fastify', start: startFastify },
] as const;
