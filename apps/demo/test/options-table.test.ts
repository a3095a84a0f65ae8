// Acceptance for core's one rule for options: every public constructor and factory of every
// package, given a misspelt key, throws an OptionsError naming the key, where it was written and
// the closest valid key; setupFromEnv, given a misspelt SIGHTLINE_<PACKAGE>_* variable for any
// package, throws naming the variable. The demo is the one workspace that depends on them all.
import { configureLogging, OptionsError, SightlineConfigError } from '@sightline/core';
import { resetLogging } from '@sightline/core/internal';
import { snapshotSource } from '@sightline/exposition';
import { createHealthHandler, createHealthServer, health, HealthConfigError } from '@sightline/health';
import { OpenTelemetry, otel, OtelConfigError } from '@sightline/otel';
import {
  clusterMetricsSource,
  converterMetrics,
  createMetricsServer,
  httpMetrics,
  MetricsCollector,
  prometheus,
  prometheusHooks,
  PrometheusMonitor,
  queueMetrics,
} from '@sightline/prometheus';
import {
  CustomSensor,
  HealthMonitor,
  healthMonitor,
  logging,
  LoggingSensor,
  Monitor,
  monitor,
  SensorConfigError,
} from '@sightline/sensors';
import { setup, SetupConfigError, setupFromEnv } from '@sightline/setup';
import { StatsClient, StatsClientSettings, StatsConfigError, StatsDMonitor, stats, statsHooks } from '@sightline/stats';
import { createTestClient } from '@sightline/stats/testing';
import { createStatsServer, statsServer, StatsServerConfigError } from '@sightline/stats-server';
import { createStatusPage, status, StatusConfigError } from '@sightline/status';
import { createWsServer, WsClient, WsConfigError } from '@sightline/ws';

type Call = () => unknown;
type ErrorClass = abstract new (...args: never[]) => Error;

/** [what is called, the call with one misspelt key, the key as the message names it, the source, the package's error class] */
type Row = readonly [string, Call, string, string, ErrorClass];

const udp = { protocol: 'udp' } as const;
const sharedClient = new StatsClient({ ...udp, flushIntervalMs: 0 });
const client = () => sharedClient;
const source = { contentType: 'text/plain', render: () => '' };
// Misspelt keys are typed as the options would be written in JavaScript.
const typo = <T>(options: Record<string, unknown>): T => options as T;

