// Lint: typescript-eslint's strict rules, plus the layering of DESIGN.md as import bans.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureLayers = {
  patterns: [
    { group: ['node:*', '!node:crypto'], message: 'core, privacy and protocols are pure: no node: imports besides node:crypto.' },
    { group: ['**/delivery/**', '**/adapters/**', '**/collector/**', '**/cli/**'], message: 'core, privacy and protocols import nothing from the outer layers.' },
    { group: ['../hit-options.js', '../../hit-options.js', '../warnings.js', '../../warnings.js'], message: 'pure layers take resolved options; they never read env or emit warnings.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.readme-snippets/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']", message: 'Only src/cli/main.ts may end the process.' }],
    },
  },
  { files: ['src/core/**', 'src/privacy/**', 'src/protocols/**'], rules: { 'no-restricted-imports': ['error', pureLayers] } },
  {
    // Adapters translate only: frameworks are optional peers and may be imported as types alone.
    files: ['src/adapters/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: ['express', 'fastify', 'koa', '@koa/router', 'hono'].map((name) => ({ name, message: 'Import framework types only (import type).', allowTypeImports: true })),
        patterns: [
          { group: ['**/collector/**', '**/cli/**'], message: 'Adapters never import the collector or the CLI.' },
          { group: ['../express/**', '../fastify/**', '../koa/**', '../hono/**', '../node/**'], message: 'An adapter never imports another adapter; share code in adapters/shared.' },
        ],
      }],
    },
  },
  {
    // The dashboard's browser script: plain JavaScript with the browser's globals, no build step.
    files: ['src/collector/dashboard/assets/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries([
        'window', 'document', 'fetch', 'sessionStorage', 'localStorage', 'location', 'history', 'setInterval', 'clearInterval',
        'setTimeout', 'clearTimeout', 'uPlot', 'Intl', 'URLSearchParams', 'ResizeObserver', 'HTMLElement', 'Event',
      ].map((name) => [name, 'readonly'])),
    },
  },
  { files: ['scripts/**', 'bench/**'], rules: { 'no-restricted-syntax': 'off' } },
  {
    // CommonJS test suites (the Jest setup of most Express apps): require() and Jest's globals.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: Object.fromEntries(['require', 'module', 'setTimeout', 'test', 'expect', 'afterAll', 'beforeAll', 'describe'].map((name) => [name, 'readonly'])),
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
