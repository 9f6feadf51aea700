import { createHash } from 'node:crypto';
import { canonicalize, sha256Hex } from '@accord/protocol';
import fc from 'fast-check';
import { odrlPolicy } from '../testing/odrl-policy.builder';
import { RulesHarness, testMember } from '../testing/rules.harness';
import { RulesState } from './rules-state.schema';
import { forkRecords, recordDigest, stateDigest, writeRecord } from './state-digest';
import { initialRulesState } from './rules-state.schema';

const a = testMember('dept-a');
const b = testMember('dept-b');

const EMPTY_LEAF = leaf(Buffer.from('{}'));

function leaf(data: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

/** Reference: one section's root as documented (digest v2), all 2^16 buckets hashed, no caches. */
function referenceRoot(records: Record<string, object>): string {
  const buckets = new Map<number, Record<string, string>>();
  for (const [id, record] of Object.entries(records)) {
    const bucket = createHash('sha256').update(id, 'utf8').digest().readUInt16BE(0);
    const data = buckets.get(bucket) ?? {};
    data[id] = sha256Hex(Buffer.from(canonicalize(record)));
    buckets.set(bucket, data);
  }
  let level: Buffer[] = [];
  for (let b = 0; b < 1 << 16; b++) {
    const data = buckets.get(b);
    level.push(data === undefined ? EMPTY_LEAF : leaf(Buffer.from(canonicalize(data))));
  }
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(
        createHash('sha256')
          .update(Buffer.of(1))
          .update(level[i])
          .update(level[i + 1])
          .digest(),
      );
    level = next;
  }
  return level[0].toString('hex');
}

/** Reference: the documented definition spelled out without caches. */
function referenceDigest(state: RulesState): string {
  const projection = {
    ...state,
    datasets: referenceRoot(state.datasets),
    requests: referenceRoot(state.requests),
    grants: referenceRoot(state.grants),
  };
  return sha256Hex(Buffer.from(canonicalize(projection)));
}

function reversed<T>(records: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(records).reverse());
}

function sample(): RulesHarness {
  const h = RulesHarness.given([a, b]);
  h.register(a, 'one', { policy: odrlPolicy({ consent: true }) });
  h.register(a, 'two');
  h.register(b, 'three');
  h.closeBlock();
  h.request(b, 'dept-a/one');
  h.request(b, 'dept-a/two');
  h.closeBlock();
  return h;
}

describe('stateDigest', () => {
  it('is SHA-256 of the JCS of the state with each record section replaced by its Merkle root', () => {
    const { state } = sample();
    expect(stateDigest(state)).toBe(referenceDigest(state));
    const [id, record] = Object.entries(state.grants)[0];
    expect(recordDigest(record)).toBe(sha256Hex(Buffer.from(canonicalize(state.grants[id]))));
  });

  it('does not depend on the order records were inserted in', () => {
    const { state } = sample();
    const shuffled: RulesState = {
      ...state,
      accounts: reversed(state.accounts),
      datasets: reversed(state.datasets),
      requests: reversed(state.requests),
      grants: reversed(state.grants),
    };
    expect(Object.keys(shuffled.datasets)).not.toEqual(Object.keys(state.datasets));
    expect(stateDigest(shuffled)).toBe(stateDigest(state));
  });

  it('changes with any field of any record', () => {
    const { state } = sample();
    const [id, grant] = Object.entries(state.grants)[0];
    const changed: RulesState = {
      ...state,
      grants: { ...state.grants, [id]: { ...grant, bytesUsed: grant.bytesUsed + 1 } },
    };
    expect(stateDigest(changed)).not.toBe(stateDigest(state));
    expect(stateDigest({ ...state, height: state.height + 1 })).not.toBe(stateDigest(state));
  });

  it('of an empty state has the empty-section roots', () => {
    const state = initialRulesState();
    expect(stateDigest(state)).toBe(referenceDigest(state));
  });

  it('follows the engine block by block exactly as a computation from scratch', () => {
    const h = sample();
    h.closeBlock();
    const last = h.results[h.results.length - 1];
    expect(last.digest).toBe(referenceDigest(JSON.parse(JSON.stringify(h.state)) as RulesState));
  });
});