const rows: readonly Row[] = [
  // core
  ['configureLogging()', () => configureLogging(typo({ level: { x: 'debug' } })), 'level', 'configureLogging()', SightlineConfigError],
  // exposition
  [
    'snapshotSource()',
    () => snapshotSource(() => Promise.resolve([]), typo({ defaultLabel: {} })),
    'defaultLabel',
    'snapshotSource()',
    SightlineConfigError,
  ],
  // prometheus
  ['prometheus()', () => prometheus(typo({ namespce: 'x' })), 'namespce', 'prometheus()', SightlineConfigError],
  [
    'prometheus() nested',
    () => prometheus(typo({ monitor: { sampleIntervalMS: 5 } })),
    'monitor.sampleIntervalMS',
    'prometheus()',
    SightlineConfigError,
  ],
  ['new MetricsCollector()', () => new MetricsCollector(typo({ prefx: 'x_' })), 'prefx', 'new MetricsCollector()', SightlineConfigError],
  [
    'new PrometheusMonitor()',
    () => new PrometheusMonitor(typo({ namespce: 'x' })),
    'namespce',
    'new PrometheusMonitor()',
    SightlineConfigError,
  ],
  [
    'prometheusHooks()',
    () => prometheusHooks(new MetricsCollector(), typo({ bucket: [1] })),
    'bucket',
    'prometheusHooks()',
    SightlineConfigError,
  ],
  [
    'httpMetrics()',
    () => httpMetrics(new MetricsCollector(), typo({ maxEndpoint: 3 })),
    'maxEndpoint',
    'httpMetrics()',
    SightlineConfigError,
  ],
  ['queueMetrics()', () => queueMetrics(new MetricsCollector(), typo({ bucket: [1] })), 'bucket', 'queueMetrics()', SightlineConfigError],
  [
    'converterMetrics()',
    () => converterMetrics(new MetricsCollector(), typo({ bucket: [1] })),
    'bucket',
    'converterMetrics()',
    SightlineConfigError,
  ],
  ['clusterMetricsSource()', () => clusterMetricsSource(typo({ timeout: 5 })), 'timeout', 'clusterMetricsSource()', SightlineConfigError],
  [
    'createMetricsServer()',
    () => createMetricsServer(source, typo({ hots: '127.0.0.1' })),
    'hots',
    'createMetricsServer()',
    SightlineConfigError,
  ],
  // sensors
  ['new Monitor()', () => new Monitor(typo({ sampleIntervalMS: 5 })), 'sampleIntervalMS', 'new Monitor()', SensorConfigError],
  ['new HealthMonitor()', () => new HealthMonitor(typo({ lagTreshold: 5 })), 'lagTreshold', 'new HealthMonitor()', SensorConfigError],
  ['new LoggingSensor()', () => new LoggingSensor(typo({ levl: 'info' })), 'levl', 'new LoggingSensor()', SensorConfigError],
  [
    'new CustomSensor()',
    () => new CustomSensor('c', typo({ maxHistogramSample: 5 })),
    'maxHistogramSample',
    'new CustomSensor()',
    SensorConfigError,
  ],
  ['monitor()', () => monitor(typo({ nme: 'm' })), 'nme', 'monitor()', SensorConfigError],
  ['healthMonitor()', () => healthMonitor(typo({ pluginNme: 'h' })), 'pluginNme', 'healthMonitor()', SensorConfigError],
  ['logging()', () => logging(typo({ nme: 'l' })), 'nme', 'logging()', SensorConfigError],
  // health
  ['health()', () => health(typo({ prot: 80, env: {} })), 'prot', 'health()', HealthConfigError],
  [
    'health() nested',
    () => health(typo({ metricsRateLimit: { max: 1, windwMs: 5 }, env: {} })),
    'metricsRateLimit.windwMs',
    'health()',
    HealthConfigError,
  ],
  ['createHealthServer()', () => createHealthServer(typo({ prot: 80, env: {} })), 'prot', 'createHealthServer()', HealthConfigError],
  ['createHealthHandler()', () => createHealthHandler(typo({ cachMs: 5, env: {} })), 'cachMs', 'createHealthHandler()', HealthConfigError],
  // otel
  ['otel()', () => otel(typo({ servce: 'x' })), 'servce', 'otel()', OtelConfigError],
  [
    'OpenTelemetry.configure()',
    () => OpenTelemetry.configure(typo({ service: 'x', otlpEndpont: 'http://x' })),
    'otlpEndpont',
    'OpenTelemetry.configure()',
    OtelConfigError,
  ],
  // stats
  ['stats()', () => stats(typo({ ...udp, destPrt: 1 })), 'destPrt', 'stats()', StatsConfigError],
  ['stats() nested', () => stats(typo({ ...udp, monitor: { prefx: 'x' } })), 'monitor.prefx', 'stats()', StatsConfigError],
  ['new StatsClient()', () => new StatsClient(typo({ ...udp, destPrt: 1 })), 'destPrt', 'new StatsClient()', StatsConfigError],
  [
    'StatsClientSettings.load()',
    () => StatsClientSettings.load({ argv: [], env: {}, defaults: typo({ destPrt: 1 }) }),
    'destPrt',
    'StatsClientSettings.load() defaults',
    StatsConfigError,
  ],
  ['createTestClient()', () => createTestClient(typo({ destPrt: 1 })), 'destPrt', 'new StatsClient()', StatsConfigError],
  // A Monitor: its options are checked by Monitor's constructor, as PrometheusMonitor's are.
  ['new StatsDMonitor()', () => new StatsDMonitor(client(), typo({ prefx: 'x' })), 'prefx', 'new StatsDMonitor()', SensorConfigError],
  ['statsHooks()', () => statsHooks(client(), typo({ tagOp: true })), 'tagOp', 'statsHooks()', StatsConfigError],
  // stats-server
  ['statsServer()', () => statsServer(typo({ secrets: 's', statsd: { udp: 1 } })), 'statsd.udp', 'statsServer()', StatsServerConfigError],
  [
    'createStatsServer()',
    () => createStatsServer(typo({ secrets: 's', statsd: { udpPrt: 1 } })),
    'statsd.udpPrt',
    'createStatsServer()',
    StatsServerConfigError,
  ],
  // ws
  ['new WsClient()', () => new WsClient('ws://127.0.0.1:1', typo({ reconect: false })), 'reconect', 'new WsClient()', WsConfigError],
  [
    'createWsServer()',
    () => createWsServer(typo({ port: 0, handlers: {}, maxConection: 3 })),
    'maxConection',
    'createWsServer()',
    WsConfigError,
  ],
  // status
  ['status()', () => status(typo({ intervalMS: 5 })), 'intervalMS', 'status()', StatusConfigError],
  ['createStatusPage()', () => createStatusPage(typo({ maxPin: 1 })), 'maxPin', 'createStatusPage()', StatusConfigError],
  // setup
  ['setup()', () => setup(typo({ service: 'orders', plugins: [], stopTimeoutMS: 5 })), 'stopTimeoutMS', 'setup()', SetupConfigError],
];

