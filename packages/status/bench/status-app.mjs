// The service the cost bench measures: prometheus + health through setup(), with or without the
// status page, and steady traffic through the hooks (200 requests/s). Prints its URL, then, after
// the warm-up, the CPU time it used during the measured window.
import { health } from '@sightline/health';
import { prometheus } from '@sightline/prometheus';
import { setup } from '@sightline/setup';
import { status } from '@sightline/status';

const withStatus = process.argv[2] === 'on';
const warmupMs = Number(process.argv[3] ?? 5000);
const measureMs = Number(process.argv[4] ?? 20000);

const healthPlugin = health({
  port: 0,
  host: '127.0.0.1',
  ready: true,
  env: {},
  checks: [{ name: 'db', check: async () => ({ healthy: true }) }],
});
const plugins = [prometheus(), ...(withStatus ? [status()] : []), healthPlugin];
const obs = setup({ service: 'bench', plugins });
await obs.start();

let n = 0;
const traffic = setInterval(() => {
  n++;
  obs.hooks.onRequest(`op-${n % 8}`, 0.001 + (n % 13) * 0.002);
  obs.hooks.onRequest('order.get', 0.0005);
  if (n % 50 === 0) obs.hooks.onError('op-1', 'Boom');
}, 10);

process.stdout.write(`${JSON.stringify({ url: healthPlugin.server.url })}\n`);
await new Promise((r) => setTimeout(r, warmupMs));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, measureMs));
const cpu = process.cpuUsage(cpu0);
const elapsedMs = performance.now() - t0;
const page = plugins.find((p) => p.name === 'status');
process.stdout.write(
  `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, elapsedMs, stats: page ? page.page.stats() : undefined })}\n`,
);
clearInterval(traffic);
await obs.close();
