// One deadline over several named pieces of work: which failed, and which had not settled in time.

export interface DeadlineOutcome {
  readonly failed: ReadonlyArray<readonly [string, unknown]>;
  /** Names of the work still running at the deadline (abandoned: it may finish later, unobserved). */
  readonly pending: readonly string[];
}

export async function withDeadline(
  work: ReadonlyArray<readonly [string, () => Promise<void>]>,
  deadlineMs: number,
): Promise<DeadlineOutcome> {
  const failed: Array<readonly [string, unknown]> = [];
  const settled = new Set<string>();
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
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  try {
    await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
  }
  return { failed: [...failed], pending: work.map(([name]) => name).filter((name) => !settled.has(name)) };
}
