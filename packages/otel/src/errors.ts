// Errors thrown on purpose by @sightline/otel: each names the bad value and the form expected.
import { OptionsError, SightlineConfigError, SightlineError } from '@sightline/core';
import { describeValue } from '@sightline/core/internal';

/** An option or `OTEL_*` variable given to `OpenTelemetry.configure()` was wrong. */
export class OtelConfigError extends OptionsError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_OTEL_CONFIG';
}

/** `OpenTelemetry.configure()` was called a second time in this process. */
export class AlreadyConfiguredError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_OTEL_ALREADY_CONFIGURED';

  constructor(
    /** The service the first `configure()` was called for. */
    readonly service: string,
  ) {
    super(
      `OpenTelemetry is already configured in this process (service ${JSON.stringify(service)}): ` +
        'call OpenTelemetry.configure() once at startup (tests may call OpenTelemetry.resetForTesting() in between)',
    );
  }
}

/** An external trace id or W3C `traceparent` could not be parsed. */
export class InvalidTraceContextError extends SightlineError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_TRACE_CONTEXT';
}

/** An external trace id was not 32 hexadecimal digits (or a UUID), or was all zeros. */
export class InvalidTraceIdError extends InvalidTraceContextError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_TRACE_ID';

  constructor(
    /** The value received. */
    readonly value: unknown,
  ) {
    super(
      `Invalid external trace id ${describeValue(value)}: expected 32 hexadecimal digits, not all zero ` +
        '(e.g. "4bf92f3577b34da6a3ce929d0e0e4736"; the 8-4-4-4-12 UUID form is accepted too)',
    );
  }
}

/** A `traceparent` header was not in the W3C form. */
export class InvalidTraceparentError extends InvalidTraceContextError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_INVALID_TRACEPARENT';

  constructor(
    /** The value received. */
    readonly value: unknown,
    reason: string,
  ) {
    super(
      `Invalid traceparent ${describeValue(value)}: ${reason}; expected the W3C form ` +
        '"00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>"',
    );
  }
}

/** A protocol needs an optional package the application did not install. */
export class MissingExporterError extends SightlineConfigError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_OTEL_MISSING_EXPORTER';

  constructor(
    /** The OTLP protocol asked for, e.g. `grpc`. */
    readonly protocol: string,
    /** The packages to install for it. */
    readonly packages: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      `OTLP protocol ${JSON.stringify(protocol)} needs ${packages.join(', ')}, which could not be loaded: ` +
        `install ${packages.length > 1 ? 'them' : 'it'} (npm install ${packages.join(' ')})`,
      options,
    );
  }
}

/** OTEL_PROPAGATORS (or `propagators`) names a propagator whose optional package is not installed. */
export class MissingPropagatorError extends SightlineConfigError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_OTEL_MISSING_PROPAGATOR';

  constructor(
    /** The package to install, e.g. `@opentelemetry/propagator-b3`. */
    readonly packageName: string,
    options?: ErrorOptions,
  ) {
    super(
      `The b3 / b3multi propagator needs ${packageName}, which could not be loaded: install it (npm install ${packageName}) ` +
        'or remove b3 from OTEL_PROPAGATORS / the propagators option',
      options,
    );
  }
}

/**
 * An OTLP endpoint on 4317, the OTLP/gRPC port, with no protocol set, and the gRPC exporters not
 * installed: exporting HTTP/protobuf there would fail at every export, so configure() refuses it.
 */
export class GrpcEndpointError extends SightlineConfigError {
  /** This class's error code. */
  static override readonly code: string = 'SIGHTLINE_ERR_OTEL_GRPC_ENDPOINT';

  constructor(
    /** The endpoint, without credentials. */
    readonly endpoint: string,
    /** The setting it came from, e.g. `otlpEndpoint` or `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    readonly source: string,
    /** The gRPC exporter packages that could not be found. */
    readonly packages: readonly string[],
  ) {
    super(
      `${source} ${JSON.stringify(endpoint)} is on port 4317, the OTLP/gRPC port, and no protocol is set, ` +
        `but the gRPC exporters are not installed: install them (npm install ${packages.join(' ')}), ` +
        'or export over OTLP/HTTP with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (or protocol: "http/protobuf") ' +
        "and the collector's OTLP/HTTP port 4318",
    );
  }
}
