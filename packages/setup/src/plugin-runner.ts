// Starting the plugins in order and closing them in reverse, each under its own bound: a start
// within startTimeoutMs (and stopTimeoutMs once close is requested), a close within stopTimeoutMs.
// A start given up on is abandoned (closed if it succeeds later); a close given up on is logged.
import type { Logger, Plugin, PluginContext } from '@sightline/core';
import { errorText, settleWithin } from '@sightline/core/internal';
import { PluginStartError, SetupStateError } from './errors.js';

/** What closing the plugins did, plugin by plugin (names in the order they were closed). */
export interface StopReport {
  /** Plugins whose `close()` settled in time, in the order they were closed (reverse start order). */
  readonly stopped: readonly string[];
  /** Plugins whose `close()` threw or rejected; logged at warn. */
  readonly failed: readonly string[];
  /** Plugins whose `close()` did not settle within `stopTimeoutMs`; abandoned, logged at warn. */
  readonly timedOut: readonly string[];
}

type StopOutcome = keyof StopReport;
type StartOutcome = 'settled' | 'timedOut' | 'givenUp';

export interface PluginRunnerOptions {
  readonly plugins: readonly Plugin[];
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly logger: Logger;
  readonly contextFor: (plugin: Plugin) => PluginContext;
}

export class PluginRunner {
  readonly #plugins: readonly Plugin[];
  readonly #startTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  readonly #logger: Logger;
  readonly #contextFor: (plugin: Plugin) => PluginContext;
  /** Started and not closed yet, in start order. */
  readonly #started: Plugin[] = [];
  #closeRequested = false;
  readonly #closeRequest: Promise<void>;
  #requestClose: () => void = () => undefined;

  constructor(options: PluginRunnerOptions) {
    this.#plugins = options.plugins;
    this.#startTimeoutMs = options.startTimeoutMs;
    this.#stopTimeoutMs = options.stopTimeoutMs;
    this.#logger = options.logger;
    this.#contextFor = options.contextFor;
    this.#closeRequest = new Promise<void>((resolve) => (this.#requestClose = resolve));
  }

  /**
   * From now on an ongoing `startAll()` starts nothing further and gives the plugin being started
   * `stopTimeoutMs` more.
   */
  requestClose(): void {
    this.#closeRequested = true;
    this.#requestClose();
  }

  /**
   * Starts every plugin in order. Rejects with `PluginStartError` when one fails or times out (the
   * ones started before it are closed first), and with `SetupStateError` when close was requested.
   */
  async startAll(): Promise<void> {
    const plugins = this.#plugins;
    for (let i = 0; i < plugins.length; i++) {
      if (this.#closeRequested) throw this.#interrupted(i);
      const plugin = plugins[i]!;
      const starting = new Promise<void>((resolve) => resolve(plugin.start?.(this.#contextFor(plugin))));
      let outcome: StartOutcome;
      try {
        outcome = await this.#startWithin(starting);
      } catch (cause) {
        return this.#rollBack(new PluginStartError(plugin.name, i + 1, plugins.length, cause));
      }
      if (outcome === 'settled') {
        this.#started.push(plugin);
        continue;
      }
      this.#abandon(plugin, starting);
      if (outcome === 'timedOut') {
        const cause = new Error(`start() did not settle within startTimeoutMs (${this.#startTimeoutMs} ms)`);
        return this.#rollBack(new PluginStartError(plugin.name, i + 1, plugins.length, cause));
      }
      this.#logger.warn(
        `plugin "${plugin.name}" did not finish starting within ${this.#stopTimeoutMs} ms of close(); closing the plugins already started`,
        { plugin: plugin.name },
      );
      throw this.#interrupted(i + 1, plugin.name);
    }
    if (this.#closeRequested) throw this.#interrupted(plugins.length);
  }

  /** Closes and forgets everything started so far, last first. Never rejects. */
  async closeStarted(): Promise<StopReport> {
    const report: Record<StopOutcome, string[]> = { stopped: [], failed: [], timedOut: [] };
    while (this.#started.length > 0) {
      const plugin = this.#started.pop()!;
      report[await this.#closeOne(plugin)].push(plugin.name);
    }
    return report;
  }

  /**
   * A plugin's start, bounded by `startTimeoutMs`, and once close is requested by `stopTimeoutMs`
   * more. Rethrows what the start threw.
   */
  async #startWithin(starting: Promise<void>): Promise<StartOutcome> {
    const settled = starting.then((): StartOutcome => 'settled');
    const givenUp = this.#closeRequest.then(async (): Promise<StartOutcome> => {
      const late = await settleWithin(settled, this.#stopTimeoutMs);
      return late.timedOut ? 'givenUp' : late.value;
    });
    const bounded = await settleWithin(Promise.race([settled, givenUp]), this.#startTimeoutMs);
    return bounded.timedOut ? 'timedOut' : bounded.value;
  }

  /** A start given up on: if it still succeeds later, the plugin is closed then; a late failure is logged. */
  #abandon(plugin: Plugin, starting: Promise<void>): void {
    starting.then(
      () => {
        this.#logger.warn(`plugin "${plugin.name}" started after it was given up on; closing it`, { plugin: plugin.name });
        void this.#closeOne(plugin);
      },
      (error: unknown) =>
        this.#logger.debug(`plugin "${plugin.name}" failed to start after it was given up on`, { error: errorText(error) }),
    );
  }

  async #rollBack(error: PluginStartError): Promise<never> {
    this.#logger.error(error.message, { plugin: error.plugin });
    const rollback = await this.closeStarted();
    if (rollback.failed.length + rollback.timedOut.length > 0) {
      this.#logger.warn('some plugins did not close cleanly after a failed start', { ...rollback });
    }
    throw error;
  }

  #interrupted(next: number, during?: string): SetupStateError {
    const skipped = this.#plugins.slice(next).map((p) => `"${p.name}"`);
    const where = during === undefined ? '' : ` "${during}"`;
    return new SetupStateError(`close() was called while starting${where}${skipped.length ? `; not started: ${skipped.join(', ')}` : ''}`);
  }

  async #closeOne(plugin: Plugin): Promise<StopOutcome> {
    if (!plugin.close) return 'stopped';
    const closing = new Promise<void>((resolve) => resolve(plugin.close!()));
    try {
      if (!(await settleWithin(closing, this.#stopTimeoutMs)).timedOut) return 'stopped';
      this.#logger.warn(`plugin "${plugin.name}" did not close within ${this.#stopTimeoutMs} ms; abandoned`, { plugin: plugin.name });
      // Whatever it does later must not become an unhandled rejection.
      closing.catch((error: unknown) =>
        this.#logger.debug(`plugin "${plugin.name}" failed to close after it was abandoned`, { error: errorText(error) }),
      );
      return 'timedOut';
    } catch (error) {
      this.#logger.warn(`plugin "${plugin.name}" failed to close`, { plugin: plugin.name, error: errorText(error) });
      return 'failed';
    }
  }
}
