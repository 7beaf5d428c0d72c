// Issue 11: a request that passes through more than one trackRequests (sub-apps each
// instrumented, then composed into one server) is one hit: the first adapter to see it owns it.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import express from 'express';
import express4 from 'express4';
import Koa from 'koa';
import Router from '@koa/router';
import { Hono } from 'hono';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as koaAdapter from '../../src/adapters/koa/index.js';
import * as honoAdapter from '../../src/adapters/hono/index.js';
import * as nodeAdapter from '../../src/adapters/node/index.js';
import { createTestTracker } from '../../src/testing/index.js';
import { serveHttp } from './apps.js';

type TestTracker = ReturnType<typeof createTestTracker>;

/** Requests each path in turn; resolves with `METHOD route` of every hit, once no more can come. */
async function hitsAfter(tracker: TestTracker, url: string, calls: [string, string][]): Promise<string[]> {
  for (const [method, path] of calls) await (await fetch(`${url}${path}`, { method })).text();
  await tracker.waitForHits(calls.length);
  for (let i = 0; i < 5; i++) await turn(); // a second recorder would have recorded on the same 'close'
  assert.equal(tracker.stats().tracked, calls.length, 'one hit per request');
  return tracker.hits.map((hit) => `${hit.method} ${hit.route}`).sort();
}

describe('one request, one hit, whatever the nesting', () => {
  for (const [name, factory] of [['5', express], ['4', express4 as unknown as typeof express]] as const) {
    it(`express ${name}: sub-apps each with their own trackRequests, composed into one server`, async () => {
      const tracker = createTestTracker();
      const articles = factory();
      articles.use(expressAdapter.trackRequests(tracker));
      articles.get('/articles', (_req, res) => void res.json([]));
      articles.get('/articles/:slug', (_req, res) => void res.json({}));
      const users = factory();
      users.use(expressAdapter.trackRequests(tracker));
      users.post('/users/login', (_req, res) => void res.json({}));
      users.get('/user', (_req, res) => void res.json({}));
      const profiles = factory();
      profiles.use(expressAdapter.trackRequests(tracker));
      profiles.get('/:username', (_req, res) => void res.json({}));
      const server = factory();
      server.use(expressAdapter.trackRequests(tracker));
      server.use(articles);
      server.use(users);
      server.use('/profiles', profiles);
      const app = await serveHttp(server);
      try {
        const got = await hitsAfter(tracker, app.url, [['GET', '/articles'], ['GET', '/articles/how-to'], ['POST', '/users/login'], ['GET', '/user'], ['GET', '/profiles/jake'], ['GET', '/nothing']]);
        assert.deepEqual(got, ['GET (unmatched)', 'GET /articles', 'GET /articles/:slug', 'GET /profiles/:username', 'GET /user', 'POST /users/login']);
      } finally {
        await app.close();
        await tracker.close();
      }
    });
  }

  it('koa: two trackRequests middlewares on the way', async () => {
    const tracker = createTestTracker();
    const app = new Koa();
    app.use(koaAdapter.trackRequests(tracker));
    app.use(koaAdapter.trackRequests(tracker));
    const router = new Router({ prefix: '/v1' });
    router.get('/items/:id', (ctx) => void (ctx.body = 'ok'));
    app.use(router.routes());
    const server = await serveHttp(app.callback());
    try {
      assert.deepEqual(await hitsAfter(tracker, server.url, [['GET', '/v1/items/3']]), ['GET /v1/items/:id']);
    } finally {
      await server.close();
      await tracker.close();
    }
  });

  it('hono: a sub-app with its own trackRequests mounted with route()', async () => {
    const tracker = createTestTracker();
    const sub = new Hono();
    sub.use(honoAdapter.trackRequests(tracker));
    sub.get('/items/:id', (c) => c.text('ok'));
    const app = new Hono();
    app.use(honoAdapter.trackRequests(tracker));
    app.route('/v1', sub);
    await (await app.request('/v1/items/3')).text();
    for (let i = 0; i < 5; i++) await turn();
    assert.deepEqual(tracker.hits.map((hit) => `${hit.method} ${hit.route}`), ['GET /v1/items/:id']);
    await tracker.close();
  });

  it('node: two listeners on one server', async () => {
    const tracker = createTestTracker();
    const server = createServer((_req, res) => void res.end('ok'));
    server.prependListener('request', nodeAdapter.trackRequests(tracker, { routes: ['GET /v1/items/:id'] }));
    server.prependListener('request', nodeAdapter.trackRequests(tracker, { routes: ['GET /v1/items/:id'] }));
    const app = await serveHttp((req, res) => void server.emit('request', req, res));
    try {
      assert.deepEqual(await hitsAfter(tracker, app.url, [['GET', '/v1/items/3']]), ['GET /v1/items/:id']);
    } finally {
      await app.close();
      await tracker.close();
    }
  });
});
