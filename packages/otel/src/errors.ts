// Errors thrown on purpose by @sightline/otel: each names the bad value and the form expected.
import { OptionsError, SightlineConfigError, SightlineError } from '@sightline/core';

/** An option or `OTEL_*` variable given to `OpenTelemetry.configure()` was wrong. */
export class OtelConfigError extends OptionsError {}

/** `OpenTelemetry.configure()` was called a second time in this process. */
export class AlreadyConfiguredError extends SightlineError {
  constructor(readonly service: string) {
    super(
      `OpenTelemetry is already configured in this process (service ${JSON.stringify(service)}): ` +
        'call OpenTelemetry.configure() once at startup (tests may call OpenTelemetry.resetForTesting() in between)',
    );
  }
}

/** An external trace id or W3C `traceparent` could not be parsed. */
export class InvalidTraceContextError extends SightlineError {}

export class InvalidTraceIdError extends InvalidTraceContextError {
  constructor(readonly value: unknown) {
    super(
      `Invalid external trace id ${describe(value)}: expected 32 hexadecimal digits, not all zero ` +
        '(e.g. "4bf92f3577b34da6a3ce929d0e0e4736"; the 8-4-4-4-12 UUID form is accepted too)',
    );
  }
}

export class InvalidTraceparentError extends InvalidTraceContextError {
  constructor(
    readonly value: unknown,
    reason: string,
  ) {
    super(
      `Invalid traceparent ${describe(value)}: ${reason}; expected the W3C form ` +
        '"00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>"',
    );
  }
}

/** A protocol needs an optional package the application did not install. */
export class MissingExporterError extends SightlineConfigError {
  constructor(
    readonly protocol: string,
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

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  return value === null ? 'null' : typeof value;
}

/** OTEL_PROPAGATORS (or `propagators`) names a propagator whose optional package is not installed. */
export class MissingPropagatorError extends SightlineConfigError {
  constructor(
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
