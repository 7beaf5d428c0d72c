import type { RouteOptions } from 'fastify';
import { normalizeRoute } from '../../core/route.js';
import { tidyRoutes, type DeclaredRoute } from '../shared/routes.js';

export interface RouteBook {
  /** Called from Fastify's `onRoute` hook. */
  add(route: RouteOptions): void;
  list(): DeclaredRoute[];
  /** True when `url`'s HEAD route is one Fastify added for its GET (so a HEAD there is that GET). */
  headIsGenerated(url: string): boolean;
}

/**
 * The routes an app declared. For a GET route, Fastify adds a HEAD route at once, before any
 * other route (`exposeHeadRoute`, default from `exposeHeadRoutes`: on); for a prefix's `/`
 * route, two (`/api/tasks` and `/api/tasks/`). Those are left out: the app never declared them,
 * and they would show as unused forever. A HEAD route the app declared itself (`app.head(...)`,
 * or `method: ['GET', 'HEAD']`) stays: right after a GET that gets its own HEAD, Fastify refuses
 * a second one on the same path, so a HEAD route there can only be Fastify's. Told apart by
 * position, not by handler: tracing plugins wrap the handlers in their own onRoute hooks.
 */
export function createRouteBook(exposeHeadRoutes: boolean): RouteBook {
  const routes: DeclaredRoute[] = [];
  /** The template of the GET route whose HEAD route Fastify adds next. */
  let addingHeadFor: string | undefined;
  const generatedHeads = new Set<string>();
  return {
    add(route) {
      const methods = [route.method].flat().map((method) => method.toUpperCase());
      const template = normalizeRoute(route.url);
      if (methods.length === 1 && methods[0] === 'HEAD' && template === addingHeadFor) {
        generatedHeads.add(template);
        return;
      }
      const exposesHead = methods.includes('GET') && !methods.includes('HEAD') && (route.exposeHeadRoute ?? exposeHeadRoutes);
      addingHeadFor = exposesHead ? template : undefined;
      for (const method of methods) routes.push({ method, path: route.url });
    },
    list: () => tidyRoutes(routes),
    headIsGenerated: (url) => generatedHeads.has(normalizeRoute(url)),
  };
}
