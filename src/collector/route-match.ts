import { parseSegment, pathSegments, segmentShape } from './route-pattern.js';
import { buildTrie, findRoute } from './route-trie.js';
import type { DeclaredRoute } from './types.js';

/**
 * A route's shape: parameter names erased, so `/users/:id` (Express), `/users/:userId` and
 * OpenAPI's `/users/{userId}` (already converted to `:userId`) are one endpoint. Modifiers
 * (`:id?`, `:path*`, `:id(\\d+)`) are erased with the name; a trailing slash is dropped; a
 * literal after a parameter (`:name:pause`) stays. Text not starting with `/` is its own shape.
 */
export function routeShape(route: string): string {
  if (!route.startsWith('/')) return route;
  return shapeOf(route, pathSegments(route));
}

/** routeShape of a route starting with `/`, given its segments. */
function shapeOf(route: string, segments: readonly string[]): string {
  // A raw path (no parameter, rest or escape to read) is its own shape: the common case, kept
  // cheap; with no empty segment (no `//`, no trailing `/`) it is the path itself.
  if (!/[:*\\]/.test(route)) return route === '/' || (!route.endsWith('/') && !route.includes('//')) ? route : `/${segments.join('/')}`;
  return `/${segments.map((segment) => segmentShape(parseSegment(segment))).join('/')}`;
}

export interface InventoryMatch {
  /**
   * The declared route a recorded route belongs to: one of the same shape and method (or
   * `ALL`) first, else the most specific template the route matches as a raw path
   * (`/repos/octo/hello/issues/42` -> `/repos/:owner/:repo/issues/:issue_number`).
   */
  templateOf(method: string, route: string): DeclaredRoute | undefined;
  /** True when `templateOf` finds a declared route. */
  isDeclared(method: string, route: string): boolean;
  /** Declared routes that no endpoint matches (`ALL` is used by any method), as declared. */
  unused(endpoints: readonly { readonly method: string; readonly route: string }[]): DeclaredRoute[];
}

/** The one matching rule between an inventory and recorded endpoints (store and report share it). */
export function matchInventory(declared: readonly DeclaredRoute[]): InventoryMatch {
  const routes = uniqueRoutes(declared);
  // By method, then shape: no joined key per lookup (the import asks once per log line).
  const byShape = new Map<string, Map<string, DeclaredRoute>>();
  for (const route of routes) {
    const shape = routeShape(route.route);
    let shapes = byShape.get(route.method);
    if (shapes === undefined) byShape.set(route.method, (shapes = new Map()));
    if (!shapes.has(shape)) shapes.set(shape, route);
  }
  const anyMethod = byShape.get('ALL');
  const trie = buildTrie(routes);
  const templateOf = (method: string, route: string): DeclaredRoute | undefined => {
    if (!route.startsWith('/')) return undefined;
    const segments = pathSegments(route);
    const shape = shapeOf(route, segments);
    return byShape.get(method)?.get(shape) ?? anyMethod?.get(shape) ?? findRoute(trie, method, segments);
  };
  return {
    templateOf,
    isDeclared: (method, route) => templateOf(method, route) !== undefined,
    unused(endpoints) {
      const used = new Set<DeclaredRoute>();
      for (const endpoint of endpoints) {
        const found = templateOf(endpoint.method, endpoint.route);
        if (found !== undefined) used.add(found);
      }
      const usedShapes = new Set([...used].map((route) => routeShape(route.route)));
      return routes.filter((route) => !used.has(route) && !(route.method === 'ALL' && usedShapes.has(routeShape(route.route))));
    },
  };
}

/** Methods upper-cased, duplicates dropped, sorted by route then method (the tie-break order). */
function uniqueRoutes(declared: readonly DeclaredRoute[]): DeclaredRoute[] {
  const unique = new Map<string, DeclaredRoute>();
  for (const route of declared) {
    const method = route.method.toUpperCase();
    unique.set(`${method} ${route.route}`, { method, route: route.route });
  }
  return [...unique.values()].sort(compareRoutes);
}

/** Route, then method, by code unit (the same order everywhere, whatever the locale). */
export function compareRoutes(a: DeclaredRoute, b: DeclaredRoute): number {
  if (a.route !== b.route) return a.route < b.route ? -1 : 1;
  if (a.method !== b.method) return a.method < b.method ? -1 : 1;
  return 0;
}
