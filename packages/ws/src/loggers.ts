// The package's loggers, named as the seed's are: `sightline.ws_client` and `sightline.ws_server` are
// siblings of `sightline.ws` (frames, heartbeat, lifecycle), so quieting `sightline.ws` leaves the
// client and server logging. Their former names (`sightline.ws.client`, `.server`) still set levels.
import { getLogger } from '@sightline/core';
import { aliasLoggerName } from '@sightline/core/internal';

export const WS_LOGGER = 'sightline.ws';
export const WS_CLIENT_LOGGER = 'sightline.ws_client';
export const WS_SERVER_LOGGER = 'sightline.ws_server';

aliasLoggerName(WS_CLIENT_LOGGER, 'sightline.ws.client');
aliasLoggerName(WS_SERVER_LOGGER, 'sightline.ws.server');

/** Frames, heartbeat, connection lifecycle. */
export const wsLog = getLogger(WS_LOGGER);
/** Client requests, reconnection. */
export const clientLog = getLogger(WS_CLIENT_LOGGER);
/** Server dispatch, pushes, connection limits. */
export const serverLog = getLogger(WS_SERVER_LOGGER);
