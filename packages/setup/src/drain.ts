// Before any plugin closes: the user's `beforeShutdown` (their servers closing, in-flight requests
// completing) and every live beacon, together, within shutdownTimeoutMs.
import type { Logger } from '@sightline/core';
import { errorText, settleWithin } from '@sightline/core/internal';
import type { Beacons } from './beacons.js';

export interface DrainOptions {
  readonly beforeShutdown: (() => void | Promise<void>) | undefined;
  readonly beacons: Beacons;
  readonly shutdownTimeoutMs: number;
  readonly logger: Logger;
}

/** Never rejects: a `beforeShutdown` that fails is logged, and the plugins close anyway. */
export async function drain({ beforeShutdown, beacons, shutdownTimeoutMs, logger }: DrainOptions): Promise<void> {
  const work = Promise.all([
    beforeShutdown
      ? new Promise<void>((resolve) => resolve(beforeShutdown())).catch((error: unknown) =>
          logger.warn('beforeShutdown failed; closing the plugins anyway', { error: errorText(error) }),
        )
      : undefined,
    beacons.size > 0
      ? (logger.info(`waiting for ${beacons.size} beacon(s) before closing`, { beacons: JSON.stringify(beacons.describe()) }),
        beacons.drained())
      : undefined,
  ]);
  if ((await settleWithin(work, shutdownTimeoutMs)).timedOut) {
    logger.warn(
      `beforeShutdown and beacons did not finish within shutdownTimeoutMs (${shutdownTimeoutMs} ms); closing the plugins anyway`,
      { beacons: beacons.size },
    );
  }
}
