import type { RouteOptions } from 'fastify';
import { normalizeRoute } from '../../core/route.js';
import { tidyRoutes, type DeclaredRoute } from '../shared/routes.js';

export interface RouteBook {
  /** Called from Fastify's `onRoute` hook. */
  add(route: RouteOptions): void;
  list(): DeclaredRoute[];
}

/**
 * The routes an app declared. Fastify adds a HEAD route for each GET (`exposeHeadRoutes`,
 * default on) with the GET's own handler, right after it, and for a prefix's `/` route at both
 * `/api/tasks` and `/api/tasks/`; those are left out, because the app never declared them and
 * they would show as unused forever. A HEAD route the app declared itself (`app.head(...)`,
 * or `method: ['GET', 'HEAD']`) stays.
 */
export function createRouteBook(): RouteBook {
  const routes: DeclaredRoute[] = [];
  const getsByHandler = new WeakMap<object, Set<string>>();
  return {
    add(route) {
      const methods = [route.method].flat().map((method) => method.toUpperCase());
      const template = normalizeRoute(route.url);
      const handler = route.handler as object;
      if (methods.length === 1 && methods[0] === 'HEAD' && getsByHandler.get(handler)?.has(template) === true) return;
      if (methods.includes('GET')) getsByHandler.set(handler, (getsByHandler.get(handler) ?? new Set()).add(template));
      for (const method of methods) routes.push({ method, path: route.url });
    },
    list: () => tidyRoutes(routes),
  };
}
