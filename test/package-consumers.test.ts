// Issue 11: Footfall as the package manager delivers it, seen by the tools of real projects:
// TypeScript with moduleResolution node (node10), node16 and bundler; resolvers without
// `exports` support (Jest 26), which take `footfall/express` for a directory; stack traces
// through the shipped source maps. Everything runs against `npm pack`'s tarball, unpacked
// into a scratch project whose other dependencies are links to this repository's.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACK_TIMEOUT_MS, packAndInstall, run } from './helpers/packed.js';

const TIMEOUT_MS = PACK_TIMEOUT_MS;
const SUBPATHS = ['node', 'express', 'fastify', 'koa', 'hono'] as const;

let root = '';
let project = '';
let installed = '';
let packedFiles: string[] = [];

async function packAndInstallHere(): Promise<void> {
  ({ root, project, installed, files: packedFiles } = await packAndInstall());
}

const CONSUMER = `import { createTracker, ga4, type Tracker } from 'footfall';
import { trackRequests as express } from 'footfall/express';
import { trackRequests as fastify } from 'footfall/fastify';
import { trackRequests as koa } from 'footfall/koa';
import { trackRequests as hono } from 'footfall/hono';
import { trackRequests as node } from 'footfall/node';
import { createTestTracker, type TestTracker } from 'footfall/testing';
import { startCollector } from 'footfall/collector';

const tracker: Tracker = createTracker({ destination: ga4({ measurementId: 'G-TEST000000', apiSecret: 's' }), sendInTests: false });
const testTracker: TestTracker = createTestTracker();
// @ts-expect-error not an option: proves the types are Footfall's, not any
createTracker({ destination: ga4({ measurementId: 'G-TEST000000', apiSecret: 's' }), sendInTest: true });
export const used = [express(tracker), fastify, koa(testTracker), hono(tracker), node(tracker), startCollector];
`;

/** Type-checks CONSUMER in a project of its own with these compiler options; returns tsc's output. */
async function typeCheck(name: string, compilerOptions: Record<string, unknown>, type: 'module' | 'commonjs'): Promise<{ code: number; output: string }> {
  const dir = join(project, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type }));
  writeFileSync(join(dir, 'index.ts'), CONSUMER);
  const options = { strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: ['node'], skipLibCheck: false, ...compilerOptions };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['index.ts'] }));
  try {
    const { stdout } = await run(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', dir], { timeout: TIMEOUT_MS });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the packed package, as consumers see it (issue 11)', { timeout: 4 * TIMEOUT_MS }, () => {
  before(packAndInstallHere, { timeout: 2 * TIMEOUT_MS });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const [name, compilerOptions, type] of [
    ['node10', { module: 'commonjs', moduleResolution: 'node', esModuleInterop: true }, 'commonjs'],
    ['node16', { module: 'node16', moduleResolution: 'node16' }, 'module'],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, 'module'],
  ] as const) {
    it(`type-checks footfall and every subpath with moduleResolution ${name}`, { timeout: TIMEOUT_MS }, async () => {
      const { code, output } = await typeCheck(name, compilerOptions, type);
      assert.equal(code, 0, output);
    });
  }

  it('loads footfall and each adapter with CommonJS resolution that ignores `exports` (Jest 26)', { timeout: TIMEOUT_MS }, async () => {
    // A directory specifier is resolved through its package.json `main`, as resolvers without
    // `exports` support resolve `footfall/express`.
    const script = `
      const Module = require('node:module');
      const loads = [];
      const load = Module._load;
      Module._load = function (request, ...rest) { if (request === 'undici') loads.push(request); return load.call(this, request, ...rest); };
      for (const name of ['ReadableStream', 'WritableStream', 'TransformStream', 'fetch', 'Request', 'Response', 'Headers', 'FormData']) delete globalThis[name];
      const dir = ${JSON.stringify(installed)};
      const root = require(dir);
      const adapters = ${JSON.stringify(SUBPATHS)}.map((name) => typeof require(dir + '/' + name).trackRequests);
      const atImport = loads.length;
      const tracker = root.createTracker({ destination: root.ga4({ measurementId: 'G-TEST000000', apiSecret: 's', endpoint: 'http://127.0.0.1:9/mp/collect' }), hashKey: 'a-test-key-of-16-chars', flushOnExit: false });
      setImmediate(() => {
        console.log(JSON.stringify({ root: typeof root.createTracker, adapters, atImport, atCreate: loads.length }));
        tracker.close({ timeoutMs: 0 });
      });
    `;
    const { stdout } = await run(process.execPath, ['-e', script], { timeout: TIMEOUT_MS, cwd: project });
    const seen = JSON.parse(stdout) as { root: string; adapters: string[]; atImport: number; atCreate: number };
    assert.deepEqual(seen, { root: 'function', adapters: SUBPATHS.map(() => 'function'), atImport: 0, atCreate: 1 });
  });

  it('ships every source map with its sources embedded, each one named by the file it maps', () => {
    const maps = packedFiles.filter((file) => file.endsWith('.map'));
    assert.ok(maps.length > 0);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(installed, file), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      const missing = map.sources.filter((source, i) => typeof map.sourcesContent?.[i] !== 'string' && !packedFiles.includes(posix.join(posix.dirname(file), source)));
      assert.deepEqual(missing, [], `${file} refers to files the package does not hold, without their content`);
    }
    for (const file of packedFiles.filter((name) => /\.c?js$/.test(name))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(installed, file), 'utf8'))?.[1];
      if (url !== undefined) assert.ok(packedFiles.includes(posix.join(posix.dirname(file), url)), `${file} points to ${url}, which is not in the package`);
    }
    assert.deepEqual(maps.filter((map) => !packedFiles.includes(map.slice(0, -'.map'.length))), [], 'a map without its file');
  });

  it('lists every subpath in typesVersions and gives each adapter a CommonJS stub directory', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; typesVersions?: Record<string, Record<string, string[]>> };
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== '.' && key !== './package.json').map((key) => key.slice(2));
    assert.deepEqual(Object.keys(pkg.typesVersions?.['*'] ?? {}).sort(), subpaths.sort());
    for (const [name, [target]] of Object.entries(pkg.typesVersions?.['*'] ?? {})) assert.ok(target !== undefined && packedFiles.includes(posix.normalize(target)), `${name} -> ${target}`);
    for (const name of SUBPATHS) {
      const stub = JSON.parse(readFileSync(join(installed, name, 'package.json'), 'utf8')) as Record<string, string>;
      for (const field of ['main', 'module', 'types']) assert.ok(packedFiles.includes(posix.join(name, stub[field] ?? '')), `${name}/package.json ${field}`);
    }
  });
});
