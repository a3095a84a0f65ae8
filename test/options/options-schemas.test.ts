// Walks every options shape of every package with the one rule (core's options engine): each
// declared default is valid, a misspelt key is refused with the closest valid key, a value of the
// wrong type is refused naming the option, each option a package reads from the environment is
// read from SIGHTLINE_<PACKAGE>_<SETTING> and loses to the same option in code, and the README's
// options table is the one the shape writes (defaults, variables and doc lines included).
//   UPDATE_OPTIONS_DOCS=1 npx jest test/options   rewrites the README tables from the shapes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultsOf,
  envVariables,
  optionsTable,
  resolveOptions,
  validateField,
  validateOptions,
  type Field,
  type Shape,
} from '../../packages/core/src/internal';
import * as health from '../../packages/health/src/options';
import * as status from '../../packages/status/src/options';
import * as setupOptions from '../../packages/setup/src/setup-options';
import * as setupFromEnv from '../../packages/setup/src/setup-from-env';
import * as stats from '../../packages/stats/src/options';
import * as statsServer from '../../packages/stats-server/src/options';
import * as otel from '../../packages/otel/src/config/options';
import * as exposition from '../../packages/exposition/src/options';
import * as prometheus from '../../packages/prometheus/src/options';
import * as sensors from '../../packages/sensors/src/options';
import * as ws from '../../packages/ws/src/options';

interface Entry {
  /** The exported options type, as the README marker names it. */
  readonly type: string;
  readonly shape: Shape;
  /** The package's name in SIGHTLINE_<PACKAGE>_* (setupFromEnv or the package itself reads them), if any. */
  readonly env?: string;
  /** The README whose table it is. */
  readonly readme: string;
  /** Values for the required options, so the rest can be tried alone. */
  readonly required?: Readonly<Record<string, unknown>>;
}

const readme = (pkg: string) => join(__dirname, '..', '..', 'packages', pkg, 'README.md');

