import { buildBlock, verifyChain } from '@accord/protocol';
import fc from 'fast-check';
import { ChannelKind, ChannelPolicy, DEFAULT_POLICY } from '../governance/governance-tx.schema';
import { KeyHistory } from '../governance/key-history.resolver';
import { rotatedMember, TestLog, TestMember, testMember } from '../testing/ledger-log.builder';
import { BlockBuilder, ClosedBlock } from './block-builder';
import { LogRecord, prepareRecord } from './log-record.parser';
import { burnedNonces, InMemoryNonceRegistry } from './nonce-registry.port';

// Five departments, each with three key generations (0 = original, 1 and 2 = rotations).
const IDS = ['dept-a', 'dept-b', 'dept-c', 'dept-d', 'dept-e'];
const KEYS: TestMember[][] = IDS.map((id) => {
  const m = testMember(id);
  return [m, rotatedMember(m, 1), rotatedMember(m, 2)];
});
const FOUNDERS = 3;

const member = fc.integer({ min: 0, max: IDS.length - 1 });
const applicant = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: FOUNDERS, max: IDS.length - 1 }) },
  { weight: 1, arbitrary: member },
);
const rarely = fc.integer({ min: 0, max: 9 }).map((n) => n === 0);
/** null: sign with the key the ledger holds for the member now; a number: that key generation (maybe stale). */
const generation = fc.oneof(
  { weight: 5, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }) },
);

