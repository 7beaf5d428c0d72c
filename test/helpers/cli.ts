import { runCli } from '../../src/cli/run.js';

/** Runs the CLI in-process and captures what it prints. */
export async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {} });
  return { code, stdout, stderr };
}
