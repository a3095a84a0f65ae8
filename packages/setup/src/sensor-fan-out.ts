// One Sensor over every plugin's sensor, built on core's SensorFanOut: every event of the Sensor
// contract (table-contains, assignment, rebalance and buffer-full events included) reaches
// each plugin sensor that implements it, in plugin order, allocation-free. A sensor that throws is
// logged once per plugin and method, counted, and never reaches the caller or stops the others.
import { type Logger, type Sensor } from '@sightline/core';
import { type CompleteSensor, errorText, SensorFanOut } from '@sightline/core/internal';

/**
 * The fan-out sensor: core's `CompleteSensor`, every callback present (call it without `?.`), and
 * `asDict()` gives every sensor's figures by plugin name. Each plugin sensor's closing callbacks
 * receive exactly the state its opening callback returned (a sensor that returned none gets a start
 * time); see core's `SensorFanOut`.
 */
export type CombinedSensor = CompleteSensor;

export interface NamedSensor {
  readonly plugin: string;
  readonly sensor: Sensor;
}

/** Sensor failures so far: plugin name, then callback name, then count. Only non-zero entries. */
export type SensorFailures = Record<string, Record<string, number>>;

export interface SensorFanOutResult {
  readonly sensor: CombinedSensor;
  readonly failures: () => SensorFailures;
}

class PluginSensors extends SensorFanOut implements CombinedSensor {
  constructor(
    private readonly named: readonly NamedSensor[],
    private readonly pluginOf: ReadonlyMap<Sensor, string>,
    log: Logger,
  ) {
    super(
      named.map((n) => n.sensor),
      {
        onFailure: (sensor, method, error, count) => {
          if (count !== 1) return;
          const plugin = pluginOf.get(sensor) ?? 'unknown';
          log.warn(`sensor ${method} of plugin "${plugin}" threw; suppressed (logged once, counted)`, {
            plugin,
            method,
            error: errorText(error),
          });
        },
      },
    );
  }

  asDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { plugin, sensor } of this.named) {
      if (typeof sensor.asDict !== 'function') continue;
      try {
        out[plugin] = sensor.asDict();
      } catch (error) {
        this.reportFailure(sensor, 'asDict', error);
      }
    }
    return out;
  }

  failures(): SensorFailures {
    const out: SensorFailures = {};
    for (const [sensor, byMethod] of this.failureCountsByMember()) {
      const plugin = this.pluginOf.get(sensor) ?? 'unknown';
      for (const [method, count] of byMethod) {
        const forPlugin = (out[plugin] ??= {});
        forPlugin[method] = (forPlugin[method] ?? 0) + count;
      }
    }
    return out;
  }
}

/**
 * The combined sensor of `sensors` (plugin order). A sensor object shared by several plugins is
 * counted and logged under the first plugin's name.
 */
export function fanOutSensors(sensors: readonly NamedSensor[], log: Logger): SensorFanOutResult {
  const pluginOf = new Map<Sensor, string>();
  for (const { plugin, sensor } of sensors) if (!pluginOf.has(sensor)) pluginOf.set(sensor, plugin);
  const combined = new PluginSensors(Object.freeze([...sensors]), pluginOf, log);
  return { sensor: combined, failures: () => combined.failures() };
}
