import type { PoolClient } from 'pg';
import type { IncomingHit } from '../../types.js';
import { durationBucket } from '../duration-buckets.js';
import { isPageView } from '../page-views.js';
import { createHourGroups, createKnownClientHours } from '../hour-groups.js';
import type { HourGroups, KnownClientHours } from '../hour-groups.js';
import type { InsertResult } from '../store.js';
import { createIdCache } from './id-cache.js';
import { assumedLockSql, createPgFolder, isFoldMarkMoved, wholeNumbers } from './pg-fold.js';
import { copyField, queryWithCopy } from './pg-copy.js';
import { DAY_MS } from '../time-grains.js';

const NOTHING: InsertResult = { stored: 0, duplicates: [] };

/** Past this many remembered (hour, endpoint, client) rows, the memory of them starts over (as in SQLite's insert-hits.ts). */
const MAX_KNOWN_CLIENT_HOURS = 200_000;

/** One write's result, the pending rollup rows it appended, and what to call once its transaction committed (to cache the ids it learned). */
export interface PgWrite {
  readonly result: InsertResult;
  readonly pendingRows: number;
  /** Rows of folded days this write's fold deleted from day_clients (0 when it folded nothing). */
  readonly droppedDayClients: number;
  readonly committed: () => void;
}

/**
 * `checked`: each hit is checked against those stored (ON CONFLICT DO NOTHING, RETURNING what
 * was stored). Unchecked, the raw hits go in a COPY, which fails whole with a unique violation
 * (`isHitConflict`) when one of them is stored already: the caller rolls back and writes the
 * batch again, checked. See createPgInsert.
 */
export type PgInsert = (client: PoolClient, hits: readonly IncomingHit[], receivedMs: number, checked: boolean) => Promise<PgWrite>;

/** After a write met a hit stored already, this many writes are checked before one is tried unchecked again. */
export const CHECKED_WRITES_AFTER_CONFLICT = 32;

/** The unique violation of an unchecked write: a hit of the batch is stored already (or a concurrent write stored it first). */
export function isHitConflict(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'hits_client_hit_id';
}

/**
 * The write path, one transaction it opens and commits itself (the caller rolls back if it
 * throws). The usual write (unchecked, every endpoint and client name cached, no day to fold) is
 * one round trip: one simple query holding BEGIN, the shared fold lock and the check of the fold
 * mark it assumed (pg-fold.ts), a COPY of the raw hits, a COPY of each pending rollup table's
 * rows and COMMIT, the rows sent right behind it (queryWithCopy). Otherwise BEGIN and the lock go
 * first (reading the mark; exclusive when this write may fold), then the names not cached are
 * interned (one insert and one select each), then the same query (without COMMIT when the write
 * folds: the fold's statements run before it).
 *
 * A hit whose (client, hit id) came earlier in the same call is not sent. A hit already stored
 * is refused by the unique index: a checked write inserts with ON CONFLICT DO NOTHING and learns
 * the stored ones from RETURNING; an unchecked one (COPY) fails whole on such a hit. Unchecked is
 * the usual case (hits arrive once, a retry is the exception) and costs far less in PostgreSQL
 * (ON CONFLICT inserts each row speculatively, RETURNING sends every row back, and COPY parses no
 * statement per row). After a conflict the next CHECKED_WRITES_AFTER_CONFLICT writes are checked,
 * so a client retrying a lot does not make every batch go twice. Only stored page views are
 * rolled up, as in SQLite; the rollup rows go to the pending tables (no key, no row shared with
 * another write), which a merge moves into the rollups (MERGE_PENDING, pg-fold.ts), except the
 * late rows of days already folded, upserted into the daily rollups at once.
 */
