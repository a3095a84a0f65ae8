// Command-line options of the demo, with embedded defaults so `pnpm demo` needs nothing else.
import { parseArgs } from 'node:util';
import { errorText } from '@sightline/core/internal';

export interface DemoOptions {
  readonly host: string;
  /** WebSocket API and the small REST API share this port. */
  readonly apiPort: number;
  /** /health, /health/ready, /health/live, /metrics. */
  readonly healthPort: number;
  /** The embedded stats-server the business metrics go to. */
  readonly statsPort: number;
  /** Requests per second the load generator sends (about 70% order.create, 30% reads); 0 turns it off. */
  readonly rate: number;
  /** Share of generated orders that are deliberately invalid (0..1). */
  readonly failureRate: number;
  readonly partitions: number;
  /** Seconds to run before shutting down; undefined runs until Ctrl-C. */
  readonly durationSecs: number | undefined;
  /** Seconds between summary lines. */
  readonly summaryEverySecs: number;
  readonly help: boolean;
  /** Orders kept in memory before the oldest are dropped (not a flag: the soak bench lowers it). */
  readonly maxOrders?: number;
}

export class DemoOptionsError extends Error {
  override readonly name = 'DemoOptionsError';
}

export const HELP = `Sightline demo: an order-processing service with every Sightline package wired in.

Usage: pnpm demo [options]        (pnpm demo -- [options] works too)

Options:
  --host <addr>            address every server binds to           (default 127.0.0.1)
  --api-port <port>        WebSocket + REST API                     (default 8081)
  --health-port <port>     /health, /health/ready, /health/live, /metrics (default 8080)
  --stats-port <port>      embedded stats-server (HTTP ingest)     (default 8125)
  --rate <n>               requests per second from the load generator: about 70% order.create,
                           30% reads over WebSocket and REST; 0 = off (default 20)
  --failure-rate <0..1>    share of deliberately invalid orders     (default 0.05)
  --partitions <n>         partitions of the orders topic           (default 4)
  --duration <seconds>     stop after this long                     (default: until Ctrl-C)
  --summary-every <secs>   seconds between summary lines            (default 5)
  -h, --help               show this help

Port 0 picks a free port. OpenTelemetry prints spans through the logger (SIGHTLINE_LOG=sightline.otel=info)
unless OTEL_EXPORTER_OTLP_ENDPOINT is set, in which case it exports OTLP.`;

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DemoOptionsError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function number(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new DemoOptionsError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parseOptions(argv: readonly string[]): DemoOptions {
  // `pnpm demo -- --help` hands the script a leading `--`: it separates pnpm's options from ours.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        'api-port': { type: 'string' },
        'health-port': { type: 'string' },
        'stats-port': { type: 'string' },
        rate: { type: 'string' },
        'failure-rate': { type: 'string' },
        partitions: { type: 'string' },
        duration: { type: 'string' },
        'summary-every': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new DemoOptionsError(`${errorText(error).replace(/^\w+: /, '')}\nRun with --help for the options.`);
  }
  const duration = values.duration === undefined ? undefined : number('duration', values.duration, 0, 0.1, 86_400 * 365);
  return {
    host: values.host ?? '127.0.0.1',
    apiPort: integer('api-port', values['api-port'], 8081, 0, 65_535),
    healthPort: integer('health-port', values['health-port'], 8080, 0, 65_535),
    statsPort: integer('stats-port', values['stats-port'], 8125, 0, 65_535),
    rate: number('rate', values.rate, 20, 0, 100_000),
    failureRate: number('failure-rate', values['failure-rate'], 0.05, 0, 1),
    partitions: integer('partitions', values.partitions, 4, 1, 256),
    durationSecs: duration,
    summaryEverySecs: number('summary-every', values['summary-every'], 5, 0.1, 3600),
    help: values.help ?? false,
  };
}