const ENTRIES: readonly Entry[] = [
  { type: 'HealthServerOptions', shape: health.HEALTH_SERVER_SHAPE, env: 'health', readme: readme('health') },
  { type: 'StatusOptions', shape: status.STATUS_SHAPE, env: 'status', readme: readme('status') },
  { type: 'SetupOptions', shape: setupOptions.SETUP_SHAPE, readme: readme('setup'), required: { service: 'orders', plugins: [] } },
  { type: 'SetupFromEnvOptions', shape: setupFromEnv.SETUP_FROM_ENV_SHAPE, readme: readme('setup'), required: { factories: {} } },
  { type: 'StatsClientOptions', shape: stats.STATS_CLIENT_SHAPE, readme: readme('stats') },
  { type: 'StatsPluginOptions', shape: stats.STATS_PLUGIN_SHAPE, env: 'stats', readme: readme('stats') },
  { type: 'StatsDMonitorOptions', shape: stats.STATSD_MONITOR_CTOR_SHAPE, readme: readme('stats') },
  { type: 'StatsHooksOptions', shape: stats.STATS_HOOKS_SHAPE, readme: readme('stats') },
  { type: 'StatsDOptions', shape: stats.HOT_SHOTS_SHAPE, readme: readme('stats') },
  {
    type: 'StatsServerOptions',
    shape: statsServer.STATS_SERVER_SHAPE,
    env: 'statsServer',
    readme: readme('stats-server'),
    required: { secrets: 'a-secret' },
  },
  { type: 'OpenTelemetryOptions', shape: otel.OPENTELEMETRY_SHAPE, env: 'otel', readme: readme('otel') },
  { type: 'SnapshotSourceOptions', shape: exposition.SNAPSHOT_SOURCE_SHAPE, readme: readme('exposition') },
  { type: 'MetricsCollectorOptions', shape: prometheus.METRICS_COLLECTOR_SHAPE, readme: readme('prometheus') },
  { type: 'MetricsServerOptions', shape: prometheus.METRICS_SERVER_SHAPE, readme: readme('prometheus') },
  { type: 'HttpMetricsOptions', shape: prometheus.HTTP_METRICS_SHAPE, readme: readme('prometheus') },
  { type: 'QueueMetricsOptions', shape: prometheus.QUEUE_METRICS_SHAPE, readme: readme('prometheus') },
  { type: 'ConverterMetricsOptions', shape: prometheus.CONVERTER_METRICS_SHAPE, readme: readme('prometheus') },
  { type: 'PrometheusMonitorOptions', shape: prometheus.PROMETHEUS_MONITOR_SHAPE, readme: readme('prometheus') },
  { type: 'PrometheusHooksOptions', shape: prometheus.PROMETHEUS_HOOKS_SHAPE, readme: readme('prometheus') },
  { type: 'ClusterMetricsOptions', shape: prometheus.CLUSTER_METRICS_SHAPE, readme: readme('prometheus') },
  {
    type: 'PushgatewayOptions',
    shape: prometheus.PUSHGATEWAY_SHAPE,
    readme: readme('prometheus'),
    required: { url: 'http://127.0.0.1:9091', job: 'test', source: { contentType: 'text/plain', render: () => '' } },
  },
  { type: 'PrometheusPluginOptions', shape: prometheus.PROMETHEUS_PLUGIN_SHAPE, env: 'prometheus', readme: readme('prometheus') },
  { type: 'MonitorOptions', shape: sensors.MONITOR_SHAPE, readme: readme('sensors') },
  { type: 'CustomSensorOptions', shape: sensors.CUSTOM_SENSOR_SHAPE, readme: readme('sensors') },
  { type: 'LoggingSensorOptions', shape: sensors.LOGGING_SENSOR_SHAPE, readme: readme('sensors') },
  { type: 'HealthMonitorOptions', shape: sensors.HEALTH_MONITOR_SHAPE, readme: readme('sensors') },
  { type: 'InstrumentHandlerOptions', shape: sensors.INSTRUMENT_HANDLER_SHAPE, readme: readme('sensors') },
  { type: 'MonitorPluginOptions', shape: sensors.MONITOR_PLUGIN_SHAPE, env: 'monitor', readme: readme('sensors') },
  { type: 'HealthMonitorPluginOptions', shape: sensors.HEALTH_MONITOR_PLUGIN_SHAPE, env: 'healthMonitor', readme: readme('sensors') },
  { type: 'LoggingPluginOptions', shape: sensors.LOGGING_PLUGIN_SHAPE, env: 'logging', readme: readme('sensors') },
  { type: 'WsServerOptions', shape: ws.WS_SERVER_SHAPE, readme: readme('ws'), required: { port: 0, handlers: {} } },
  { type: 'WsClientOptions', shape: ws.WS_CLIENT_SHAPE, readme: readme('ws') },
  { type: 'ReconnectOptions', shape: ws.RECONNECT_SHAPE, readme: readme('ws') },
  { type: 'RequestOptions', shape: ws.REQUEST_SHAPE, readme: readme('ws') },
];

const ctx = { source: 'test()' };

/** A value no field of this kind accepts (undefined for `any`, which accepts everything). */
function wrongValue(field: Field): unknown {
  switch (field.kind) {
    case 'string':
    case 'function':
    case 'object':
    case 'record':
    case 'array':
      return 42;
    case 'number':
    case 'integer':
      return 'forty-two';
    case 'boolean':
      return 'yes';
    case 'enum':
      return '__none_of_these__';
    case 'oneOf':
      return Symbol('none of these');
    case 'any':
      return undefined;
  }
}

/** Texts a variable of this field might hold, other than its default; the first the field accepts is used. */
function envCandidates(field: Field, d: unknown = field.default): string[] {
  switch (field.kind) {
    case 'boolean':
      return [d === true ? 'false' : 'true'];
    case 'number':
    case 'integer': {
      const base = typeof d === 'number' ? d : 1;
      const bounds = [field.min, field.max, field.above === undefined ? undefined : field.above + 1].filter((n) => n !== undefined);
      return [base + 1, base - 1, base * 2, ...bounds, 1, 0].filter((n) => n !== d).map(String);
    }
    case 'enum':
      return field.values.filter((v) => v !== d).map(String);
    case 'string':
      return ['env-value', 'localhost', '127.0.0.2', 'app_', '/from-env', 'debug', 'http://127.0.0.1:4318'];
    case 'array':
      return ['a,b', '1,2', 'SIGTERM'];
    case 'record':
      return ['k=v', 'k=1'];
    case 'oneOf':
      return field.of.flatMap((branch) => envCandidates(branch, d));
    default:
      return [];
  }
}

function get(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((v, key) => ({ [key]: v }), value) as Record<string, unknown>;
}

const MARKERS = /<!-- options:(\w+) -->\n[\s\S]*?<!-- \/options -->/g;

