// A real browser for end-to-end tests: Debian's chromium (CI's .ci/run installs it) driven by
// playwright-core, headless, with a throwaway profile, nothing fetched from the network.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1400, height: 1300 }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is not installed: apt-get install -y chromium (CI's .ci/run installs it)`);
  const profile = mkdtempSync(join(tmpdir(), 'sightline-chromium-'));
  // A persistent context is how playwright takes a fresh --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots shown in the documentation go. */
export const DOCS_DIR = join(__dirname, '..', '..', 'docs');
