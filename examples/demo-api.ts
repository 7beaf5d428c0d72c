// The demo API of `npm start` (`footfall demo`): a small Express app instrumented with
// Footfall, the way your own app would be. In your app the imports read:
//   import { trackRequests, listRoutes } from 'footfall/express';
//   import { createTracker, ga4 } from 'footfall';
import express from 'express';
import type { Express, Request, Response } from 'express';
import { listRoutes, trackRequests } from '../src/adapters/express/index.js';
import type { Tracker } from '../src/delivery/tracker.js';

/** The routes the demo app declares; the traffic generator calls only some of them. */
export interface DemoApi {
  readonly app: Express;
  /** What `listRoutes(app)` finds: the inventory unused endpoints are listed against. */
  readonly routes: ReturnType<typeof listRoutes>;
}

const USERS = new Map([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((id) => [id, { id, name: `user ${id}` }]));

export function createDemoApi(tracker: Tracker): DemoApi {
  const app = express();
  app.disable('x-powered-by');
  // First middleware: records every request when its response closes. `userId` is hashed
  // with the tracker's key before it leaves the process; the API key itself never does.
  app.use(trackRequests(tracker, { userId: (req) => headerOf(req, 'x-api-key') }));
  app.use(express.json({ limit: '16kb' }));
  app.get('/health', (_req, res) => void res.json({ ok: true }));

  const v1 = express.Router();
  v1.get('/users', (_req, res) => void later(res, 8, () => res.json([...USERS.values()])));
  v1.get('/users/:id', (req, res) => void later(res, 5, () => sendUser(req, res)));
  v1.post('/users', (_req, res) => void later(res, 25, () => res.status(201).json({ id: USERS.size + 1 })));
  v1.patch('/users/:id', (_req, res) => void res.status(204).end());
  v1.get('/orders', (_req, res) => void later(res, 12, () => res.json([])));
  v1.get('/orders/:orderId', (req, res) => void later(res, 15, () => sendOrder(req, res)));
  v1.post('/orders', (_req, res) => void later(res, 40, () => res.status(201).json({ ok: true })));
  v1.delete('/orders/:orderId', (_req, res) => void res.status(204).end());
  v1.get('/reports/legacy', (_req, res) => void res.json({ deprecated: true }));
  v1.get('/export.csv', (_req, res) => void res.type('text/csv').send('id,name\n'));
  app.use('/v1', v1);
  app.use((_req: Request, res: Response) => void res.status(404).json({ error: 'not found' }));
  return { app, routes: listRoutes(app) };
}

function sendUser(req: Request, res: Response): void {
  const user = USERS.get(Number(req.params.id));
  if (user === undefined) res.status(404).json({ error: 'no such user' });
  else res.json(user);
}

/** Every 20th order lookup fails, so the dashboard has errors to show. */
let orderLookups = 0;
function sendOrder(req: Request, res: Response): void {
  orderLookups++;
  if (orderLookups % 20 === 0) res.status(500).json({ error: 'database timeout' });
  else res.json({ id: req.params.orderId, total: 42 });
}

/** Answers after a few ms, like an API doing some work (varied so latency percentiles differ). */
function later(res: Response, ms: number, answer: () => void): void {
  setTimeout(() => {
    if (!res.headersSent) answer();
  }, ms * (0.5 + Math.random()));
}

function headerOf(req: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
