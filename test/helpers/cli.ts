import { runCli } from '../../src/cli/run.js';

/** Runs the CLI in-process and captures what it prints. */
export async function cli(...argv: string[]) {
  return cliWith({}, ...argv);
}

/** Like `cli`, with an environment and, when given, this text as standard input. */
export async function cliWith(options: { env?: Record<string, string>; stdin?: string }, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const { stdin } = options;
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: options.env ?? {},
    ...(stdin === undefined ? {} : { stdin: () => Promise.resolve(stdin) }),
  });
  return { code, stdout, stderr };
}
