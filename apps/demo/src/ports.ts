// A busy port or an address that is not this machine's are the common ways for the demo to fail
// to start: say which option moves it, never with a stack trace.
import { SightlineError } from '@sightline/core';

/** The demo could not listen: the message names the option that fixes it. */
export class ListenError extends SightlineError {}

export class PortInUseError extends ListenError {
  constructor(what: string, option: string, host: string, port: number) {
    super(`port ${port} on ${host} is already in use (${what}): pass ${option} <port>, or ${option} 0 for any free port`);
  }
}

export class AddressNotAvailableError extends ListenError {
  constructor(what: string, host: string, code: string) {
    super(
      code === 'EACCES'
        ? `no permission to listen on ${host} (${what}): pick a port above 1023 or run with the rights to bind it`
        : `${host} is not an address of this machine (${what}, ${code}): pass --host 127.0.0.1, --host 0.0.0.0 for every interface, or one of this machine's addresses`,
    );
  }
}

/** The error to show for a failed listen, or undefined when it is none of the ones the user can fix. */
export function explainListenError(error: unknown, what: string, option: string, host: string, port: number): ListenError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new PortInUseError(what, option, host, port);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EACCES')
    return new AddressNotAvailableError(what, host, code);
  return undefined;
}

export async function listenOrExplain<T>(listening: Promise<T>, what: string, option: string, host: string, port: number): Promise<T> {
  try {
    return await listening;
  } catch (error) {
    throw explainListenError(error, what, option, host, port) ?? error;
  }
}
