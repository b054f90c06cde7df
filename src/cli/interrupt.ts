/** Ctrl-C and SIGTERM: the first asks for a clean stop, the second stops at once. */

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
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, handler);
  return {
    dispose() {
      for (const signal of signals) Deno.removeSignalListener(signal, handler);
    },
  };
}
