// A background pass that runs again every `intervalMs` until stopped: the payment deliverer and the
// task-deadline sweeper share it. `nudge()` starts the next pass now; `stop()` waits for the pass
// in flight. `pass` gets `stopped()` so a long pass can end early; its errors are the caller's to
// log (a pass that throws is simply run again next time).
export interface BackgroundLoop {
  nudge: () => void;
  stop: () => Promise<void>;
}

export function startBackgroundLoop(pass: (stopped: () => boolean) => Promise<void>, intervalMs: number): BackgroundLoop {
  let stopped = false;
  let wake: (() => void) | undefined;
  const isStopped = () => stopped;
  const loop = (async () => {
    while (!stopped) {
      await pass(isStopped);
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();
  return {
    nudge: () => wake?.(),
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
