import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createDashboard, DASHBOARD_CSP, findAssetsDir, type Dashboard } from '../../src/collector/dashboard/serve-dashboard.js';

async function serve(dashboard: Dashboard): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (!dashboard.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('not the dashboard');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function get(url: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(url, options);
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('the dashboard handler', () => {
  let url: string;
  let server: Server;
  before(async () => ({ url, server } = await serve(createDashboard())));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the page, its script and style, and uPlot from node_modules, each with its type and the CSP', async () => {
    const expected: Record<string, RegExp> = {
      '/': /^text\/html; charset=utf-8$/,
      '/index.html': /^text\/html; charset=utf-8$/,
      '/assets/app.js': /^text\/javascript; charset=utf-8$/,
      '/assets/style.css': /^text\/css; charset=utf-8$/,
      '/vendor/uplot.js': /^text\/javascript; charset=utf-8$/,
      '/vendor/uplot.css': /^text\/css; charset=utf-8$/,
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await get(url + path);
      assert.equal(response.status, 200, path);
      assert.match(String(response.headers['content-type']), type, path);
      assert.equal(response.headers['content-security-policy'], DASHBOARD_CSP, path);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(Number(response.headers['content-length']), Buffer.byteLength(response.text), path);
    }
    assert.match(DASHBOARD_CSP, /default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'/);
    const uplot = await get(`${url}/vendor/uplot.js`);
    assert.equal(uplot.text, readFileSync('node_modules/uplot/dist/uPlot.iife.min.js', 'utf8'));
  });

  it('never caches the page; assets are cached briefly under URLs that carry their content hash', async () => {
    const page = await get(`${url}/`);
    assert.equal(page.headers['cache-control'], 'no-cache');
    for (const path of ['/assets/app.js', '/assets/style.css', '/vendor/uplot.js', '/vendor/uplot.css']) {
      const match = new RegExp(`"${path.replace(/[.]/g, '\\.')}\\?v=([\\w-]{8})"`).exec(page.text);
      assert.ok(match, `${path} is referenced with ?v= in index.html`);
      const asset = await get(`${url}${path}?v=${match[1] ?? ''}`);
      assert.equal(asset.status, 200);
      assert.equal(asset.headers['cache-control'], 'public, max-age=300');
      assert.equal(String(asset.headers.etag).slice(1, 9), match[1], 'the version is the start of the ETag');
    }
  });

  it('answers a matching If-None-Match with 304 and HEAD without a body', async () => {
    const first = await get(`${url}/assets/app.js`);
    const again = await get(`${url}/assets/app.js`, { headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    const head = await get(`${url}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.ok(Number(head.headers['content-length']) > 500);
  });

  it('refuses other methods on its paths with 405 and leaves every other path to the collector', async () => {
    const post = await get(`${url}/`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    for (const path of ['/api/endpoints', '/assets/other.js', '/vendor/', '/index.htm', '/assets/app.js/x']) {
      assert.equal((await get(url + path)).text, 'not the dashboard', path);
    }
  });
});

describe('finding the assets', () => {
  const root = mkdtempSync(join(tmpdir(), 'footfall-dashboard-'));
  const src = join(root, 'src', 'collector', 'dashboard', 'assets');
  const dist = join(root, 'dist', 'dashboard');
  before(() => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'footfall' }));
    for (const dir of [src, dist]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('from a built chunk in dist/ it uses dist/dashboard; from source it uses the source assets', () => {
    assert.equal(findAssetsDir(pathToFileURL(join(root, 'dist', 'chunk-ABC123.js')).href), dist);
    assert.equal(findAssetsDir(pathToFileURL(join(root, 'src', 'collector', 'dashboard', 'serve-dashboard.ts')).href), src);
  });

  it('falls back to the other tree, and to nothing outside a footfall package', () => {
    rmSync(dist, { recursive: true });
    assert.equal(findAssetsDir(pathToFileURL(join(root, 'dist', 'chunk-ABC123.js')).href), src);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'someone-else' }));
    assert.equal(findAssetsDir(pathToFileURL(join(root, 'dist', 'chunk-ABC123.js')).href), undefined);
  });

  it('from this checkout it finds the source assets', () => {
    assert.equal(findAssetsDir(), join(process.cwd(), 'src', 'collector', 'dashboard', 'assets'));
  });

  it('without its files the dashboard answers 500 saying what is missing, and still leaves other paths alone', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'footfall-no-assets-'));
    const { url, server } = await serve(createDashboard({ assetsDir: empty }));
    try {
      const page = await get(`${url}/`);
      assert.equal(page.status, 500);
      assert.match(page.text, /could not read its files in .*footfall-no-assets-/);
      assert.equal((await get(`${url}/api/status`)).text, 'not the dashboard');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