describe.each(ENTRIES.map((e) => [e.type, e] as const))('%s', (_type, entry) => {
  const base = entry.required ?? {};

  it('holds defaults that its own fields accept', () => {
    const defaults = defaultsOf(entry.shape);
    expect(() => validateOptions(entry.shape, { ...defaults, ...base }, ctx)).not.toThrow();
    for (const [key, field] of Object.entries(entry.shape)) {
      // An object's default is filled with its own fields' defaults.
      const filled = field.kind === 'object' || (field.kind === 'oneOf' && field.of.some((f) => f.kind === 'object'));
      if (field.default !== undefined && !filled) expect(get(defaults, [key])).toEqual(field.default);
    }
  });

  it('refuses a misspelt key, naming the closest valid one', () => {
    for (const key of Object.keys(entry.shape).filter((k) => k.length >= 4)) {
      const misspelt = `${key.slice(0, -2)}${key.at(-1)}${key.at(-2)}`;
      if (misspelt === key || Object.hasOwn(entry.shape, misspelt)) continue;
      expect(() => validateOptions(entry.shape, { ...base, [misspelt]: 1 }, ctx)).toThrow(
        expect.objectContaining({ option: misspelt, suggestion: key, code: 'SIGHTLINE_ERR_OPTIONS' }),
      );
    }
  });

  it('refuses a value of the wrong type, naming the option and never echoing a secret', () => {
    for (const [key, field] of Object.entries(entry.shape)) {
      const wrong = wrongValue(field);
      if (wrong === undefined) continue;
      let caught: { message: string; option?: string } | undefined;
      try {
        validateOptions(entry.shape, { ...base, [key]: wrong }, ctx);
      } catch (error) {
        caught = error as { message: string; option?: string };
      }
      expect({ key, message: caught?.message }).toEqual({ key, message: expect.stringContaining(`invalid option \`${key}\` in test()`) });
      if (field.secret) expect(caught!.message).not.toContain(String(wrong));
    }
  });

  if (entry.env !== undefined) {
    const pkg = entry.env;
    it(`reads each option from SIGHTLINE_<${pkg}>_* and lets code win over it`, () => {
      let read = 0;
      for (const [variable, { path, field }] of envVariables(pkg, entry.shape)) {
        const text = envCandidates(field).find((t) => {
          try {
            resolveOptions(entry.shape, base as never, { ...ctx, package: pkg, env: { [variable]: t } });
            return true;
          } catch {
            return false;
          }
        });
        if (text === undefined) continue;
        const fromEnv = get(resolveOptions(entry.shape, base as never, { ...ctx, package: pkg, env: { [variable]: text } }), path);
        expect({ variable, value: fromEnv }).not.toEqual({ variable, value: field.default });
        expect(() => validateField(field, fromEnv, path.join('.'), ctx)).not.toThrow();
        // The same option in code wins over the variable (maps are merged key by key instead).
        const inCode = get(defaultsOf(entry.shape), path) ?? fromEnv;
        if (inCode !== fromEnv && field.kind !== 'record') {
          const merged = resolveOptions(entry.shape, { ...base, ...nest(path, inCode) } as never, {
            ...ctx,
            package: pkg,
            env: { [variable]: text },
          });
          expect({ variable, value: get(merged, path) }).toEqual({ variable, value: inCode });
        }
        read++;
      }
      // Every variable the table lists was tried with at least one value it accepts.
      expect(read).toBeGreaterThan(0);
    });
  }

  it('is the options table its README shows', () => {
    const text = readFileSync(entry.readme, 'utf8');
    const block = `<!-- options:${entry.type} -->\n${optionsTable(entry.shape, entry.env)}\n<!-- /options -->`;
    const blocks = [...text.matchAll(MARKERS)].filter((m) => m[1] === entry.type);
    expect(blocks).toHaveLength(1);
    if (process.env.UPDATE_OPTIONS_DOCS === '1' && blocks[0]![0] !== block) {
      writeFileSync(entry.readme, text.replace(blocks[0]![0], block));
      return;
    }
    expect(blocks[0]![0]).toBe(block);
  });
});

describe('the registry above', () => {
  it('covers every options table in every README', () => {
    const listed = new Set(ENTRIES.map((e) => `${e.readme}#${e.type}`));
    const readmes = new Set(ENTRIES.map((e) => e.readme));
    for (const file of readmes) {
      for (const m of readFileSync(file, 'utf8').matchAll(MARKERS)) expect(listed).toContain(`${file}#${m[1]}`);
    }
  });
});
