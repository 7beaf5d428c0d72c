import { Command, CommanderError } from 'commander';
import type { DemoApi } from '../../examples/demo-api.js';
import type { Tracker } from '../delivery/tracker.js';
import { VERSION } from '../version.js';
import { registerCollector } from './commands/collector.js';
import { registerDemo } from './commands/demo.js';
import { registerImport } from './commands/import.js';
import { registerReport } from './commands/report.js';
import { registerSend } from './commands/send.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import { registerWorker } from './commands/worker.js';

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Long-running commands (collector, demo, worker) run until this resolves. @default the first SIGINT or SIGTERM */
  untilStopped?: () => Promise<unknown>;
  /** All of standard input, for `footfall validate -`. @default reading process.stdin to its end */
  stdin?: () => Promise<string>;
  /** Builds `footfall demo`'s API (tests make it fail). @default createDemoApi of examples/demo-api.ts */
  loadDemoApi?: (tracker: Tracker) => Promise<DemoApi>;
}

/** Exit codes: 0 success, 1 the command ran and found a problem, 2 usage error. */
export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

/**
 * Runs the `footfall` command line on `argv` (without `node` and the script) and returns
 * the exit code. Never exits the process; only cli/main.ts does.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const state = { code: EXIT.ok as number };
  const program = createProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    io.stderr(`footfall: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.problem;
  }
}

function createProgram(io: CliIo, state: { code: number }): Command {
  const program = new Command('footfall')
    .description('Footfall: which API endpoints are used, how often, by how many consumers, and which are never used.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run `footfall --help` for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerCollector(program, io);
  registerDemo(program, io);
  registerImport(program, io, state);
  registerReport(program, io, state);
  registerSend(program, io, state);
  registerValidate(program, io, state);
  registerVerify(program, io, state);
  registerWorker(program, io, state);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  return program;
}
