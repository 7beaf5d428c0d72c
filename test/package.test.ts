import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { VERSION } from '../src/version.js';

interface Conditions { types: string; default: string }
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  engines: { node: string };
  bin: Record<string, string>;
  exports: Record<string, string | { import: Conditions; require?: Conditions }>;
};

/** The public names of `footfall`, as a snapshot: a change here is a change of the contract. */
const PUBLIC_NAMES = [
  'ERROR_CODES', 'FootfallError', 'createTracker', 'GA4_LIMITS', 'GA4_VALIDATION_CODES', 'UNMATCHED_ROUTE', 'VERSION', 'WARNINGS',
  'collector', 'encodeGa4', 'encodeUa', 'ga4', 'isFootfallError', 'resolveHitOptions', 'toHit', 'ua', 'validateGa4', 'validateUa',
].sort();

describe('package', () => {
  it('VERSION matches package.json', () => {
    assert.equal(VERSION, pkg.version);
  });

  it('supports Node >= 20', () => {
    assert.equal(pkg.engines.node, '>=20');
  });

  it('lists only subpaths whose files exist', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      // footfall/collector is ESM only (a leaf that loads better-sqlite3 through import.meta.url).
      const files = typeof target === 'string' ? [target] : [target.import.types, target.import.default, ...(target.require === undefined ? [] : [target.require.types, target.require.default])];
      for (const file of files) assert.ok(existsSync(file), `${subpath} -> ${file} is missing (run npm run build)`);
    }
    for (const file of Object.values(pkg.bin)) assert.ok(existsSync(file), `bin ${file} is missing`);
  });

  it('footfall/collector loads from dist and serves its dashboard from dist/dashboard', async () => {
    const module = (await import(pathToFileURL(resolve('dist/collector.js')).href)) as { startCollector: (options: object) => Promise<{ url: string; close: () => Promise<void> }> };
    const collector = await module.startCollector({ port: 0, memory: true, output: 'none' });
    try {
      const page = await fetch(`${collector.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>[^<]*Footfall/);
      const status = await fetch(`${collector.url}/api/status`);
      assert.equal(((await status.json()) as { hits: number }).hits, 0);
    } finally {
      await collector.close();
    }
  });

  it('footfall/testing loads from dist (ESM only) and works: a test tracker and a fake collector', async () => {
    type TestingModule = {
      createTestTracker: () => { track: (input: object) => void; hits: { route: string }[] };
      startFakeCollector: () => Promise<{ endpoint: string; close: () => Promise<void> }>;
      assertTracked: (source: object, match: object) => unknown;
    };
    const module = (await import(pathToFileURL(resolve('dist/testing.js')).href)) as TestingModule;
    const tracker = module.createTestTracker();
    tracker.track({ route: '/v1/users/:id', url: '/v1/users/1', status: 200 });
    assert.deepEqual(tracker.hits.map((hit) => hit.route), ['/v1/users/:id']);
    module.assertTracked(tracker, { route: '/v1/users/:id', status: 200 });
    const fake = await module.startFakeCollector();
    try {
      assert.match(fake.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/mp\/collect$/);
    } finally {
      await fake.close();
    }
    assert.ok(existsSync('dist/testing.d.ts'));
  });

  it('loads as ESM with exactly the public names', async () => {
    const module = (await import(pathToFileURL(resolve('dist/index.js')).href)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module).sort(), PUBLIC_NAMES);
  });

  it('loads as CommonJS with the same names, and works', () => {
    const require = createRequire(import.meta.url);
    const module = require(resolve('dist/index.cjs')) as Record<string, unknown> & { validateGa4: (p: unknown) => { validationMessages: unknown[] } };
    assert.deepEqual(Object.keys(module).filter((name) => name !== '__esModule').sort(), PUBLIC_NAMES);
    assert.equal(module.validateGa4({}).validationMessages.length, 2);
  });

  it('gives every adapter subpath trackRequests and listRoutes, as ESM and CommonJS', async () => {
    const require = createRequire(import.meta.url);
    for (const name of ['node', 'express', 'fastify', 'koa', 'hono']) {
      const esm = (await import(pathToFileURL(resolve(`dist/adapters/${name}.js`)).href)) as Record<string, unknown>;
      const cjs = require(resolve(`dist/adapters/${name}.cjs`)) as Record<string, unknown>;
      for (const module of [esm, cjs]) {
        assert.equal(typeof module.trackRequests, 'function', name);
        assert.equal(typeof module.listRoutes, 'function', name);
      }
    }
  });

  it('never loads a framework at run time (they are optional peers, used as types)', () => {
    for (const name of ['node', 'express', 'fastify', 'koa', 'hono']) {
      const code = readFileSync(`dist/adapters/${name}.js`, 'utf8') + readFileSync(`dist/adapters/${name}.cjs`, 'utf8');
      assert.doesNotMatch(code, /(?:from|require\()\s*["'](?:express|fastify|koa|@koa\/router|hono)(?:\/[^"']*)?["']/, name);
    }
  });

  it('keeps the root free of export * (internals must not leak)', () => {
    assert.doesNotMatch(readFileSync('src/index.ts', 'utf8'), /export \*/);
  });
});
