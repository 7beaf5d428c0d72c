import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { Tracker } from '../../delivery/tracker.js';
import { countHeadAsGet } from '../shared/head.js';
import type { AdapterOptions } from '../shared/options.js';
import { createResponseWatch, nodeHeaders } from '../shared/node-http.js';
import { claimRequest } from '../shared/owner.js';
import { createRecorder, type Observed, type Recorder } from '../shared/recorder.js';
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
  // Not an async function: on @hono/node-server (the response watched) next()'s own promise is
  // handed back as it is, with no promise or closure of the adapter's per request.
  return function footfallMiddleware(c, next) {
    let started: number | undefined;
    try {
      // On @hono/node-server the IncomingMessage is shared even by apps mounted with mount().
      const env = c.env as NodeBindings | undefined;
      if (claimRequest(env?.incoming ?? c.req.raw) && recorder.wants(c, c.req.method)) {
        started = performance.now();
        const outgoing = env?.outgoing;
        if (outgoing !== undefined) {
          watch(outgoing, c, started);
          started = undefined;
        }
      }
    } catch {
      started = undefined;
    }
    return started === undefined ? next() : recordAfter(recorder, c, next, started);
  };
}

/** @hono/node-server's bindings. */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/** As a plain fetch handler (no response to watch): recorded once the handlers are done. */
async function recordAfter(recorder: Recorder<Context>, c: Context, next: () => Promise<void>, started: number): Promise<void> {
  await next();
  recorder.record(c, observeHono(c, started, c.res.status));
}

function observeHono(c: Context, started: number, status: number): Observed {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  // Hono dispatches every HEAD to the GET routes: a HEAD route of its own is never matched.
  return countHeadAsGet({
    method: c.req.method,
    url: c.req.url,
    route: routeOf(c),
    status,
    durationMs: performance.now() - started,
    clientIp: incoming?.socket?.remoteAddress,
    // On node-server the IncomingMessage's own headers: reading them through c.req makes
    // node-server build a Headers view and copy the raw headers per request.
    headers: incoming?.headers !== undefined ? nodeHeaders(incoming.headers) : {
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
