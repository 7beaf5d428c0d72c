// The benchmarks of the tracker measure the built package (dist/), which is what users run:
// under tsx every function is wrapped at creation (esbuild's keepNames), which costs code that
// makes closures per request several per cent it does not pay in dist. Types come from src.
// The bench scripts build first (`npm run bench:*`).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Transport } from '../src/delivery/transport.js';
import type * as Footfall from '../src/index.js';
import type * as NodeAdapter from '../src/adapters/node/index.js';
import type * as ExpressAdapter from '../src/adapters/express/index.js';
import type * as FastifyAdapter from '../src/adapters/fastify/index.js';
import type * as KoaAdapter from '../src/adapters/koa/index.js';
import type * as HonoAdapter from '../src/adapters/hono/index.js';
import type * as Queue from '../src/queue/index.js';
import type * as Collector from '../src/collector/index.js';

interface Adapters {
  node: typeof NodeAdapter;
  express: typeof ExpressAdapter;
  fastify: typeof FastifyAdapter;
  koa: typeof KoaAdapter;
  hono: typeof HonoAdapter;
}

function built(path: string): string {
  const url = new URL(`../dist/${path}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: run npm run build first (npm run bench:* does)`);
  return url.href;
}

export function loadFootfall(): Promise<typeof Footfall> {
  return import(built('index.js')) as Promise<typeof Footfall>;
}

/** footfall/queue (bullmq and ioredis are loaded by this entry only). */
export function loadQueue(): Promise<typeof Queue> {
  return import(built('queue.js')) as Promise<typeof Queue>;
}

/** footfall/collector, as `npx footfall collect` runs it. */
export function loadCollector(): Promise<typeof Collector> {
  return import(built('collector.js')) as Promise<typeof Collector>;
}

export function loadAdapter<K extends keyof Adapters>(name: K): Promise<Adapters[K]> {
  return import(built(`adapters/${name}.js`)) as Promise<Adapters[K]>;
}

/**
 * BENCH_BASELINE_DIST=<another build's dist folder> (a worktree of an older commit, built): that
 * build, for a bench to run alternately with this one in the same process; undefined without it.
 */
export async function loadBaseline(): Promise<{ dir: string; library: typeof Footfall } | undefined> {
  const dir = process.env.BENCH_BASELINE_DIST;
  if (dir === undefined) return undefined;
  return { dir, library: (await import(pathToFileURL(join(resolve(dir), 'index.js')).href)) as typeof Footfall };
}

/** A transport that answers every request at once: what the engine costs without a socket. */
export const instantTransport: Transport = { send: async () => ({ kind: 'success', status: 204 }), close: async () => undefined };
