import type { Observed } from './recorder.js';

/**
 * Routers serve a HEAD request with the GET route of its path (Express, @koa/router, Hono),
 * so an app that declared only `GET /x/:id` would otherwise show `HEAD /x/:id`, an endpoint it
 * never declared. A HEAD that a route served is counted as that GET, unless the route that
 * served it was declared for HEAD itself.
 */
export function countHeadAsGet(observed: Observed, servedByOwnHead: boolean): Observed {
  // The adapter's own fresh object: changed in place.
  if (!servedByOwnHead && typeof observed.route === 'string' && observed.method.toUpperCase() === 'HEAD') observed.method = 'GET';
  return observed;
}

/**
 * `countHeadAsGet` for an adapter whose answer to "served by a HEAD route of its own?" costs
 * something per request (walking matched layers, normalising a template): asked of a HEAD only.
 */
export function countHeadAsGetIf<S>(observed: Observed, servedByOwnHead: (subject: S) => boolean, subject: S): Observed {
  if (typeof observed.route === 'string' && observed.method.toUpperCase() === 'HEAD' && !servedByOwnHead(subject)) observed.method = 'GET';
  return observed;
}
