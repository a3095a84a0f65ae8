export { createWsServer } from './ws-server.js';
export type { WsHandler, WsHandlers, WsServer } from './ws-server.js';
export type { WsConnection } from './server-connection.js';

export { WsClient } from './ws-client.js';
export type { PushListener, WsClientState } from './ws-client.js';
export type { ReconnectOptions, RequestOptions, WsClientOptions, WsServerOptions } from './options.js';

export { ConnectionClosedError, RemoteError, RequestTimeoutError, WsConfigError, WsConnectError, WsError } from './errors.js';

export { CLOSE_CODES, PROTOCOL_ERROR_TYPES, RESERVED_OPS } from './protocol.js';
export type { ErrorReplyFrame, PushFrame, ReplyFrame, RequestFrame, RequestId, SuccessReplyFrame } from './protocol.js';
