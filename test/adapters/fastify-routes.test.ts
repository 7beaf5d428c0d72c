// Issue 11, inside the Fastify demo's setup: routes autoloaded under directory prefixes,
// documented by @fastify/swagger. listRoutes must hold what the app declared (not the HEAD
// routes Fastify adds for each GET), as the very strings recorded in hits, so that an app
// whose every route is called shows nothing unused.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import autoload from '@fastify/autoload';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { listRoutes, trackRequests } from '../../src/adapters/fastify/index.js';
import { matchInventory } from '../../src/collector/route-match.js';
import { openApiRoutes } from '../../src/collector/routes-openapi.js';
import { createTestTracker, type TestTracker } from '../../src/testing/index.js';

/** What @fastify/autoload loads: `routes/api/index.mjs` is served under `/api`, and so on. */
const ROUTE_FILES: Record<string, string> = {
  'api/index.mjs': `export default async function (app) {
    app.get('/', async () => ({ name: 'demo' }));
  }`,
  'api/tasks/index.mjs': `export default async function (app) {
    app.get('/', async () => []);
    app.post('/', async (request, reply) => reply.code(201).send({ id: 1 }));
    app.get('/:id', async () => ({ id: 1 }));
    app.head('/:id/file', async (request, reply) => reply.header('content-length', '3').send());
    app.get('/:id/file', async () => 'abc');
    app.head('/:id/attachment', async (request, reply) => reply.send());
    app.get('/:id/notes/', async () => []);
  }`,
};

const DECLARED = [
  'GET /api',
  'GET /api/tasks',
  'POST /api/tasks',
  'GET /api/tasks/:id',
  'HEAD /api/tasks/:id/attachment',
  'GET /api/tasks/:id/file',
  'HEAD /api/tasks/:id/file',
  'GET /api/tasks/:id/notes',
];

const CALLS: [string, string][] = [
  ['GET', '/api'],
  ['GET', '/api/'],
  ['GET', '/api/tasks'],
  ['GET', '/api/tasks/'],
  ['POST', '/api/tasks/'],
  ['GET', '/api/tasks/7'],
  ['GET', '/api/tasks/7/file'],
  ['HEAD', '/api/tasks/7/file'],
  ['HEAD', '/api/tasks/7/attachment'],
  ['GET', '/api/tasks/7/notes/'],
];

const sorted = (lines: Iterable<string>) => [...new Set(lines)].sort();

describe('fastify: listRoutes, recorded pages and @fastify/swagger agree (autoloaded routes)', () => {
  let dir: string;
  let app: FastifyInstance;
  let tracker: TestTracker;
  let base: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'footfall-autoload-'));
    for (const [file, source] of Object.entries(ROUTE_FILES)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), source);
    }
    tracker = createTestTracker();
    app = Fastify();
    await app.register(trackRequests, { tracker });
    await app.register(swagger, { openapi: { info: { title: 'demo', version: '1.0.0' } } });
    await app.register(autoload, { dir });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    for (const [method, path] of CALLS) {
      const response = await fetch(`${base}${path}`, { method });
      await response.text();
      assert.ok(response.status < 300, `${method} ${path}: ${response.status}`);
    }
    await tracker.flush();
  });
  after(async () => {
    await app.close();
    await tracker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const listed = () => listRoutes(app).map((route) => `${route.method} ${route.path}`);
  let hits: { method: string; route: string }[] = [];
  before(() => {
    hits = tracker.hits.map((hit) => ({ method: hit.method, route: hit.route }));
  });
  const swaggerRoutes = () => openApiRoutes(app.swagger() as unknown as Parameters<typeof openApiRoutes>[0], 'swagger');

  it('lists what the app declared: no HEAD route Fastify added for a GET, explicit HEAD routes kept', () => {
    assert.deepEqual(sorted(listed()), sorted(DECLARED));
  });

  it('records the very strings listRoutes returns, with or without the trailing slash: nothing declared is left unused', () => {
    const pages = sorted(hits.map((hit) => `${hit.method} ${hit.route}`));
    assert.deepEqual(pages, sorted(DECLARED), 'every declared route was called, and recorded under its listed template');
    assert.equal(hits.length, CALLS.length);
  });

  it('a HEAD request served by the HEAD route Fastify added is counted as its GET, whichever of `/x` and `/x/` it came to; a declared HEAD stays HEAD', async () => {
    tracker.reset();
    for (const path of ['/api/tasks', '/api/tasks/', '/api/tasks/7/file']) await (await fetch(`${base}${path}`, { method: 'HEAD' })).text();
    await tracker.flush();
    assert.deepEqual(tracker.hits.map((hit) => `${hit.method} ${hit.route} | ${hit.title}`), ['GET /api/tasks | GET /api/tasks', 'GET /api/tasks | GET /api/tasks', 'HEAD /api/tasks/:id/file | HEAD /api/tasks/:id/file']);
  });

  it('the swagger document names the same endpoints (it leaves HEAD out), up to its trailing slash on a prefix\'s "/" route', () => {
    const documented = swaggerRoutes();
    assert.ok(documented.some((route) => route.route === '/api/tasks/'), '@fastify/swagger writes /api/tasks/');
    const trimmed = documented.map((route) => `${route.method} ${route.route.length > 1 ? route.route.replace(/\/$/, '') : route.route}`);
    assert.deepEqual(sorted(trimmed), sorted(listed().filter((line) => !line.startsWith('HEAD '))));
  });

  it('the collector matches the swagger document with the recorded pages', () => {
    const match = matchInventory(swaggerRoutes());
    const unmatched = hits.filter((hit) => hit.method !== 'HEAD' && !match.isDeclared(hit.method, hit.route)).map((hit) => `${hit.method} ${hit.route}`);
    assert.deepEqual(unmatched, []);
  });
});

describe('fastify: telling the HEAD routes Fastify added from the app\'s', () => {
  it('holds when a plugin registered first wraps every handler in onRoute (as tracing plugins do), and for a GET with exposeHeadRoute: false', async () => {
    const app = Fastify();
    app.addHook('onRoute', (route) => {
      const inner = route.handler;
      route.handler = function wrapped(this: FastifyInstance, ...args: Parameters<typeof inner>) {
        return inner.apply(this, args);
      };
    });
    await app.register(trackRequests, { tracker: createTestTracker() });
    const shared = async () => 'x';
    await app.register(async (api) => {
      api.get('/', async () => 'x');
      api.get('/items/:id', async () => 'x');
      api.get('/files/:id', { exposeHeadRoute: false }, shared);
      api.head('/files/:id', shared);
    }, { prefix: '/api' });
    await app.ready();
    assert.deepEqual(listRoutes(app).map((route) => `${route.method} ${route.path}`), ['GET /api', 'GET /api/files/:id', 'HEAD /api/files/:id', 'GET /api/items/:id']);
    await app.close();
  });

  it('with exposeHeadRoutes: false on the app, a HEAD route right after its GET is the app\'s', async () => {
    const app = Fastify({ exposeHeadRoutes: false });
    await app.register(trackRequests, { tracker: createTestTracker() });
    app.get('/v1/items/:id', async () => 'x');
    app.head('/v1/items/:id', async (_request, reply) => reply.send());
    await app.ready();
    assert.deepEqual(listRoutes(app).map((route) => `${route.method} ${route.path}`), ['GET /v1/items/:id', 'HEAD /v1/items/:id']);
    await app.close();
  });
});
