import type { Command } from 'commander';
import { formatReport } from '../../collector/report-format.js';
import { parseDuration, parsePort, parseRatePerS, parseWhole } from '../collector-flags.js';
import { parseCount } from '../parse.js';
import type { CliIo } from '../run.js';
import { waitForSignal } from '../wait-for-stop.js';
import type { DemoParts } from './demo-start.js';
import { DEFAULT_PORT } from './demo-port.js';
import type { Traffic } from './demo-traffic.js';

interface DemoFlags {
  port: number;
  db?: string;
  duration?: number;
  requests?: number;
  rate: number;
  seed: number;
}

/**
 * `footfall demo` (what `npm start` runs): the collector with its dashboard, the example
 * node:http API of examples/ instrumented with Footfall and sending GA4 hits to the collector,
 * and a traffic generator that calls some endpoints and never others. Ends on Ctrl-C, after
 * `--duration` or after `--requests`, and prints the report. A failed start stops what it
 * started and fails the command.
 */
export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('run the collector and dashboard with a demo API and live traffic; print the report at the end')
    .option('-p, --port <port>', `collector port (0 picks a free one; ${DEFAULT_PORT} falls back to a free one when taken, and says so)`, parsePort, DEFAULT_PORT)
    .option('--db <file>', 'keep the demo\'s hits in this SQLite file (default: in memory)')
    .option('-d, --duration <time>', 'stop after this long, e.g. 30s, 5m (default: until Ctrl-C)', parseDuration)
    .option('-n, --requests <count>', 'stop after this many API requests (1-100000)', parseCount)
    .option('--rate <per-second>', 'API requests per second (1-1000)', parseRatePerS, 5)
    .option('--seed <n>', 'seed of the traffic mix', parseWhole(2 ** 32 - 1, 'seed'), 1)
    .action((flags: DemoFlags, command: Command) => runDemo(flags, io, command.getOptionValueSource('port') !== 'default'));
}

async function runDemo(flags: DemoFlags, io: CliIo, portGiven: boolean): Promise<void> {
  // The demo's parts (collector, tracker, undici) load when it runs, not with every command.
  const [{ startDemo }, { startTraffic }] = await Promise.all([import('./demo-start.js'), import('./demo-traffic.js')]);
  const parts = await startDemo({ port: flags.port, portGiven, db: flags.db, loadApi: io.loadDemoApi });
  io.stdout(banner(parts, flags));
  const { collector, apiUrl } = parts;
  const traffic = startTraffic(flags.requests === undefined ? { baseUrl: apiUrl, ratePerS: flags.rate, seed: flags.seed } : { baseUrl: apiUrl, ratePerS: flags.rate, seed: flags.seed, maxRequests: flags.requests });
  const progress = setInterval(() => io.stdout(`  ${traffic.sent()} API requests so far, ${collector.stats().storedHits} hits stored\n`), 10_000);
  progress.unref();
  await Promise.race([traffic.done, stopAfter(flags.duration), (io.untilStopped ?? waitForSignal)()]);
  clearInterval(progress);
  traffic.stop();
  await traffic.done;
  await finish(parts, traffic, io);
}

/** Closes the API and flushes the tracker, then prints the report and closes the collector. */
async function finish({ server, tracker, collector }: DemoParts, traffic: Traffic, io: CliIo): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tracker.close({ timeoutMs: 5000 });
  const health = traffic.healthChecks();
  const skipped = health === 0 ? '' : ` (${health} of them health checks, not recorded by default)`;
  io.stdout(`\n${traffic.sent()} API requests${skipped}; the collector stored ${collector.stats().storedHits} hits.\n\n`);
  io.stdout(formatReport(await collector.store.endpoints({}), 'table'));
  await collector.close();
}

function stopAfter(durationMs: number | undefined): Promise<void> {
  if (durationMs === undefined) return new Promise(() => undefined);
  return new Promise((resolve) => setTimeout(resolve, durationMs).unref());
}

function banner({ collector, apiUrl, api, portTaken }: DemoParts, flags: DemoFlags): string {
  const until = flags.requests !== undefined ? `after ${flags.requests} requests` : flags.duration !== undefined ? `after ${flags.duration / 1000} s` : 'on Ctrl-C';
  const port = new URL(collector.url).port;
  return [
    ...(portTaken ? [`! port ${DEFAULT_PORT} is taken; the collector listens on port ${port} instead (--port chooses one)`, ''] : []),
    'Footfall demo',
    `  dashboard      ${collector.url}/`,
    `  demo API       ${apiUrl}  (examples/demo-api.ts: node:http with footfall/node, ${api.routes.length} declared routes)`,
    `  collector      ${collector.url}/mp/collect  (GA4 Measurement Protocol)`,
    `  traffic        ${flags.rate} requests/s from 6 consumers; 4 endpoints are never called; /health is called and not recorded`,
    `  report         printed ${until}`,
    '',
    '',
  ].join('\n');
}
