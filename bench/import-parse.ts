// bench/import-parse: access-log lines parsed per second on one core, per format. 1 000 000
// generated lines a format (distinct clients, paths, times, user agents; 1% malformed), each
// parsed in a tight loop; median of RUNS passes after a warm-up pass. Also reads the combined
// lines back from a file (plain and gzip) through readLines + parse, the import's read side.
// Writes the `import-parse` section of docs/benchmarks.md. Never asserted in a test.
// Run: `npm run bench:import-parse` (IMPORT_BENCH_LINES=200000 for a quicker run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { getFormat } from '../src/collector/import/formats/index.js';
import type { LogFormat } from '../src/collector/import/log-record.js';
import { readLines } from '../src/collector/import/read-lines.js';
import { createRandom } from '../src/collector/random.js';
import { machine, writeSection } from './report.js';

const LINES = Number(process.env['IMPORT_BENCH_LINES'] ?? 1_000_000);
const RUNS = 5;
const CUSTOM = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" rt=$request_time urt="$upstream_response_time" host=$host';
const AGENTS = ['okhttp/4.12.0', 'curl/8.5.0', 'python-requests/2.31.0', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36', 'Go-http-client/2.0', 'axios/1.6.2 \\"beta\\"'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const START_MS = Date.UTC(2024, 2, 10);

interface Request { ip: string; timeMs: number; method: string; path: string; status: number; agent: string; seconds: string }

function requests(count: number, next: () => number): Request[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => ({
    ip: i % 5 === 0 ? `2001:db8::${Math.floor(next() * 65535).toString(16)}` : `10.${i % 256}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}`,
    timeMs: START_MS + i * 37,
    method: pick(METHODS),
    path: `/v1/${pick(['users', 'orders', 'items', 'carts'])}/${Math.floor(next() * 100_000)}${next() < 0.3 ? '?page=2&limit=50' : ''}`,
    status: pick([200, 200, 200, 201, 204, 304, 400, 404, 500]),
    agent: pick(AGENTS),
    seconds: (next() * 0.5).toFixed(3),
  }));
}

const p2 = (n: number) => String(n).padStart(2, '0');
function timeLocal(ms: number): string {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

const WRITERS: Record<string, (r: Request) => string> = {
  combined: (r) => `${r.ip} - - [${timeLocal(r.timeMs)}] "${r.method} ${r.path} HTTP/1.1" ${r.status} 1234 "-" "${r.agent}"`,
  common: (r) => `${r.ip} - - [${timeLocal(r.timeMs)}] "${r.method} ${r.path} HTTP/1.1" ${r.status} 1234`,
  [`nginx:${CUSTOM}`]: (r) => `${r.ip} - - [${timeLocal(r.timeMs)}] "${r.method} ${r.path} HTTP/2.0" ${r.status} 1234 "https://app.example.com/" "${r.agent}" "198.51.100.7, ${r.ip}" rt=${r.seconds} urt="${r.seconds}" host=api.example.com`,
  'json (pino-http)': (r) => JSON.stringify({ level: 30, time: r.timeMs, pid: 4242, hostname: 'api-1', req: { id: 1, method: r.method, url: r.path, query: {}, params: {}, headers: { host: 'api.example.com', 'user-agent': r.agent, accept: '*/*' }, remoteAddress: r.ip, remotePort: 51234 }, res: { statusCode: r.status, headers: { 'content-type': 'application/json' } }, responseTime: Number(r.seconds) * 1000, msg: 'request completed' }),
  'json (Caddy)': (r) => JSON.stringify({ level: 'info', ts: r.timeMs / 1000, logger: 'http.log.access.log0', msg: 'handled request', request: { remote_ip: r.ip, remote_port: '41342', client_ip: r.ip, proto: 'HTTP/2.0', method: r.method, host: 'api.example.com', uri: r.path, headers: { 'User-Agent': [r.agent], Accept: ['*/*'] } }, bytes_read: 0, user_id: '', duration: Number(r.seconds), size: 1234, status: r.status, resp_headers: { Server: ['Caddy'] } }),
  alb: (r) => `https ${new Date(r.timeMs).toISOString().replace('Z', '123Z')} app/my-loadbalancer/50dc6c495c0c9188 ${r.ip.includes(':') ? `[${r.ip}]` : r.ip}:2817 10.0.0.1:80 0.000 ${r.seconds} 0.000 ${r.status} ${r.status} 34 366 "${r.method} https://api.example.com:443${r.path} HTTP/1.1" "${r.agent}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "api.example.com" "-" 0 2024-03-10T00:00:00.000000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90`,
};

function linesFor(spec: string, sample: readonly Request[]): string[] {
  const write = WRITERS[spec] as (r: Request) => string;
  return sample.map((r, i) => (i % 100 === 99 ? `${write(r).slice(0, 40)} cut short` : write(r)));
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/** Wall time, and the process's CPU time (which includes V8's parallel GC helpers): on shared cores the first is a lower bound of the rate. */
function parseAll(format: LogFormat, lines: readonly string[]): { ms: number; cpuMs: number; ok: number } {
  let ok = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) if (format.parse(lines[i] as string).ok) ok++;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, ok };
}

