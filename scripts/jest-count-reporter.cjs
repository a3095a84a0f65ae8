// Writes each jest run's pass/fail counts to .test-counts/<kind>@<node major>.json for .ci/run's
// closing lines (one per Node.js line). SIGHTLINE_COUNT_KIND renames the kind (the release flow
// runs through the e2e config but is counted apart).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class CountReporter {
  constructor(globalConfig, options) {
    this.rootDir = globalConfig.rootDir;
    this.file = `${process.env.SIGHTLINE_COUNT_KIND || options.file}@${process.versions.node.split('.')[0]}`;
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
