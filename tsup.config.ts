import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

// One copy of the library per module system: every ESM entry point is built in ONE esbuild run
// with code splitting, so `footfall`, the adapters, `footfall/testing`, `footfall/collector` and
// the CLI share the chunks that hold FootfallError, warn-once state and the tracker; the
// CommonJS entries likewise share their chunks with each other. (Built as two configs, the
// testing kit and the collector carried a second copy of the library, and each CommonJS adapter
// a whole tracker of its own.)
const LIBRARY = {
  index: 'src/index.ts',
  'adapters/node': 'src/adapters/node/index.ts',
  'adapters/express': 'src/adapters/express/index.ts',
  'adapters/fastify': 'src/adapters/fastify/index.ts',
  'adapters/koa': 'src/adapters/koa/index.ts',
  'adapters/hono': 'src/adapters/hono/index.ts',
  // Queue mode: bullmq and ioredis (optional peers) are loaded by this entry alone.
  queue: 'src/queue/index.ts',
};
// The CLI, the collector and the testing kit (which starts the collector) are ESM only: the
// collector loads better-sqlite3 through createRequire(import.meta.url).
const LEAVES = { 'cli/main': 'src/cli/main.ts', collector: 'src/collector/index.ts', testing: 'src/testing/index.ts' };

// Frameworks are optional peers, used as types only, and better-sqlite3 is the collector's
// optional peer: never bundled. commander and yaml (the CLI's and the collector's) are dev
// dependencies, bundled into the chunks only the CLI and the collector load, so installing
// the library installs neither.
const external = ['express', 'fastify', 'koa', '@koa/router', 'hono', 'better-sqlite3', 'bullmq', 'ioredis'];
const common = { external, sourcemap: true, clean: false, target: 'node20', platform: 'node', splitting: true } as const;

export default defineConfig([
  {
    ...common,
    entry: { ...LIBRARY, ...LEAVES },
    format: ['esm'],
    // commander and yaml are CommonJS: bundled into ESM, their require() of Node's built-ins
    // needs a real require in scope (esbuild's shim throws "Dynamic require ... not supported").
    banner: { js: "import { createRequire as __footfallCreateRequire } from 'node:module';\nconst require = __footfallCreateRequire(import.meta.url);" },
    dts: { entry: { ...LIBRARY, collector: LEAVES.collector, testing: LEAVES.testing } },
    // The dashboard's static files, and uPlot's two files, sit next to the chunks:
    // serve-dashboard.ts finds them in dist/dashboard, so uplot need not be installed.
    onSuccess: async () => {
      cpSync('src/collector/dashboard/assets', 'dist/dashboard', { recursive: true });
      const uplot = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
      mkdirSync('dist/dashboard/vendor', { recursive: true });
      for (const file of ['uPlot.iife.min.js', 'uPlot.min.css']) cpSync(join(uplot, file), join('dist/dashboard/vendor', file));
    },
  },
  {
    ...common,
    entry: LIBRARY,
    format: ['cjs'],
    dts: true,
    // The CommonJS build loads undici with require(), not import(): Jest without VM modules
    // (the usual CommonJS setup) cannot run a native import() from a test file.
    esbuildOptions(options) {
      options.supported = { ...options.supported, 'dynamic-import': false };
    },
    onSuccess: async () => relativeMapSources('dist'),
  },
]);

/**
 * tsup turns split ESM into CommonJS in a second pass, whose source maps name the generated
 * file itself by its absolute path on the build machine: name it relative to the map instead,
 * so every map refers only to files the package holds.
 */
function relativeMapSources(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.cjs.map')) continue;
    const file = join(dir, entry);
    const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; file?: string };
    const local = (source: string) => (isAbsolute(source) ? relative(dirname(file), source) : source);
    map.sources = map.sources.map(local);
    if (map.file !== undefined) map.file = local(map.file);
    writeFileSync(file, JSON.stringify(map));
  }
}
