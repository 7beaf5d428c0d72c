import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { Tracker } from '../../delivery/tracker.js';
import { countHeadAsGet } from '../shared/head.js';
import type { AdapterOptions } from '../shared/options.js';
import { createResponseWatch } from '../shared/node-http.js';
import { claimRequest } from '../shared/owner.js';
import { createRecorder, type Observed } from '../shared/recorder.js';
import { tidyRoutes, type DeclaredRoute } from '../shared/routes.js';

interface RouteEntry {
  method: string;
  path: string;
}

/**
 * Hono 4 middleware: `app.use(trackRequests(tracker))`, first. Works on @hono/node-server (where
 * an abandoned request is recorded as 499) and as a plain fetch handler.
 */
export function trackRequests(tracker?: Tracker, options: AdapterOptions<Context> = {}): MiddlewareHandler {
  const recorder = createRecorder(tracker, options, { name: 'trackRequests (footfall/hono)' });
  const watch = createResponseWatch<Context>((c, started, status) => recorder.record(c, observeHono(c, started, status)));
  return async function footfallMiddleware(c, next) {
    let started: number | undefined;
    let outgoing: ServerResponse | undefined;
    try {
      // On @hono/node-server the IncomingMessage is shared even by apps mounted with mount().
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      if (claimRequest(incoming ?? c.req.raw) && recorder.wants(c, c.req.method)) {
        started = performance.now();
        outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
        if (outgoing !== undefined) watch(outgoing, c, started);
      }
    } catch {
      started = undefined;
    }
    await next();
    if (started !== undefined && outgoing === undefined) recorder.record(c, observeHono(c, started, c.res.status));
  };
}

function observeHono(c: Context, started: number, status: number): Observed {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // Hono dispatches every HEAD to the GET routes: a HEAD route of its own is never matched.
  return countHeadAsGet({
    method: c.req.method,
    url: c.req.url,
    route: routeOf(c),
    status,
    durationMs: performance.now() - started,
    clientIp: incoming?.socket?.remoteAddress,
    headers: {
      host: c.req.header('host'),
      userAgent: c.req.header('user-agent'),
      referrer: c.req.header('referer'),
      forwardedHost: c.req.header('x-forwarded-host'),
      forwardedProto: c.req.header('x-forwarded-proto'),
      forwardedFor: c.req.header('x-forwarded-for'),
    },
  }, false);
}

/** The last matched route that is not middleware (`use` registers method ALL on a `*` path). */
function routeOf(c: Context): string | null {
  const matched = (c.req as unknown as { matchedRoutes?: RouteEntry[] }).matchedRoutes ?? [];
  for (let i = matched.length - 1; i >= 0; i--) {
    const route = matched[i];
    if (route !== undefined && !isMiddleware(route)) return route.path;
  }
  return null;
}

function isMiddleware(route: RouteEntry): boolean {
  return route.method === 'ALL' && route.path.endsWith('*');
}

/** The routes declared on a Hono app, sub-apps mounted with `route()` included. */
export function listRoutes(app: Hono<never, never, never> | { routes: RouteEntry[] }): DeclaredRoute[] {
  return tidyRoutes((app as { routes: RouteEntry[] }).routes.filter((route) => !isMiddleware(route)));
}
