// Issue 11: HEAD requests showed as endpoints nobody declared. Routers serve HEAD with the GET
// route, so a HEAD is counted with that GET unless the app declared its own HEAD route.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

/** HEAD to each path; resolves with `title | method route` of each hit. */
async function headHits(tracker: TestTracker, url: string, paths: string[]): Promise<string[]> {
  for (const path of paths) await (await fetch(`${url}${path}`, { method: 'HEAD' })).text();
  const hits = await tracker.waitForHits(paths.length);
  return hits.map((hit) => `${hit.title} | ${hit.method} ${hit.route}`).sort();
}

const EXPECTED = ['GET /x/:id | GET /x/:id', 'HEAD /y/:id | HEAD /y/:id'];

describe('HEAD requests', () => {
  for (const [name, factory] of [['5', express], ['4', express4 as unknown as typeof express]] as const) {
    it(`express ${name}: counted with the GET route that served them, unless a HEAD route was declared`, async () => {
      const tracker = createTestTracker();
      const app = factory();
      app.use(expressAdapter.trackRequests(tracker));
      app.get('/x/:id', (_req, res) => void res.send('ok'));
      app.head('/y/:id', (_req, res) => void res.end());
      app.get('/y/:id', (_req, res) => void res.send('ok'));
      const server = await serveHttp(app);
      try {
        assert.deepEqual(await headHits(tracker, server.url, ['/x/1', '/y/2']), EXPECTED);
      } finally {
        await server.close();
        await tracker.close();
      }
    });
  }

  it('koa with @koa/router', async () => {
    const tracker = createTestTracker();
    const app = new Koa();
    app.use(koaAdapter.trackRequests(tracker));
    const router = new Router();
    router.get('/x/:id', (ctx) => void (ctx.body = 'ok'));
    router.head('/y/:id', (ctx) => void (ctx.status = 200));
    router.get('/y/:id', (ctx) => void (ctx.body = 'ok'));
    app.use(router.routes());
    const server = await serveHttp(app.callback());
    try {
      assert.deepEqual(await headHits(tracker, server.url, ['/x/1', '/y/2']), EXPECTED);
    } finally {
      await server.close();
      await tracker.close();
    }
  });

  it('node with routes', async () => {
    const tracker = createTestTracker();
    const listener = nodeAdapter.trackRequests(tracker, { routes: ['GET /x/:id', 'HEAD /y/:id', 'GET /y/:id'] });
    const server = await serveHttp((req, res) => {
      listener(req, res);
      res.end();
    });
    try {
      assert.deepEqual(await headHits(tracker, server.url, ['/x/1', '/y/2']), EXPECTED);
    } finally {
      await server.close();
      await tracker.close();
    }
  });

  it('hono (which serves every HEAD with its GET route)', async () => {
    const tracker = createTestTracker();
    const app = new Hono();
    app.use(honoAdapter.trackRequests(tracker));
    app.get('/x/:id', (c) => c.text('ok'));
    await app.request('/x/1', { method: 'HEAD' });
    assert.deepEqual(tracker.hits.map((hit) => `${hit.title} | ${hit.method} ${hit.route}`), ['GET /x/:id | GET /x/:id']);
    await tracker.close();
  });
});
