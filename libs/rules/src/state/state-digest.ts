import { canonicalBytes, sha256Hex } from '@accord/protocol';
import { buildTree, MerkleTree, rootHex, updateTree } from './record-merkle.tree';
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

type Records = Readonly<Record<string, object>>;

/**
 * Where a record map written by the engine came from: the map it was copied
 * from (until the copy's tree is known) and the ids written since its base
 * (the parent's tree at the copy, or its own last tree). `writes` counts the
 * writes, so a tree computed before a later write is recognised as stale.
 */
interface Lineage {
  parent: Records | null;
  readonly parentWrites: number;
  written: Set<string>;
  writes: number;
}

const lineages = new WeakMap<object, Lineage>();
const trees = new WeakMap<object, { readonly tree: MerkleTree; readonly writes: number }>();

function writesOf(records: Records): number {
  return lineages.get(records)?.writes ?? 0;
}

/**
 * A writable copy of a record map whose section tree follows from the
 * original's with only the ids written through writeRecord (the copy is
 * O(records); its digest then costs O(written)).
 */
export function forkRecords<T extends object>(records: Readonly<Record<string, T>>): Record<string, T> {
  const copy = { ...records };
  lineages.set(copy, { parent: records, parentWrites: writesOf(records), written: new Set(), writes: 0 });
  return copy;
}

/** Writes a record into a map of a draft; engine writes go through here so the digest can follow them. */
export function writeRecord<T extends object>(records: Record<string, T>, id: string, record: T): void {
  records[id] = record;
  const lineage = lineages.get(records);
  if (lineage === undefined) {
    trees.delete(records);
    return;
  }
  lineage.written.add(id);
  lineage.writes++;
}

/** The tree of a map, if one is known for its current content. */
function knownTree(records: Records): MerkleTree | undefined {
  const cached = trees.get(records);
  return cached !== undefined && cached.writes === writesOf(records) ? cached.tree : undefined;
}

/**
 * The Merkle tree of one record section. From the nearest map up the copy
 * chain whose tree is known (unchanged since it was copied), only the
 * written ids are rehashed; with none, the tree is built from all records.
 */
function sectionTree(records: Records): MerkleTree {
  const known = knownTree(records);
  if (known !== undefined) return known;
  // The copies from `records` up to the first map with a usable base.
  const chain: Records[] = [];
  let base: MerkleTree | undefined;
  for (let map: Records | null = records; map !== null;) {
    chain.push(map);
    const lineage = lineages.get(map);
    if (lineage === undefined) break;
    const own = trees.get(map);
    if (own !== undefined) {
      base = own.tree; // `written` holds the ids since this tree
      break;
    }
    const parent: Records | null = lineage.parent;
    if (parent === null || writesOf(parent) !== lineage.parentWrites) break;
    base = knownTree(parent);
    if (base !== undefined) break;
    map = parent;
  }
  const top = chain[chain.length - 1];
  let tree: MerkleTree;
  if (base === undefined || lineages.get(top) === undefined) {
    tree = buildTree(records, (id) => recordDigest(records[id]));
  } else {
    const written = new Set<string>();
    for (const map of chain) for (const id of (lineages.get(map) as Lineage).written) written.add(id);
    tree = updateTree(base, records, written, (id) => recordDigest(records[id]));
  }
  remember(records, tree);
  return tree;
}

/** Caches a map's tree as its new base and lets go of the map it was copied from. */
function remember(records: Records, tree: MerkleTree): void {
  trees.set(records, { tree, writes: writesOf(records) });
  const lineage = lineages.get(records);
  if (lineage !== undefined) {
    lineage.parent = null;
    lineage.written = new Set();
  }
}

/**
 * The canonical projection the digest covers (digest v2): the state's
 * header fields, parameters and accounts as they are, and for each of
 * datasets, requests and grants the hex root of its Merkle tree
 * (record-merkle.tree.ts). JCS sorts the keys, and the trees have a fixed
 * shape, so nothing depends on insertion order.
 */
export function stateProjection(state: RulesState): Record<string, unknown> {
  return {
    ...state,
    datasets: rootHex(sectionTree(state.datasets)),
    requests: rootHex(sectionTree(state.requests)),
    grants: rootHex(sectionTree(state.grants)),
  };
}

/**
 * The state digest departments attest: hex SHA-256 of the RFC 8785 JCS of
 * stateProjection(state) (docs/rules.md "State and digest"). For a state
 * the engine derived from one whose digest it computed, the cost follows
 * the records the block changed (O(changed x 16) hashes) plus the accounts;
 * otherwise every record is hashed once.
 */
export function stateDigest(state: RulesState): string {
  return sha256Hex(canonicalBytes(stateProjection(state)));
}
