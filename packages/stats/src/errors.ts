// The errors this package throws or reports. Messages name the bad value and the expected form,
// and never contain the secret.
import { SightlineConfigError, SightlineError } from '@sightline/core';

/** Where a setting's value came from. */
export type SettingSource = 'argv' | 'env' | 'file' | 'options' | 'default';

/** An invalid client setting: names the setting, where its value came from, and what was expected. */
export class StatsConfigError extends SightlineConfigError {
  readonly setting: string;
  readonly source: SettingSource;
  /** Where exactly: `--stats-dest-port`, `STATS_CLIENT_SETTINGS__DEST_PORT`, `config.json: destPort`... */
  readonly origin: string;

  constructor(setting: string, source: SettingSource, origin: string, problem: string) {
    super(`Invalid stats client setting ${setting} (from ${origin}): ${problem}`);
    this.setting = setting;
    this.source = source;
    this.origin = origin;
  }
}

/** A metric call was dropped: bad name, bad tags, NaN or infinite value, bad sample rate. */
export class InvalidMetricError extends SightlineError {
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
  /** Any other 4xx: the server refused the batch. Not retried. */
  | 'rejected'
  /** 413, or over `maxBatchBytes` before sending: the batch is split in halves and each sent. */
  | 'too-large'
  /** Retries exhausted: the batch was given up. */
  | 'gave-up'
  /** The queue was full (or the client closing past its bound): the oldest batch was dropped. */
  | 'dropped';

export class StatsTransportError extends SightlineError {
  readonly kind: StatsTransportErrorKind;
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
