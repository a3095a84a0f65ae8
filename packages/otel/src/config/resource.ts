// The resource every span, metric and log record carries: the SDK's detectors (host, OS, process and
// runtime, OTEL_RESOURCE_ATTRIBUTES, service.instance.id), then the user's attributes, then the
// semantic-convention service attributes, on top of the SDK's telemetry.sdk.*.
import type { AttributeValue } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
  type Resource,
  type ResourceDetector,
} from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { OtelSettings } from './options.js';

// Still in the incubating semantic conventions, so spelled out rather than imported from there.
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
export const ATTR_PROCESS_PID = 'process.pid';

const DETECTORS: Readonly<Record<string, ResourceDetector>> = {
  env: envDetector,
  host: hostDetector,
  os: osDetector,
  process: processDetector,
  serviceinstance: serviceInstanceIdDetector,
};

export function buildResource(options: OtelSettings): Resource {
  const detectors = options.detectors.map((name) => DETECTORS[name]).filter((d): d is ResourceDetector => d !== undefined);
  const attributes: Record<string, AttributeValue> = {
    [ATTR_PROCESS_PID]: process.pid,
    ...options.resourceAttributes,
    [ATTR_SERVICE_NAME]: options.service,
  };
  if (options.version !== undefined) attributes[ATTR_SERVICE_VERSION] = options.version;
  if (options.environment !== undefined) attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = options.environment;
  const detected = detectors.length > 0 ? detectResources({ detectors }) : undefined;
  const base = detected ? defaultResource().merge(detected) : defaultResource();
  return base.merge(resourceFromAttributes(attributes));
}
