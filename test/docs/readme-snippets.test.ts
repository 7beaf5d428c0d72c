// Issue 12: the README's quick start and every code snippet, run exactly as written. Each
// TypeScript snippet is pasted verbatim into a small program that gives it what the README
// leaves to the reader (an `app`, a `server`, a `tracker`), runs it against Footfall's own
// collector over real HTTP, and reports what arrived; `// a === b` and `call(); // value`
// comments in a snippet are its claims, checked as assertions. The programs import `footfall`
// by its package name (the repository's own exports, so dist/ must be built) and run with tsx.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runFootfall } from '../helpers/cli-process.js';

const run = promisify(execFile);
const DIR = '.readme-snippets'; // inside the package, so `footfall` resolves to itself; gitignored
const TIMEOUT_MS = 60_000;

interface Snippet {
  readonly heading: string;
  readonly lang: string;
  readonly code: string;
}

/** Every fenced code block of the README, with the `##` heading it sits under. */
function readmeSnippets(): Snippet[] {
  const snippets: Snippet[] = [];
  let heading = '';
  const lines = readFileSync('README.md', 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('## ')) heading = line.slice(3).trim();
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence === null) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
    snippets.push({ heading, lang: fence[1] ?? '', code: body.join('\n') });
  }
  return snippets;
}

function snippetUnder(heading: string): Snippet {
  const found = readmeSnippets().filter((snippet) => snippet.heading.startsWith(heading));
  assert.equal(found.length, 1, `one code block under "## ${heading}" in README.md`);
  return found[0] as Snippet;
}

/** `expr; // value` and `// a === b` comments become assertions after the snippet ran. */
function claimsOf(code: string): string[] {
  const claims: string[] = [];
  for (const line of code.split('\n')) {
    const equality = /^\s*\/\/\s*(.+?)\s*===\s*(.+)$/.exec(line);
    if (equality !== null) claims.push(`assert.deepEqual(${equality[1]}, ${equality[2]});`);
    const valued = /^\s*([^/].*?);\s*\/\/\s*(\{.*\}|\[.*\]|'.*'|\d+)\s*$/.exec(line);
    if (valued !== null) claims.push(`assert.deepEqual(${valued[1]}, ${valued[2]});`);
  }
  return claims;
}

