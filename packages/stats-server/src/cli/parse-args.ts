// Command line of sightline-stats-server to StatsServerOptions. Every option can also come from a
// SIGHTLINE_STATS_SERVER_* variable (core's scheme); flags win over the environment.
import { parseArgs } from 'node:util';
import { mergeOptions, readEnvOptions } from '@sightline/core/internal';
import { StatsServerConfigError } from '../errors.js';
import { STATS_SERVER_SHAPE, type StatsServerOptions } from '../options.js';

export const SECRETS_ENV_VAR = 'SIGHTLINE_STATS_SERVER_SECRETS';

export const USAGE = `Usage: sightline-stats-server [options]

Receives signed stats batches over HTTP (POST /v1/batch) and WebSocket (/v1/ws), and StatsD lines
over UDP and TCP; serves what it received at GET /metrics (Prometheus) and GET /v1/snapshot (JSON).

Options:
  --host <addr>                 interface for HTTP and WebSocket (default 127.0.0.1)
  --port <n>                    HTTP and WebSocket port (default 8125; 0 = any free port)
  --secret <s>                  accepted HMAC secret; repeat during a rotation. Prefer the
                                ${SECRETS_ENV_VAR} environment variable (comma-separated):
                                command lines are visible to other users of the machine
  --statsd-host <addr>          interface for the StatsD listeners (default: --host)
  --statsd-udp-port <n>         start a StatsD UDP listener on this port
  --statsd-tcp-port <n>         start a StatsD TCP listener on this port
  --max-body-bytes <n>          largest batch body or WebSocket frame (default 1048576)
  --max-skew-ms <n>             largest accepted timestamp skew (default 300000)
  --max-series <n>              distinct series kept at most (default 10000)
  --max-set-members <n>         distinct members kept per set (default 10000)
  --max-memory-bytes <n>        bytes held for peers at most (default 134217728)
  --max-connections <n>         connections open at once per listener (default 1000)
  --request-timeout-ms <n>      time allowed to receive a whole HTTP request (default 30000)
  --metric-prefix <p>           namespace of received metrics (default stats_; "" for none)
  --timer-buckets <list>        histogram bounds for timers, in seconds: 0.01,0.1,1
  --histogram-buckets <list>    histogram bounds for histograms and distributions
  --log-level <level>           level of the sightline.stats-server logs (default info)
  -h, --help                    print this help
`;

export interface CliConfig {
  readonly help: boolean;
  readonly logLevel: string;
  /** Undefined only with `help`. */
  readonly options: StatsServerOptions | undefined;
}

export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliConfig {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        secret: { type: 'string', multiple: true },
        'statsd-host': { type: 'string' },
        'statsd-udp-port': { type: 'string' },
        'statsd-tcp-port': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'max-skew-ms': { type: 'string' },
        'max-series': { type: 'string' },
        'max-set-members': { type: 'string' },
        'max-memory-bytes': { type: 'string' },
        'max-connections': { type: 'string' },
        'metric-prefix': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'timer-buckets': { type: 'string' },
        'histogram-buckets': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new StatsServerConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const logLevel = (values['log-level'] as string | undefined) ?? 'info';
  if (values.help) return { help: true, logLevel, options: undefined };

  const fromFlags = (values.secret as string[] | undefined) ?? [];
  const fromEnv = readEnvOptions(STATS_SERVER_SHAPE, {
    package: 'statsServer',
    env,
    error: (message, details) => new StatsServerConfigError(message, details),
  }).options;
  const envSecrets = fromEnv.secrets;
  const secrets =
    fromFlags.length > 0 ? fromFlags : typeof envSecrets === 'string' ? [envSecrets] : ((envSecrets as string[] | undefined) ?? []);
  if (secrets.length === 0) {
    throw new StatsServerConfigError(`no secret: pass --secret <s> or set ${SECRETS_ENV_VAR} (comma-separated secrets)`);
  }

  const str = (name: string) => values[name] as string | undefined;
  const int = (name: string) => {
    const text = str(name);
    if (text === undefined) return undefined;
    if (!/^[0-9]+$/.test(text)) throw new StatsServerConfigError(`--${name}: expected a non-negative integer, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  const list = (name: string) => {
    const text = str(name);
    if (text === undefined) return undefined;
    const numbers = text.split(',').map((s) => Number(s.trim()));
    if (numbers.some((n) => !Number.isFinite(n)) || text.trim() === '') {
      throw new StatsServerConfigError(`--${name}: expected comma-separated numbers such as 0.01,0.1,1, got ${JSON.stringify(text)}`);
    }
    return numbers;
  };
  const defined = <T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };

  const timer = list('timer-buckets');
  const histogram = list('histogram-buckets');
  const statsd = defined({ host: str('statsd-host'), udpPort: int('statsd-udp-port'), tcpPort: int('statsd-tcp-port') });
  const options: StatsServerOptions = {
    secrets,
    ...defined({
      host: str('host'),
      port: int('port'),
      maxBodyBytes: int('max-body-bytes'),
      maxSkewMs: int('max-skew-ms'),
      maxSeries: int('max-series'),
      maxSetMembers: int('max-set-members'),
      maxMemoryBytes: int('max-memory-bytes'),
      maxConnections: int('max-connections'),
      metricPrefix: str('metric-prefix'),
      requestTimeoutMs: int('request-timeout-ms'),
    }),
    ...(Object.keys(statsd).length > 0 ? { statsd } : {}),
    ...(timer || histogram ? { buckets: defined({ timer, histogram }) } : {}),
  };
  return {
    help: false,
    logLevel,
    options: mergeOptions(options as object as Record<string, unknown>, fromEnv) as unknown as StatsServerOptions,
  };
}
