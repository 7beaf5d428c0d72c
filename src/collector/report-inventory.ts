import { compareRoutes } from './store/endpoints-query.js';
import type { DeclaredRoute, EndpointsReport } from './types.js';

/**
 * The report measured against another route inventory (e.g. `footfall report --routes`),
 * without writing it to the store: each endpoint's `declared`, the `unused` list and the
 * `declared` count are recomputed; the usage numbers are untouched. A declared route matches
 * an endpoint when the routes are equal and the methods are equal or the declared one is ALL
 * (the store's own rule).
 */
export function applyInventory(report: EndpointsReport, routes: readonly DeclaredRoute[]): EndpointsReport {
  const declared = new Set(routes.map((route) => key(route.method.toUpperCase(), route.route)));
  const used = new Set(report.endpoints.map((endpoint) => key(endpoint.method, endpoint.route)));
  const usedRoutes = new Set(report.endpoints.map((endpoint) => endpoint.route));
  const endpoints = report.endpoints.map((endpoint) => ({
    ...endpoint,
    declared: declared.has(key(endpoint.method, endpoint.route)) || declared.has(key('ALL', endpoint.route)),
  }));
  const unused = [...declared]
    .map(fromKey)
    .filter((route) => (route.method === 'ALL' ? !usedRoutes.has(route.route) : !used.has(key(route.method, route.route))))
    .sort(compareRoutes);
  return { ...report, endpoints, unused, declared: declared.size };
}

function key(method: string, route: string): string {
  return `${method} ${route}`;
}

function fromKey(text: string): DeclaredRoute {
  const space = text.indexOf(' ');
  return { method: text.slice(0, space), route: text.slice(space + 1) };
}
