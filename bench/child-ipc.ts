import type { ChildProcess } from 'node:child_process';

/** What a bench child process talks with: the URL it prints first, and a question-answer over IPC. */
export async function connectChild(child: ChildProcess): Promise<{ url: string; ask: <T>(message: string) => Promise<T> }> {
  const url = await new Promise<string>((resolve) => child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  const ask = <T>(message: string) => new Promise<T>((resolve) => {
    child.once('message', (value) => resolve(value as T));
    child.send(message);
  });
  return { url, ask };
}
