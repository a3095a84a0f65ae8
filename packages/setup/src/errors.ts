// The errors setup throws on purpose: bad options, and a plugin that would not start.
import { OptionsError, SightlineError } from '@sightline/core';
import { errorText } from '@sightline/core/internal';

/** `setup()` / `setupFromEnv()` options were wrong: the message names the value and the expected form. */
export class SetupConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_SETUP_CONFIG';
}

/** `start()` after `stop()`, or a `start()` cut short by `stop()`. */
export class SetupStateError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_SETUP_STATE';
}

/**
 * A plugin's `start()` threw or rejected. The plugins started before it have been stopped, in
 * reverse order, by the time this is thrown; `cause` is what the plugin threw.
 */
export class PluginStartError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_PLUGIN_START';

  /** The name of the plugin whose `start()` failed. */
  readonly plugin: string;

  constructor(plugin: string, position: number, total: number, cause: unknown) {
    super(`Plugin "${plugin}" (${position} of ${total}) failed to start: ${errorText(cause)}`, { cause });
    this.plugin = plugin;
  }
}
