import { OtelConfigError } from '../../src/index.js';
import { normaliseEndpoint, resolveOptions } from '../../src/config/options.js';
import { parseKeyValueList } from '../../src/config/key-value-list.js';

describe('resolveOptions', () => {
  it('applies defaults: console mode, http/protobuf, 5000 ms, info', () => {
    const r = resolveOptions({ service: 'svc' }, {});
    expect(r).toMatchObject({
      service: 'svc',
      version: undefined,
      environment: undefined,
      endpoint: undefined,
      protocol: 'http/protobuf',
      headers: {},
      exportIntervalMillis: 5000,
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
      endpoint: 'http://collector:4318',
      endpointFromEnv: true,
      protocol: 'http/json',
      headers: { 'api-key': 's=cret', 'x-tenant': 'acme' },
      exportIntervalMillis: 10000,
      resourceAttributes: { team: 'backend', region: 'us-east-1' },
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
    expect(r).toMatchObject({
      service: 'explicit',
      endpoint: 'https://otlp.example.com',
      endpointFromEnv: false,
      protocol: 'grpc',
      headers: { authorization: 'Bearer x' },
      exportIntervalMillis: 250,
      resourceAttributes: { team: 'payments', zone: 'a', replicas: 3 },
    });
  });

  it('reports unreadable OTEL_* entries as warnings without their values', () => {
    const r = resolveOptions(
      { service: 's' },
      { OTEL_EXPORTER_OTLP_HEADERS: 'good=1,novalue,bad=%E0%A4%A', OTEL_METRIC_EXPORT_INTERVAL: 'soon' },
    );
    expect(r.headers).toEqual({ good: '1' });
    expect(r.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value',
      'OTEL_EXPORTER_OTLP_HEADERS: entry 3 ("bad") is not valid percent-encoding',
      'OTEL_METRIC_EXPORT_INTERVAL "soon" is not a positive integer; using 5000',
    ]);
  });

  it.each([
    [{}, 'service is required: pass { service: "my-service" } or set OTEL_SERVICE_NAME'],
    [{ service: '' }, 'invalid option `service` in OpenTelemetry.configure(): expected a non-empty string, got ""'],
    [{ service: 's', protocol: 'udp' }, 'invalid option `protocol` in OpenTelemetry.configure(): expected one of "http/protobuf", "http/json", "grpc", got "udp"'],
    [{ service: 's', otlpEndpoint: 'ftp://x' }, 'Invalid otlpEndpoint "ftp://x": expected an http:// or https:// URL'],
    [{ service: 's', otlpEndpoint: 'http://' }, 'Invalid otlpEndpoint "http://": expected a URL such as "http://collector:4318"'],
    [{ service: 's', exportIntervalMillis: 0 }, 'invalid option `exportIntervalMillis` in OpenTelemetry.configure(): expected an integer >= 1, got 0'],
    [{ service: 's', exportIntervalMillis: 1.5 }, 'invalid option `exportIntervalMillis` in OpenTelemetry.configure(): expected an integer >= 1, got 1.5'],
    [{ service: 's', insecure: 'yes' }, 'invalid option `insecure` in OpenTelemetry.configure(): expected true or false, got "yes"'],
    [{ service: 's', headers: { 'x-key': 42 } }, 'invalid option `headers.x-key` in OpenTelemetry.configure(): expected a string'],
    [{ service: 's', attributes: { bad: { nested: 1 } } }, 'invalid option `attributes.bad` in OpenTelemetry.configure(): expected a string, finite number, boolean or an array of them (got an object)'],
    [{ service: 's', level: 'loud' }, 'Invalid level "loud": expected one of debug, info, warning, error'],
    [{ service: 's', otlp_endpoint: 'http://x' }, 'unknown option `otlp_endpoint` in OpenTelemetry.configure(): did you mean `otlpEndpoint`?'],
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
