// Console mode for spans: one line per finished span on the `sightline.otel` logger, at info.
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { getLogger, type Logger } from '@sightline/core';

function hasKeys(attributes: Attributes): boolean {
  for (const _ in attributes) return true;
  return false;
}

/** The fields printed for a span: ids, timing, status, attributes and events. */
export function describeSpan(span: ReadableSpan): Record<string, unknown> {
  const ctx = span.spanContext();
  const fields: Record<string, unknown> = { traceId: ctx.traceId, spanId: ctx.spanId };
  if (span.parentSpanContext) fields.parentSpanId = span.parentSpanContext.spanId;
  if (span.kind !== SpanKind.INTERNAL) fields.kind = SpanKind[span.kind];
  fields.durationMs = Math.round(hrTimeToMilliseconds(span.duration) * 1000) / 1000;
  fields.status = SpanStatusCode[span.status.code];
  if (span.status.message) fields.statusMessage = span.status.message;
  if (hasKeys(span.attributes)) fields.attributes = span.attributes;
  if (span.events.length > 0) {
    fields.events = span.events.map((event) =>
      event.attributes && hasKeys(event.attributes) ? { name: event.name, attributes: event.attributes } : { name: event.name },
    );
  }
  return fields;
}

export class LoggerSpanExporter implements SpanExporter {
  constructor(private readonly log: Logger = getLogger('sightline.otel')) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.log.isEnabled('info')) {
      for (const span of spans) this.log.info(`span ${span.name}`, describeSpan(span));
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
