// Calling a user's hook: whatever it throws is logged at debug and goes no further.
import { getLogger } from '../logging/logger.js';
import { errorText } from '../util/error-text.js';
import type { HookName } from './metrics-hooks.js';

const log = getLogger('sightline.hooks');

/** Logs at debug that `hook` threw `error`; nothing when debug is off. */
export function reportHookFailure(hook: HookName, error: unknown): void {
  if (!log.isEnabled('debug')) return;
  log.debug(`hook ${hook} threw; suppressed`, { hook, error: errorText(error) });
}
