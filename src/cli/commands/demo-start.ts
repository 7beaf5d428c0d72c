import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { DemoApi } from '../../../examples/demo-api.js';
import type { Collector } from '../../collector/server.js';
import { startCollector } from '../../collector/server.js';
import type { Tracker } from '../../delivery/tracker.js';
import { createTracker } from '../../delivery/tracker.js';
import { ga4 } from '../../protocols/ga4/destination.js';

/** Everything `footfall demo` starts, in the order it starts them. */
export interface DemoParts {
  readonly collector: Collector;
  readonly tracker: Tracker;
  readonly server: Server;
  readonly api: DemoApi;
  readonly apiUrl: string;
  /** Set when the default port was taken and the collector took another. */
  readonly portTaken: boolean;
}

export interface DemoStartOptions {
  readonly port: number;
  /** Whether the port was asked for (then a taken port is an error, not a fallback). */
  readonly portGiven: boolean;
  readonly db?: string | undefined;
  /** Builds the demo API. @default examples/demo-api.ts's createDemoApi */
  readonly loadApi?: ((tracker: Tracker) => Promise<DemoApi>) | undefined;
}

/**
 * Starts the collector, the tracker and the demo API, and sends the API's routes to the
 * collector. If any step fails, whatever was already started is stopped before the error is
 * thrown, so a failed start leaves nothing listening.
 */
export async function startDemo(options: DemoStartOptions): Promise<DemoParts> {
  const { collector, portTaken } = await startDemoCollector(options);
  let tracker: Tracker | undefined;
  let server: Server | undefined;
  try {
    tracker = createTracker({
      destination: ga4({ measurementId: 'G-DEMO000000', apiSecret: 'demo-secret', endpoint: `${collector.url}/mp/collect` }),
      hashKey: 'footfall-demo-key (not a secret)',
      flushIntervalMs: 1000,
    });
    const api = await buildApi(tracker, options.loadApi ?? loadDemoApi);
    server = await listen(api.listener);
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await postRoutes(collector.url, api.routes);
    return { collector, tracker, server, api, apiUrl, portTaken };
  } catch (error) {
    await stopQuietly(collector, tracker, server);
    throw error;
  }
}

async function loadDemoApi(tracker: Tracker): Promise<DemoApi> {
  const { createDemoApi } = await import('../../../examples/demo-api.js');
  return createDemoApi(tracker);
}

async function buildApi(tracker: Tracker, load: (tracker: Tracker) => Promise<DemoApi>): Promise<DemoApi> {
  try {
    return await load(tracker);
  } catch (error) {
    throw new Error(`the demo API could not start: ${describeFailure(error)}`);
  }
}

/** The reason, and what to do about it; nothing is left running either way. */
function describeFailure(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  const fix = missing === undefined
    ? 'reinstall Footfall (`npm i footfall`) and run it again'
    : `install it (\`npm i ${missing.startsWith('.') || missing.startsWith('/') ? 'footfall' : packageName(missing)}\`) and run it again`;
  return `${message}. The collector it had started was stopped; ${fix}.`;
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

async function stopQuietly(collector: Collector, tracker: Tracker | undefined, server: Server | undefined): Promise<void> {
  if (server?.listening === true) await new Promise<void>((resolve) => server.close(() => resolve()));
  await tracker?.close({ timeoutMs: 1000 }).catch(() => undefined);
  await collector.close().catch(() => undefined);
}

/** The collector on the port asked for; on the default port, another free one when it is taken. */
async function startDemoCollector(options: DemoStartOptions): Promise<{ collector: Collector; portTaken: boolean }> {
  const storage = options.db === undefined ? { memory: true } : { dbFile: options.db };
  try {
    return { collector: await startCollector({ port: options.port, output: 'none', ...storage }), portTaken: false };
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE' || options.portGiven) throw error;
    return { collector: await startCollector({ port: 0, output: 'none', ...storage }), portTaken: true };
  }
}

function listen(listener: RequestListener): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer(listener);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The app's route inventory goes to the collector the way a deploy script would send it. */
async function postRoutes(collectorUrl: string, routes: readonly { method: string; path: string }[]): Promise<void> {
  const response = await request(`${collectorUrl}/api/routes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(routes) });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`the collector refused the route inventory (${response.statusCode}): ${text}`);
}
