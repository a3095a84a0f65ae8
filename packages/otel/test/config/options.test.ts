import { DiagLogLevel } from '@opentelemetry/api';
import { GrpcEndpointError, OtelConfigError } from '../../src/index.js';
import { resolveSettings } from '../../src/config/options.js';
import { normaliseEndpoint, portWarning } from '../../src/config/endpoint.js';
import { parseKeyValueList } from '../../src/config/key-value-list.js';

describe('resolveSettings', () => {
  it('applies defaults: console mode, 5000 ms (the seed default), info', () => {
    const r = resolveSettings({ service: 'svc' }, {});
    expect(r).toMatchObject({
      service: 'svc',
      version: undefined,
      environment: undefined,
      disabled: false,
      exporters: { traces: ['console'], metrics: ['console'], logs: ['console'] },
      otlp: {},
      propagators: ['tracecontext', 'baggage'],
      exportIntervalMs: 5000,
      exportTimeoutMs: 5000,
      successStatus: 'unset',
      http: true,
      detectors: ['env', 'host', 'os', 'process', 'serviceinstance'],
      level: 'info',
      resourceAttributes: {},
      warnings: [],
    });
  });

  it('falls back to the OTEL_* variables', () => {
    const r = resolveSettings(
      {},
      {
        OTEL_SERVICE_NAME: 'from-env',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcret, x-tenant = acme',
        OTEL_RESOURCE_ATTRIBUTES: 'team=backend,region=us-east-1',
        OTEL_METRIC_EXPORT_INTERVAL: '10000',
      },
    );
    expect(r).toMatchObject({
      service: 'from-env',
      exporters: { traces: ['otlp'], metrics: ['otlp'], logs: ['otlp'] },
      exportIntervalMs: 10000,
      resourceAttributes: { team: 'backend', region: 'us-east-1' },
    });
    expect(r.otlp.metrics).toEqual({
      url: 'http://collector:4318/v1/metrics',
      protocol: 'http/json',
      headers: { 'api-key': 's=cret', 'x-tenant': 'acme' },
      timeoutMs: undefined,
      compression: undefined,
    });
  });

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES last', () => {
    expect(resolveSettings({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-svc' }).service).toBe('attr-svc');
    expect(resolveSettings({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-svc', OTEL_SERVICE_NAME: 'env-svc' }).service).toBe(
      'env-svc',
    );
  });

  it('lets explicit options win over the environment', () => {
    const r = resolveSettings(
      {
        service: 'explicit',
        otlpEndpoint: 'https://otlp.example.com',
        protocol: 'grpc',
        headers: { authorization: 'Bearer x' },
        exportIntervalMs: 250,
        attributes: { team: 'payments', replicas: 3 },
      },
      {
        OTEL_SERVICE_NAME: 'env',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=b',
        OTEL_RESOURCE_ATTRIBUTES: 'team=backend,zone=a',
      },
    );
    expect(r.otlp.traces).toMatchObject({ url: 'https://otlp.example.com', protocol: 'grpc', headers: { authorization: 'Bearer x' } });
    expect(r).toMatchObject({
      service: 'explicit',
      exportIntervalMs: 250,
      resourceAttributes: { team: 'payments', zone: 'a', replicas: 3 },
    });
  });

  it('reports unreadable OTEL_* entries as warnings without their values', () => {
    const r = resolveSettings(
      { service: 's' },
      { OTEL_EXPORTER_OTLP_HEADERS: 'good=1,novalue,bad=%E0%A4%A', OTEL_METRIC_EXPORT_INTERVAL: 'soon' },
    );
    expect(r.exportIntervalMs).toBe(5000);
    expect(r.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value; entry 3 ("bad") is not valid percent-encoding; those entries ignored',
      'OTEL_METRIC_EXPORT_INTERVAL "soon" is not an integer >= 1; ignored',
    ]);
    const withEndpoint = resolveSettings({ service: 's', otlpEndpoint: 'http://c:4318' }, { OTEL_EXPORTER_OTLP_HEADERS: 'good=1,novalue' });
    expect(withEndpoint.otlp.traces!.headers).toEqual({ good: '1' });
  });

  it('5,000 unreadable OTEL_RESOURCE_ATTRIBUTES entries are one warning with a count', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => (i % 2 ? `k${i}=%ZZ` : `novalue${i}`));
    const r = resolveSettings({ service: 's' }, { OTEL_RESOURCE_ATTRIBUTES: ['team=payments', ...entries].join(',') });
    expect(r.resourceAttributes).toMatchObject({ team: 'payments' });
    expect(r.warnings).toEqual([
      'OTEL_RESOURCE_ATTRIBUTES: entry 2 is not key=value; entry 3 ("k1") is not valid percent-encoding; entry 4 is not key=value; ' +
        'and 4997 more entries unreadable; those entries ignored',
    ]);
  });

  it('a timeout or delay past what a timer can wait is clamped to 2^31 - 1 ms, with one warning each', () => {
    const r = resolveSettings(
      { service: 's', otlpEndpoint: 'http://c:4318' },
      { OTEL_EXPORTER_OTLP_TIMEOUT: '99999999999', OTEL_BSP_SCHEDULE_DELAY: '1e12', OTEL_METRIC_EXPORT_INTERVAL: '99999999999' },
    );
    expect(r.otlp.traces!.timeoutMs).toBe(2_147_483_647);
    expect(r.otlp.metrics!.timeoutMs).toBe(2_147_483_647);
    expect(r.exportIntervalMs).toBe(2_147_483_647);
    expect(r.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_TIMEOUT 99999999999 is longer than a timer can wait; using 2147483647 ms (about 24.8 days)',
      'OTEL_METRIC_EXPORT_INTERVAL 99999999999 is longer than a timer can wait; using 2147483647 ms (about 24.8 days)',
      'OTEL_BSP_SCHEDULE_DELAY 1000000000000 is longer than a timer can wait; using 2147483647 ms (about 24.8 days)',
    ]);
  });

  it.each([
    [{}, 'service is required: pass { service: "my-service" } or set OTEL_SERVICE_NAME'],
    [{ service: '' }, 'invalid option `service` in OpenTelemetry.configure(): expected a non-empty string, got ""'],
    [
      { service: 's', protocol: 'udp' },
      'invalid option `protocol` in OpenTelemetry.configure(): expected one of "http/protobuf", "http/json", "grpc", got "udp"',
    ],
    [{ service: 's', otlpEndpoint: 'ftp://x' }, 'Invalid otlpEndpoint "ftp://x": only http:// and https:// are supported'],
    [
      { service: 's', otlpEndpoint: 'http://' },
      'Invalid otlpEndpoint "http://": it is not a URL; expected a URL such as "http://collector:4318"',
    ],
    [{ service: 's', otlpEndpoint: 'ht!tp://bad url' }, 'Invalid otlpEndpoint "ht!tp://bad url": it contains whitespace'],
    [{ service: 's', otlpEndpoint: 'ht!tp://bad' }, 'Invalid otlpEndpoint "ht!tp://bad": the scheme is not a valid URL scheme'],
    [
      { service: 's', successStatus: 'good' },
      'invalid option `successStatus` in OpenTelemetry.configure(): expected one of "unset", "ok", got "good"',
    ],
    [
      { service: 's', propagators: ['jaeger'] },
      'invalid option `propagators[0]` in OpenTelemetry.configure(): expected one of "tracecontext", "baggage", "b3", "b3multi", "none", got "jaeger"',
    ],
    [
      { service: 's', resourceDetectors: 'no' },
      'invalid option `resourceDetectors` in OpenTelemetry.configure(): expected true or false, got "no"',
    ],
    [{ service: 's', http: 1 }, 'invalid option `http` in OpenTelemetry.configure(): expected true or false, got 1'],
    [
      { service: 's', exportIntervalMs: 0 },
      'invalid option `exportIntervalMs` in OpenTelemetry.configure(): expected an integer >= 1, got 0',
    ],
    [
      { service: 's', exportIntervalMs: 1.5 },
      'invalid option `exportIntervalMs` in OpenTelemetry.configure(): expected an integer >= 1, got 1.5',
    ],
    [{ service: 's', insecure: 'yes' }, 'invalid option `insecure` in OpenTelemetry.configure(): expected true or false, got "yes"'],
    [{ service: 's', headers: { 'x-key': 42 } }, 'invalid option `headers.x-key` in OpenTelemetry.configure(): expected a string'],
    [
      { service: 's', attributes: { bad: { nested: 1 } } },
      'invalid option `attributes.bad` in OpenTelemetry.configure(): expected a string, finite number, boolean or an array of them (got an object)',
    ],
    [
      { service: 's', level: 'loud' },
      'invalid option `level` in OpenTelemetry.configure(): expected one of "debug", "info", "warning", "error", got "loud"',
    ],
    [
      { service: 's', otlp_endpoint: 'http://x' },
      'unknown option `otlp_endpoint` in OpenTelemetry.configure(): did you mean `otlpEndpoint`?',
    ],
    [{ service: 's', spanExporter: {}, spanProcessors: [] }, 'Pass either spanExporter or spanProcessors, not both'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveSettings(options as never, {})).toThrow(OtelConfigError);
    expect(() => resolveSettings(options as never, {})).toThrow(message);
  });

  it('rejects a bad OTEL_EXPORTER_OTLP_PROTOCOL by name', () => {
    expect(() => resolveSettings({ service: 's' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' })).toThrow(
      'Invalid OTEL_EXPORTER_OTLP_PROTOCOL "thrift": expected one of http/protobuf, http/json, grpc',
    );
  });

  it('names the OTEL_* variable of a bad endpoint', () => {
    expect(() => resolveSettings({ service: 's' }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ht!tp://bad url' })).toThrow(
      'Invalid OTEL_EXPORTER_OTLP_TRACES_ENDPOINT "ht!tp://bad url": it contains whitespace',
    );
    expect(() => resolveSettings({ service: 's' }, { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      'Invalid OTEL_TRACES_EXPORTER entry "zipkin": expected one of otlp, console, none',
    );
  });

  it('reads the environment it is given, and leaves process.env alone', () => {
    const processEnv = process.env;
    const before = { ...process.env };
    const assigned: unknown[] = [];
    // Any assignment to process.env while resolving is recorded, not made.
    Object.defineProperty(process, 'env', { configurable: true, enumerable: true, get: () => processEnv, set: (v) => assigned.push(v) });
    let r: ReturnType<typeof resolveSettings>;
    try {
      r = resolveSettings(
        {},
        {
          OTEL_SERVICE_NAME: 'from-custom-env',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://custom:4318',
          OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1234',
          OTEL_PROPAGATORS: 'b3',
          OTEL_BSP_MAX_QUEUE_SIZE: '7',
          OTEL_LOG_LEVEL: 'debug',
          OTEL_NODE_RESOURCE_DETECTORS: 'host,os',
          OTEL_TRACES_SAMPLER: 'always_off',
        },
      );
    } finally {
      Object.defineProperty(process, 'env', { configurable: true, enumerable: true, writable: true, value: processEnv });
    }
    expect(assigned).toEqual([]);
    expect(process.env).toBe(processEnv);
    expect({ ...process.env }).toEqual(before);
    expect(r).toMatchObject({
      service: 'from-custom-env',
      propagators: ['b3'],
      bsp: { maxQueueSize: 7 },
      logLevel: DiagLogLevel.DEBUG,
      detectors: ['host', 'os'],
      sampler: { name: 'always_off', arg: undefined },
    });
    expect(r.otlp.traces).toMatchObject({ url: 'http://custom:4318/v1/traces', timeoutMs: 1234 });
  });

  it('sees none of process.env when given another environment', () => {
    const saved = process.env.OTEL_SERVICE_NAME;
    process.env.OTEL_SERVICE_NAME = 'from-process-env';
    try {
      expect(resolveSettings({}).service).toBe('from-process-env');
      expect(() => resolveSettings({}, {})).toThrow('service is required');
      expect(resolveSettings({}, { OTEL_SERVICE_NAME: 'given' }).service).toBe('given');
    } finally {
      if (saved === undefined) delete process.env.OTEL_SERVICE_NAME;
      else process.env.OTEL_SERVICE_NAME = saved;
    }
  });

  it('skips resource attributes whose value is undefined or null', () => {
    const r = resolveSettings({ service: 's', attributes: { region: undefined, zone: null, team: 'a' } }, {});
    expect(r.resourceAttributes).toEqual({ team: 'a' });
  });

  it('warns when OTLP/HTTP is pointed at the gRPC port, and gRPC at the HTTP port', () => {
    expect(resolveSettings({ service: 's', otlpEndpoint: 'collector:4317', protocol: 'http/protobuf' }, {}).warnings).toEqual([
      'otlpEndpoint "http://collector:4317" uses port 4317, the OTLP/gRPC port, with protocol http/protobuf: an OTLP/HTTP collector listens on 4318 (set protocol "grpc" to export over gRPC)',
    ]);
    expect(portWarning('http://jaeger:14250', 'http/protobuf', 'OTEL_EXPORTER_OTLP_ENDPOINT')).toContain("14250, Jaeger's gRPC port");
    expect(portWarning('http://c:4318', 'grpc', 'otlpEndpoint')).toContain('4318, the OTLP/HTTP port, with protocol grpc');
    expect(portWarning('http://c:4318/v1/traces', 'http/protobuf', 'otlpEndpoint')).toBeUndefined();
    expect(portWarning('http://c:4317', 'grpc', 'otlpEndpoint')).toBeUndefined();
  });

  describe('an endpoint on 4317 with no protocol set', () => {
    const grpcInstalled = () => [];
    const grpcMissing = () => ['@opentelemetry/exporter-trace-otlp-grpc', '@opentelemetry/exporter-logs-otlp-grpc'];
    const protocols = (r: ReturnType<typeof resolveSettings>) => [r.otlp.traces?.protocol, r.otlp.metrics?.protocol, r.otlp.logs?.protocol];

    it('exports over gRPC when the gRPC exporters are installed, without a port warning', () => {
      const r = resolveSettings({ service: 's', otlpEndpoint: 'http://collector:4317' }, {}, 'OpenTelemetry.configure()', grpcInstalled);
      expect(protocols(r)).toEqual(['grpc', 'grpc', 'grpc']);
      expect(r.otlp.traces!.url).toBe('http://collector:4317');
      expect(r.warnings).toEqual([]);
      const fromEnv = resolveSettings({ service: 's' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }, 'x', grpcInstalled);
      expect(protocols(fromEnv)).toEqual(['grpc', 'grpc', 'grpc']);
    });

    it('fails with GrpcEndpointError naming what to install or set when they are not', () => {
      const configure = () => resolveSettings({ service: 's', otlpEndpoint: 'http://user:pw@collector:4317' }, {}, 'x', grpcMissing);
      expect(configure).toThrow(GrpcEndpointError);
      expect(configure).toThrow(
        'otlpEndpoint "http://collector:4317" is on port 4317, the OTLP/gRPC port, and no protocol is set, but the gRPC exporters ' +
          'are not installed: install them (npm install @opentelemetry/exporter-trace-otlp-grpc @opentelemetry/exporter-logs-otlp-grpc), ' +
          'or export over OTLP/HTTP with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (or protocol: "http/protobuf") and the ' +
          "collector's OTLP/HTTP port 4318",
      );
      expect(() => configure()).toThrow(expect.objectContaining({ code: 'SIGHTLINE_ERR_OTEL_GRPC_ENDPOINT' }) as Error);
    });

    it('keeps a protocol that is set, in code or in OTEL_EXPORTER_OTLP_PROTOCOL, and only warns', () => {
      const inCode = resolveSettings({ service: 's', otlpEndpoint: 'http://c:4317', protocol: 'http/protobuf' }, {}, 'x', grpcMissing);
      expect(protocols(inCode)).toEqual(['http/protobuf', 'http/protobuf', 'http/protobuf']);
      const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' };
      const inEnv = resolveSettings({ service: 's' }, env, 'x', grpcMissing);
      expect(protocols(inEnv)).toEqual(['http/protobuf', 'http/protobuf', 'http/protobuf']);
      expect(inEnv.warnings[0]).toContain('uses port 4317, the OTLP/gRPC port');
    });

    it('leaves other ports on the default http/protobuf', () => {
      const r = resolveSettings({ service: 's', otlpEndpoint: 'http://c:4318' }, {}, 'x', grpcMissing);
      expect(protocols(r)).toEqual(['http/protobuf', 'http/protobuf', 'http/protobuf']);
    });
  });

  it('never puts a header value in an error message', () => {
    expect(() => resolveSettings({ service: 's', headers: { authorization: 123 as unknown as string } }, {})).toThrow(
      /^invalid option `headers.authorization` in OpenTelemetry\.configure\(\): expected a string$/,
    );
  });
});

describe('normaliseEndpoint', () => {
  it.each([
    ['collector', 'http/protobuf', true, 'http://collector:4318'],
    ['collector', 'grpc', true, 'http://collector:4317'],
    ['collector', 'http/protobuf', false, 'https://collector:4318'],
    ['collector:9000', 'grpc', true, 'http://collector:9000'],
    ['http://collector:4318/', 'http/protobuf', true, 'http://collector:4318'],
    ['https://otlp.example.com/prefix/', 'http/protobuf', true, 'https://otlp.example.com/prefix'],
    ['http://127.0.0.1:4317', 'grpc', false, 'http://127.0.0.1:4317'],
  ] as const)('%s (%s, insecure %s) -> %s', (raw, protocol, insecure, expected) => {
    expect(normaliseEndpoint(raw, protocol, insecure, 'otlpEndpoint')).toBe(expected);
  });
});

describe('parseKeyValueList', () => {
  it('reads percent-encoded key=value pairs, skipping empty entries', () => {
    expect(parseKeyValueList('a=1,,b=two%20words, c = x=y ', 'X')).toEqual({
      values: { a: '1', b: 'two words', c: 'x=y' },
      problems: [],
    });
    expect(parseKeyValueList(undefined, 'X')).toEqual({ values: {}, problems: [] });
  });
});
