import type { Config } from 'jest';
import { projects } from './jest.projects';

// End-to-end tests against system packages (Prometheus, Chromium) and a real registry.
const config: Config = {
  projects: projects('e2e'),
  testTimeout: 120_000,
  maxWorkers: 1,
  reporters: ['default', ['<rootDir>/scripts/jest-count-reporter.cjs', { file: 'e2e' }]],
};

export default config;