/** One format in this process: its table row on stdout. */
function benchFormat(spec: string): void {
  const lines = linesFor(spec, requests(LINES, createRandom(17)));
  const format = getFormat(spec.startsWith('json') ? 'json' : spec);
  parseAll(format, lines);
  const runs = Array.from({ length: RUNS }, () => parseAll(format, lines));
  const ms = median(runs.map((run) => run.ms));
  const cpuMs = median(runs.map((run) => run.cpuMs));
  const bytes = lines.reduce((sum, line) => sum + line.length + 1, 0);
  const rate = (time: number) => Math.round((lines.length / time) * 1000).toLocaleString('en');
  console.log(`| ${spec.startsWith('nginx:') ? 'nginx custom (below)' : spec} | ${Math.round(bytes / lines.length)} | ${(runs[0]?.ok ?? 0).toLocaleString('en')} | **${rate(cpuMs)}** | ${((cpuMs * 1000) / lines.length).toFixed(3)} | ${rate(ms)} |`);
}

/** The read side in this process: the combined lines from a plain and a gzip file, through readLines and parse. */
async function benchRead(): Promise<void> {
  const lines = linesFor('combined', requests(LINES, createRandom(17)));
  const text = `${lines.join('\n')}\n`;
  lines.length = 0;
  const dir = mkdtempSync(join(tmpdir(), 'footfall-import-bench-'));
  try {
    const combined = getFormat('combined');
    for (const [name, content] of [['plain', Buffer.from(text)], ['gzip', gzipSync(text)]] as const) {
      const file = join(dir, `access.log${name === 'gzip' ? '.gz' : ''}`);
      writeFileSync(file, content);
      const times: number[] = [];
      const cpuTimes: number[] = [];
      let ok = 0;
      for (let run = 0; run < 3; run++) {
        ok = 0;
        const cpu = process.cpuUsage();
        const start = process.hrtime.bigint();
        for await (const batch of readLines(file)) for (const { line } of batch) if (combined.parse(line).ok) ok++;
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        const used = process.cpuUsage(cpu);
        cpuTimes.push((used.user + used.system) / 1000);
      }
      const rate = (ms: number) => Math.round((LINES / ms) * 1000).toLocaleString('en');
      console.log(`| combined, ${name} file (${(content.length / 1e6).toFixed(0)} MB) | ${ok.toLocaleString('en')} | **${rate(median(cpuTimes))}** | ${rate(median(times))} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one part in a child process: each format starts with a small heap, as an import does. */
function child(only: string): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/import-parse.ts'], { env: { ...process.env, IMPORT_BENCH_ONLY: only }, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`bench child ${only} failed: ${result.stderr}`);
  const row = result.stdout.trim();
  console.log(row);
  return row;
}

// IMPORT_BENCH_ONLY=<format>|read runs one part alone, in this process (the parent runs each so;
// for a profile: IMPORT_BENCH_ONLY=alb node --cpu-prof --import tsx bench/import-parse.ts).
const only = process.env['IMPORT_BENCH_ONLY'];
if (only === 'read') await benchRead();
else if (only !== undefined) benchFormat(Object.keys(WRITERS).find((name) => name.startsWith(only)) ?? only);
else {
  const rows = Object.keys(WRITERS).map((spec) => child(spec));
  const readRows = child('read');
  const body = `## Parsing access logs for \`footfall import\` (bench/import-parse.ts)

${machine()}; ${LINES.toLocaleString('en')} generated lines a format (1% cut short, so malformed), each format in a process of its own, one thread, median of ${RUNS} passes after a warm-up. "Lines per CPU second" divides by the process's CPU time (\`process.cpuUsage()\`, V8's parallel GC helpers included, so it is if anything low): the rate of one core that is not shared. The wall-clock rate is what this run got on cores shared with other jobs (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores when it ran), a lower bound. Run with: \`npm run bench:import-parse\`.

| format | bytes a line | lines parsed | lines per CPU second | CPU µs a line | lines/s (wall clock) |
|---|--:|--:|--:|--:|--:|
${rows.join('\n')}

The custom nginx format: \`${CUSTOM}\`.

What a profile showed (\`IMPORT_BENCH_ONLY=<format> node --cpu-prof --import tsx bench/import-parse.ts\`): for the nginx-style formats, 30-40% of the time is garbage collection of what a parse must make (the record, and the strings cut from the line: target, user agent, client), then the walk of the line itself; unescaping char by char, \`Number()\` on sliced seconds and a regular-expression split of \`$upstream_response_time\` were next and are gone (slices between escapes, digits read in place). A heap shared by several formats' million lines made the later ones 2-3x slower (old-generation GC), so each format runs alone. For json, \`JSON.parse\` is most of the time (on its own it reads these lines at about 1.7x the parser's rate per CPU second); the field lookups after it are the rest.

Reading and parsing together (\`readLines\` + \`parse\` of the combined lines, median of 3):

| source | lines parsed | lines per CPU second | lines/s (wall clock) |
|---|--:|--:|--:|
${readRows}
`;
  console.log(body);
  writeSection('import-parse', body);
}
