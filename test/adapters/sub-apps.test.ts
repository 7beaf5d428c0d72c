// Issue 11: Express sub-applications (`app.use(path, express())`), as a RealWorld server composes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import express4 from 'express4';
import * as expressAdapter from '../../src/adapters/express/index.js';
import { createTestTracker } from '../../src/testing/index.js';
import { serveHttp } from './apps.js';

const FACTORIES = [['5', express], ['4', express4 as unknown as typeof express]] as const;

/** Requests `paths` one after another; resolves with the routes of the hits they made. */
async function routesAfter(tracker: ReturnType<typeof createTestTracker>, url: string, paths: string[], method = 'GET'): Promise<string[]> {
  tracker.reset();
  for (const path of paths) await (await fetch(`${url}${path}`, { method })).text();
  const hits = await tracker.waitForHits(paths.length);
  return hits.map((hit) => hit.route).sort();
}

for (const [name, factory] of FACTORIES) {
  describe(`express ${name}: sub-applications`, () => {
    it('names a sub-app mounted at a path with parameters by its template, nested sub-apps too, with no raw id in any payload', async () => {
      const tracker = createTestTracker();
      const server = factory();
      server.use(expressAdapter.trackRequests(tracker));
      const items = factory();
      items.get('/items/:id', (_req, res) => void res.send('ok'));
      server.use('/tenants/:tenant/app', items);
      const things = factory();
      things.get('/things/:thingId', (_req, res) => void res.send('ok'));
      const zones = factory();
      zones.use('/zones/:zone', things);
      server.use('/orgs/:org', zones);
      const router = factory.Router();
      router.get('/items/:id', (_req, res) => void res.send('ok'));
      server.use('/routers/:tenant/app', router);
      const app = await serveHttp(server);
      try {
        const routes = await routesAfter(tracker, app.url, ['/tenants/acme/app/items/9', '/orgs/acme/zones/acme-eu/things/5', '/routers/acme/app/items/9']);
        assert.deepEqual(routes, ['/orgs/:org/zones/:zone/things/:thingId', '/routers/:tenant/app/items/:id', '/tenants/:tenant/app/items/:id']);
        const sent = JSON.stringify(tracker.payloads);
        assert.ok(sent.includes('/tenants/:tenant/app/items/:id'), 'the template is in the payload');
        assert.ok(!sent.includes('acme'), `no raw id in ${sent}`);
      } finally {
        await app.close();
        await tracker.close();
      }
    });

    it('names a sub-app used inside a Router (which sets no mountpath or parent) by its template', async () => {
      const tracker = createTestTracker();
      const server = factory();
      server.use(expressAdapter.trackRequests(tracker));
      const items = factory();
      items.get('/items/:id', (_req, res) => void res.send('ok'));
      const router = factory.Router();
      router.use('/tenants/:tenant', items);
      server.use('/api', router);
      const app = await serveHttp(server);
      try {
        assert.deepEqual(await routesAfter(tracker, app.url, ['/api/tenants/acme/items/9']), ['/api/tenants/:tenant/items/:id']);
        assert.deepEqual(expressAdapter.listRoutes(server), [{ method: 'GET', path: '/api/tenants/:tenant/items/:id' }]);
      } finally {
        await app.close();
        await tracker.close();
      }
    });

    it('lists the routes of mounted sub-apps, nested sub-apps and routers inside them, without running the app', () => {
      const server = factory();
      let ran = 0;
      const count = (_req: unknown, _res: unknown, next: () => void) => { ran++; next(); };
      const articles = factory();
      articles.use(count);
      articles.get('/articles/:slug', (_req, res) => void res.send('ok'));
      const comments = factory.Router();
      comments.post('/:slug/comments', (_req, res) => void res.send('ok'));
      articles.use('/articles', comments);
      const users = factory();
      users.post('/users/login', (_req, res) => void res.send('ok'));
      const profiles = factory();
      profiles.get('/:username', (_req, res) => void res.send('ok'));
      users.use('/profiles', profiles);
      const tenant = factory();
      tenant.get('/items/:id', (_req, res) => void res.send('ok'));
      server.use(articles);
      server.use(users);
      server.use('/tenants/:tenant/app', tenant);
      assert.deepEqual(expressAdapter.listRoutes(server).map((r) => `${r.method} ${r.path}`), [
        'GET /articles/:slug',
        'POST /articles/:slug/comments',
        'GET /profiles/:username',
        'GET /tenants/:tenant/app/items/:id',
        'POST /users/login',
      ]);
      assert.equal(ran, 0, 'no middleware of the app ran');
    });
  });
}

describe('express: reading the template never throws into the app', () => {
  it('a router whose layers cannot be read still leaves the process standing, and the request is counted', async () => {
    const tracker = createTestTracker();
    const server = express();
    server.use(expressAdapter.trackRequests(tracker));
    const router = express.Router();
    router.get('/items/:id', (_req, res) => void res.send('ok'));
    server.use('/tenants/:tenant', router);
    // A layer Footfall cannot read (a hostile plugin, a future Express): every property throws.
    const hostile = new Proxy({}, { get: () => { throw new Error('unreadable layer'); } });
    router.stack.push(hostile as (typeof router.stack)[number]);
    const app = await serveHttp(server);
    try {
      assert.equal((await fetch(`${app.url}/tenants/acme/items/9`)).status, 200);
      const [hit] = await tracker.waitForHits(1);
      assert.equal(hit?.method, 'GET');
      assert.ok(!hit?.location.includes('acme'), hit?.location);
    } finally {
      await app.close();
      await tracker.close();
    }
  });
});
