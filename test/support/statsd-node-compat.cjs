// Preloaded into the Etsy statsd daemon (`node --require`): statsd 0.9 logs through util.log, which
// Node.js 23 removed. Restores it with the same line shape, so the daemon runs on every line we test.
const util = require('node:util');

if (typeof util.log !== 'function') {
  util.log = (...args) => {
    process.stdout.write(`${new Date().toUTCString()} - ${util.format(...args)}\n`);
  };
}
