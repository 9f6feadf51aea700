import { DATA_KEY_BYTES } from '@accord/protocol';
import { DataPlaneError } from '../errors/data-plane.errors';

/** A segmented object is sealed with one AES-256 data key (the key the ledger wraps for each reader). */
export function assertDataKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== DATA_KEY_BYTES) {
    throw new DataPlaneError('segment.invalid_argument', `the data key must be ${DATA_KEY_BYTES} bytes`);
  }
}
