// Issue 12: the package as users install it. The library installs light (no CLI parser, no YAML
// parser, no chart library, no native module); every entry point shares one copy of the library
// in ESM and in CommonJS; the CLI and the dashboard work from the tarball without the packages the
// library does not install; the collector says how to install better-sqlite3 when it is missing.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACK_TIMEOUT_MS, packAndInstall, run, type PackedProject } from './helpers/packed.js';

/** Packages the library must not need at run time: the CLI's, the collector's and the dashboard's. */
const NOT_INSTALLED = ['commander', 'js-yaml', 'yaml', 'uplot', 'better-sqlite3'];

/** The child's environment without the test runner's marks, so it runs as an app would. */
function appEnv(): NodeJS.ProcessEnv {
  const marks = new Set(['NODE_TEST_CONTEXT', 'NODE_ENV', 'JEST_WORKER_ID', 'VITEST', 'FOOTFALL_HASH_KEY']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !marks.has(key)));
}

/** Runs `source` as the file `file` of the project (or, with no source, `file` as it is). */
async function node(cwd: string, file: string, source?: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  if (source !== undefined) writeFileSync(join(cwd, file), source);
  try {
    const { stdout, stderr } = await run(process.execPath, [file, ...args], { cwd, timeout: PACK_TIMEOUT_MS, env: appEnv() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the package as users install it (issue 12)', { timeout: 4 * PACK_TIMEOUT_MS }, () => {
  let packed: PackedProject;
  before(async () => {
    packed = await packAndInstall({ without: NOT_INSTALLED });
  }, { timeout: 2 * PACK_TIMEOUT_MS });
  after(() => rmSync(packed.root, { recursive: true, force: true }));

  it('depends on undici and path-to-regexp only; better-sqlite3 is an optional peer, installed by whoever runs the collector', () => {
    const pkg = JSON.parse(readFileSync(join(packed.installed, 'package.json'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}).sort(), ['path-to-regexp', 'undici']);
    assert.equal(pkg.optionalDependencies, undefined, 'npm installs optional dependencies by default');
    assert.ok(pkg.peerDependencies?.['better-sqlite3'] !== undefined);
    assert.deepEqual(pkg.peerDependenciesMeta?.['better-sqlite3'], { optional: true });
  });

  it('has a build script that runs on npm pack and on install from git (prepare)', () => {
    const pkg = JSON.parse(readFileSync(join(packed.installed, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.prepare ?? '', /npm run build/);
  });

  it('ESM: every entry point shares one copy of the library (one FootfallError class, one warning per process)', async () => {
    const { code, stdout, stderr } = await node(packed.project, 'one-copy.mjs', `
      import { FootfallError, createTracker, ga4 } from 'footfall';
      import * as express from 'footfall/express';
      import * as fastify from 'footfall/fastify';
      import { createTestTracker } from 'footfall/testing';
      import { startCollector } from 'footfall/collector';
      const seen = [];
      const check = async (fn) => { try { await fn(); seen.push('no error'); } catch (error) { seen.push(error instanceof FootfallError && error.constructor === FootfallError); } };
      await check(() => express.trackRequests(undefined, { sampleRate: 2 }));
      await check(() => createTestTracker({ maxQueueSize: -1 }));
      await check(() => startCollector({ port: -1, memory: true }));
      await check(() => fastify.listRoutes(42));
      const warnings = [];
      process.on('warning', (warning) => warnings.push(warning.code));
      const destination = ga4({ measurementId: 'G-TEST000000', apiSecret: 's', endpoint: 'http://127.0.0.1:9/mp/collect' });
      const trackers = [createTracker({ destination, flushOnExit: false }), createTestTracker({ hashKey: undefined })];
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(trackers.map((tracker) => tracker.close({ timeoutMs: 0 })));
      console.log(JSON.stringify({ seen, warnings }));
    `);
    assert.equal(code, 0, stderr);
    const { seen, warnings } = JSON.parse(stdout) as { seen: unknown[]; warnings: string[] };
    assert.deepEqual(seen.slice(0, 3), [true, true, true]);
    assert.deepEqual(warnings.filter((warning) => warning === 'FFWRN001'), ['FFWRN001']);
  });

  it('CommonJS: the adapters share the library with footfall (no tracker of their own), and instanceof holds across the ESM and CommonJS copies', async () => {
    const { code, stdout, stderr } = await node(packed.project, 'one-copy.cjs', `
      const { FootfallError } = require('footfall');
      const seen = [];
      // (Fastify's trackRequests is a plugin: its options are checked when the app registers it.)
      for (const name of ['node', 'express', 'koa', 'hono']) {
        try { require('footfall/' + name).trackRequests(undefined, { sampleRate: 2 }); seen.push(name + ': no error'); }
        catch (error) { seen.push(error instanceof FootfallError && error.constructor === FootfallError); }
      }
      import('footfall').then((esm) => {
        let crossed;
        try { require('footfall/express').trackRequests(undefined, { sampleRate: 2 }); } catch (error) { crossed = error instanceof esm.FootfallError; }
        console.log(JSON.stringify({ seen, crossed }));
      });
    `);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), { seen: [true, true, true, true], crossed: true });
    // The adapters' CommonJS files hold the adapter, not the tracker: each is a few KB.
    for (const name of ['node', 'express', 'fastify', 'koa', 'hono']) {
      const bytes = readFileSync(join(packed.installed, 'dist', 'adapters', `${name}.cjs`)).length;
      assert.ok(bytes < 20_000, `dist/adapters/${name}.cjs is ${bytes} bytes: it carries a copy of the library`);
    }
  });

  it("the CLI runs from the tarball without commander or js-yaml installed (bundled into the CLI's own chunks)", async () => {
    const { code, stdout, stderr } = await node(packed.project, join(packed.installed, 'dist', 'cli', 'main.js'), undefined, ['--help']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /collector/);
    assert.match(stdout, /report/);
  });

  it('without better-sqlite3, footfall collector exits 1 and says to npm i better-sqlite3@12', async () => {
    const { code, stderr } = await node(packed.project, join(packed.installed, 'dist', 'cli', 'main.js'), undefined, ['collector', '--memory', '--port', '0']);
    assert.equal(code, 1);
    assert.match(stderr, /better-sqlite3, which is not installed/);
    assert.match(stderr, /npm i better-sqlite3@12/);
  });

  it('ships uPlot inside dist/dashboard, so the dashboard needs no uplot package', () => {
    assert.ok(packed.files.includes('dist/dashboard/vendor/uPlot.iife.min.js'));
    assert.ok(packed.files.includes('dist/dashboard/vendor/uPlot.min.css'));
  });

  it('CommonJS on Node >= 20.19 can require() the ESM-only footfall/testing and footfall/collector', async () => {
    const { code, stdout, stderr } = await node(packed.project, 'esm-only.cjs', `
      console.log(JSON.stringify([typeof require('footfall/testing').createTestTracker, typeof require('footfall/collector').startCollector]));
    `);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), ['function', 'function']);
  });
});
