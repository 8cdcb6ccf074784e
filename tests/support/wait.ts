// Waiting for an effect that lands asynchronously (a register row written by an activity after
// the workflow already answered): poll the effect itself in real time, never sleep a fixed time.
// Real-time polling does not unlock the time-skipping server's clock, so simulated time stays put.

/** Polls `probe` until it returns a value other than undefined; fails after `ms` milliseconds. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, { ms = 20_000, what = 'the expected effect' } = {}): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls a query until its rows equal `expected` (deep equality), then returns them. */
export async function rowsEventually<T>(query: () => Promise<T[]>, expected: T[], ms = 20_000): Promise<T[]> {
  let last: T[] = [];
  try {
    return await waitFor(
      async () => {
        last = await query();
        return JSON.stringify(last) === JSON.stringify(expected) ? last : undefined;
      },
      { ms, what: `rows ${JSON.stringify(expected)}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last saw ${JSON.stringify(last)}`);
  }
}