async function failure(call: Call): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('one rule for options: a misspelt key fails everywhere, naming it', () => {
  afterAll(async () => {
    resetLogging({});
    await sharedClient.close();
  });

  it.each(rows)('%s', async (_what, call, key, where, errorClass) => {
    const error = await failure(call);
    expect(error).toBeInstanceOf(OptionsError);
    expect(error).toBeInstanceOf(errorClass);
    const message = (error as Error).message;
    expect(message.startsWith(`unknown option \`${key}\` in ${where}: `)).toBe(true);
    expect((error as OptionsError).option).toBe(key);
  });

  it('offers the closest valid key', async () => {
    expect(((await failure(rows.find((r) => r[0] === 'health()')![1])) as Error).message).toBe(
      'unknown option `prot` in health(): did you mean `port`?',
    );
    expect(((await failure(rows.find((r) => r[0] === 'createStatsServer()')![1])) as Error).message).toBe(
      'unknown option `statsd.udpPrt` in createStatsServer(): did you mean `statsd.udpPort`?',
    );
  });
});

describe('one environment scheme: a misspelt SIGHTLINE_<PACKAGE>_* variable fails setupFromEnv, naming it', () => {
  const factories = { prometheus, stats, statsServer, health, otel, monitor, healthMonitor, logging, status };

  it.each([
    ['SIGHTLINE_PROMETHEUS_NAMESPCE', 'SIGHTLINE_PROMETHEUS_NAMESPACE'],
    ['SIGHTLINE_STATS_DEST_PROT', 'SIGHTLINE_STATS_DEST_PORT'],
    ['SIGHTLINE_STATS_SERVER_STATSD__UDP_PROT', 'SIGHTLINE_STATS_SERVER_STATSD__UDP_PORT'],
    ['SIGHTLINE_HEALTH_PROT', 'SIGHTLINE_HEALTH_PORT'],
    ['SIGHTLINE_OTEL_OTLP_ENDPONT', 'SIGHTLINE_OTEL_OTLP_ENDPOINT'],
    ['SIGHTLINE_MONITOR_SAMPLE_INTERVAL_M', 'SIGHTLINE_MONITOR_SAMPLE_INTERVAL_MS'],
    ['SIGHTLINE_HEALTH_MONITOR_LAG_TRESHOLD', 'SIGHTLINE_HEALTH_MONITOR_LAG_THRESHOLD'],
    ['SIGHTLINE_LOGGING_LEVL', 'SIGHTLINE_LOGGING_LEVEL'],
    ['SIGHTLINE_STATUS_INTERVAL_M', 'SIGHTLINE_STATUS_INTERVAL_MS'],
  ])('%s', (variable, closest) => {
    const env = { SIGHTLINE_SERVICE_NAME: 'orders', SIGHTLINE_PLUGINS: 'none', [variable]: '1' };
    let error: unknown;
    try {
      setupFromEnv({ env, factories });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SetupConfigError);
    expect((error as Error).message).toBe(`unknown variable \`${variable}\` in env: did you mean \`${closest}\`?`);
  });

  it('types what it reads by the factory: a bad value names the variable', () => {
    expect(() =>
      setupFromEnv({
        env: { SIGHTLINE_SERVICE_NAME: 'orders', SIGHTLINE_PLUGINS: 'health', SIGHTLINE_HEALTH_PORT: '70000' },
        factories: { health },
      }),
    ).toThrow(new SetupConfigError('invalid option `port` in env SIGHTLINE_HEALTH_PORT: expected an integer from 0 to 65535, got 70000'));
  });
});
