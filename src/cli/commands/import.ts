import { type Command } from 'commander';
import { createEngineSink } from '../../collector/import/engine-sink.js';
import { detectFormat, getFormat } from '../../collector/import/formats/index.js';
import type { LogFormat } from '../../collector/import/log-record.js';
import { readLines } from '../../collector/import/read-lines.js';
import { loadResumeState } from '../../collector/import/resume-state.js';
import { runImport } from '../../collector/import/run-import.js';
import type { HitSink } from '../../collector/import/sink.js';
import { createStoreSink } from '../../collector/import/store-sink.js';
import { formatSummary, type ImportSummary } from '../../collector/import/summary.js';
import { createRecordToHit } from '../../collector/import/to-hit.js';
import { loadRoutesFile } from '../../collector/routes-file.js';
import { isPostgresUrl, openStore, type StoreLocation } from '../../collector/store/open-store.js';
import { withoutPassword } from '../../collector/store/postgres/postgres-target.js';
import { collector } from '../../protocols/ga4/collector-destination.js';
import { ga4 } from '../../protocols/ga4/destination.js';
import { parseWhole } from '../collector-flags.js';
import { createProgressReporter } from '../import-progress.js';
import { maskUrl } from '../redact.js';
import type { CliIo } from '../run.js';
import { EXIT } from '../run.js';
import { usageFailure } from '../usage.js';
import { DEFAULT_DB, resolveDbFlags } from '../db-flags.js';

interface ImportFlags {
  routes?: string;
  db?: string;
  dbSchema?: string;
  to?: string;
  measurementId?: string;
  apiSecret?: string;
  ga4Endpoint?: string;
  format: string;
  field: string[];
  resume?: boolean;
  state?: string;
  quiet?: boolean;
  json?: boolean;
  canonicalHost?: string;
  trustProxy?: boolean;
  keepHealthChecks?: boolean;
  timeoutMs?: number;
}

type Fail = (message: string) => never;

const DEFAULT_STATE = './footfall-import-state.json';

/**
 * `footfall import`: backfill from access logs. Each line becomes a hit by live traffic's
 * rules (route templates from the inventory, keyed-hash consumers with the line's own day,
 * no IP and no query value kept) and goes into a store (`--db`) or through the delivery engine
 * (`--to` a collector, or GA4 for the last 72 hours). Malformed lines are counted, never fatal.
 */
