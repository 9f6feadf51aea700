/**
 * The gateway-to-gateway exchange (docs/storage-gateway-transfer.md): one
 * GET, signed by the requesting department (RFC 9421), answered as
 * multipart/byteranges of whole chunks with their inclusion proofs.
 */
export const EXCHANGE_PATH = '/v1/exchange/content';
/** Query parameter naming the storage.anchor tx of the object asked for. */
export const EXCHANGE_ANCHOR_PARAM = 'anchor';
/** Answer headers: the access.use tx recorded for this answer, and the anchor served. */
export const USE_TX_HEADER = 'Accord-Use-Tx';
export const ANCHOR_HEADER = 'Accord-Anchor';
/** How long a requester's signature is valid (its `expires` - `created`). */
export const EXCHANGE_SIGNATURE_VALIDITY_SECONDS = 60;
