import { normalizeRoute } from '../../core/route.js';
import { isHealthCheck } from './options.js';

/** A declared endpoint, as `listRoutes()` returns it. */
export interface DeclaredRoute {
  readonly method: string;
  readonly path: string;
}

/** Joins mount paths and route paths into one template without doubled or trailing slashes. */
export function joinPaths(...parts: string[]): string {
  const joined = parts.join('/').replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

/**
 * Sorted, de-duplicated, upper-case methods, each path written as a hit records it (the core's
 * `normalizeRoute`: no trailing slash, `:id(\\d+)` and `:id{[0-9]+}` as `:id`), so a listed
 * route and its hits are the same string. Routes the default `skip` never records (health
 * checks by path, OPTIONS) are left out: in an inventory they could only ever show as unused.
 */
export function tidyRoutes(routes: DeclaredRoute[]): DeclaredRoute[] {
  const seen = new Map<string, DeclaredRoute>();
  for (const route of routes) {
    const method = route.method.toUpperCase();
    const path = normalizeRoute(route.path);
    if (method !== 'OPTIONS' && !isHealthCheck(path, false)) seen.set(`${method} ${path}`, { method, path });
  }
  return [...seen.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
