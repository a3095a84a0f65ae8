// The shipped dashboards and alert rules are reachable through the exports map, as a user resolves them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const pkg = join(__dirname, '..');

describe('shipped files', () => {
  // Resolve through the package's own name, from inside it, so the exports map is what decides.
  const req = createRequire(join(pkg, 'package.json'));

  it('exports the alert rules: require.resolve finds them', () => {
    const path = req.resolve('@sightline/prometheus/alerts/sightline-alerts.yml');
    expect(path).toBe(join(pkg, 'alerts/sightline-alerts.yml'));
    expect(readFileSync(path, 'utf8')).toContain('alert: HighErrorRate');
  });

  it('exports every dashboard', () => {
    for (const name of ['sightline-cache', 'sightline-http', 'sightline-queue', 'sightline-sensors']) {
      expect(req.resolve(`@sightline/prometheus/dashboards/${name}.json`)).toBe(join(pkg, `dashboards/${name}.json`));
    }
  });
});
