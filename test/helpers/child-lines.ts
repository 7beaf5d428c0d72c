import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/** A TypeScript script run as a real process (`node --import tsx`), its stdout read line by line as a protocol. */
export interface LineChild {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  /** Every stdout line so far, in order. */
  readonly lines: string[];
  /** Its stderr so far (for failure messages). */
  stderr(): string;
  /** Resolves with the first line (seen before or after the call) that `match` accepts; rejects after `timeoutMs` or when the child ends first. */
  waitFor(match: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has ended and its stdout is read to the end. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL unless it has ended already; resolves when it has. Safe to call more than once. */
  kill(): Promise<void>;
}

export function spawnLines(script: string, env: Record<string, string>, args: readonly string[] = []): LineChild {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  const lines: string[] = [];
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (line) => {
    lines.push(line);
    for (const listener of listeners) listener();
  });
  const outputDone = new Promise<void>((resolve) => reader.once('close', () => resolve()));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let over = false;
  const exited = Promise.all([ended, outputDone]).then(([result]) => {
    over = true;
    for (const listener of listeners) listener();
    return result;
  });
  return {
    process: child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(match, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        let checked = 0;
        const check = () => {
          for (; checked < lines.length; checked++) {
            const line = lines[checked] as string;
            if (match(line)) return finish(() => resolve(line));
          }
          if (over) finish(() => reject(new Error(`the child ended (${child.exitCode ?? child.signalCode}) before ${what}; stderr: ${stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`gave up after ${timeoutMs} ms waiting for ${what}; last line: ${lines.at(-1) ?? 'none'}; stderr: ${stderr}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
