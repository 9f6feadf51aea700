import { parseStrictJson, ProtocolError } from '@accord/protocol';

/**
 * The value of a JSON request body as received (RawJsonBody), read with the
 * protocol's strict rules: ProtocolError `json.*` for what the log would
 * refuse for its value (docs/ledger-service.md "Input normalisation").
 */
export function readStrictJson(body: Uint8Array | undefined): unknown {
  if (body === undefined)
    throw new ProtocolError('json.malformed', 'the body must be JSON (Content-Type: application/json)');
  // The HTTP body limit bounds the input; the tx size limit applies to the canonical bytes afterwards.
  return parseStrictJson(body, { maxBytes: body.length });
}
