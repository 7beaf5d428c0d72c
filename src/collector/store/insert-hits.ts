import type BetterSqlite3 from 'better-sqlite3';
import type { IncomingHit } from '../types.js';
import { durationBucket } from './duration-buckets.js';
import { createDayFolder } from './fold-days.js';
import { createHourGroups, createKnownClientHours, type HourGroups, type KnownClientHours } from './hour-groups.js';
import { createInterner } from './interner.js';
import { isPageView } from './page-views.js';
import type { InsertResult } from './store.js';

export type InsertHits = (hits: readonly IncomingHit[], receivedMs: number) => InsertResult;

const NOTHING: InsertResult = { stored: 0, duplicates: [] };

/** Past this many remembered (hour, endpoint, client) rows, the memory of them starts over. */
const MAX_KNOWN_CLIENT_HOURS = 200_000;

/**
 * The write path: one IMMEDIATE transaction per call holding the raw hits and every rollup row
 * they touch, so a batch is stored whole or not at all. Endpoints and clients are interned
 * through caches; (hour, endpoint, client) rows already stored are remembered, after commit
 * only, and not written again. Days are folded into the daily rollups as they age (fold-days).
 * A hit whose (client, hit id) is stored already, before or earlier in the batch, is refused
 * by the unique index (ON CONFLICT DO NOTHING) and adds nothing to the rollups either. Only page
 * views are rolled up: other events are stored raw (see page-views.ts).
 */
export function createInsertHits(db: BetterSqlite3.Database): InsertHits {
  const statements = prepareWrites(db);
  const folder = createDayFolder(db);
  const endpoints = createInterner<IncomingHit>({
    find: (hit) => statements.findEndpoint.get(hit.method, hit.route) as number | undefined,
    add: (hit) => Number(statements.addEndpoint.run(hit.method, hit.route).lastInsertRowid),
  });
  const clients = createInterner<string>({
    find: (client) => statements.findClient.get(client) as number | undefined,
    add: (client) => Number(statements.addClient.run(client).lastInsertRowid),
  });
  const knownClientHours = createKnownClientHours(MAX_KNOWN_CLIENT_HOURS);

  const write = db.transaction((hits: readonly IncomingHit[], receivedMs: number): { groups: HourGroups; duplicates: number[] } => {
    const groups = createHourGroups();
    const duplicates: number[] = [];
    const { insertHit } = statements;
    for (let index = 0; index < hits.length; index++) {
      const hit = hits[index] as IncomingHit;
      const endpointId = endpoints.id(`${hit.method} ${hit.route}`, hit);
      const clientId = clients.id(hit.client, hit.client);
      const bucket = durationBucket(hit.durationMs);
      const { changes } = insertHit.run(hit.timeMs, receivedMs, endpointId, clientId, hit.status ?? null, hit.durationMs ?? null, bucket,
        hit.title ?? null, hit.host ?? null, hit.userId ?? null, hit.eventName, hit.protocol, hit.hitId ?? null);
      if (changes === 0) duplicates.push(index);
      else if (isPageView(hit.eventName)) groups.add(hit.timeMs, endpointId, clientId, hit.status, bucket);
    }
    writeRollups(statements, groups, knownClientHours);
    const foldedBeforeDay = folder.foldedBeforeDay();
    const late = groups.lateRows(foldedBeforeDay);
    folder.addLate(late.durations, late.clients, foldedBeforeDay);
    folder.foldUpTo(receivedMs, foldedBeforeDay);
    return { groups, duplicates };
  });

  return (hits, receivedMs) => {
    if (hits.length === 0) return NOTHING;
    let written: { groups: HourGroups; duplicates: number[] };
    try {
      written = write.immediate(hits, receivedMs);
    } catch (error) {
      endpoints.rollback();
      clients.rollback();
      throw error;
    }
    endpoints.commit();
    clients.commit();
    const { groups, duplicates } = written;
    knownClientHours.remember(groups);
    return { stored: hits.length - duplicates.length, duplicates };
  };
}

type WriteStatements = ReturnType<typeof prepareWrites>;

function prepareWrites(db: BetterSqlite3.Database) {
  return {
    findEndpoint: db.prepare('SELECT id FROM endpoints WHERE method = ? AND route = ?').pluck(),
    addEndpoint: db.prepare('INSERT INTO endpoints (method, route) VALUES (?, ?)'),
    findClient: db.prepare('SELECT id FROM clients WHERE client = ?').pluck(),
    addClient: db.prepare('INSERT INTO clients (client) VALUES (?)'),
    // The only unique index besides the key is (client_id, hit_id): a hit already stored is skipped, its `changes` 0.
    insertHit: db.prepare(`INSERT INTO hits (time_ms, received_ms, endpoint_id, client_id, status, duration_ms, dur_bucket, title, host, user_id, event_name, protocol, hit_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    upsertHourly: db.prepare(`INSERT INTO hourly (hour, endpoint_id, hits, server_errors, client_errors, known_status, first_ms, last_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT DO UPDATE SET hits = hits + excluded.hits, server_errors = server_errors + excluded.server_errors,
        client_errors = client_errors + excluded.client_errors, known_status = known_status + excluded.known_status,
        first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms)`),
    upsertDuration: db.prepare('INSERT INTO hourly_durations (hour, endpoint_id, bucket, count) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count'),
    addClientHour: db.prepare('INSERT OR IGNORE INTO hourly_clients (hour, endpoint_id, client_id) VALUES (?, ?, ?)'),
  };
}

function writeRollups(statements: WriteStatements, groups: HourGroups, knownClientHours: KnownClientHours): void {
  const { upsertHourly, upsertDuration, addClientHour } = statements;
  for (const [hour, endpoints] of groups.byHour) {
    for (const [endpointId, group] of endpoints) {
      const row = group.hourly;
      upsertHourly.run(hour, endpointId, row.hits, row.serverErrors, row.clientErrors, row.knownStatus, row.firstMs, row.lastMs);
      if (group.durations !== undefined) for (const duration of group.durations.values()) upsertDuration.run(hour, endpointId, duration.item, duration.count);
      for (const clientId of group.clients) {
        if (!knownClientHours.has(hour, endpointId, clientId)) addClientHour.run(hour, endpointId, clientId);
      }
    }
  }
}
