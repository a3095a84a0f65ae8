// An independent signer: the protocol's signature written out here rather than taken from the code under test.
import { createHmac } from 'node:crypto';

export function sign(secret: string, timestamp: string, body: string | Uint8Array): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}
