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
 * Sorted, de-duplicated, upper-case methods. Routes the default `skip` never records (health
 * checks by path, OPTIONS) are left out: in an inventory they could only ever show as unused.
 */
export function tidyRoutes(routes: DeclaredRoute[]): DeclaredRoute[] {
  const seen = new Map<string, DeclaredRoute>();
  for (const route of routes) if (route.method.toUpperCase() !== 'OPTIONS' && !isHealthCheck(route.path, false)) seen.set(`${route.method.toUpperCase()} ${route.path}`, { method: route.method.toUpperCase(), path: route.path });
  return [...seen.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
