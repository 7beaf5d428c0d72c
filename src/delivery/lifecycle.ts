/**
 * Process hooks shared by every tracker: one `beforeExit` listener (flush once, then let the
 * process end) and, for trackers that opt in, one listener per signal. When the app has no
 * handler of its own for that signal, the trackers are closed and the signal re-raised, to do
 * what it would have done. An app that handles the signal (close-with-grace, `process.once`)
 * owns the shutdown: the trackers are flushed, not closed (the app's requests still in flight
 * are yet to be tracked; the app closes them, e.g. the Fastify plugin in onClose), and the
 * signal is not re-raised.
 */
export interface LifecycleMember {
  flushOnExit(): Promise<unknown>;
  /** `beforeExit` came again after that flush: nothing is left to run, the process ends now. */
  processEnding(): void;
  /** `appHandles`: the app listens to the signal too, and ends the process itself. */
  onSignal(appHandles: boolean): Promise<unknown>;
  readonly wantsSignals: boolean;
}

const members = new Set<LifecycleMember>();
const flushedOnExit = new WeakSet<LifecycleMember>();
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
let listening = { exit: false, signals: false };

export function register(member: LifecycleMember): () => void {
  members.add(member);
  sync();
  return () => {
    members.delete(member);
    sync();
  };
}

function onBeforeExit(): void {
  for (const member of members) {
    if (flushedOnExit.has(member)) {
      member.processEnding();
      continue;
    }
    flushedOnExit.add(member);
    void member.flushOnExit().catch(() => undefined);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Asked now, while a one-shot (`process.once`) handler of the app is still registered: once
  // it has run it is gone, and re-raising would kill the app in the middle of its shutdown.
  const appListens = process.listeners(signal).some((listener) => listener !== onSignal);
  const closing = [...members].filter((member) => member.wantsSignals).map((member) => member.onSignal(appListens).catch(() => undefined));
  void Promise.all(closing).then(() => {
    for (const name of SIGNALS) process.off(name, onSignal);
    listening = { ...listening, signals: false };
    // Nobody else listens, then or now: do what the signal would have done without us.
    if (!appListens && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Listens exactly while some member needs it. */
function sync(): void {
  const exit = members.size > 0;
  const signals = [...members].some((member) => member.wantsSignals);
  if (exit !== listening.exit) {
    if (exit) process.on('beforeExit', onBeforeExit);
    else process.off('beforeExit', onBeforeExit);
  }
  if (signals !== listening.signals) {
    for (const name of SIGNALS) {
      // First in line, so it sees the app's handlers before any one-shot one removes itself.
      if (signals) process.prependListener(name, onSignal);
      else process.off(name, onSignal);
    }
  }
  listening = { exit, signals };
}
