// The forwarding methods of SensorFanOut are generated from the Sensor contract: this fails when
// the contract changed and the generated region was not rewritten.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const script = join(__dirname, '../../../../scripts/generate-sensor-fan-out.mjs');
const target = join(__dirname, '../../src/contracts/sensor-fan-out.ts');

describe('the generated forwarding methods of SensorFanOut', () => {
  it('are what scripts/generate-sensor-fan-out.mjs writes from SENSOR_EVENTS', () => {
    const generated = execFileSync(process.execPath, [script, '--stdout'], { encoding: 'utf8' });
    expect(generated).toContain('onTopicBufferFull(tp: string): void {');
    expect(generated).toBe(readFileSync(target, 'utf8'));
  });
});
