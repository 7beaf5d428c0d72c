import type { DeclaredRoute } from './types.js';

/**
 * A route's shape: parameter names erased, so `/users/:id` (Express), `/users/:userId` and
 * OpenAPI's `/users/{userId}` (already converted to `:userId`) are one endpoint. Modifiers
 * (`:id?`, `:path*`, `:id(\\d+)`) are erased with the name.
 */
export function routeShape(route: string): string {
  return route.replace(/:[A-Za-z_$][\w$]*(?:\([^)]*\))?[?*+]?/g, ':');
}

export interface InventoryMatch {
  /** True when a declared route has the endpoint's shape and its method, or `ALL`. */
  isDeclared(method: string, route: string): boolean;
  /** Declared routes that no endpoint matches (`ALL` is used by any method), as declared. */
  unused(endpoints: readonly { readonly method: string; readonly route: string }[]): DeclaredRoute[];
}

/** The one matching rule between an inventory and recorded endpoints (store and report share it). */
export function matchInventory(declared: readonly DeclaredRoute[]): InventoryMatch {
  const keys = new Set(declared.map((route) => `${route.method.toUpperCase()} ${routeShape(route.route)}`));
  return {
    isDeclared: (method, route) => {
      const shape = routeShape(route);
      return keys.has(`${method} ${shape}`) || keys.has(`ALL ${shape}`);
    },
    unused(endpoints) {
      const used = new Set(endpoints.map((endpoint) => `${endpoint.method} ${routeShape(endpoint.route)}`));
      const usedShapes = new Set(endpoints.map((endpoint) => routeShape(endpoint.route)));
      return declared
        .filter((route) => {
          const shape = routeShape(route.route);
          const method = route.method.toUpperCase();
          return method === 'ALL' ? !usedShapes.has(shape) : !used.has(`${method} ${shape}`);
        })
        .map((route) => ({ method: route.method.toUpperCase(), route: route.route }))
        .sort(compareRoutes);
    },
  };
}

/** Route, then method, by code unit (the same order everywhere, whatever the locale). */
export function compareRoutes(a: DeclaredRoute, b: DeclaredRoute): number {
  if (a.route !== b.route) return a.route < b.route ? -1 : 1;
  if (a.method !== b.method) return a.method < b.method ? -1 : 1;
  return 0;
}