export function registerImport(program: Command, io: CliIo, state: { code: number }): void {
  program
    .command('import')
    .description('backfill from access logs: each line becomes a hit (nginx/Apache combined or common, nginx log_format, JSON lines, AWS ALB; .gz read directly; - is standard input)')
    .argument('<files...>', 'log files, globs (quoted: \'logs/access.log*\') or - for standard input')
    .option('--routes <file>', 'route inventory (OpenAPI 3 / Swagger 2 JSON or YAML, or a JSON list): paths are counted under its templates, others under (unmatched)')
    .option('--db <file|url>', `store to write: a SQLite file or a postgres:// URL (default: $FOOTFALL_DB, else ${DEFAULT_DB}; not with --to)`)
    .option('--db-schema <name>', 'PostgreSQL schema of --db (default: public)')
    .option('--to <url|ga4>', 'send instead: a Footfall collector\'s URL, or ga4 (only the last 72 hours; needs --measurement-id and --api-secret)')
    .option('--measurement-id <id>', 'with --to ga4: GA4 measurement id (default: $FOOTFALL_GA4_MEASUREMENT_ID)')
    .option('--api-secret <secret>', 'with --to ga4: Measurement Protocol API secret, never printed (default: $FOOTFALL_GA4_API_SECRET); with --to URL: the collector\'s --api-secret')
    .option('--ga4-endpoint <url>', 'with --to ga4: send to this /mp/collect instead of Google\'s (a server-side tag manager, a proxy)')
    .option('--format <format>', 'auto, combined, common, json, alb, or nginx:\'<log_format>\'', 'auto')
    .option('--field <name=path>', 'for JSON lines (--format json or auto): where a field is in each line, e.g. --field path=req.url (repeatable)', collect, [])
    .option('--resume', 'start each file after the last line an earlier, interrupted import stored (see --state)')
    .option('--state <file>', `where each file's progress is kept (default: next to a SQLite --db as <db>.import-state.json, else ${DEFAULT_STATE})`)
    .option('--canonical-host <host>', 'one host for every page, e.g. api.example.com (default: the line\'s host, if logged)')
    .option('--trust-proxy', 'take the client from the logged X-Forwarded-For (its first address) rather than the connecting address')
    .option('--keep-health-checks', 'import OPTIONS requests and health checks too (live traffic skips them by default)')
    .option('--timeout-ms <ms>', 'with --to: per-request timeout', parseWhole(600_000, 'milliseconds', 1))
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress bar or progress lines')
    .action(async (files: string[], flags: ImportFlags, command: Command) => {
      // The store as collector and report find it: --db, else $FOOTFALL_DB, else the default (none with --to).
      const location = flags.to === undefined ? resolveDbFlags(flags, io, command) : undefined;
      state.code = await runImportCommand(files, flags, location, io, usageFailure(command));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runImportCommand(args: string[], flags: ImportFlags, location: StoreLocation | undefined, io: CliIo, fail: Fail): Promise<number> {
  const hashKey = io.env.FOOTFALL_HASH_KEY ?? '';
  if (hashKey.length < 16) {
    fail('footfall import needs FOOTFALL_HASH_KEY (at least 16 characters), the key your live traffic hashes consumers with: without it, imported consumers would not match live ones and a second import could not be recognised as one');
  }
  if (flags.to !== undefined && (flags.db !== undefined || flags.dbSchema !== undefined)) fail('--to and --db are two destinations: give one');
  if (flags.resume === true && args.includes('-')) fail('--resume cannot skip into standard input (it is read once): import files to resume');
  const formatFor = resolveFormat(flags, fail);
  const routes = flags.routes === undefined ? [] : loadRoutesFile(flags.routes);
  // tinyglobby loads when an import runs, not with every command.
  const { expandInputs } = await import('../../collector/import/expand-inputs.js');
  const inputs = await expandInputs(args);
  const sink = await openSink(flags, location, io, hashKey, routes, fail);
  const stop = new AbortController();
  const unlisten = listenForStop(io, () => stop.abort());
  const progress = flags.quiet === true || flags.json === true && !isTerminal(io) ? undefined : createProgressReporter({
    tty: isTerminal(io),
    stream: process.stderr,
    write: io.stderr,
    totalBytes: await totalBytes(inputs),
  });
  let summary: ImportSummary;
  try {
    summary = await runImport({
      inputs,
      open: (source, options) => readLines(source, options),
      formatFor,
      // A store keeps no session id: only hits sent on (--to) need theirs worked out.
      toHit: createRecordToHit({ routes, hashKey, canonicalHost: flags.canonicalHost, trustProxy: flags.trustProxy === true, keepHealthChecks: flags.keepHealthChecks === true, sessions: location === undefined }),
      sink,
      state: loadResumeState(statePath(flags, location)),
      resume: flags.resume === true,
      onProgress: progress?.update,
      signal: stop.signal,
    });
  } finally {
    progress?.stop();
    unlisten();
    await sink.close();
  }
  io.stdout(flags.json === true ? `${JSON.stringify({ ...summary, destination: sink.name, interrupted: stop.signal.aborted }, null, 2)}\n` : formatSummary(summary, sink.name));
  if (stop.signal.aborted) {
    io.stderr('footfall import: interrupted; what was stored is recorded: run the same command with --resume to go on.\n');
    return EXIT.problem;
  }
  return Object.keys(summary.failed).length > 0 || summary.failedBatch !== undefined ? EXIT.problem : EXIT.ok;
}

/** `--format`: one format for every input, or (auto) each input's own, detected from its first lines. */
function resolveFormat(flags: ImportFlags, fail: Fail): (sample: readonly string[]) => LogFormat {
  const fields = parseFields(flags.field, fail);
  if (flags.format !== 'auto') {
    let format: LogFormat;
    try {
      format = getFormat(flags.format, { fields });
    } catch (error) {
      return fail(`--format ${flags.format}: ${(error as Error).message}`);
    }
    return () => format;
  }
  return (sample) => {
    // --field mappings go to detection's json candidate, so auto finds JSON lines of any shape.
    const format = detectFormat(sample, { fields });
    if (format === undefined) throw new Error(`the log format could not be told from the first ${sample.length} lines (none of combined, common, json, alb reads most of them): pass --format, e.g. --format nginx:'<your log_format>'`);
    return format;
  };
}

function parseFields(values: readonly string[], fail: Fail): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) fail(`--field must be NAME=PATH (e.g. --field path=req.url), got "${value}"`);
    fields[value.slice(0, at)] = value.slice(at + 1);
  }
  return fields;
}

