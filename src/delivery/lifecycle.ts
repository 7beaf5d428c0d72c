/**
 * Process hooks shared by every tracker: one `beforeExit` listener (flush once, then let the
 * process end) and, for trackers that opt in, one listener per signal that closes them and
 * then lets the signal do what it would have done.
 */
export interface LifecycleMember {
  flushOnExit(): Promise<unknown>;
  /** `beforeExit` came again after that flush: nothing is left to run, the process ends now. */
  processEnding(): void;
  closeForSignal(): Promise<unknown>;
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
  const closing = [...members].filter((member) => member.wantsSignals).map((member) => member.closeForSignal().catch(() => undefined));
  void Promise.all(closing).then(() => {
    for (const name of SIGNALS) process.off(name, onSignal);
    listening = { ...listening, signals: false };
    // Nobody else listens: do what the signal would have done without us.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
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
      if (signals) process.on(name, onSignal);
      else process.off(name, onSignal);
    }
  }
  listening = { exit, signals };
}
