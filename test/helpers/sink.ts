import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the sink does with one request. */
export type Behaviour =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'hang' }
  | { kind: 'reset' };

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string;
  readonly body: string;
}

/**
 * A real HTTP server on 127.0.0.1, port 0, that records what it receives and answers as the
 * test says: per request from a script, else with the default (204, as GA4 does).
 */
export async function startSink(script: Behaviour[] = [], fallback: Behaviour = { kind: 'status', status: 204 }) {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') });
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const behaviour = script.shift() ?? fallback;
      if (behaviour.kind === 'hang') hanging.add(res);
      else if (behaviour.kind === 'reset') req.socket.destroy();
      else res.writeHead(behaviour.status, behaviour.headers).end(behaviour.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script,
    /** Resolves once `count` requests have arrived (I/O, not time). */
    until(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    events(): unknown[] {
      return received.flatMap((r) => (JSON.parse(r.body) as { events: unknown[] }).events);
    },
    /** Answers every hanging request now. */
    release(status = 204) {
      for (const res of hanging) res.writeHead(status).end();
      hanging.clear();
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Lets pending I/O callbacks and promise jobs run (no time passes on the injected clock). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
