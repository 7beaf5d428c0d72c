import { fork, type ChildProcess } from 'node:child_process';

/** Starts bench/sink-process.ts in a child process; resolves with its URL and a stop(). */
export async function startSinkProcess(mode: 'ok' | 'hang' = 'ok'): Promise<{ url: string; requests(): Promise<number>; stop(): void }> {
  const child: ChildProcess = fork('bench/sink-process.ts', [mode], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve) => child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return {
    url,
    requests: () => new Promise((resolve) => {
      child.once('message', (count) => resolve(count as number));
      child.send('count');
    }),
    stop: () => child.kill(),
  };
}