async function openSink(flags: ImportFlags, location: StoreLocation | undefined, io: CliIo, hashKey: string, routes: ReturnType<typeof loadRoutesFile>, fail: Fail): Promise<HitSink> {
  const timeout = flags.timeoutMs === undefined ? {} : { timeoutMs: flags.timeoutMs };
  if (flags.to === 'ga4') {
    const measurementId = flags.measurementId ?? io.env.FOOTFALL_GA4_MEASUREMENT_ID;
    const apiSecret = flags.apiSecret ?? io.env.FOOTFALL_GA4_API_SECRET;
    if (measurementId === undefined) fail('--to ga4 needs --measurement-id (or FOOTFALL_GA4_MEASUREMENT_ID): the web stream\'s measurement id, G-XXXXXXXXXX');
    if (apiSecret === undefined) fail('--to ga4 needs --api-secret (or FOOTFALL_GA4_API_SECRET): a Measurement Protocol API secret of the stream');
    const destination = ga4({ measurementId, apiSecret, ...(flags.ga4Endpoint === undefined ? {} : { endpoint: flags.ga4Endpoint }) });
    return createEngineSink({ destination, name: `GA4 ${measurementId}`, hashKey, last72HoursOnly: true, ...timeout });
  }
  if (flags.to !== undefined) {
    if (!/^https?:\/\//i.test(flags.to)) fail(`--to must be a collector's http(s) URL (e.g. http://127.0.0.1:8787) or ga4, got "${flags.to}"`);
    const destination = collector(flags.to, { keepTimestamps: true, ...(flags.apiSecret === undefined ? {} : { apiSecret: flags.apiSecret }) });
    return createEngineSink({ destination, name: maskUrl(flags.to), hashKey, ...timeout });
  }
  // No --to: the store resolveDbFlags found (--db, $FOOTFALL_DB or the default), always given here.
  const target = location ?? { db: DEFAULT_DB };
  const store = await openStore(target);
  return createStoreSink(store, { routes, name: isPostgresUrl(target.db) ? withoutPassword(target.db, target.db) : target.db });
}

function statePath(flags: ImportFlags, location: StoreLocation | undefined): string {
  if (flags.state !== undefined) return flags.state;
  const db = location?.db;
  return db !== undefined && !isPostgresUrl(db) && db !== ':memory:' ? `${db}.import-state.json` : DEFAULT_STATE;
}

/** The real process on a terminal: a live bar. Tests (their own io) and pipes get plain lines. */
function isTerminal(io: CliIo): boolean {
  return io.env === process.env && process.stderr.isTTY && io.env.TERM !== 'dumb';
}

async function totalBytes(inputs: readonly string[]): Promise<number | undefined> {
  if (inputs.includes('-')) return undefined;
  const { stat } = await import('node:fs/promises');
  let total = 0;
  for (const input of inputs) total += (await stat(input)).size;
  return total;
}

/** Ctrl-C (or SIGTERM) stops after the batch being stored; a second one ends the process as usual. */
function listenForStop(io: CliIo, onStop: () => void): () => void {
  if (io.untilStopped !== undefined) {
    void io.untilStopped().then(onStop);
    return () => undefined;
  }
  if (io.env !== process.env) return () => undefined;
  const handler = (): void => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    onStop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
