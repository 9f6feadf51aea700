import { canonicalBytes, sha256 } from '@accord/protocol';

/**
 * Digest v2 of one record section (datasets, requests or grants; docs/rules.md
 * "State and digest"): a binary Merkle tree of FIXED shape over 2^16
 * buckets. A record with id `id` lives in bucket = the first two bytes of
 * SHA-256(utf8(id)) (big-endian); a bucket's data is JCS({id: recordDigest})
 * of its records ("{}" when empty). Hashes follow RFC 6962's domain
 * separation: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left ||
 * right). The shape depends on nothing but the ids, so the root is the same
 * whatever the insertion order, and a change of k records rehashes at most k
 * buckets and their 16 ancestors each.
 *
 * Trees are persistent values: an update copies the changed paths and shares
 * everything else with the tree it started from.
 */
export const BUCKET_BITS = 16;

interface Leaf {
  readonly hash: Uint8Array;
  /** Ids of the bucket's records, sorted (any order would do: only the set matters for JCS). */
  readonly ids: readonly string[];
}

interface Inner {
  readonly hash: Uint8Array;
  readonly left: Node;
  readonly right: Node;
}

type Node = Leaf | Inner;

export interface MerkleTree {
  readonly root: Node;
}

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

function leafHash(data: Uint8Array): Uint8Array {
  return sha256(Buffer.concat([LEAF_PREFIX, data]));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Buffer.concat([NODE_PREFIX, left, right]));
}

/** EMPTY[d]: the subtree of depth d (2^d buckets) with no records; EMPTY[16] is the root of an empty section. */
const EMPTY: readonly Node[] = (() => {
  const levels: Node[] = [{ hash: leafHash(canonicalBytes({})), ids: [] }];
  for (let d = 1; d <= BUCKET_BITS; d++) {
    const child = levels[d - 1];
    levels.push({ hash: nodeHash(child.hash, child.hash), left: child, right: child });
  }
  return levels;
})();

export const EMPTY_TREE: MerkleTree = { root: EMPTY[BUCKET_BITS] };

/** The bucket of a record id: the first two bytes of SHA-256(utf8(id)). */
export function bucketOf(id: string): number {
  const digest = sha256(Buffer.from(id, 'utf8'));
  return (digest[0] << 8) | digest[1];
}

/** Hex of a tree's root hash. */
export function rootHex(tree: MerkleTree): string {
  return Buffer.from(tree.root.hash).toString('hex');
}

/** What a bucket's record ids hash to, given each record's digest. */
function bucketLeaf(ids: readonly string[], digestOf: (id: string) => string): Leaf {
  if (ids.length === 0) return EMPTY[0] as Leaf;
  const data: Record<string, string> = {};
  for (const id of ids) data[id] = digestOf(id);
  return { hash: leafHash(canonicalBytes(data)), ids };
}

/** Bucket number -> that bucket's ids, for the buckets an operation touches, in bucket order. */
type Buckets = readonly (readonly [number, readonly string[]])[];

/**
 * Rebuilds `node` (depth `depth`, covering buckets [first, first + 2^depth))
 * with the given buckets replaced (`changes` sorted by bucket, all inside the
 * range); every other subtree is shared.
 */
function rebuild(node: Node, depth: number, first: number, changes: Buckets, digestOf: (id: string) => string): Node {
  if (changes.length === 0) return node;
  if (depth === 0) return bucketLeaf(changes[0][1], digestOf);
  const half = first + (1 << (depth - 1));
  let split = 0;
  while (split < changes.length && changes[split][0] < half) split++;
  const inner = node as Inner;
  const left = rebuild(inner.left, depth - 1, first, changes.slice(0, split), digestOf);
  const right = rebuild(inner.right, depth - 1, half, changes.slice(split), digestOf);
  if (left === inner.left && right === inner.right) return node;
  if (left === EMPTY[depth - 1] && right === EMPTY[depth - 1]) return EMPTY[depth];
  return { hash: nodeHash(left.hash, right.hash), left, right };
}

function sortedBuckets(byBucket: Map<number, string[]>): Buckets {
  return [...byBucket.entries()].sort((x, y) => x[0] - y[0]).map(([b, ids]) => [b, ids.sort()] as const);
}

/** The tree of a whole section (O(records)): used when no earlier tree of the section is at hand. */
export function buildTree(records: Readonly<Record<string, object>>, digestOf: (id: string) => string): MerkleTree {
  const byBucket = new Map<number, string[]>();
  for (const id in records) {
    if (!Object.hasOwn(records, id)) continue;
    const bucket = bucketOf(id);
    const ids = byBucket.get(bucket);
    if (ids === undefined) byBucket.set(bucket, [id]);
    else ids.push(id);
  }
  return { root: rebuild(EMPTY[BUCKET_BITS], BUCKET_BITS, 0, sortedBuckets(byBucket), digestOf) };
}

/** The ids `tree` holds in `bucket`. */
function idsIn(tree: MerkleTree, bucket: number): readonly string[] {
  let node = tree.root;
  for (let depth = BUCKET_BITS - 1; depth >= 0; depth--) {
    const inner = node as Inner;
    node = (bucket >> depth) & 1 ? inner.right : inner.left;
  }
  return (node as Leaf).ids;
}

/**
 * The tree of `records` given the tree of an earlier version of them and
 * the ids written since (added, replaced or removed): only their buckets
 * and those buckets' ancestors are rehashed.
 */
export function updateTree(
  tree: MerkleTree,
  records: Readonly<Record<string, object>>,
  changedIds: Iterable<string>,
  digestOf: (id: string) => string,
): MerkleTree {
  const touched = new Map<number, Set<string>>();
  for (const id of changedIds) {
    const bucket = bucketOf(id);
    let ids = touched.get(bucket);
    if (ids === undefined) touched.set(bucket, (ids = new Set(idsIn(tree, bucket))));
    if (Object.hasOwn(records, id)) ids.add(id);
    else ids.delete(id);
  }
  const byBucket = new Map<number, string[]>();
  for (const [bucket, ids] of touched) byBucket.set(bucket, [...ids]);
  return { root: rebuild(tree.root, BUCKET_BITS, 0, sortedBuckets(byBucket), digestOf) };
}
