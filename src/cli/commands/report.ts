import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ReportFormat } from '../../collector/report-format.js';
import { formatReport, REPORT_FORMATS } from '../../collector/report-format.js';
import { expectedRoutes } from '../../collector/expected-routes.js';
import { loadRoutesFile } from '../../collector/routes-file.js';
import type { StoreLocation } from '../../collector/store/open-store.js';
import { describeLocation, isPostgresUrl, openStoreReadOnly } from '../../collector/store/open-store.js';
import { DEFAULT_DB, resolveDbFlags } from '../db-flags.js';
import { parseTimeBound } from '../../collector/time-range.js';
import type { EndpointsReport, TimeRange } from '../../collector/types.js';
import { parseCount } from '../parse.js';
import type { CliIo } from '../run.js';
import { EXIT } from '../run.js';

interface ReportFlags {
  db?: string;
  dbSchema?: string;
  routes?: string;
  since: string;
  until?: string;
  format: ReportFormat;
  failOnUnused?: boolean;
  keepHealthRoutes?: boolean;
  limit?: number;
}

/**
 * `footfall report`: which endpoints were used in a time range and which declared ones never
 * were, from the collector's store (a SQLite file or PostgreSQL). Reads only: a `--routes` inventory is applied to
 * this report, never written to the file. Exit 1 with `--fail-on-unused` when a declared
 * route has no hit, so a CI job can fail on it.
 */
export function registerReport(program: Command, io: CliIo, state: { code: number }): void {
  program
    .command('report')
    .description('print which endpoints were used and which declared ones never were, from a collector\'s store')
    .option('--db <file|url>', 'the collector\'s store: its SQLite file, or its PostgreSQL URL (default: $FOOTFALL_DB, or ./footfall.db)')
    .option('--db-schema <name>', 'PostgreSQL only: the schema that holds the tables (default: public)')
    .option('--routes <file>', 'route inventory for this report (OpenAPI 3 / Swagger 2 JSON or YAML, or a JSON list); default: the one stored in --db')
    .option('--since <when>', 'start of the range: a duration back from now (30d, 12h), epoch ms or an ISO date', parseWhen, '30d')
    .option('--until <when>', 'end of the range (exclusive), same forms as --since (default: now)', parseWhen)
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--fail-on-unused', 'exit 1 when a declared route had no hit in the range (after printing the report)')
    .option('--keep-health-routes', 'expect hits on declared health checks (/health, /v1/healthz...) too; by default they are left out, as the adapters do not record them')
    .option('--limit <n>', 'show only the n endpoints with the most hits (1-100000); totals and unused routes stay whole', parseCount)
    .action(async (flags: ReportFlags, command: Command) => {
      const nowMs = Date.now();
      const range = rangeOf(flags, nowMs, command);
      const location = resolveDbFlags(flags, io, command);
      const report = await readReport(location, flags, range);
      io.stdout(formatReport(report, flags.format, { nowMs, color: useColor(flags.format, io), ...(flags.limit === undefined ? {} : { limit: flags.limit }) }));
      if (flags.failOnUnused === true) state.code = checkUnused(report, flags, location, io);
    });
}

/** A flag parser: a time bound parseTimeBound accepts, kept as text until the action's "now". */
function parseWhen(value: string): string {
  const parsed = parseTimeBound(value, Date.now());
  if ('error' in parsed) throw new InvalidArgumentError(`${parsed.error}.`);
  return value;
}

function rangeOf(flags: ReportFlags, nowMs: number, command: Command): TimeRange {
  const since = parseTimeBound(flags.since, nowMs);
  const until = flags.until === undefined ? undefined : parseTimeBound(flags.until, nowMs);
  if ('error' in since) return command.error(`error: option '--since <when>' argument '${flags.since}' is invalid. ${since.error}.`, { exitCode: EXIT.usage, code: 'footfall.usage' });
  if (until !== undefined && 'error' in until) return command.error(`error: option '--until <when>' argument '${flags.until ?? ''}' is invalid. ${until.error}.`, { exitCode: EXIT.usage, code: 'footfall.usage' });
  if (until === undefined) return { sinceMs: since.ms };
  if (until.ms <= since.ms) {
    return command.error(`error: --until (${new Date(until.ms).toISOString()}) must be after --since (${new Date(since.ms).toISOString()}).`, { exitCode: EXIT.usage, code: 'footfall.usage' });
  }
  return { sinceMs: since.ms, untilMs: until.ms };
}

/** The store's report, measured against --routes when given. Never creates or alters --db, nor adds files next to it. */
async function readReport(location: StoreLocation, flags: ReportFlags, range: TimeRange): Promise<EndpointsReport> {
  const routes = flags.routes === undefined ? undefined : loadRoutesFile(flags.routes);
  if (!isPostgresUrl(location.db)) checkDbFile(location.db);
  const store = await openStoreReadOnly(location);
  try {
    return await store.endpoints(range, expectedRoutes(routes ?? await store.routes(), flags.keepHealthRoutes === true));
  } finally {
    await store.close();
  }
}

function checkDbFile(file: string): void {
  const where = `--db ${JSON.stringify(file)}${file === resolve(file) ? '' : ` (${resolve(file)})`}`;
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new Error(`no hit store at ${where}: expected the SQLite file a collector writes (\`footfall collector --db <file>\`); pass --db with its path${file === DEFAULT_DB ? ' (the default is ./footfall.db in the current directory)' : ''}.`);
  }
  if (!isFile) throw new Error(`${where} is not a file: expected the SQLite file a collector writes.`);
}

/** Exit code for --fail-on-unused: a gate that cannot see an inventory fails rather than passes. */
function checkUnused(report: EndpointsReport, flags: ReportFlags, location: StoreLocation, io: CliIo): number {
  if (report.declared === 0) {
    io.stderr(`footfall: --fail-on-unused needs a route inventory, and ${flags.routes === undefined ? `${JSON.stringify(describeLocation(location))} holds none (health checks are left out unless --keep-health-routes); pass --routes <file>` : `${JSON.stringify(flags.routes)} declares no routes`}.\n`);
    return EXIT.problem;
  }
  if (report.unused.length === 0) return EXIT.ok;
  const count = report.unused.length;
  io.stderr(`footfall: ${count} of ${report.declared} declared route${report.declared === 1 ? '' : 's'} had no hit in the range (--fail-on-unused).\n`);
  return EXIT.problem;
}

/** Colour only for the table on a terminal, never with NO_COLOR; FORCE_COLOR forces it. */
function useColor(format: ReportFormat, io: CliIo): boolean {
  if (format !== 'table' || (io.env.NO_COLOR ?? '') !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  // Only the real process (main.ts passes process.env) looks at the terminal; tests pass their own io.
  return io.env === process.env && io.env.TERM !== 'dumb' && process.stdout.isTTY;
}
