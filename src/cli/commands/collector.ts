import { Option, type Command } from 'commander';
import { createFaults, resolveFaults } from '../../collector/faults.js';
import type { CollectorOptions } from '../../collector/options.js';
import { MAX_RETAIN_DAYS } from '../../collector/options.js';
import { loadRoutesFile } from '../../collector/routes-file.js';
import { startCollector } from '../../collector/server.js';
import { parsePort, parseRate, parseStatus, parseWhole } from '../collector-flags.js';
import type { CliIo } from '../run.js';
import { waitForSignal } from '../wait-for-stop.js';
import { resolveDbFlags } from '../db-flags.js';
import type { StoreLocation } from '../../collector/store/open-store.js';
import { describeLocation, isPostgresUrl, openStore } from '../../collector/store/open-store.js';

interface CollectorFlags {
  host: string;
  port: number;
  db?: string;
  dbSchema?: string;
  memory?: boolean;
  retainDays?: number;
  routes?: string;
  keepHealthRoutes?: boolean;
  token?: string;
  insecure?: boolean;
  apiSecret?: string;
  quiet?: boolean;
  json?: boolean;
  failRate?: number;
  hangRate?: number;
  hangMs?: number;
  hangStores?: boolean;
  delayMs?: number;
  status?: number;
  retryAfter?: number;
  seed?: number;
}

/** `footfall collector`: the embedded collector, dashboard and query API, until Ctrl-C. */
export function registerCollector(program: Command, io: CliIo): void {
  program
    .command('collector')
    .description('run the collector: GA4 (/mp/collect, and Footfall\'s /mp/batch) and UA (/collect, /batch) ingestion, the dashboard and the query API')
    .option('--host <address>', 'address to listen on (anything but loopback needs --token or --insecure)', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, 8787)
    .option('--db <file|url>', 'where to store hits: a SQLite file, or a PostgreSQL URL (postgres://user@host:5432/db) that several collectors can share (default: $FOOTFALL_DB, or ./footfall.db)')
    .option('--db-schema <name>', 'PostgreSQL only: the schema that holds the tables, created if missing (default: public)')
    .addOption(new Option('--memory', 'keep hits in memory only (nothing is written to disk)').conflicts(['db', 'dbSchema']))
    .option('--retain-days <n>', `prune raw hits older than n days (1-${MAX_RETAIN_DAYS}) in the background, hourly; the hourly and daily rollups keep the counts (default: keep every hit)`, parseWhole(MAX_RETAIN_DAYS, 'days', 1))
    .option('--routes <file>', 'declared routes: an OpenAPI 3 document (JSON/YAML) or a JSON list; unused ones are listed')
    .option('--keep-health-routes', 'expect hits on declared health checks (/health, /v1/healthz...) too; by default they are not listed unused')
    .option('--token <secret>', 'bearer token for the dashboard and /api (default: $FOOTFALL_COLLECTOR_TOKEN)')
    .option('--insecure', 'allow listening beyond loopback without a token')
    .option('--api-secret <secret>', 'refuse GA4 hits carrying another api_secret (default: $FOOTFALL_COLLECTOR_API_SECRET, or any)')
    .option('-q, --quiet', 'do not print each hit')
    .option('--json', 'print each hit as a JSON line')
    .option('--fail-rate <share>', 'answer this share of hits with --status (default 500), e.g. 0.2', parseRate)
    .option('--hang-rate <share>', 'hold this share of hits for --hang-ms before answering, e.g. 0.2', parseRate)
    .option('--hang-ms <ms>', 'how long a held hit hangs', parseWhole(3_600_000, 'milliseconds'))
    .option('--hang-stores', 'store a held request before its hold, not after (a client that gives up and retries sends a duplicate)')
    .option('--delay-ms <ms>', 'delay every answer by this much', parseWhole(3_600_000, 'milliseconds'))
    .option('--status <code>', 'the failure status (every hit fails unless --fail-rate is given)', parseStatus)
    .option('--retry-after <seconds>', 'send Retry-After with failures (the status defaults to 429)', parseWhole(86_400, 'seconds'))
    .option('--seed <n>', 'seed for the fault draws: the same seed fails the same requests', parseWhole(2 ** 32 - 1, 'seed'))
    .action(async (flags: CollectorFlags, command: Command) => {
      const location = storeLocation(flags, io, command);
      const options = toOptions(flags, io);
      if (location !== undefined && isPostgresUrl(location.db)) options.store = await openStore(location);
      else if (location !== undefined) options.dbFile = location.db;
      const collector = await startCollector(options);
      io.stdout(banner(collector.url, flags, location, createFaults(resolveFaults(options)).describe));
      await (io.untilStopped ?? waitForSignal)();
      await collector.close();
      const stats = collector.stats();
      const duplicates = stats.duplicateHits === 0 ? '' : `; ${stats.duplicateHits} duplicate hits ignored`;
      io.stdout(`\ncollector stopped: ${stats.storedHits} hits stored from ${stats.storedRequests} requests; ${Object.values(stats.refused).reduce((a, b) => a + b, 0)} requests refused (${stats.faults} on purpose)${duplicates}\n`);
    });
}

