// Runs the CLI: parse, start, report where it listens, close on SIGINT / SIGTERM.
import { setLogLevel, SightlineConfigError } from '@sightline/core';
import { errorText, LOG_ENV_VAR, parseLogLevel } from '@sightline/core/internal';
import { BATCH_PATH } from '@sightline/stats-protocol';
import { statsServerWith, type StatsServer } from '../stats-server.js';
import { parseCliArgs, USAGE } from './parse-args.js';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Starts the server described by `argv`; resolves with it, or undefined after `--help`. */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): Promise<StatsServer | undefined> {
  const config = parseCliArgs(argv, env);
  if (config.help) {
    io.out(USAGE);
    return undefined;
  }
  // SIGHTLINE_LOG, when set, has the last word on levels.
  if (env[LOG_ENV_VAR] === undefined) setLogLevel('sightline.stats-server', parseLogLevel(config.logLevel, '--log-level'));
  const server = statsServerWith(config.settings!);
  await server.start();
  const a = server.address();
  const statsd = [
    a.statsdUdpPort === undefined ? '' : ` statsd udp ${a.host}:${a.statsdUdpPort}`,
    a.statsdTcpPort === undefined ? '' : ` statsd tcp ${a.host}:${a.statsdTcpPort}`,
  ].join('');
  io.out(`sightline-stats-server listening on ${a.url} (POST ${BATCH_PATH}, ${a.wsUrl}, GET /metrics)${statsd}`);
  return server;
}

/** The bin's entry point: exit code 2 on a usage error, 1 when the server cannot start. */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  let server: StatsServer | undefined;
  try {
    server = await runCli(argv, env, io);
  } catch (error) {
    io.err(`sightline-stats-server: ${error instanceof Error ? error.message : errorText(error)}`);
    process.exitCode = error instanceof SightlineConfigError ? 2 : 1;
    return;
  }
  if (!server) return;
  const running = server;
  const closeOn = (signal: string): void => {
    io.out(`sightline-stats-server: ${signal}, closing`);
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => closeOn('SIGINT'));
  process.once('SIGTERM', () => closeOn('SIGTERM'));
}
