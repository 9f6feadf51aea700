import { canonicalBytes, sha256Hex } from '@accord/protocol';
import { RulesState } from './rules-state.schema';

// Records are immutable values shared between successive states, so a
// record's hash is computed once, whatever the number of blocks it lives through.
const recordHashes = new WeakMap<object, string>();

/** Hex SHA-256 of the JCS of one record (dataset, request or grant). */
export function recordDigest(record: object): string {
  let hash = recordHashes.get(record);
  if (hash === undefined) {
    hash = sha256Hex(canonicalBytes(record));
    recordHashes.set(record, hash);
  }
  return hash;
}

function digestMap(records: Readonly<Record<string, object>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id in records) if (Object.hasOwn(records, id)) out[id] = recordDigest(records[id]);
  return out;
}

/**
 * The canonical projection the digest covers: the state with every dataset,
 * request and grant replaced by its recordDigest (accounts, parameters and
 * the header fields as they are). JCS sorts the keys, so it does not depend
 * on insertion order.
 */
export function stateProjection(state: RulesState): Record<string, unknown> {
  return {
    ...state,
    datasets: digestMap(state.datasets),
    requests: digestMap(state.requests),
    grants: digestMap(state.grants),
  };
}

/**
 * The state digest departments attest: hex SHA-256 of the RFC 8785 JCS of
 * stateProjection(state) (docs/rules.md "State digest"). O(records) per
 * block, but only new or changed records are serialized and hashed.
 */
export function stateDigest(state: RulesState): string {
  return sha256Hex(canonicalBytes(stateProjection(state)));
}