export function createPgInsert(): PgInsert {
  const endpoints = createIdCache();
  const clients = createIdCache();
  const folder = createPgFolder();
  let checkedWrites = 0;
  // (hour, endpoint, client) rows of hourly_clients this collector has committed: not sent again.
  const knownClientHours = createKnownClientHours(MAX_KNOWN_CLIENT_HOURS);
  return async (client, hits, receivedMs, checked) => {
    if (hits.length === 0) return { result: NOTHING, pendingRows: 0, droppedDayClients: 0, committed: () => undefined };
    const { sent, duplicates } = firstOfEachId(hits);
    const endpointKeys = sent.map((i) => endpointKey(hits[i] as IncomingHit));
    const clientNames = sent.map((i) => (hits[i] as IncomingHit).client);
    const checking = checked || checkedWrites > 0;
    // The names' cached ids, looked up once: a write with none missing may go in one round trip.
    const endpointLookup = endpoints.lookup(endpointKeys);
    const clientLookup = clients.lookup(clientNames);
    const quick = !checking && endpointLookup.missing.size === 0 && clientLookup.missing.size === 0;
    const assumed = quick ? folder.assume(receivedMs) : undefined;
    const ticket = assumed ?? await folder.lock(client, receivedMs);
    const learnedEndpoints = new Map<string, number>();
    const learnedClients = new Map<string, number>();
    const endpointIds = await endpoints.complete(client, endpointLookup, internEndpoints, learnedEndpoints);
    const clientIds = await clients.complete(client, clientLookup, internClients, learnedClients);
    const rows = sent.map((i, n): HitRow => {
      const hit = hits[i] as IncomingHit;
      return { index: i, hit, endpointId: endpointIds.get(endpointKeys[n] as string) as number, clientId: clientIds.get(hit.client) as number, bucket: durationBucket(hit.durationMs) };
    });
    const stored = checking ? await insertChecked(client, rows, receivedMs) : 'all';
    if (checking) checkedWrites = Math.max(0, checkedWrites - 1);
    const batch = rollUp(rows, stored, duplicates);
    const late = batch.lateRows(ticket.foldedBeforeDay);
    const days = folder.addDays(late.durations, late.clients, ticket);
    const pending = pendingCopy(batch, knownClientHours);
    const copies = [...(checking ? [] : [{ sql: COPY_HITS, rows: copyRows(rows, receivedMs) }]), ...(pending.copy === undefined ? [] : [pending.copy])];
    const folds = folder.folds(receivedMs, ticket);
    const statements = [...(assumed === undefined ? [] : [assumedLockSql(assumed, firstDay(rows))]), ...copies.map((copy) => copy.sql), ...days.statements, ...(folds ? [] : ['COMMIT'])];
    try {
      if (statements.length > 0) await queryWithCopy(client, statements.join(';\n'), copies.map((copy) => copy.rows));
    } catch (error) {
      if (isHitConflict(error)) checkedWrites = CHECKED_WRITES_AFTER_CONFLICT;
      if (isFoldMarkMoved(error)) folder.forget();
      throw error;
    }
    // Folds when `folds` (else it returns the ticket's mark and no rows dropped, sending nothing).
    const fold = await folder.foldUpTo(client, receivedMs, ticket);
    if (folds) await client.query('COMMIT');
    duplicates.sort((x, y) => x - y);
    return {
      result: { stored: hits.length - duplicates.length, duplicates },
      pendingRows: pending.entries,
      droppedDayClients: fold.droppedDayClients,
      committed: () => {
        knownClientHours.remember(batch);
        endpoints.remember(learnedEndpoints);
        clients.remember(learnedClients);
        folder.remember(fold.foldedBeforeDay);
      },
    };
  };
}

/** The stored page views of a write summed per rollup row; the hits found stored already (`stored` says which were stored) join `duplicates`. */
function rollUp(rows: readonly HitRow[], stored: ReadonlySet<string> | 'all', duplicates: number[]): HourGroups {
  const batch = createHourGroups();
  for (const row of rows) {
    if (stored !== 'all' && row.hit.hitId !== undefined && !stored.has(`${row.clientId} ${row.hit.hitId}`)) duplicates.push(row.index);
    else if (isPageView(row.hit.eventName)) batch.add(row.hit.timeMs, row.endpointId, row.clientId, row.hit.status, row.bucket);
  }
  return batch;
}

