/**
 * State shared by every copy of Footfall loaded in this process: the ESM and the CommonJS
 * build side by side, Vitest's per-file module graphs, and Jest's, which also give each test
 * file its own `globalThis` and its own copy of `process`. Jest's copies keep the real
 * process's prototype, so the state lives there, under a `Symbol.for` key, not enumerable.
 */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`footfall.${name}`);
  const holder = (Object.getPrototypeOf(process) ?? globalThis) as Record<symbol, unknown>;
  if (!Object.prototype.hasOwnProperty.call(holder, key)) {
    Object.defineProperty(holder, key, { value: create(), enumerable: false, configurable: true, writable: false });
  }
  return holder[key] as T;
}
