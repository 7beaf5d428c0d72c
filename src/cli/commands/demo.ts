import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { request } from 'undici';
import { formatReport } from '../../collector/report-format.js';
import type { Collector } from '../../collector/server.js';
import { startCollector } from '../../collector/server.js';
import { createTracker } from '../../delivery/tracker.js';
import { ga4 } from '../../protocols/ga4/destination.js';
import { parseDuration, parsePort, parseRatePerS, parseWhole } from '../collector-flags.js';
import { parseCount } from '../parse.js';
import type { CliIo } from '../run.js';
import { waitForSignal } from '../wait-for-stop.js';
import { startTraffic } from './demo-traffic.js';

interface DemoFlags {
  port: number;
  db?: string;
  duration?: number;
  requests?: number;
  rate: number;
  seed: number;
}

const DEFAULT_PORT = 8787;

/**
 * `footfall demo` (what `npm start` runs): the collector with its dashboard, the example
 * Express API of examples/ instrumented with Footfall and sending GA4 hits to the collector,
 * and a traffic generator that calls some endpoints and never others. Ends on Ctrl-C, after
 * `--duration` or after `--requests`, and prints the report.
 */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('run the collector and dashboard with a demo API and live traffic; print the report at the end')
    .option('-p, --port <port>', `collector port (0 picks a free one; ${DEFAULT_PORT} falls back to a free one when taken)`, parsePort, DEFAULT_PORT)
    .option('--db <file>', 'keep the demo\'s hits in this SQLite file (default: in memory)')
    .option('-d, --duration <time>', 'stop after this long, e.g. 30s, 5m (default: until Ctrl-C)', parseDuration)
    .option('-n, --requests <count>', 'stop after this many API requests (1-100000)', parseCount)
    .option('--rate <per-second>', 'API requests per second (1-1000)', parseRatePerS, 5)
    .option('--seed <n>', 'seed of the traffic mix', parseWhole(2 ** 32 - 1, 'seed'), 1)
    .action((flags: DemoFlags) => runDemo(flags, io));
}

async function runDemo(flags: DemoFlags, io: CliIo): Promise<void> {
  const collector = await startDemoCollector(flags);
  const tracker = createTracker({
    destination: ga4({ measurementId: 'G-DEMO000000', apiSecret: 'demo-secret', endpoint: `${collector.url}/mp/collect` }),
    hashKey: 'footfall-demo-key (not a secret)',
    flushIntervalMs: 1000,
  });
  const { createDemoApi } = await import('../../../examples/demo-api.js');
  const api = createDemoApi(tracker);
  const server = await listen(api.app);
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await postRoutes(collector.url, api.routes);
  io.stdout(banner(collector.url, apiUrl, api.routes.length, flags));
  const traffic = startTraffic(flags.requests === undefined ? { baseUrl: apiUrl, ratePerS: flags.rate, seed: flags.seed } : { baseUrl: apiUrl, ratePerS: flags.rate, seed: flags.seed, maxRequests: flags.requests });
  const progress = setInterval(() => io.stdout(`  ${traffic.sent()} API requests so far, ${collector.stats().storedHits} hits stored\n`), 10_000);
  progress.unref();
  await Promise.race([traffic.done, stopAfter(flags.duration), (io.untilStopped ?? waitForSignal)()]);
  clearInterval(progress);
  traffic.stop();
  await traffic.done;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tracker.close({ timeoutMs: 5000 });
  io.stdout(`\n${traffic.sent()} API requests; the collector stored ${collector.stats().storedHits} hits.\n\n`);
  io.stdout(formatReport(collector.store.endpoints({}), 'table'));
  await collector.close();
}

async function startDemoCollector(flags: DemoFlags): Promise<Collector> {
  const storage = flags.db === undefined ? { memory: true } : { dbFile: flags.db };
  try {
    return await startCollector({ port: flags.port, output: 'none', ...storage });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE' || flags.port !== DEFAULT_PORT) throw error;
    return startCollector({ port: 0, output: 'none', ...storage });
  }
}

function listen(app: RequestListener): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer(app);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The app's route inventory goes to the collector the way a deploy script would send it. */
async function postRoutes(collectorUrl: string, routes: readonly { method: string; path: string }[]): Promise<void> {
  const response = await request(`${collectorUrl}/api/routes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(routes) });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`the collector refused the route inventory (${response.statusCode}): ${text}`);
}

function stopAfter(durationMs: number | undefined): Promise<void> {
  if (durationMs === undefined) return new Promise(() => undefined);
  return new Promise((resolve) => setTimeout(resolve, durationMs).unref());
}

function banner(collectorUrl: string, apiUrl: string, declared: number, flags: DemoFlags): string {
  const until = flags.requests !== undefined ? `after ${flags.requests} requests` : flags.duration !== undefined ? `after ${flags.duration / 1000} s` : 'on Ctrl-C';
  return [
    'Footfall demo',
    `  dashboard      ${collectorUrl}/`,
    `  demo API       ${apiUrl}  (examples/demo-api.ts: Express, ${declared} declared routes)`,
    `  collector      ${collectorUrl}/mp/collect  (GA4 Measurement Protocol)`,
    `  traffic        ${flags.rate} requests/s from 6 consumers; 4 endpoints are never called`,
    `  report         printed ${until}`,
    '',
    '',
  ].join('\n');
}
