// Makes a context active for the rest of the current synchronous run and what it schedules, for
// code we cannot wrap in context.with(): the request listener that runs right after Node publishes
// `http.server.request.start`. api 1.10 offers context.attach(); with api 1.9 the SDK's
// AsyncLocalStorage context manager is entered directly.
import { context, type Context, type ContextManager } from '@opentelemetry/api';

type Enter = (ctx: Context) => boolean;

interface WithAttach {
  attach?(ctx: Context): unknown;
}

let enterViaManager: Enter | undefined;

/** Called by configure() with the context manager it registered (undefined: someone else's). */
export function setEnterableContextManager(manager: ContextManager | undefined): void {
  const storage = (manager as { _asyncLocalStorage?: { enterWith?(ctx: Context): void } } | undefined)?._asyncLocalStorage;
  enterViaManager = storage && typeof storage.enterWith === 'function' ? (ctx) => (storage.enterWith!(ctx), true) : undefined;
}

/** True when `ctx` is now the active context. */
export function enterContext(ctx: Context): boolean {
  const api = context as unknown as WithAttach;
  if (typeof api.attach === 'function') {
    api.attach(ctx);
    if (context.active() === ctx) return true;
  }
  return enterViaManager ? enterViaManager(ctx) : false;
}
