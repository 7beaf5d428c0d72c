import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What the proxy does with a connection: pass it through, reset it at once, or accept it and never answer. */
export type ProxyMode = 'pass' | 'refuse' | 'hold';

/** A TCP proxy on 127.0.0.1 that a test can cut, to make a service go away without stopping it for other tests. */
export interface TcpProxy {
  /** The port it listens on (kept while cut, so nothing else can take it). */
  readonly port: number;
  /**
   * Cuts every connection (closed at once on both sides) and from now on resets new ones (`refuse`) or
   * accepts them and sends nothing (`hold`: a database that does not answer).
   */
  cut(mode?: Exclude<ProxyMode, 'pass'>): void;
  /**
   * A silent partition: open connections stay open but nothing more goes through either way,
   * and new ones are held. `restore()` resets the stalled ones.
   */
  stall(): void;
  /** Lets new connections through again. */
  restore(): void;
  /** Connections passed through and still open. */
  open(): number;
  /** Connections accepted so far, whatever became of them. */
  accepted(): number;
  close(): Promise<void>;
}

/** What went through a passing connection: `up` from the client to the target, `down` back; `connection` counts from 1. */
export type ProxyTap = (direction: 'up' | 'down', chunk: Buffer, connection: number) => void;

/** Starts a proxy to `target` (host and port) on a free port of 127.0.0.1; `tap` sees every byte passed through. */
export async function startTcpProxy(target: { host: string; port: number }, mode: ProxyMode = 'pass', tap?: ProxyTap): Promise<TcpProxy> {
  let current: ProxyMode = mode;
  let accepted = 0;
  const pairs = new Set<[Socket, Socket]>();
  const held = new Set<Socket>();
  const server = createServer((downstream) => {
    accepted++;
    downstream.on('error', () => undefined);
    if (current === 'refuse') return void downstream.destroy();
    if (current === 'hold') {
      held.add(downstream);
      downstream.once('close', () => held.delete(downstream));
      return;
    }
    const upstream = createConnection(target);
    upstream.on('error', () => undefined);
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    const end = () => {
      if (!pairs.delete(pair)) return;
      downstream.destroy();
      upstream.destroy();
    };
    downstream.once('close', end);
    upstream.once('close', end);
    if (tap !== undefined) {
      const connection = accepted;
      downstream.on('data', (chunk: Buffer) => tap('up', chunk, connection));
      upstream.on('data', (chunk: Buffer) => tap('down', chunk, connection));
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const resetAll = () => {
    const cut = [...pairs];
    pairs.clear();
    for (const [downstream, upstream] of cut) {
      // Cut at once, as a killed server gives: both sides see their connection end mid-query.
      // (Not resetAndDestroy(): on Node 20 it left the test process spinning a core after the
      // tests ended, in 3 runs of 3; destroy() still makes the collector's pg clients fail mid-write.)
      if (!downstream.destroyed) downstream.destroy();
      if (!upstream.destroyed) upstream.destroy();
    }
    for (const socket of [...held]) socket.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut(mode = 'refuse') {
      current = mode;
      resetAll();
    },
    stall() {
      current = 'hold';
      for (const [downstream, upstream] of pairs) {
        downstream.unpipe(upstream);
        upstream.unpipe(downstream);
        downstream.pause();
        upstream.pause();
        held.add(downstream);
        held.add(upstream);
      }
      pairs.clear();
    },
    restore() {
      for (const socket of [...held]) socket.destroy();
      current = 'pass';
    },
    open: () => pairs.size,
    accepted: () => accepted,
    close() {
      resetAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