/** The day of the batch's earliest hit (Infinity for none): the first its rollup rows were sorted for. */
function firstDay(rows: readonly HitRow[]): number {
  let first = Infinity;
  for (const row of rows) first = Math.min(first, row.hit.timeMs);
  return Number.isFinite(first) ? Math.floor(first / DAY_MS) : first;
}

/** The indexes to send (hits without an id, and the first of each (client, hit id)) and the others. */
function firstOfEachId(hits: readonly IncomingHit[]): { sent: number[]; duplicates: number[] } {
  const seen = new Set<string>();
  const sent: number[] = [];
  const duplicates: number[] = [];
  hits.forEach((hit, index) => {
    if (hit.hitId === undefined) return void sent.push(index);
    // A client id holds no NUL (storable-text.ts replaces it), so the pair is told apart by one.
    const key = `${hit.client}\u0000${hit.hitId}`;
    if (seen.has(key)) return void duplicates.push(index);
    seen.add(key);
    sent.push(index);
  });
  return { sent, duplicates };
}

function endpointKey(hit: IncomingHit): string {
  return `${hit.method} ${hit.route}`;
}

/** Inserts the names not stored yet (sorted: concurrent writers lock them in one order), then reads every id. */
async function internEndpoints(client: PoolClient, keys: readonly string[]): Promise<Map<string, number>> {
  const methods = keys.map((key) => key.slice(0, key.indexOf(' ')));
  const routes = keys.map((key) => key.slice(key.indexOf(' ') + 1));
  await client.query('INSERT INTO endpoints (method, route) SELECT m, r FROM unnest($1::text[], $2::text[]) AS u(m, r) ORDER BY m, r ON CONFLICT DO NOTHING', [methods, routes]);
  const { rows } = await client.query<{ id: number; method: string; route: string }>(
    'SELECT e.id, e.method, e.route FROM endpoints e JOIN unnest($1::text[], $2::text[]) AS u(m, r) ON e.method = u.m AND e.route = u.r', [methods, routes]);
  return new Map(rows.map((row) => [`${row.method} ${row.route}`, Number(row.id)]));
}

async function internClients(client: PoolClient, names: readonly string[]): Promise<Map<string, number>> {
  await client.query('INSERT INTO clients (client) SELECT c FROM unnest($1::text[]) AS u(c) ORDER BY c ON CONFLICT DO NOTHING', [names]);
  const { rows } = await client.query<{ id: number; client: string }>('SELECT id, client FROM clients WHERE client = ANY($1::text[])', [names]);
  return new Map(rows.map((row) => [row.client, Number(row.id)]));
}

interface HitRow {
  readonly index: number;
  readonly hit: IncomingHit;
  readonly endpointId: number;
  readonly clientId: number;
  readonly bucket: number | null;
}

const HIT_COLUMNS = 'time_ms, received_ms, endpoint_id, client_id, status, duration_ms, dur_bucket, title, host, user_id, event_name, protocol, hit_id';

/** The unchecked write of the raw hits: their rows follow the statement (queryWithCopy), in the order given (ids in arrival order). */
const COPY_HITS = `COPY hits (${HIT_COLUMNS}) FROM STDIN`;

/** The rows of COPY_HITS, in COPY's text format (tab-separated, a line each). */
function copyRows(rows: readonly HitRow[], receivedMs: number): string {
  let text = '';
  const received = copyField(receivedMs);
  for (const { hit, endpointId, clientId, bucket } of rows) {
    text += `${copyField(hit.timeMs)}\t${received}\t${endpointId}\t${clientId}\t${copyField(hit.status)}\t${copyField(hit.durationMs)}\t${copyField(bucket)}\t${copyField(hit.title)}\t${copyField(hit.host)}\t${copyField(hit.userId)}\t${copyField(hit.eventName)}\t${copyField(hit.protocol)}\t${copyField(hit.hitId)}\n`;
  }
  return text;
}

