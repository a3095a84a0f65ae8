// A real Firefox for end-to-end tests: Debian's firefox-esr (CI's .ci/run installs it), headless,
// with a throwaway profile, driven over WebDriver BiDi (the W3C protocol Firefox speaks natively;
// playwright-core's Firefox support needs its own patched build or a newer Firefox than ESR).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export const FIREFOX = '/usr/bin/firefox-esr';

export interface BidiLogEntry {
  readonly level: string;
  readonly text: string;
}

export interface Firefox {
  /** Opens `url` in the browsing context and waits for its load event. */
  navigate(url: string): Promise<void>;
  /** Evaluates an expression in the page; its JSON-serialisable result. */
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy. */
  waitFor(expression: string, timeoutMs: number): Promise<void>;
  /** A PNG of the viewport. */
  screenshot(path: string): Promise<void>;
  /** Console errors and uncaught exceptions seen so far. */
  readonly problems: BidiLogEntry[];
  close(): Promise<void>;
}

interface BidiMessage {
  id?: number;
  type?: string;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: string;
  message?: string;
}

export async function launchFirefox(): Promise<Firefox> {
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is not installed: apt-get install -y firefox-esr (CI's .ci/run installs it)`);
  const profile = mkdtempSync(join(tmpdir(), 'sightline-firefox-'));
  // No updates, telemetry or first-run pages: nothing leaves the machine.
  writeFileSync(
    join(profile, 'user.js'),
    [
      'user_pref("app.update.enabled", false);',
      'user_pref("browser.shell.checkDefaultBrowser", false);',
      'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
      'user_pref("toolkit.telemetry.enabled", false);',
      'user_pref("browser.startup.homepage_override.mstone", "ignore");',
      'user_pref("network.captive-portal-service.enabled", false);',
      'user_pref("extensions.update.enabled", false);',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    FIREFOX,
    ['--headless', '--remote-debugging-port=0', '--no-remote', '--profile', profile, '--width=1400', '--height=1200'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`firefox did not start its WebDriver BiDi server:\n${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`firefox exited with ${code}:\n${err}`)));
  });
  const socket = new WebSocket(`${endpoint}/session`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const problems: BidiLogEntry[] = [];
  socket.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString()) as BidiMessage;
    if (msg.id !== undefined) {
      const waiter = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.type === 'error') waiter?.reject(new Error(`${msg.error}: ${msg.message}`));
      else waiter?.resolve(msg.result ?? {});
    } else if (msg.method === 'log.entryAdded') {
      const entry = msg.params as { level: string; text: string; type: string };
      if (entry.level === 'error') problems.push({ level: entry.level, text: entry.text });
    }
  });
  const send = (method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });

  await send('session.new', { capabilities: {} });
  await send('session.subscribe', { events: ['log.entryAdded'] });
  const tree = (await send('browsingContext.getTree', {})) as { contexts: { context: string }[] };
  const context = tree.contexts[0]!.context;

  const evaluate = async <T>(expression: string): Promise<T> => {
    const r = (await send('script.evaluate', { expression: `JSON.stringify(${expression})`, target: { context }, awaitPromise: true })) as {
      type: string;
      result?: { value?: string };
      exceptionDetails?: { text: string };
    };
    if (r.type === 'exception') throw new Error(`page threw: ${r.exceptionDetails?.text}`);
    return JSON.parse(r.result?.value ?? 'null') as T;
  };

  return {
    problems,
    async navigate(url) {
      await send('browsingContext.navigate', { context, url, wait: 'complete' });
    },
    evaluate,
    async waitFor(expression, timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (!(await evaluate<boolean>(`Boolean(${expression})`))) {
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async screenshot(path) {
      const r = (await send('browsingContext.captureScreenshot', { context })) as { data: string };
      writeFileSync(path, Buffer.from(r.data, 'base64'));
    },
    async close() {
      try {
        await send('browser.close', {});
      } catch {
        // already gone
      }
      socket.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        await exited;
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