/** --db, else $FOOTFALL_DB, else ./footfall.db; undefined with --memory. A schema needs a PostgreSQL URL. */
function storeLocation(flags: CollectorFlags, io: CliIo, command: Command): StoreLocation | undefined {
  if (flags.memory === true) return undefined;
  return resolveDbFlags(flags, io, command);
}

function toOptions(flags: CollectorFlags, io: CliIo): CollectorOptions {
  const options: CollectorOptions = {
    host: flags.host,
    port: flags.port,
    output: flags.quiet === true ? 'none' : flags.json === true ? 'json' : 'text',
    log: (line) => io.stdout(`${line}\n`),
  };
  if (flags.memory === true) options.memory = true; // --memory with --db is refused by commander (.conflicts)
  if (flags.retainDays !== undefined) options.retainDays = flags.retainDays;
  if (flags.insecure === true) options.insecure = true;
  if (flags.keepHealthRoutes === true) options.keepHealthRoutes = true;
  const token = flags.token ?? io.env.FOOTFALL_COLLECTOR_TOKEN;
  if (token !== undefined && token !== '') options.token = token;
  const apiSecret = flags.apiSecret ?? io.env.FOOTFALL_COLLECTOR_API_SECRET;
  if (apiSecret !== undefined && apiSecret !== '') options.apiSecret = apiSecret;
  if (flags.routes !== undefined) options.routes = loadRoutesFile(flags.routes);
  const faults = { failRate: flags.failRate, hangRate: flags.hangRate, hangMs: flags.hangMs, hangStores: flags.hangStores, delayMs: flags.delayMs, status: flags.status, retryAfterS: flags.retryAfter, seed: flags.seed };
  for (const [name, value] of Object.entries(faults)) if (value !== undefined) (options as Record<string, unknown>)[name] = value;
  return options;
}

function banner(url: string, flags: CollectorFlags, location: StoreLocation | undefined, faults: string): string {
  const lines = [
    `Footfall collector listening on ${url}`,
    `  dashboard   ${url}/${flags.token === undefined ? '' : '#token=<your token>'}`,
    `  GA4         POST ${url}/mp/collect   (validation: POST ${url}/debug/mp/collect)`,
    `  GA4 batch   POST ${url}/mp/batch   (many consumers per request: collector(url) sends here)`,
    `  UA v1       ${url}/collect, ${url}/batch   (validation: ${url}/debug/collect)`,
    `  storage     ${location === undefined ? 'in memory' : describeLocation(location)}${flags.retainDays === undefined ? '' : `, raw hits kept ${flags.retainDays} day${flags.retainDays === 1 ? '' : 's'} (rollups kept)`}`,
    `  faults      ${faults}`,
    `  point a tracker here: FOOTFALL_ENDPOINT=${url}`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}
