import { OtelConfigError } from '../../src/index.js';
import { resolveOptions } from '../../src/config/options.js';
import { normaliseEndpoint, portWarning } from '../../src/config/endpoint.js';
import { parseKeyValueList } from '../../src/config/key-value-list.js';

describe('resolveOptions', () => {
  it('applies defaults: console mode, 60000 ms (the specification default), info', () => {
    const r = resolveOptions({ service: 'svc' }, {});
    expect(r).toMatchObject({
      service: 'svc',
      version: undefined,
      environment: undefined,
      disabled: false,
      exporters: { traces: ['console'], metrics: ['console'], logs: ['console'] },
      otlp: {},
      propagators: ['tracecontext', 'baggage'],
      exportIntervalMillis: 60000,
      exportTimeoutMillis: 30000,
      successStatus: 'unset',
      http: true,
      resourceDetectors: ['env', 'host', 'os', 'process', 'serviceinstance'],
      level: 'info',
      resourceAttributes: {},
      warnings: [],
    });
  });

  it('falls back to the OTEL_* variables', () => {
    const r = resolveOptions(
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
      exportIntervalMillis: 10000,
      resourceAttributes: { team: 'backend', region: 'us-east-1' },
    });
    expect(r.otlp.metrics).toEqual({
      url: 'http://collector:4318/v1/metrics',
      protocol: 'http/json',
      headers: { 'api-key': 's=cret', 'x-tenant': 'acme' },
      timeoutMillis: undefined,
      compression: undefined,
    });
  });

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES last', () => {
    expect(resolveOptions({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-svc' }).service).toBe('attr-svc');
    expect(resolveOptions({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr-svc', OTEL_SERVICE_NAME: 'env-svc' }).service).toBe('env-svc');
  });

  it('lets explicit options win over the environment', () => {
    const r = resolveOptions(
      {
        service: 'explicit',
        otlpEndpoint: 'https://otlp.example.com',
        protocol: 'grpc',
        headers: { authorization: 'Bearer x' },
        exportIntervalMillis: 250,
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
      exportIntervalMillis: 250,
      resourceAttributes: { team: 'payments', zone: 'a', replicas: 3 },
    });
  });

  it('reports unreadable OTEL_* entries as warnings without their values', () => {
    const r = resolveOptions(
      { service: 's' },
      { OTEL_EXPORTER_OTLP_HEADERS: 'good=1,novalue,bad=%E0%A4%A', OTEL_METRIC_EXPORT_INTERVAL: 'soon' },
    );
    expect(r.exportIntervalMillis).toBe(60000);
    expect(r.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value',
      'OTEL_EXPORTER_OTLP_HEADERS: entry 3 ("bad") is not valid percent-encoding',
      'OTEL_METRIC_EXPORT_INTERVAL "soon" is not a number >= 1; ignored',
    ]);
    const withEndpoint = resolveOptions({ service: 's', otlpEndpoint: 'http://c:4318' }, { OTEL_EXPORTER_OTLP_HEADERS: 'good=1,novalue' });
    expect(withEndpoint.otlp.traces!.headers).toEqual({ good: '1' });
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
      { service: 's', exportIntervalMillis: 0 },
      'invalid option `exportIntervalMillis` in OpenTelemetry.configure(): expected an integer >= 1, got 0',
    ],
    [
      { service: 's', exportIntervalMillis: 1.5 },
      'invalid option `exportIntervalMillis` in OpenTelemetry.configure(): expected an integer >= 1, got 1.5',
    ],
    [{ service: 's', insecure: 'yes' }, 'invalid option `insecure` in OpenTelemetry.configure(): expected true or false, got "yes"'],
    [{ service: 's', headers: { 'x-key': 42 } }, 'invalid option `headers.x-key` in OpenTelemetry.configure(): expected a string'],
    [
      { service: 's', attributes: { bad: { nested: 1 } } },
      'invalid option `attributes.bad` in OpenTelemetry.configure(): expected a string, finite number, boolean or an array of them (got an object)',
    ],
    [{ service: 's', level: 'loud' }, 'Invalid level "loud": expected one of debug, info, warning, error'],
    [
      { service: 's', otlp_endpoint: 'http://x' },
      'unknown option `otlp_endpoint` in OpenTelemetry.configure(): did you mean `otlpEndpoint`?',
    ],
    [{ service: 's', spanExporter: {}, spanProcessors: [] }, 'Pass either spanExporter or spanProcessors, not both'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveOptions(options as never, {})).toThrow(OtelConfigError);
    expect(() => resolveOptions(options as never, {})).toThrow(message);
  });

  it('rejects a bad OTEL_EXPORTER_OTLP_PROTOCOL by name', () => {
    expect(() => resolveOptions({ service: 's' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' })).toThrow(
      'Invalid OTEL_EXPORTER_OTLP_PROTOCOL "thrift": expected one of http/protobuf, http/json, grpc',
    );
  });

  it('names the OTEL_* variable of a bad endpoint', () => {
    expect(() => resolveOptions({ service: 's' }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ht!tp://bad url' })).toThrow(
      'Invalid OTEL_EXPORTER_OTLP_TRACES_ENDPOINT "ht!tp://bad url": it contains whitespace',
    );
    expect(() => resolveOptions({ service: 's' }, { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      'Invalid OTEL_TRACES_EXPORTER entry "zipkin": expected one of otlp, console, none',
    );
  });

  it('skips resource attributes whose value is undefined or null', () => {
    const r = resolveOptions({ service: 's', attributes: { region: undefined, zone: null, team: 'a' } }, {});
    expect(r.resourceAttributes).toEqual({ team: 'a' });
  });

  it('warns when OTLP/HTTP is pointed at the gRPC port, and gRPC at the HTTP port', () => {
    expect(resolveOptions({ service: 's', otlpEndpoint: 'collector:4317' }, {}).warnings).toEqual([
      'otlpEndpoint "http://collector:4317" uses port 4317, the OTLP/gRPC port, with protocol http/protobuf: an OTLP/HTTP collector listens on 4318 (set protocol "grpc" to export over gRPC)',
    ]);
    expect(portWarning('http://jaeger:14250', 'http/protobuf', 'OTEL_EXPORTER_OTLP_ENDPOINT')).toContain("14250, Jaeger's gRPC port");
    expect(portWarning('http://c:4318', 'grpc', 'otlpEndpoint')).toContain('4318, the OTLP/HTTP port, with protocol grpc');
    expect(portWarning('http://c:4318/v1/traces', 'http/protobuf', 'otlpEndpoint')).toBeUndefined();
    expect(portWarning('http://c:4317', 'grpc', 'otlpEndpoint')).toBeUndefined();
  });

  it('never puts a header value in an error message', () => {
    expect(() => resolveOptions({ service: 's', headers: { authorization: 123 as unknown as string } }, {})).toThrow(
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