type Action =
  | { t: 'note'; m: number; gen: number | null; forge: boolean; nonce: number | null; wrongChannel: boolean }
  | { t: 'join'; m: number; gen: number }
  | {
      t: 'vote';
      m: number;
      gen: number | null;
      ref: number;
      approve: boolean;
      kind: 'join' | 'approve' | 'policy' | 'matching';
    }
  | { t: 'leave'; m: number; gen: number | null }
  | { t: 'rotate'; m: number; gen: number | null; to: number }
  | { t: 'propose'; m: number; gen: number | null; maxTxPerBlock: number; window: number }
  | { t: 'cut'; delta: number }
  | { t: 'garbage'; bytes: Uint8Array }
  | { t: 'time'; ms: number }
  | { t: 'gap'; n: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('note' as const),
      m: member,
      gen: generation,
      forge: rarely,
      nonce: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 8 }),
      wrongChannel: rarely,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('join' as const), m: applicant, gen: fc.integer({ min: 0, max: 2 }) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant('vote' as const),
      m: member,
      gen: generation,
      ref: fc.nat(),
      approve: fc.boolean(),
      kind: fc.constantFrom(
        'join' as const,
        'approve' as const,
        'policy' as const,
        'matching' as const,
        'matching' as const,
        'matching' as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('leave' as const), m: member, gen: generation }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('rotate' as const),
      m: member,
      gen: generation,
      to: fc.integer({ min: 1, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('propose' as const),
      m: member,
      gen: generation,
      maxTxPerBlock: fc.integer({ min: 1, max: 6 }),
      window: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('cut' as const), delta: fc.constantFrom(0, 0, 0, -1, 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('time' as const), ms: fc.integer({ min: -5000, max: 5000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('gap' as const), n: fc.integer({ min: 1, max: 3 }) }) },
);

const scenario = fc.record({
  kind: fc.constantFrom<ChannelKind>('public', 'alliance', 'private'),
  maxTxPerBlock: fc.integer({ min: 2, max: 6 }),
  maxBlockBytes: fc.integer({ min: 1024, max: 4096 }),
  votingWindowBlocks: fc.integer({ min: 1, max: 3 }),
  actions: fc.array(action, { minLength: 10, maxLength: 60 }),
});
interface Scenario {
  readonly kind: ChannelKind;
  readonly maxTxPerBlock: number;
  readonly maxBlockBytes: number;
  readonly votingWindowBlocks: number;
  readonly actions: readonly Action[];
}

function policy(maxTxPerBlock: number, votingWindowBlocks: number): ChannelPolicy {
  return { ...DEFAULT_POLICY, quorum: 'all', maxTxPerBlock, votingWindowBlocks };
}

/**
 * Writes the scenario's log. A builder runs alongside only to aim cut
 * markers at (or next to) the open height; its blocks are the baseline.
 */
function materialize(s: Scenario): { records: LogRecord[]; blocks: ClosedBlock[] } {
  const log = new TestLog('prop-channel');
  const founders = KEYS.slice(0, FOUNDERS).map((k) => k[0]);
  log.genesis(founders[0], s.kind, founders, {
    owner: s.kind === 'private' ? founders[0].id : undefined,
    policy: {
      maxTxPerBlock: s.maxTxPerBlock,
      maxBlockBytes: s.maxBlockBytes,
      votingWindowBlocks: s.votingWindowBlocks,
    },
  });
  const builder = new BlockBuilder(BlockBuilder.initialSnapshot('prop-channel'));
  const blocks: ClosedBlock[] = [];
  let fed = 0;
  const feed = (): void => {
    for (; fed < log.records.length; fed++) {
      const closed = builder.push(log.records[fed]);
      if (closed !== undefined) blocks.push(closed);
    }
  };
  const proposals: { id: string; type: 'join' | 'policy' }[] = [];
  const signer = (m: number, gen: number | null): [TestMember, { signedBy: TestMember }] => {
    if (gen !== null) return [KEYS[m][0], { signedBy: KEYS[m][gen] }];
    feed();
    const probe = {
      body: { v: 1 as const, channel: 'prop-channel', type: 'test.note', from: IDS[m], nonce: 0, ts: 0, payload: {} },
      sig: '',
    };
    const key = builder.signingKey(probe);
    return [KEYS[m][0], { signedBy: KEYS[m].find((k) => k.keys.ed25519.publicKey === key) ?? KEYS[m][0] }];
  };
  for (const act of s.actions) {
    switch (act.t) {
      case 'note': {
        const [from, opts] = signer(act.m, act.gen);
        log.tx(
          from,
          'test.note',
          { n: 1 },
          {
            ...opts,
            ...(act.forge ? { signedBy: KEYS[(act.m + 1) % IDS.length][0] } : {}),
            ...(act.nonce === null ? {} : { nonce: act.nonce }),
            ...(act.wrongChannel ? { channel: 'elsewhere' } : {}),
          },
        );
        break;
      }
      case 'join':
        proposals.push({ id: log.joinRequest(KEYS[act.m][act.gen]).txId, type: 'join' });
        break;
      case 'vote': {
        const [from, opts] = signer(act.m, act.gen);
        const picked =
          proposals.length === 0
            ? { id: 'ab'.repeat(32), type: 'join' as const }
            : proposals[act.ref % proposals.length];
        const ref = picked.id;
        const kind =
          act.kind !== 'matching'
            ? act.kind
            : picked.type === 'policy'
              ? 'policy'
              : s.kind === 'private'
                ? 'approve'
                : 'join';
        if (kind === 'join') log.joinVote(from, ref, act.approve, opts);
        else if (kind === 'approve') log.joinApprove(from, ref, act.approve, opts);
        else if (act.kind === 'approve') log.joinApprove(from, ref, act.approve, opts);
        else log.policyVote(from, ref, act.approve, opts);
        break;
      }
      case 'leave': {
        const [from, opts] = signer(act.m, act.gen);
        log.leave(from, opts);
        break;
      }
      case 'rotate': {
        const [from, opts] = signer(act.m, act.gen);
        log.rotateKeys(from, KEYS[act.m][act.to], opts);
        break;
      }
      case 'propose': {
        const [from, opts] = signer(act.m, act.gen);
        proposals.push({
          id: log.proposePolicy(from, policy(act.maxTxPerBlock, act.window), opts).txId,
          type: 'policy',
        });
        break;
      }
      case 'cut': {
        feed();
        const open = builder.openBlock();
        log.cut(Math.max(0, (open?.height ?? builder.snapshot().nextHeight) + act.delta));
        break;
      }
      case 'garbage':
        log.rawTx(act.bytes);
        break;
      case 'time':
        log.advance(act.ms);
        break;
      case 'gap':
        log.skipOffsets(act.n);
        break;
    }
  }
  // Close whatever is open so every record lands in a block.
  feed();
  const open = builder.openBlock();
  if (open !== null) log.cut(open.height);
  feed();
  return { records: log.records, blocks };
}

const hashes = (blocks: readonly ClosedBlock[]): string[] => blocks.map((c) => c.block.hash);

describe('BlockBuilder properties', () => {
  it('DETERMINISM: any chunking, prepared or raw records, and a restart at any block boundary give identical blocks', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        fc.nat(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        (s, chunks, restartPick, preparedPattern) => {
          const { records, blocks } = materialize(s);

          // Chunked, with a mix of prepared and raw records.
          const chunked = new BlockBuilder(BlockBuilder.initialSnapshot('prop-channel'));
          const again: ClosedBlock[] = [];
          for (let i = 0, c = 0; i < records.length; c++) {
            const size = chunks[c % chunks.length];
            const batch = records
              .slice(i, i + size)
              .map((r, j) => (preparedPattern[(i + j) % preparedPattern.length] ? prepareRecord(r) : r));
            again.push(...chunked.pushAll(batch));
            i += size;
          }
          expect(hashes(again)).toEqual(hashes(blocks));

          // Restart after block k (-1: from the very beginning) with a JSON round-tripped snapshot.
          const k = (restartPick % (blocks.length + 1)) - 1;
          const snapshot = k < 0 ? BlockBuilder.initialSnapshot('prop-channel') : blocks[k].snapshot;
          const nonces = new InMemoryNonceRegistry();
          for (const closed of blocks.slice(0, k + 1))
            for (const { from, nonce } of burnedNonces(closed.block)) nonces.add(from, nonce);
          const resumed = new BlockBuilder(JSON.parse(JSON.stringify(snapshot)), { nonces });
          const rest = resumed.pushAll(records.filter((r) => r.offset >= snapshot.nextOffset));
          expect(hashes(rest)).toEqual(hashes(blocks.slice(k + 1)));
          expect(rest.map((c) => c.config)).toEqual(blocks.slice(k + 1).map((c) => c.config));
          expect(resumed.snapshot()).toEqual(blocks[blocks.length - 1].snapshot);

          // Every record of the log is in exactly one block.
          const txRecords = records.filter((r) => r.kind === 'tx').length;
          expect(blocks.reduce((n, c) => n + c.block.header.txCount, 0)).toBe(txRecords);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the chain passes protocol verifyChain with a key resolver built from the governance history, and matches buildBlock', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { blocks } = materialize(s);
        // The service persists key changes as JSON and rebuilds the history from them.
        const history = new KeyHistory(JSON.parse(JSON.stringify(blocks.flatMap((c) => c.keyChanges))));
        const result = await verifyChain(
          blocks.map((c) => c.block),
          history.resolver(),
        );
        expect(result).toMatchObject({ ok: true, blocks: blocks.length });
        for (const closed of blocks)
          expect(buildBlock({ ...closed.block.header, txs: closed.block.txs }).hash).toBe(closed.block.hash);
      }),
      { numRuns: 60 },
    );
  });
});
