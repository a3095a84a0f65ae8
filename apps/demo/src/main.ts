#!/usr/bin/env node
// `pnpm demo`: starts the demo on loopback, prints where to look and a summary line every few
// seconds, and shuts down gracefully on Ctrl-C, SIGTERM or after --duration.
import { setLogLevel } from '@sightline/core';
import { startDemo, type DemoApp } from './app.js';
import { DemoOptionsError, HELP, parseOptions } from './options.js';
import { ListenError } from './ports.js';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof DemoOptionsError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    out(HELP);
    return 0;
  }

  // The load generator's invalid orders are deliberate: their error replies are counted in
  // sightline_request_errors_total and the summary line rather than printed one by one.
  // SIGHTLINE_LOG=sightline.ws_server=error shows them.
  if (!process.env.SIGHTLINE_LOG) setLogLevel('sightline.ws_server', 'silent');

  let app: DemoApp;
  try {
    app = await startDemo(options);
  } catch (error) {
    if (error instanceof ListenError) {
      process.stderr.write(`demo: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const { urls } = app;
  out('Sightline demo is running. Open:');
  out(`  status page (live)    ${urls.status}`);
  out(`  metrics (Prometheus)  ${urls.metrics}`);
  out(`  readiness             ${urls.ready}`);
  out(`  liveness              ${urls.live}`);
  out(`  health                ${urls.health}`);
  out(`  WebSocket API         ${urls.ws}   (ops: order.create, order.get)`);
  out(`  REST API              ${urls.api}/orders/<id>  ${urls.api}/summary`);
  out(`  stats-server snapshot ${urls.stats}`);
  out(
    `Load: ${options.rate} requests/s (about 70% order.create, 30% reads), ${Math.round(options.failureRate * 100)}% of new orders invalid on purpose. Ctrl-C to stop.`,
  );

  const started = Date.now();
  const summaryTimer = setInterval(() => {
    const s = app.summary();
    const secs = Math.round((Date.now() - started) / 1000);
    out(
      `[${String(secs).padStart(4)}s] orders/s ${s.ordersPerSecond.toFixed(1)} | p95 order.create ${s.p95Ms.toFixed(2)} ms | ` +
        `queue depth ${s.queueDepth} | errors ${s.errors} | processed ${s.ordersTotal}`,
    );
  }, options.summaryEverySecs * 1000);

  // setup() owns SIGINT and SIGTERM: the graceful stop, then exit (a second signal is logged, a third
  // exits at once). These listeners only report it.
  const reason = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (options.durationSecs !== undefined) setTimeout(() => resolve(`--duration ${options.durationSecs}`), options.durationSecs * 1000);
  });
  clearInterval(summaryTimer);
  out(`Stopping (${reason})...`);
  const stopStarted = Date.now();
  process.once('exit', (code) => {
    if (code === 0) out(`Stopped cleanly in ${Date.now() - stopStarted} ms.`);
  });
  await app.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the loop open after a clean stop is a bug, not a reason to hang.
    setTimeout(() => process.exit(code), 1_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
