// One deadline over several named pieces of work: which failed, and which had not settled in time.
import { settleWithin } from '@sightline/core/internal';

export interface DeadlineOutcome {
  readonly failed: ReadonlyArray<readonly [string, unknown]>;
  /** Names of the work still running at the deadline (abandoned: it may finish later, unobserved). */
  readonly pending: readonly string[];
}

/** Runs every piece of work at once and waits for all of them, but no longer than `deadlineMs`. */
export async function withDeadline(
  work: ReadonlyArray<readonly [string, () => Promise<void>]>,
  deadlineMs: number,
): Promise<DeadlineOutcome> {
  const failed: Array<readonly [string, unknown]> = [];
  const settled = new Set<string>();
  // Each piece records its own failure, so the whole never rejects and a late failure is not unhandled.
  const all = Promise.all(
    work.map(async ([name, fn]) => {
      try {
        await fn();
      } catch (error) {
        failed.push([name, error]);
      } finally {
        settled.add(name);
      }
    }),
  );
  await settleWithin(all, deadlineMs);
  return { failed: [...failed], pending: work.map(([name]) => name).filter((name) => !settled.has(name)) };
}
