// OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the SDK's own samplers. The SDK 3.x tracer
// provider no longer reads them itself, so they are read here for both trains.
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace';
import type { SamplerEnv } from './otel-env.js';

/** The sampler named, or undefined (with a warning) for a name this SDK does not know. */
export function samplerFromEnv(env: SamplerEnv, warn: (message: string) => void): Sampler | undefined {
  const ratio = env.arg ?? 1;
  switch (env.name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      warn(
        `OTEL_TRACES_SAMPLER ${JSON.stringify(env.name)} is not one of always_on, always_off, traceidratio, ` +
          'parentbased_always_on, parentbased_always_off, parentbased_traceidratio; using parentbased_always_on',
      );
      return undefined;
  }
}
