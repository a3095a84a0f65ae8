// Writes each jest run's pass/fail counts to .test-counts/<file>.json for .ci/run's closing line.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class CountReporter {
  constructor(globalConfig, options) {
    this.rootDir = globalConfig.rootDir;
    this.file = options.file;
  }

  onRunComplete(_contexts, results) {
    const dir = join(this.rootDir, '.test-counts');
    mkdirSync(dir, { recursive: true });
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(join(dir, `${this.file}.json`), JSON.stringify(counts));
  }
}

module.exports = CountReporter;
