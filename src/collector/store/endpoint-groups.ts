import { templateFromPath } from '../../core/route.js';
import type { InventoryMatch } from '../route-match.js';
import type { DeclaredRoute } from '../types.js';

/** Past this many distinct undeclared rows (with an inventory), the ones with fewest hits share one `(undeclared)` row per method. */
export const MAX_UNDECLARED_ROWS = 200;
export const UNDECLARED_ROUTE = '(undeclared)';

/** The rows of a report: stored endpoints grouped under the name each is reported as. */
export interface EndpointGroups {
  /** Group id (its smallest endpoint id) -> the row's method, route and whether it is declared. */
  readonly rows: ReadonlyMap<number, { readonly method: string; readonly route: string; readonly declared: boolean }>;
  /** Endpoint id -> group id, for every endpoint with hits. */
  readonly groupOf: ReadonlyMap<number, number>;
}

/**
 * Groups stored endpoints by the row they are reported under. With no inventory, each
 * endpoint is its own row, as stored. With one, an endpoint is reported under the declared
 * template it matches (a raw path `/repos/octo/hello/issues/42` under
 * `/repos/:owner/:repo/issues/:issue_number`, with the hit's method); one that matches nothing
 * under Footfall's own fallback (`:id` for ids: `/repos/octo/hello/pulls/:id`), and past
 * MAX_UNDECLARED_ROWS such rows, the least hit ones under `(undeclared)`.
 */
export function groupEndpoints(hitsById: ReadonlyMap<number, number>, names: ReadonlyMap<number, DeclaredRoute>, inventory: InventoryMatch | undefined): EndpointGroups {
  const keyed = new Map<string, { method: string; route: string; declared: boolean; ids: number[]; hits: number }>();
  for (const [id, hits] of hitsById) {
    const name = names.get(id);
    if (name === undefined || hits === 0) continue;
    const row = reportedAs(name, inventory);
    const key = `${row.method} ${row.route}`;
    const entry = keyed.get(key) ?? { ...row, ids: [], hits: 0 };
    entry.ids.push(id);
    entry.hits += hits;
    keyed.set(key, entry);
  }
  const entries = [...keyed.values()];
  if (inventory !== undefined) foldUndeclared(entries);
  return indexGroups(entries);
}

/** The row a stored endpoint is reported under (before the `(undeclared)` fold): its template, or itself with the :id fallback. */
export function reportedAs(name: DeclaredRoute, inventory: InventoryMatch | undefined): { method: string; route: string; declared: boolean } {
  if (inventory === undefined) return { ...name, declared: false };
  const template = inventory.templateOf(name.method, name.route);
  if (template !== undefined) return { method: name.method, route: template.route, declared: true };
  return { method: name.method, route: name.route.startsWith('/') ? templateFromPath(name.route) : name.route, declared: false };
}

type Entry = { method: string; route: string; declared: boolean; ids: number[]; hits: number };

/** Keeps the MAX_UNDECLARED_ROWS most hit undeclared rows; the others become one `(undeclared)` row per method. */
function foldUndeclared(entries: Entry[]): void {
  const undeclared = entries.filter((entry) => !entry.declared);
  if (undeclared.length <= MAX_UNDECLARED_ROWS) return;
  undeclared.sort((a, b) => b.hits - a.hits || (a.route < b.route ? -1 : a.route > b.route ? 1 : a.method < b.method ? -1 : 1));
  const folded = new Map<string, Entry>();
  for (const entry of undeclared.slice(MAX_UNDECLARED_ROWS)) {
    const into = folded.get(entry.method) ?? { method: entry.method, route: UNDECLARED_ROUTE, declared: false, ids: [], hits: 0 };
    into.ids.push(...entry.ids);
    into.hits += entry.hits;
    folded.set(entry.method, into);
    entry.ids = [];
  }
  entries.push(...folded.values());
}

function indexGroups(entries: readonly Entry[]): EndpointGroups {
  const rows = new Map<number, { method: string; route: string; declared: boolean }>();
  const groupOf = new Map<number, number>();
  for (const entry of entries) {
    if (entry.ids.length === 0) continue;
    const group = entry.ids.reduce((a, b) => Math.min(a, b));
    rows.set(group, { method: entry.method, route: entry.route, declared: entry.declared });
    for (const id of entry.ids) groupOf.set(id, group);
  }
  return { rows, groupOf };
}
