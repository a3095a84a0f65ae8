/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module the statsd daemon requires */
/* global exports */
// A backend for Etsy's statsd daemon (loaded by the daemon itself: `backends: ['/abs/path/this.cjs']`)
// that hands it to a test over the IPC channel of `child_process.spawn`:
// - takes over the daemon's flush timer, so flushes happen only when the test asks ('flush');
// - says 'ready' (with its UDP port) once the daemon's UDP socket is bound;
// - on 'flush' with a packet count, waits until the daemon has seen that many packets, flushes, and
//   sends what the flush held: counters, gauges, timer counts and bounds, set members.
// It relies on statsd 0.9's internals (stats.js schedules `flushMetrics` with setTimeout; the UDP
// server module keeps its socket as `exports.server`): a devDependency pinned to 0.9.
'use strict';
const path = require('node:path');

const statsdDir = path.dirname(require.main.filename);

exports.init = function init(_startupTime, config, events) {
  let flushMetrics;
  // stats.js arms its flush timer right after loading the backends, and re-arms it at every flush:
  // keep the function instead, so the test decides when a window ends.
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = function setTimeoutTakingFlush(fn, ...rest) {
    if (typeof fn === 'function' && fn.name === 'flushMetrics') {
      flushMetrics = fn;
      return { unref() {}, ref() {}, hasRef: () => false };
    }
    return realSetTimeout(fn, ...rest);
  };

  let packets = 0;
  let wanted; // { packets, respond }
  const send = (message) => {
    if (process.connected) process.send(message);
  };

  events.on('packet', () => {
    packets++;
    if (wanted && packets >= wanted.packets) flushNow();
  });

  events.on('flush', (_timestamp, metrics) => {
    const ownName = (key) => key.startsWith(`${config.prefixStats ?? 'statsd'}.`);
    const pick = (record) => {
      const out = {};
      for (const key of Object.keys(record)) if (!ownName(key)) out[key] = record[key];
      return out;
    };
    const timers = {};
    for (const key of Object.keys(metrics.timers)) {
      const values = metrics.timers[key];
      if (values.length === 0) continue;
      timers[key] = { samples: values.length, lower: Math.min(...values), upper: Math.max(...values) };
    }
    const sets = {};
    for (const key of Object.keys(metrics.sets)) sets[key] = metrics.sets[key].values();
    send({
      type: 'flush',
      packets,
      metrics: {
        counters: pick(metrics.counters),
        gauges: pick(metrics.gauges),
        timerCounts: pick(metrics.timer_counters),
        timers,
        sets,
      },
    });
  });

  function flushNow() {
    wanted = undefined;
    if (!flushMetrics) {
      send({ type: 'error', message: 'statsd never scheduled flushMetrics: not statsd 0.9?' });
      return;
    }
    flushMetrics();
  }

  process.on('message', (message) => {
    if (message && message.type === 'flush') {
      wanted = { packets: message.packets };
      if (packets >= message.packets) flushNow();
    }
  });

  // The daemon binds its UDP server before loading backends; bound is another matter.
  const udp = require(path.join(statsdDir, 'servers/udp.js')).server;
  const announce = () => send({ type: 'ready', port: udp.address().port });
  try {
    udp.address();
    announce();
  } catch {
    udp.once('listening', announce);
  }
  return true;
};
