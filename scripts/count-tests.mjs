#!/usr/bin/env node
// Sums the counts the jest runs wrote to .test-counts/ and prints CI's closing line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(import.meta.dirname, '..', '.test-counts');
let passed = 0;
let failed = 0;
let skipped = 0;
const runs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const file of runs) {
  const counts = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  // A run that executed no test (a broken testMatch, every suite filtered out) is a failure too.
  if (counts.passed + counts.failed === 0) {
    console.error(`${file}: the run executed no test`);
    failed++;
  }
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
}
// A suite that never reported counts as a failure, so a crashed runner cannot look green.
for (const expected of ['unit', 'packages', 'e2e', 'snippets']) if (!runs.includes(`${expected}.json`)) failed++;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed ? 1 : 0);
