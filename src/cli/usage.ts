import type { Command } from 'commander';
import { EXIT } from './run.js';

/** A function that ends `command` with a usage error (exit 2) saying `message`. */
export function usageFailure(command: Command): (message: string) => never {
  return (message) => command.error(`error: ${message}.`, { exitCode: EXIT.usage, code: 'footfall.usage' });
}
