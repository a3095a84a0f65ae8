// Long synchronous work (reading 100,000 series, rendering them) cut into slices that give the event
// loop back, so a scrape never stalls the application's own requests.

/** Longest a slice keeps the event loop before letting timers, I/O and other requests run. */
export const RENDER_SLICE_MS = 2;

/**
 * What a step generator yields before a step it cannot cut (enumerating a large table's keys): that
 * step then starts a slice of its own instead of finishing one already under way.
 */
export const LONG_STEP_NEXT = true;

/** Lets timers, I/O and other requests run, then resumes. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Drives a generator that pauses after each small step, giving the event loop back whenever a
 * slice has run `sliceMs`. The clock is read once per step, not per item.
 */
export async function runInSlices(steps: Generator<boolean | void, void, void>, sliceMs: number = RENDER_SLICE_MS): Promise<void> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return;
    const elapsed = performance.now() - sliceStart;
    if (elapsed >= sliceMs || (step.value === LONG_STEP_NEXT && elapsed >= sliceMs / 8)) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
}
