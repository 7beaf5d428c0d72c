/**
 * Resolves on the first SIGINT or SIGTERM, then removes its listeners (a second Ctrl-C then
 * ends the process the usual way). Long-running commands await this; tests pass their own.
 */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
