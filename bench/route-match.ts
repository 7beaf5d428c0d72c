// bench/route-match: matching raw paths to a big inventory. 1 000 GitHub-like templates (nested
// resources, literal siblings of parameters, custom methods) and 100 000 raw paths (90% match a
// template, 10% match nothing); times building the trie (matchInventory) and templateOf per
// path, against a linear scan of one regular expression per template for comparison. Also times
// store.endpoints() with the inventory over 20 000 distinct stored raw paths. Writes the
// `route-match` section of docs/benchmarks.md. Never asserted in a test.
// Run: `npm run bench:route-match`.
import { matchInventory } from '../src/collector/route-match.js';
import { createSqliteStore } from '../src/collector/store/sqlite-store.js';
import type { DeclaredRoute, IncomingHit } from '../src/collector/types.js';
import { machine, writeSection } from './report.js';
import { createRandom as random } from '../src/collector/random.js';

const TEMPLATES = 1000;
const PATHS = 100_000;
const STORED = 20_000;
const RUNS = 5;


/** 1 000 templates: /{area}/{owner}/{repo}/{resource}[/{id}[/{sub}|:{verb}]], with literal siblings. */
function inventory(): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (let area = 0; routes.length < TEMPLATES; area++) {
    const base = `/area${area}/:owner/:repo`;
    routes.push({ method: 'GET', route: base });
    for (let r = 0; r < 8 && routes.length < TEMPLATES; r++) {
      routes.push({ method: 'GET', route: `${base}/res${r}` }, { method: 'GET', route: `${base}/res${r}/:id` }, { method: 'GET', route: `${base}/res${r}/events` });
      routes.push({ method: 'PATCH', route: `${base}/res${r}/:id` }, { method: 'POST', route: `${base}/res${r}/:id:pause` }, { method: 'GET', route: `${base}/res${r}/:id/sub${r % 3}/` });
    }
  }
  return routes.slice(0, TEMPLATES);
}

function rawPaths(routes: readonly DeclaredRoute[], count: number, next: () => number): [string, string][] {
  return Array.from({ length: count }, (_, i): [string, string] => {
    if (i % 10 === 9) return ['GET', `/nowhere/${i}/x`];
    const route = routes[Math.floor(next() * routes.length)] ?? { method: 'GET', route: '/' };
    const path = route.route.replace(/:(owner|repo|id)/g, () => String(Math.floor(next() * 100_000)));
    return [route.method, path];
  });
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

function time(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function linearScan(routes: readonly DeclaredRoute[]): (method: string, path: string) => DeclaredRoute | undefined {
  const compiled = routes.map((route) => ({ route, test: new RegExp(`^${route.route.replace(/\/$/, '').replace(/:[\w.-]+/g, '[^/]+')}/?$`) }));
  return (method, path) => compiled.find((entry) => (entry.route.method === method || entry.route.method === 'ALL') && entry.test.test(path))?.route;
}

const routes = inventory();
const paths = rawPaths(routes, PATHS, random(13));
const builds: number[] = [];
const matches: number[] = [];
let matched = 0;
for (let run = 0; run < RUNS; run++) {
  let match = matchInventory(routes);
  builds.push(time(() => void (match = matchInventory(routes))));
  matches.push(time(() => {
    matched = 0;
    for (const [method, path] of paths) if (match.templateOf(method, path) !== undefined) matched++;
  }));
}
const scan = linearScan(routes);
const linear = time(() => {
  for (const [method, path] of paths.slice(0, PATHS / 10)) scan(method, path);
}) * 10;

const store = createSqliteStore({ file: ':memory:' });
const now = Date.now();
const stored = rawPaths(routes, STORED, random(7)).map(([method, route], i): IncomingHit => ({ timeMs: now - (i % 3_600) * 1000, protocol: 'ua', method, route, client: `c${i % 500}`, eventName: 'pageview', durationMs: 12 }));
store.insert(stored, now);
const reports = Array.from({ length: RUNS }, () => time(() => store.endpoints({}, routes)));
const bare = Array.from({ length: RUNS }, () => time(() => store.endpoints({}, [])));
store.close();

const body = `## Matching raw paths to an inventory (bench/route-match.ts)

${machine()}; median of ${RUNS} runs. Run with: \`npm run bench:route-match\` (2 cores shared with other jobs make times upper bounds).

| what | time |
|---|---|
| build the trie of ${TEMPLATES} templates (\`matchInventory\`) | ${median(builds).toFixed(2)} ms |
| \`templateOf\` for ${PATHS.toLocaleString('en')} raw paths (${matched.toLocaleString('en')} matched) | ${median(matches).toFixed(0)} ms (${((median(matches) * 1000) / PATHS).toFixed(2)} µs a path) |
| the same with a linear scan of one RegExp per template (for comparison, from ${PATHS / 10} paths) | ~${linear.toFixed(0)} ms |
| \`store.endpoints({}, inventory)\`: ${STORED.toLocaleString('en')} hits on distinct raw paths, grouped under templates | ${median(reports).toFixed(0)} ms |
| \`store.endpoints({})\` on the same hits without an inventory | ${median(bare).toFixed(0)} ms |
`;
console.log(body);
writeSection('route-match', body);
