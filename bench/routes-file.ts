// bench/routes-file: reading a ~10 MB OpenAPI description (generated here, GitHub-REST-like:
// parameters, request bodies, response schemas) as JSON and as YAML, side by side in one run.
// Each read runs in a fresh process (tsx), so its peak memory is its own; median of 3 runs.
// Run: `npm run bench:routes` (writes docs/benchmarks.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { machine, writeSection } from './report.js';

const TARGET_BYTES = 10 * 1024 * 1024;
const RUNS = 3;
const dir = mkdtempSync(join(tmpdir(), 'footfall-bench-routes-'));

interface Sample {
  ms: number;
  peakMb: number;
  rssBeforeMb: number;
  routes: number;
}

/** One resource's path items: a list/create path and an item path with three operations. */
function resource(i: number): Record<string, unknown> {
  const idParam = () => ({ name: 'id', in: 'path', required: true, description: 'The id of the thing.', schema: { type: 'integer', format: 'int64' } });
  const thing = () => ({ type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string', maxLength: 100 }, owner: { type: 'object', properties: { login: { type: 'string' }, url: { type: 'string', format: 'uri' } } }, tags: { type: 'array', items: { type: 'string' } }, created_at: { type: 'string', format: 'date-time' } } });
  const ok = (description: string) => ({ description, content: { 'application/json': { schema: thing() } } });
  return {
    [`/orgs/{org}/things${i}`]: {
      get: { operationId: `things${i}/list`, summary: `List things of kind ${i}`, tags: ['things'], parameters: [{ name: 'org', in: 'path', required: true, schema: { type: 'string' } }, { name: 'per_page', in: 'query', schema: { type: 'integer', default: 30 } }], responses: { '200': ok('A page of things'), '404': { description: 'Not found' } } },
      post: { operationId: `things${i}/create`, summary: `Create a thing of kind ${i}`, requestBody: { required: true, content: { 'application/json': { schema: thing() } } }, responses: { '201': ok('Created'), '422': { description: 'Validation failed' } } },
    },
    [`/orgs/{org}/things${i}/{id}`]: {
      get: { operationId: `things${i}/get`, parameters: [idParam()], responses: { '200': ok('The thing') } },
      patch: { operationId: `things${i}/update`, parameters: [idParam()], requestBody: { content: { 'application/json': { schema: thing() } } }, responses: { '200': ok('Updated') } },
      delete: { operationId: `things${i}/delete`, parameters: [idParam()], responses: { '204': { description: 'Deleted' } } },
    },
  };
}

/** A document of about TARGET_BYTES as pretty JSON, and the number of operations in it. */
function generate(): { doc: Record<string, unknown>; operations: number } {
  const one = JSON.stringify(resource(0), null, 2).length;
  const count = Math.ceil(TARGET_BYTES / one);
  const paths = Object.assign({}, ...Array.from({ length: count }, (_, i) => resource(i))) as Record<string, unknown>;
  return { doc: { openapi: '3.0.3', info: { title: 'bench', version: '1' }, servers: [{ url: 'https://api.example.com/v3' }], paths }, operations: count * 5 };
}

function run(mode: string, file: string): Sample {
  const out = execFileSync(process.execPath, ['--import', 'tsx', new URL('./routes-file-process.ts', import.meta.url).pathname, mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const { doc, operations } = generate();
const jsonFile = join(dir, 'openapi.json');
const yamlFile = join(dir, 'openapi.yaml');
writeFileSync(jsonFile, JSON.stringify(doc, null, 2));
writeFileSync(yamlFile, dump(doc, { noRefs: true, lineWidth: -1 }));
const rows: { name: string; mode: string; file: string }[] = [
  { name: 'JSON (JSON.parse)', mode: 'footfall', file: jsonFile },
  { name: 'YAML (js-yaml 4, merge keys on)', mode: 'footfall', file: yamlFile },
];
const samples = new Map<string, Sample[]>(rows.map((row) => [row.name, []]));
for (let r = 0; r < RUNS; r++) for (const row of rows) samples.get(row.name)?.push(run(row.mode, row.file));
const sizes = new Map(rows.map((row) => [row.file, statSync(row.file).size]));
rmSync(dir, { recursive: true, force: true });

const jsonMs = median((samples.get(rows[0]?.name ?? '') ?? []).map((s) => s.ms));
const lines = rows.map((row) => {
  const list = samples.get(row.name) ?? [];
  const ms = median(list.map((s) => s.ms));
  const peak = median(list.map((s) => s.peakMb));
  const growth = median(list.map((s) => s.peakMb - s.rssBeforeMb));
  if (list.some((s) => s.routes !== operations)) throw new Error(`${row.name}: read ${list.map((s) => s.routes).join('/')} routes, expected ${operations}`);
  return `| ${row.name} | ${((sizes.get(row.file) ?? 0) / 1024 / 1024).toFixed(1)} | ${ms.toFixed(0)} | ${(ms / jsonMs).toFixed(1)}× | ${peak.toFixed(0)} | ${growth.toFixed(0)} |`;
});
const yamlMs = median((samples.get(rows[1]?.name ?? '') ?? []).map((s) => s.ms));
const yamlRatio = yamlMs / jsonMs;
const body = [
  '### Reading a routes file (`footfall report --routes`, `footfall collector --routes`)',
  '',
  `Command: \`npm run bench:routes\`. ${machine()}. A generated OpenAPI 3.0 description (${operations} operations, GitHub-REST-like schemas) read by \`loadRoutesFile\` from file to sorted routes, each read in a fresh process; median of ${RUNS} runs. "Peak RSS" is the process's maximum resident memory (Node and tsx included); "growth" is that peak minus the RSS just before the read.`,
  '',
  '| format | MB | ms | vs JSON | peak RSS (MB) | growth (MB) |',
  '|---|---:|---:|---:|---:|---:|',
  ...lines,
  '',
  `Goal (issue 13): YAML within 2× of JSON: **${yamlRatio <= 2 ? 'met' : 'NOT met'}** (${yamlRatio.toFixed(1)}×). Footfall reads YAML with js-yaml, the parser of Swagger UI and Redocly; the \`yaml\` package it used before took 41× JSON and 396 MB of growth on the same document (2026-12-06).`,
].join('\n');
writeSection('routes-file', body);
console.log(body);