const SECTIONS = ['datasets', 'requests', 'grants'] as const;
type Section = (typeof SECTIONS)[number];

/** A write of the generated sequences: a record (a small object) under an id of a section. */
const writeArb = fc.record({
  section: fc.constantFrom(...SECTIONS),
  id: fc.stringMatching(/^[a-z0-9/-]{1,10}$/),
  value: fc.nat(1000),
});
/** A block: writes into a fresh draft, with the digest taken after `digestAfter` of them (or not at all) and at the end. */
const blockArb = fc.record({
  writes: fc.array(writeArb, { maxLength: 12 }),
  digestAfter: fc.option(fc.nat(12), { nil: undefined }),
  digestAtEnd: fc.boolean(),
});

function draftOfState(state: RulesState): RulesState {
  return {
    ...state,
    datasets: forkRecords(state.datasets),
    requests: forkRecords(state.requests),
    grants: forkRecords(state.grants),
  };
}

function write(state: RulesState, section: Section, id: string, value: number): void {
  writeRecord(state[section] as Record<string, object>, id, { id, value });
}

/** The same state as plain, fresh objects: its digest is computed from scratch. */
function fromScratch(state: RulesState): string {
  return stateDigest(JSON.parse(JSON.stringify(state)) as RulesState);
}

describe('stateDigest, incremental (property)', () => {
  it('equals the digest computed from scratch after any sequence of blocks of writes', () => {
    fc.assert(
      fc.property(fc.array(blockArb, { maxLength: 8 }), (blocks) => {
        let state = initialRulesState();
        expect(stateDigest(state)).toBe(fromScratch(state));
        for (const block of blocks) {
          state = draftOfState(state);
          block.writes.forEach((w, i) => {
            if (block.digestAfter === i) expect(stateDigest(state)).toBe(fromScratch(state));
            write(state, w.section, w.id, w.value);
          });
          if (block.digestAtEnd) expect(stateDigest(state)).toBe(fromScratch(state));
        }
        expect(stateDigest(state)).toBe(fromScratch(state));
      }),
      { numRuns: 60 },
    );
  });

  it('does not depend on the order the records were written in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(writeArb, { selector: (w) => `${w.section} ${w.id}`, maxLength: 30 }), (writes) => {
        const forward = draftOfState(initialRulesState());
        const backward = draftOfState(initialRulesState());
        stateDigest(forward);
        stateDigest(backward);
        for (const w of writes) write(forward, w.section, w.id, w.value);
        for (const w of [...writes].reverse()) write(backward, w.section, w.id, w.value);
        expect(stateDigest(forward)).toBe(stateDigest(backward));
      }),
      { numRuns: 60 },
    );
  });

  it('changes when any record changes, is added, or moves to another section', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(writeArb, { selector: (w) => `${w.section} ${w.id}`, minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.constantFrom('change', 'add', 'move'),
        (writes, pick, how) => {
          const state = draftOfState(initialRulesState());
          for (const w of writes) write(state, w.section, w.id, w.value);
          const before = stateDigest(state);
          const target = writes[pick % writes.length];
          const next = draftOfState(state);
          if (how === 'change') write(next, target.section, target.id, target.value + 1);
          else if (how === 'add') write(next, target.section, `${target.id}+`, target.value);
          else {
            const other = SECTIONS[(SECTIONS.indexOf(target.section) + 1) % SECTIONS.length];
            if (Object.hasOwn(next[other], target.id)) return;
            const moved = { ...next, [target.section]: { ...next[target.section] } } as RulesState;
            delete (moved[target.section] as Record<string, object>)[target.id];
            write(moved, other, target.id, target.value);
            expect(stateDigest(moved)).not.toBe(before);
            return;
          }
          expect(stateDigest(next)).not.toBe(before);
          expect(stateDigest(next)).toBe(fromScratch(next));
        },
      ),
      { numRuns: 60 },
    );
  });
});
