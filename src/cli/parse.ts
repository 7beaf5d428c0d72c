import { InvalidArgumentError } from 'commander';

/** Parses a whole number of requests in 1..100000 for a flag, or fails with a usage error. */
export function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 100_000) {
    throw new InvalidArgumentError(`expected a whole number from 1 to 100000, got "${value}".`);
  }
  return count;
}
