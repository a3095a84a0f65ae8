import type { Config } from 'jest';
import { projects } from './jest.projects';

const config: Config = {
  projects: projects('unit'),
  testTimeout: 20_000,
  // CI needs the summary line; the JSON file is what .ci/run counts.
  reporters: ['default', ['<rootDir>/scripts/jest-count-reporter.cjs', { file: 'unit' }]],
};

export default config;
