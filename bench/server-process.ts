// Starts bench/http-server.ts in its own process pinned to core 0, and talks to it over IPC.
import { spawn } from 'node:child_process';
import { connectChild } from './child-ipc.js';

export interface ServerProcess {
  readonly url: string;
  /** Memory now and at peak, and CPU (user + system) so far, in µs. */
  stats(): Promise<{ rss: number; maxRss: number; cpuUs: number }>;
  /** Closes the server's tracker within `timeoutMs`; how long it took and its stats. */
  closeTracker(timeoutMs: number): Promise<{ closeMs: number; stats: { tracked: number; sent: number } }>;
  /** Starts V8's sampling profiler in the server; `stopProfile` writes it to `file`. */
  startProfile(): Promise<void>;
  stopProfile(file: string): Promise<void>;
  /** The server's process id (for callgrind_control). */
  readonly pid: number;
  stop(): void;
}

/** `wrapper`: a command the server runs under (bench/instructions runs it under valgrind). */
export async function startServerProcess(framework: string, mode: string, sinkUrl: string, env: Record<string, string> = {}, wrapper: string[] = []): Promise<ServerProcess> {
  // The server gets core 0 to itself; the load generator and the sink share core 1.
  const child = spawn('taskset', ['-c', '0', ...wrapper, process.execPath, '--import', 'tsx', 'bench/http-server.ts', framework, mode, sinkUrl], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const { url, ask } = await connectChild(child);
  return {
    url,
    stats: () => ask('stats'),
    closeTracker: (timeoutMs) => ask(`close:${timeoutMs}`),
    startProfile: () => ask('profile-start'),
    stopProfile: (file) => ask(`profile-stop:${file}`),
    pid: child.pid ?? 0,
    stop: () => void child.kill(),
  };
}
