import { fork, type ChildProcess } from 'node:child_process';
import { connectChild } from './child-ipc.js';

export interface SinkStats {
  readonly requests: number;
  /** Open connections now, and the most at once since the last reset. */
  readonly connections: number;
  readonly maxConnections: number;
  /** Events in the GA4 requests it answered 2xx to a client still waiting. */
  readonly answeredEvents: number;
}

export interface SinkProcess {
  readonly url: string;
  requests(): Promise<number>;
  stats(reset?: boolean): Promise<SinkStats>;
  stop(): void;
}

/** Starts bench/sink-process.ts in a child process; resolves with its URL and ways to ask what it saw. */
export async function startSinkProcess(mode: 'ok' | 'hang' | 'chaos' = 'ok'): Promise<SinkProcess> {
  const child: ChildProcess = fork('bench/sink-process.ts', [mode], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const { url, ask } = await connectChild(child);
  return {
    url,
    requests: () => ask<number>('count'),
    stats: (reset = false) => ask<SinkStats>(reset ? 'reset' : 'stats'),
    stop: () => child.kill(),
  };
}
