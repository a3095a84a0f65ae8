// A busy port is the most common way for the demo to fail to start: say which option moves it.
import { SightlineError } from '@sightline/core';

export class PortInUseError extends SightlineError {
  constructor(what: string, option: string, host: string, port: number) {
    super(`port ${port} on ${host} is already in use (${what}): pass ${option} <port>, or ${option} 0 for any free port`);
  }
}

export async function listenOrExplain<T>(listening: Promise<T>, what: string, option: string, host: string, port: number): Promise<T> {
  try {
    return await listening;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(what, option, host, port);
    throw error;
  }
}
