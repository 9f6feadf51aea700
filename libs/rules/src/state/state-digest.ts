import { canonicalBytes, sha256Hex } from '@accord/protocol';
import { RulesState } from './rules-state.schema';

/**
 * The state digest departments attest: SHA-256 (hex) of the RFC 8785 JCS of
 * the whole state. The state is plain JSON with records keyed by id, and JCS
 * sorts object keys, so the bytes do not depend on insertion order. Cost is
 * O(size of the state) per block (docs/rules.md "State digest").
 */
export function stateDigest(state: RulesState): string {
  return sha256Hex(canonicalBytes(state));
}
