/**
 * A small side-by-side timer: every task runs in each round, interleaved, so machine noise
 * hits all of them alike; the median per-operation time of the rounds is reported.
 */
export interface Task {
  name: string;
  /** Runs `ops` operations; returns how many it ran. */
  run: () => number;
}

export interface Result {
  name: string;
  nsPerOp: number;
}

export function measure(tasks: Task[], rounds = 9): Result[] {
  for (const task of tasks) task.run(); // warm-up: let the JIT settle
  const samples = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const task of tasks) {
      const start = process.hrtime.bigint();
      const ops = task.run();
      const ns = Number(process.hrtime.bigint() - start);
      samples.get(task.name)?.push(ns / ops);
    }
  }
  return tasks.map((task) => ({ name: task.name, nsPerOp: median(samples.get(task.name) ?? []) }));
}

/** The middle value (the upper of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Like `measure`, but lets the event loop run between tasks (background work drains there, untimed). */
export async function measureAsync(tasks: Task[], rounds = 9): Promise<Result[]> {
  const idle = () => new Promise((resolve) => setImmediate(resolve));
  for (const task of tasks) task.run();
  await idle();
  const samples = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const task of tasks) {
      const start = process.hrtime.bigint();
      const ops = task.run();
      samples.get(task.name)?.push(Number(process.hrtime.bigint() - start) / ops);
      await idle();
    }
  }
  return tasks.map((task) => ({ name: task.name, nsPerOp: median(samples.get(task.name) ?? []) }));
}