/** Runs `source` as a TypeScript program of the package; returns its last line of output, parsed. */
async function runProgram(name: string, source: string, env: Record<string, string> = {}): Promise<unknown> {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${name}.ts`);
  writeFileSync(file, source);
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { timeout: TIMEOUT_MS, env: { ...process.env, ...env } });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    assert.fail(`${name} failed:\n${failed.stderr ?? ''}${failed.stdout ?? ''}\n--- program ---\n${source}`);
  }
}

const SERVE = `
import { once } from 'node:events';
import type { Server } from 'node:http';
async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return \`http://127.0.0.1:\${typeof address === 'object' && address !== null ? address.port : 0}\`;
}
async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
`;

describe('README.md, as written', { timeout: 6 * TIMEOUT_MS }, () => {
  after(() => rmSync(DIR, { recursive: true, force: true }));

  it('the quick start is exactly two one-line commands: npm ci && npm start, npm ci && npm test', () => {
    const commands = snippetUnder('Quick start').code.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    assert.deepEqual(commands, ['npm ci && npm start', 'npm ci && npm test']);
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts.start ?? '', /src\/cli\/main\.ts demo$/, 'npm start runs footfall demo');
    assert.equal(scripts.test, 'node scripts/test.mjs');
  });

  it('npm start: the collector, the dashboard and the demo API with traffic, end to end', { timeout: TIMEOUT_MS }, async () => {
    // The start script as package.json has it, with the demo's own flag to stop after 30 requests.
    const { code, stdout, stderr } = await runFootfall(['demo', '--port', '0', '--requests', '30', '--rate', '200'], { timeoutMs: TIMEOUT_MS });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /dashboard/i);
    assert.match(stdout, /30 API requests/);
    assert.match(stdout, /never called|unused/i);
  });

  it('"Send to Google Analytics 4": the five lines deliver a request\'s hit (here to the collector, through FOOTFALL_ENDPOINT)', { timeout: TIMEOUT_MS }, async () => {
    const snippet = snippetUnder('Send to Google Analytics 4').code;
    const got = await runProgram('ga4-five-lines', `
import express from 'express';
import { startFakeCollector } from 'footfall/testing';
${SERVE}
const collector = await startFakeCollector();
process.env.FOOTFALL_ENDPOINT = collector.url;
const app = express();
// --- README ---
${snippet}
// --- end ---
app.get('/v1/users/:id', (req, res) => void res.json({ id: req.params.id }));
const server = app.listen(0, '127.0.0.1');
const url = await listen(server);
await (await fetch(\`\${url}/v1/users/42?fields=name\`)).text();
await stop(server);
await tracker.close();
console.log(JSON.stringify(collector.hits.map((hit) => \`\${hit.method} \${hit.route}\`)));
await collector.close();
`, { FOOTFALL_GA4_MEASUREMENT_ID: 'G-README1234', FOOTFALL_GA4_API_SECRET: 'readme-secret', FOOTFALL_HASH_KEY: 'readme-hash-key-0123456789' });
    assert.deepEqual(got, ['GET /v1/users/:id']);
  });

  it('"Each framework in five lines": each line, in an app of its framework, records the request under its template', { timeout: 2 * TIMEOUT_MS }, async () => {
    const lines = snippetUnder('Each framework in five lines').code.split('\n').filter((line) => line.trim() !== '');
    const lineFor = (adapter: string) => {
      const line = lines.find((candidate) => candidate.includes(`// footfall/${adapter}`));
      assert.ok(line !== undefined, `a line for footfall/${adapter}`);
      return line;
    };
    const programs: Record<string, string> = {
      node: `import { createServer } from 'node:http';
import { trackRequests } from 'footfall/node';
const server = createServer((req, res) => res.end('{}'));
${lineFor('node')}
const url = await listen(server);`,
      express: `import express from 'express';
import { trackRequests } from 'footfall/express';
const app = express();
${lineFor('express')}
app.get('/v1/users/:id', (_req, res) => void res.json({}));
const server = app.listen(0, '127.0.0.1');
const url = await listen(server);`,
      fastify: `import Fastify from 'fastify';
import { trackRequests } from 'footfall/fastify';
const app = Fastify();
${lineFor('fastify')}
app.get('/v1/users/:id', async () => ({}));
await app.listen({ port: 0, host: '127.0.0.1' });
const server = app.server;
const url = \`http://127.0.0.1:\${(app.server.address() as { port: number }).port}\`;`,
      koa: `import Koa from 'koa';
import Router from '@koa/router';
import { createServer } from 'node:http';
import { trackRequests } from 'footfall/koa';
const app = new Koa();
const router = new Router();
router.get('/v1/users/:id', (ctx) => { ctx.body = {}; });
${lineFor('koa')}
app.use(router.routes());
const server = createServer(app.callback());
const url = await listen(server);`,
      hono: `import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { trackRequests } from 'footfall/hono';
const app = new Hono();
${lineFor('hono')}
app.get('/v1/users/:id', (c) => c.json({}));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
const url = await listen(server);`,
    };
    for (const [adapter, body] of Object.entries(programs)) {
      const got = await runProgram(`framework-${adapter}`, `import { createTestTracker } from 'footfall/testing';
${SERVE}
const tracker = createTestTracker();
${body}
await (await fetch(\`\${url}/v1/users/42\`)).text();
await tracker.waitForHits(1);
await stop(server);
console.log(JSON.stringify(tracker.hits.map((hit) => \`\${hit.method} \${hit.route}\`)));
`);
      assert.deepEqual(got, ['GET /v1/users/:id'], `footfall/${adapter}`);
    }
  });

  it('"Many processes": the web process\'s lines put a request\'s hit in Redis, the worker\'s line delivers it to the collector', { timeout: TIMEOUT_MS }, async () => {
    const snippet = snippetUnder('Many processes').code;
    // Its own Redis database, emptied of the default queue's keys before and after.
    const redisUrl = `${(process.env.FOOTFALL_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d+$/, '')}/13`;
    const program = `
import express from 'express';
import { Redis } from 'ioredis';
import { trackRequests } from 'footfall/express';
import { startCollector } from 'footfall/collector';
${SERVE}
const redis = new Redis(process.env.FOOTFALL_REDIS_URL!);
const clean = async () => { const keys = await redis.keys('bull:footfall:*'); if (keys.length > 0) await redis.del(...keys); };
await clean();
const server = await startCollector({ port: 0, memory: true, output: 'none' });
process.env.FOOTFALL_ENDPOINT = server.url;
const app = express();
// --- README ---
${snippet}
// --- end ---
app.get('/v1/users/:id', (req, res) => void res.json({ id: req.params.id }));
const api = app.listen(0, '127.0.0.1');
const url = await listen(api);
await (await fetch(\`\${url}/v1/users/42?fields=name\`)).text();
await stop(api);
await tracker.close();
for (let i = 0; i < 500 && await server.store.count() < 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
const stats = await worker.close();
const hits = (await server.store.recentHits(10)).map((hit) => \`\${hit.method} \${hit.route}\`);
await server.close();
await clean();
redis.disconnect();
console.log(JSON.stringify({ hits, delivered: stats.hits.delivered, sent: tracker.stats().sent }));
`;
    const got = await runProgram('queue-many-processes', program, { FOOTFALL_REDIS_URL: redisUrl, FOOTFALL_HASH_KEY: 'readme-hash-key-0123456789' });
    assert.deepEqual(got, { hits: ['GET /v1/users/:id'], delivered: 1, sent: 1 });
  });

  it('"The pure pieces": runs as written and every claim in its comments holds', { timeout: TIMEOUT_MS }, async () => {
    const snippet = snippetUnder('The pure pieces').code;
    const claims = claimsOf(snippet);
    assert.ok(claims.length >= 2, `the snippet's claims: ${claims.join(' ')}`);
    const got = await runProgram('pure-pieces', `import assert from 'node:assert/strict';
${snippet}
${claims.join('\n')}
console.log(JSON.stringify(${claims.length}));
`, { FOOTFALL_HASH_KEY: 'readme-hash-key-0123456789' });
    assert.equal(got, claims.length);
  });

  it('"Your own collector": each command is one the CLI takes (its --help answers, or it runs)', { timeout: TIMEOUT_MS }, async () => {
    const commands = snippetUnder('Your own collector').code.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    const footfall = commands.filter((command) => command.startsWith('npx footfall ')).map((command) => command.slice('npx footfall '.length).split(/\s+/));
    assert.ok(footfall.length >= 2);
    for (const args of footfall) {
      // The flags as written, then --help: commander refuses an unknown flag before printing help.
      const { code, stdout, stderr } = await runFootfall([...args, '--help'], { timeoutMs: TIMEOUT_MS });
      assert.equal(code, 0, `footfall ${args.join(' ')}: ${stderr}`);
      assert.match(stdout, new RegExp(`footfall ${args[0] ?? ''}`));
    }
  });
});
