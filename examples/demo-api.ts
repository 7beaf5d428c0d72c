// The demo API of `npm start` (`footfall demo`): a small node:http app instrumented with
// Footfall, the way your own app would be. It needs no framework, so the demo runs wherever
// Footfall is installed. In your app the imports read:
//   import { trackRequests, listRoutes } from 'footfall/node';
//   import { createTracker, ga4 } from 'footfall';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { match } from 'path-to-regexp';
import { listRoutes, trackRequests } from '../src/adapters/node/index.js';
import type { Tracker } from '../src/delivery/tracker.js';

type Params = Partial<Record<string, string | string[]>>;

interface Route {
  readonly method: string;
  readonly path: string;
  readonly handle: (res: ServerResponse, params: Params) => void;
}

/** The demo app: its request listener, and the routes it declares. */
export interface DemoApi {
  /** The `request` listener: records the request with Footfall, then answers it. */
  readonly listener: RequestListener;
  /** What `listRoutes(routes)` finds: the inventory unused endpoints are listed against. */
  readonly routes: ReturnType<typeof listRoutes>;
}

const USERS = new Map([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => [id, { id, name: `user ${id}` }]));

/** The traffic generator calls only some of these. */
const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', handle: (res) => json(res, 200, { ok: true }) },
  { method: 'GET', path: '/v1/users', handle: (res) => later(res, 8, () => json(res, 200, [...USERS.values()])) },
  { method: 'GET', path: '/v1/users/:id', handle: (res, params) => later(res, 5, () => sendUser(res, params)) },
  { method: 'POST', path: '/v1/users', handle: (res) => later(res, 25, () => json(res, 201, { id: USERS.size + 1 })) },
  { method: 'PATCH', path: '/v1/users/:id', handle: (res) => void res.writeHead(204).end() },
  { method: 'GET', path: '/v1/orders', handle: (res) => later(res, 12, () => json(res, 200, [])) },
  { method: 'GET', path: '/v1/orders/:orderId', handle: (res, params) => later(res, 15, () => sendOrder(res, params)) },
  { method: 'POST', path: '/v1/orders', handle: (res) => later(res, 40, () => json(res, 201, { ok: true })) },
  { method: 'DELETE', path: '/v1/orders/:orderId', handle: (res) => void res.writeHead(204).end() },
  { method: 'GET', path: '/v1/reports/legacy', handle: (res) => json(res, 200, { deprecated: true }) },
  { method: 'GET', path: '/v1/export.csv', handle: (res) => void res.writeHead(200, { 'content-type': 'text/csv' }).end('id,name\n') },
];

export function createDemoApi(tracker: Tracker): DemoApi {
  const templates = ROUTES.map((route) => `${route.method} ${route.path}`);
  // Records every request when its response closes. `userId` is hashed with the tracker's
  // key before it leaves the process; the API key itself never does.
  const track = trackRequests(tracker, { routes: templates, userId: (req) => headerOf(req, 'x-api-key') });
  const compiled = ROUTES.map((route) => ({ route, test: match<Params>(route.path, { decode: false }) }));
  return {
    listener(req, res) {
      track(req, res);
      req.resume(); // the demo reads no bodies
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      for (const { route, test } of compiled) {
        const found = route.method === req.method ? test(path) : false;
        if (found !== false) return route.handle(res, found.params);
      }
      json(res, 404, { error: 'not found' });
    },
    routes: listRoutes(templates),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendUser(res: ServerResponse, params: Params): void {
  const user = USERS.get(Number(params.id));
  if (user === undefined) json(res, 404, { error: 'no such user' });
  else json(res, 200, user);
}

/** Every 20th order lookup fails, so the dashboard has errors to show. */
let orderLookups = 0;
function sendOrder(res: ServerResponse, params: Params): void {
  orderLookups++;
  if (orderLookups % 20 === 0) json(res, 500, { error: 'database timeout' });
  else json(res, 200, { id: params.orderId, total: 42 });
}

/** Answers after a few ms, like an API doing some work (varied so latency percentiles differ). */
function later(res: ServerResponse, ms: number, answer: () => void): void {
  setTimeout(() => {
    if (!res.headersSent) answer();
  }, ms * (0.5 + Math.random()));
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
