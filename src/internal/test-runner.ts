/** A test runner Footfall recognises from the environment, or `NODE_ENV=test`. */
export type TestRunner = 'jest' | 'vitest' | 'node:test' | 'NODE_ENV=test';

/** The variables read; `process.env` is one. */
export interface RunnerEnv {
  readonly JEST_WORKER_ID?: string | undefined;
  readonly VITEST?: string | undefined;
  readonly NODE_TEST_CONTEXT?: string | undefined;
  readonly NODE_ENV?: string | undefined;
}

/**
 * Which test runner this process runs under, from the variables the runners set themselves:
 * `JEST_WORKER_ID` (Jest, in band too), `VITEST`, `NODE_TEST_CONTEXT` (a file run by
 * `node --test`), else `NODE_ENV=test`. Undefined outside tests.
 */
export function detectTestRunner(env: RunnerEnv): TestRunner | undefined {
  if (isSet(env.JEST_WORKER_ID)) return 'jest';
  if (isSet(env.VITEST)) return 'vitest';
  if (isSet(env.NODE_TEST_CONTEXT)) return 'node:test';
  if (env.NODE_ENV === 'test') return 'NODE_ENV=test';
  return undefined;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}
