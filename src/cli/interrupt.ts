/**
 * Ctrl-C, SIGTERM and SIGHUP (the terminal closed, a service manager stopping tunedl): the first
 * asks for a clean stop, the second stops at once.
 */

/** What to do on the first and the second interrupt. */
export interface InterruptActions {
  onFirst(): void;
  onSecond(): void;
}

/** Installs SIGINT/SIGTERM listeners until dispose(). */
export function interruptHandler(actions: InterruptActions): { dispose(): void } {
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) actions.onFirst();
    else actions.onSecond();
  };
  const signals = interruptSignals(Deno.build.os);
  for (const signal of signals) Deno.addSignalListener(signal, handler);
  return {
    dispose() {
      for (const signal of signals) Deno.removeSignalListener(signal, handler);
    },
  };
}

/** The signals that stop a run on an OS (pure): Windows delivers only SIGINT (and SIGBREAK). */
export function interruptSignals(os: typeof Deno.build.os): Deno.Signal[] {
  return os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM", "SIGHUP"];
}
