import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The library is built to ESM and CommonJS with declarations; the CLI only to ESM (it is a bin).
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'adapters/node': 'src/adapters/node/index.ts',
      'adapters/express': 'src/adapters/express/index.ts',
      'adapters/fastify': 'src/adapters/fastify/index.ts',
      'adapters/koa': 'src/adapters/koa/index.ts',
      'adapters/hono': 'src/adapters/hono/index.ts',
    },
    // Frameworks are optional peers, used as types only: never bundle them.
    external: ['express', 'fastify', 'koa', '@koa/router', 'hono'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false, // the build script empties dist first: two configs build in parallel, and tsup's clean in one removed the other's declarations
    target: 'node20',
    platform: 'node',
    // The CommonJS build loads undici with require(), not import(): Jest without VM modules
    // (the usual CommonJS setup) cannot run a native import() from a test file.
    esbuildOptions(options, context) {
      if (context.format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
    },
  },
  {
    // The CLI, the collector and the testing kit (which starts the collector) are leaves, ESM only
    // (the collector loads better-sqlite3 through createRequire(import.meta.url)); the CLI gets no declarations.
    entry: { 'cli/main': 'src/cli/main.ts', collector: 'src/collector/index.ts', testing: 'src/testing/index.ts' },
    dts: { entry: { collector: 'src/collector/index.ts', testing: 'src/testing/index.ts' } },
    external: ['express', 'better-sqlite3'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    // The dashboard's static files sit next to the chunks; serve-dashboard.ts finds them in dist/dashboard.
    onSuccess: async () => {
      cpSync('src/collector/dashboard/assets', 'dist/dashboard', { recursive: true });
    },
  },
]);
