// The errors this package throws or reports. Messages name the bad value and the expected form,
// and never contain the secret.
import { OptionsError, SightlineError } from '@sightline/core';

/** Where a setting's value came from. */
export type SettingSource = 'argv' | 'env' | 'file' | 'options' | 'default';

/** Where a setting came from, as core's option messages word it: `env STATS_CLIENT_SETTINGS__DEST_PORT`. */
export function describeSettingOrigin(source: SettingSource, origin: string): string {
  if (source === 'options' && origin.startsWith('defaults.')) return 'StatsClientSettings.load() defaults';
  switch (source) {
    case 'env':
    case 'argv':
    case 'file':
      return `${source} ${origin}`;
    default:
      return origin;
  }
}

export interface StatsConfigErrorDetails {
  readonly kind?: 'invalid' | 'unknown' | 'missing';
  /** The closest valid name, for an unknown one. */
  readonly suggestion?: string;
  /** Names the place in the message when `origin` does not (a setting left at its default). */
  readonly place?: string;
}

/**
 * An invalid client setting, in core's one message style: names the setting, where its value came
 * from, and what was expected.
 */
export class StatsConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_STATS_CONFIG';

  /** The setting that was wrong, e.g. `destPort`. */
  readonly setting: string;
  /** The layer the bad value came from: argv, env, file, options or default. */
  declare readonly source: SettingSource;
  /** Where exactly: `--stats-dest-port`, `STATS_CLIENT_SETTINGS__DEST_PORT`, `config.json: destPort`... */
  readonly origin: string;

  constructor(setting: string, source: SettingSource, origin: string, problem: string, more: StatsConfigErrorDetails = {}) {
    const { kind = 'invalid', suggestion, place } = more;
    // An unknown variable or flag is named as itself: "unknown variable `STATS_CLIENT_SETTINGS__X` in env: ...".
    const named =
      kind === 'unknown' && (source === 'env' || source === 'argv')
        ? `unknown ${source === 'env' ? 'variable' : 'flag'} \`${origin}\` in ${source}`
        : `${kind} option \`${setting}\` in ${place ?? describeSettingOrigin(source, origin)}`;
    super(`${named}: ${problem}`, {
      option: setting,
      source,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
    this.setting = setting;
    this.origin = origin;
  }
}

/** A metric call was dropped: bad name, bad tags, NaN or infinite value, bad sample rate. */
export class InvalidMetricError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_STATS_INVALID_METRIC';

  /** The name of the metric that was dropped. */
  readonly metric: string;
  constructor(metric: string, problem: string) {
    super(`Metric ${JSON.stringify(metric)} dropped: ${problem}`);
    this.metric = metric;
  }
}

/** Why a batch could not be delivered (reported through `onError`, never thrown at the caller). */
export type StatsTransportErrorKind =
  /** Connection refused, reset, DNS failure, timeout, missing WebSocket ack: retried. */
  | 'network'
  /** The server answered 5xx: retried. */
  | 'server'
  /** 401: the secret is wrong or the clock is off. Not retried. */
  | 'auth'
  /**
   * Any other 4xx: the server refused the batch. Or status 200: the server applied the batch but
   * refused some of its metrics on their own (named in the message; counted in `rejectedMetrics`).
   * Not retried.
   */
  | 'rejected'
  /** 413, or over `maxBatchBytes` before sending: the batch is split in halves and each sent. */
  | 'too-large'
  /** Retries exhausted: the batch was given up. */
  | 'gave-up'
  /** The queue was full (or the client closing past its bound): the oldest batch was dropped. */
  | 'dropped';

/** A batch could not be delivered; reported through `onError`, never thrown at the caller. */
export class StatsTransportError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_STATS_TRANSPORT';

  /** Why: see {@link StatsTransportErrorKind}. */
  readonly kind: StatsTransportErrorKind;
  /** True for `network` and `server` failures, which the client retries with backoff. */
  readonly retryable: boolean;
  /** HTTP or WebSocket-ack status, when the server answered. */
  readonly status: number | undefined;
  constructor(kind: StatsTransportErrorKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryable = kind === 'network' || kind === 'server';
    this.status = options.status;
  }
}
