// bench:import — lines per second parsed and stored into a SQLite file on one core, per format:
// `footfall import`'s whole path (read, parse, match the route, hash the consumer, insert) on
// generated logs. Run: npm run bench:import (IMPORT_BENCH_LINES to change the size).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFormat } from '../src/collector/import/formats/index.js';
import { readLines } from '../src/collector/import/read-lines.js';
import { loadResumeState } from '../src/collector/import/resume-state.js';
import { runImport } from '../src/collector/import/run-import.js';
import { createStoreSink } from '../src/collector/import/store-sink.js';
import { createRecordToHit } from '../src/collector/import/to-hit.js';
import { openStore } from '../src/collector/store/open-store.js';
import type { DeclaredRoute } from '../src/collector/types.js';
import { machine, writeSection } from './report.js';

const LINES = Number(process.env.IMPORT_BENCH_LINES ?? 500_000);
const ROUNDS = Number(process.env.IMPORT_BENCH_ROUNDS ?? 3);
const NGINX = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $host';

const ROUTES: DeclaredRoute[] = [
  { method: 'GET', route: '/v1/users/:id' }, { method: 'POST', route: '/v1/users' }, { method: 'GET', route: '/v1/orders/:orderId/items' },
  { method: 'GET', route: '/v1/orders/:orderId' }, { method: 'PUT', route: '/v1/users/:id' }, { method: 'DELETE', route: '/v1/users/:id' },
  { method: 'GET', route: '/v1/products' }, { method: 'GET', route: '/v1/products/:sku' }, { method: 'GET', route: '/v1/search' },
];
const PATHS = ['/v1/users/{n}', '/v1/orders/{n}/items?page=2', '/v1/orders/{n}', '/v1/products?limit=50', '/v1/products/sku-{n}', '/v1/search?q=shoes', '/v2/unknown/{n}'];
const AGENTS = ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', 'okhttp/4.12.0', 'python-requests/2.31.0', 'Go-http-client/2.0'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Line { timeMs: number; ip: string; method: string; path: string; status: number; agent: string; durationMs: number }

function lineAt(i: number): Line {
  const timeMs = Date.UTC(2026, 10, 1) + Math.floor(i * (30 * 86_400_000 / LINES));
  const consumer = (i * 7919) % 5000;
  const path = (PATHS[i % PATHS.length] as string).replace('{n}', String((i * 31) % 100_000));
  return { timeMs, ip: `10.${consumer % 250}.${Math.floor(consumer / 250)}.${i % 200}`, method: i % 11 === 0 ? 'POST' : 'GET', path: i % 11 === 0 ? '/v1/users' : path, status: i % 50 === 0 ? 404 : 200, agent: AGENTS[consumer % AGENTS.length] as string, durationMs: (i % 400) / 10 };
}

function clf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const WRITERS: Record<string, { spec: string; write: (l: Line) => string }> = {
  combined: { spec: 'combined', write: (l) => `${l.ip} - - [${clf(l.timeMs)}] "${l.method} ${l.path} HTTP/1.1" ${l.status} 512 "-" "${l.agent}"` },
  common: { spec: 'common', write: (l) => `${l.ip} - - [${clf(l.timeMs)}] "${l.method} ${l.path} HTTP/1.1" ${l.status} 512` },
  'nginx log_format': { spec: `nginx:${NGINX}`, write: (l) => `${l.ip} - - [${clf(l.timeMs)}] "${l.method} ${l.path} HTTP/1.1" ${l.status} 512 "-" "${l.agent}" ${(l.durationMs / 1000).toFixed(3)} api.example.com` },
  'json (pino-http)': { spec: 'json', write: (l) => JSON.stringify({ level: 30, time: l.timeMs, req: { id: 1, method: l.method, url: l.path, headers: { host: 'api.example.com', 'user-agent': l.agent }, remoteAddress: l.ip, remotePort: 51234 }, res: { statusCode: l.status }, responseTime: l.durationMs, msg: 'request completed' }) },
  alb: { spec: 'alb', write: (l) => `https ${new Date(l.timeMs).toISOString()} app/my-lb/50dc6c495c0c9188 ${l.ip}:2817 10.0.0.1:80 0.000 ${(l.durationMs / 1000).toFixed(3)} 0.000 ${l.status} ${l.status} 34 366 "${l.method} https://api.example.com:443${l.path} HTTP/1.1" "${l.agent}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 ${new Date(l.timeMs).toISOString()} "forward" "-" "-" "10.0.0.1:80" "200" "-" "-"` },
};

const dir = mkdtempSync(join(tmpdir(), 'footfall-bench-import-'));
const rows: string[] = [];
try {
  for (const [name, writer] of Object.entries(WRITERS)) {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.log`);
    const parts: string[] = [];
    for (let i = 0; i < LINES; i++) parts.push(writer.write(lineAt(i)));
    writeFileSync(file, `${parts.join('\n')}\n`);
    const rates: number[] = [];
    const cpuRates: number[] = [];
    let imported = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const db = join(dir, `${name.replace(/\W+/g, '-')}-${round}.db`);
      const store = await openStore({ db });
      const sink = await createStoreSink(store, { routes: ROUTES, name: db });
      const format = getFormat(writer.spec);
      const started = process.hrtime.bigint();
      const cpuBefore = process.cpuUsage();
      const summary = await runImport({
        inputs: [file],
        open: (source, options) => readLines(source, options),
        formatFor: () => format,
        toHit: createRecordToHit({ routes: ROUTES, hashKey: 'bench-import-key-0123456789', sessions: false }), // as footfall import --db
        sink,
        state: loadResumeState(`${db}.import-state.json`),
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      await sink.close();
      if (summary.malformed > 0) throw new Error(`${name}: ${summary.malformed} malformed lines, e.g. ${JSON.stringify(summary.malformedExamples[0])}`);
      imported = summary.imported;
      rates.push(summary.linesRead / seconds);
      cpuRates.push(summary.linesRead / cpuSeconds);
    }
    rates.sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)] as number;
    cpuRates.sort((a, b) => a - b);
    const cpuMedian = cpuRates[Math.floor(cpuRates.length / 2)] as number;
    const mb = statSync(file).size / 1e6;
    rows.push(`| ${name} | ${Math.round(median).toLocaleString('en-US')} | ${Math.round(cpuMedian).toLocaleString('en-US')} | ${rates.map((r) => Math.round(r).toLocaleString('en-US')).join(' / ')} | ${mb.toFixed(0)} MB | ${imported.toLocaleString('en-US')} |`);
    console.log(rows.at(-1));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const body = `## import

\`footfall import\`'s whole path on one core — read the file, parse each line, match its path to a
route template, hash its consumer (keyed, with the line's day), insert into a SQLite file in
batches of 20 000 lines — for ${LINES.toLocaleString('en-US')} generated lines a format (30 days,
5 000 consumers, 9 declared routes, one path in seven unmatched), median of ${ROUNDS} runs into a
new file each. Goal for combined: >= 200 000 lines/s. ${machine()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end
(other work shared the two cores: the wall-clock rate is what this run got; the CPU rate is lines per second of CPU this
process used, GC and I/O threads included). Re-run: \`npm run bench:import\`.

| format | lines/s (wall, median) | lines per CPU-second | runs (wall) | file | hits stored |
|---|---|---|---|---|---|
${rows.join('\n')}`;
writeSection('import', body);
console.log(body);
