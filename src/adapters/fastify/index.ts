import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Tracker } from '../../delivery/tracker.js';
import type { AdapterOptions } from '../shared/options.js';
import { observe } from '../shared/node-http.js';
import { claimRequest } from '../shared/owner.js';
import { CLIENT_CLOSED_STATUS, createRecorder } from '../shared/recorder.js';
import { tidyRoutes, type DeclaredRoute } from '../shared/routes.js';

export interface FastifyAdapterOptions extends AdapterOptions<FastifyRequest> {
  /** The tracker; without it, one is made from FOOTFALL_GA4_* variables. */
  tracker?: Tracker | undefined;
}

const STARTED = Symbol('footfall.started');
const routesSeen = new WeakMap<object, DeclaredRoute[]>();

type Done = (error?: Error) => void;

/**
 * The Fastify 5 plugin: `app.register(trackRequests, { tracker })`, before your routes. It
 * is not encapsulated (it sees every route) and reads the template from `routeOptions.url`.
 */
export function trackRequests(fastify: FastifyInstance, options: FastifyAdapterOptions, done: Done): void {
  let recorder: ReturnType<typeof createRecorder<FastifyRequest>>;
  try {
    // Fastify's own register() options reach the plugin too.
    recorder = createRecorder(options.tracker, options, { name: 'trackRequests (footfall/fastify)', ownKeys: ['tracker', 'prefix', 'logLevel', 'logSerializers'] });
  } catch (error) {
    // A bad option fails app.ready(), where it was written, never a request.
    done(error as Error);
    return;
  }
  const trustProxy = options.trustProxy === true;
  const routes: DeclaredRoute[] = [];
  routesSeen.set(fastify, routes);
  const finish = (request: FastifyRequest, status: number) => {
    const started = (request as unknown as Record<symbol, number | undefined>)[STARTED];
    if (started === undefined) return;
    (request as unknown as Record<symbol, number | undefined>)[STARTED] = undefined;
    recorder.record(request, observe(request.raw, started, request.routeOptions.url ?? null, status, trustProxy));
  };
  fastify.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, path: route.url });
  });
  fastify.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, next: Done) => {
    try {
      if (claimRequest(request.raw) && recorder.wants(request, request.method)) {
        (request as unknown as Record<symbol, number>)[STARTED] = performance.now();
      }
    } catch {
      // Never into the app.
    }
    next();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, next: Done) => {
    finish(request, reply.statusCode);
    next();
  });
  fastify.addHook('onRequestAbort', (request: FastifyRequest, next: Done) => {
    finish(request, CLIENT_CLOSED_STATUS);
    next();
  });
  done();
}

// A plugin Fastify runs in the root context, named in its errors, without importing fastify-plugin.
Object.assign(trackRequests, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'footfall',
  [Symbol.for('plugin-meta')]: { name: 'footfall', fastify: '5.x' },
});

/** The routes declared after the plugin was registered (HEAD routes Fastify adds for GET left out). */
export function listRoutes(fastify: FastifyInstance): DeclaredRoute[] {
  const routes = routesSeen.get(fastify) ?? [];
  const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.path));
  return tidyRoutes(routes.filter((r) => !(r.method === 'HEAD' && gets.has(r.path))));
}
