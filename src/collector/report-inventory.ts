import { matchInventory } from './route-match.js';
import type { DeclaredRoute, EndpointsReport } from './types.js';

/**
 * The report measured against another route inventory (e.g. `footfall report --routes`),
 * without writing it to the store: each endpoint's `declared`, the `unused` list and the
 * `declared` count are recomputed; the usage numbers are untouched. Matching is the store's
 * own rule (src/collector/route-match.ts): same route shape, same method or `ALL`.
 */
export function applyInventory(report: EndpointsReport, routes: readonly DeclaredRoute[]): EndpointsReport {
  const unique = [...new Map(routes.map((route) => [`${route.method.toUpperCase()} ${route.route}`, { method: route.method.toUpperCase(), route: route.route }])).values()];
  const inventory = matchInventory(unique);
  const endpoints = report.endpoints.map((endpoint) => ({ ...endpoint, declared: inventory.isDeclared(endpoint.method, endpoint.route) }));
  return { ...report, endpoints, unused: inventory.unused(report.endpoints), declared: unique.length };
}
