// The resource every span, metric and log record carries: semantic-convention service attributes
// over the user's attributes over OTEL_RESOURCE_ATTRIBUTES, on top of the SDK's telemetry.sdk.*.
import type { AttributeValue } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { ResolvedOptions } from './options.js';

// Still in the incubating semantic conventions, so spelled out rather than imported from there.
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
export const ATTR_PROCESS_PID = 'process.pid';

export function buildResource(options: ResolvedOptions): Resource {
  const attributes: Record<string, AttributeValue> = {
    [ATTR_PROCESS_PID]: process.pid,
    ...options.resourceAttributes,
    [ATTR_SERVICE_NAME]: options.service,
  };
  if (options.version !== undefined) attributes[ATTR_SERVICE_VERSION] = options.version;
  if (options.environment !== undefined) attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = options.environment;
  return defaultResource().merge(resourceFromAttributes(attributes));
}