/**
 * The checked write of the raw hits, one statement, rows in the order given: each hit stored
 * already is skipped (ON CONFLICT DO NOTHING); returns the (client id, hit id) pairs stored.
 */
async function insertChecked(client: PoolClient, rows: readonly HitRow[], receivedMs: number): Promise<Set<string>> {
  const column = <T>(pick: (row: HitRow) => T) => rows.map(pick);
  const { rows: stored } = await client.query<{ client_id: number; hit_id: string }>(
    `INSERT INTO hits (${HIT_COLUMNS})
      SELECT t, $2, e, c, s, d, b, ti, h, u, ev, p, hid
      FROM unnest($1::bigint[], $3::int[], $4::int[], $5::int[], $6::float8[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
        WITH ORDINALITY AS x(t, e, c, s, d, b, ti, h, u, ev, p, hid, ord)
      ORDER BY ord
      ON CONFLICT DO NOTHING
      RETURNING client_id, hit_id`,
    [
      column((r) => r.hit.timeMs), receivedMs, column((r) => r.endpointId), column((r) => r.clientId), column((r) => r.hit.status ?? null),
      column((r) => r.hit.durationMs ?? null), column((r) => r.bucket), column((r) => r.hit.title ?? null), column((r) => r.hit.host ?? null),
      column((r) => r.hit.userId ?? null), column((r) => r.hit.eventName), column((r) => r.hit.protocol), column((r) => r.hit.hitId ?? null),
    ],
  );
  return new Set(stored.filter((row) => row.hit_id !== null).map((row) => `${row.client_id} ${row.hit_id}`));
}

/**
 * A batch's rollup rows, appended to `pending_groups` with one COPY: a line per (hour, endpoint)
 * with its sums, its duration buckets and their counts, and its clients not known to be stored,
 * as arrays (migration 6: a row per bucket and per client made merging cost more than the raw
 * hits). `entries` counts what they hold (sums, buckets, clients), for the merge's cadence.
 */
function pendingCopy(batch: HourGroups, known: KnownClientHours): { copy: Copy | undefined; entries: number } {
  let text = '';
  let entries = 0;
  for (const [hour, endpoints] of batch.byHour) {
    for (const [endpointId, group] of endpoints) {
      const { hourly } = group;
      const buckets: number[] = [];
      const counts: number[] = [];
      for (const row of group.durations?.values() ?? []) {
        buckets.push(row.item);
        counts.push(row.count);
      }
      const clients: number[] = [];
      for (const clientId of group.clients) if (!known.has(hour, endpointId, clientId)) clients.push(clientId);
      text += `${wholeNumbers([hour, endpointId, hourly.hits, hourly.serverErrors, hourly.clientErrors, hourly.knownStatus, hourly.firstMs, hourly.lastMs], '\t')}\t${integerArray(buckets)}\t${integerArray(counts)}\t${integerArray(clients)}\n`;
      entries += 1 + buckets.length + clients.length;
    }
  }
  return { copy: text === '' ? undefined : { sql: COPY_PENDING, rows: text }, entries };
}

const COPY_PENDING = 'COPY pending_groups (hour, endpoint_id, hits, server_errors, client_errors, known_status, first_ms, last_ms, buckets, bucket_counts, client_ids) FROM STDIN';

/** A COPY statement of a write and its rows (COPY's text format). */
interface Copy {
  readonly sql: string;
  readonly rows: string;
}

/** Whole numbers as an array field of COPY's text format ({1,2,3}). */
function integerArray(values: readonly number[]): string {
  return `{${wholeNumbers(values, ',')}}`;
}
