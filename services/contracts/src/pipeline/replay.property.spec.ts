import type { JsonObject } from '@accord/protocol';
import { odrlPolicy, contentHash, RulesHarness, TEST_RULES, testMember, type AppendedTx } from '@accord/rules/testing';
import fc from 'fast-check';
import { blocksTopic } from '@accord/events';
import { ApplierFixture } from '../testing/applier.fixture';
import { asLog, blockCommittedEvents } from '../testing/block-events.builder';

// Replay determinism through persistence: for generated chains, the
// digests the service stores at every height — applied in any batching,
// with restarts that reload the state from the database — equal the pure
// engine's, and rebuilding from genesis on a fresh database yields the
// identical digest at every height and the identical rows.
const MEMBERS = ['dept-a', 'dept-b', 'dept-c'].map(testMember);
const DEPT = MEMBERS[0].id;
const TOPIC = blocksTopic(DEPT);
const RULES = { ...TEST_RULES, requestExpiryMs: 8000, maxPersonalSources: 1 };

type Action =
  | { t: 'register'; m: number; consent: boolean; personal: boolean; maxAccesses: number | null }
  | { t: 'update'; ds: number }
  | { t: 'request'; m: number; ds: number; durationMs: number }
  | { t: 'decide'; m: number; req: number; how: 'consent' | 'refuse' | 'cancel'; right: boolean }
  | { t: 'use'; req: number; bytes: number; right: boolean; m: number }
  | { t: 'revoke'; req: number }
  | { t: 'cut' }
  | { t: 'time'; ms: number };

const member = fc.integer({ min: 0, max: MEMBERS.length - 1 });
/** Mostly the party entitled to act, sometimes anyone. */
const right = fc.integer({ min: 0, max: 3 }).map((n) => n > 0);
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('register' as const),
      m: member,
      consent: fc.boolean(),
      personal: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      maxAccesses: fc.option(fc.integer({ min: 1, max: 2 }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('update' as const), ds: fc.nat() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('request' as const),
      m: member,
      ds: fc.nat(),
      durationMs: fc.integer({ min: 500, max: 12_000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('decide' as const),
      m: member,
      req: fc.nat(),
      how: fc.constantFrom('consent' as const, 'consent' as const, 'refuse' as const, 'cancel' as const),
      right,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('use' as const),
      req: fc.nat(),
      bytes: fc.constantFrom(0, 100, 100, Number.MAX_SAFE_INTEGER),
      right,
      m: member,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revoke' as const), req: fc.nat() }) },
  { weight: 3, arbitrary: fc.constant({ t: 'cut' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
);

/**
 * The opening every generated chain shares, so each run covers every
 * outcome (pending, consent, refusal, auto grant, denial, use, overflow,
 * rejection of a non-provider, expiry); the generated actions follow it.
 */
function opening(h: RulesHarness): {
  datasets: { id: string; owner: number; version: number }[];
  requests: { tx: AppendedTx; requester: number; provider: number }[];
} {
  const [a, b, c] = MEMBERS;
  h.register(a, 'consented', { policy: odrlPolicy({ consent: true }), volumeBytes: 1000 });
  h.register(b, 'open', { volumeBytes: 1000 });
  h.register(c, 'pricey', { policy: odrlPolicy({ compensation: 100 }), volumeBytes: 1000 });
  h.closeBlock();
  const pending = h.request(b, 'dept-a/consented');
  const refused = h.request(c, 'dept-a/consented');
  const auto = h.request(a, 'dept-b/open', 'statistics', 1000);
  h.request(a, 'dept-c/pricey');
  h.closeBlock();
  h.consent(c, pending);
  h.consent(a, pending);
  h.tx(a, 'access.refuse', { request: refused.txId, reason: 'not now' });
  h.tx(b, 'access.use', { grant: auto.txId, bytes: Number.MAX_SAFE_INTEGER });
  h.tx(b, 'access.use', { grant: auto.txId, bytes: 1 });
  h.closeBlock();
  h.advance(2000);
  h.register(a, 'later');
  h.closeBlock();
  return {
    datasets: [
      { id: 'dept-a/consented', owner: 0, version: 1 },
      { id: 'dept-b/open', owner: 1, version: 1 },
      { id: 'dept-c/pricey', owner: 2, version: 1 },
    ],
    requests: [
      { tx: pending, requester: 1, provider: 0 },
      { tx: auto, requester: 0, provider: 1 },
    ],
  };
}

function chain(actions: readonly Action[]): RulesHarness {
  const h = RulesHarness.given(MEMBERS, { kind: 'public', rules: RULES as unknown as JsonObject });
  const { datasets, requests } = opening(h);
  const pick = <T>(list: readonly T[], i: number): T | undefined =>
    list.length === 0 ? undefined : list[i % list.length];
  // Decisions mostly concern the latest requests, so flows reach consent, use and expiry.
  const recent = <T>(list: readonly T[], i: number): T | undefined =>
    list.length === 0 ? undefined : list[list.length - 1 - (i % Math.min(3, list.length))];
  let names = 0;
  for (const act of actions) {
    switch (act.t) {
      case 'register': {
        const name = `ds-${names++}`;
        const policy = odrlPolicy({ consent: act.consent, maxAccesses: act.maxAccesses ?? undefined });
        // 1000 bytes earn 15 points: enough for a few requests.
        h.register(
          MEMBERS[act.m],
          name,
          act.personal
            ? { sensitivity: 'personal', subjectKey: 'citizen-id', policy, volumeBytes: 1000 }
            : { policy, volumeBytes: 1000 },
        );
        datasets.push({ id: `${MEMBERS[act.m].id}/${name}`, owner: act.m, version: 1 });
        break;
      }
      case 'update': {
        const ds = pick(datasets, act.ds);
        if (ds === undefined) break;
        ds.version += 1;
        h.tx(MEMBERS[ds.owner], 'dataset.update', { dataset: ds.id, version: ds.version, contentHash: contentHash() });
        break;
      }
      case 'request': {
        const ds = pick(
          datasets.filter((d) => d.owner !== act.m),
          act.ds,
        );
        if (ds === undefined) break;
        requests.push({
          tx: h.request(MEMBERS[act.m], ds.id, 'statistics', act.durationMs),
          requester: act.m,
          provider: ds.owner,
        });
        break;
      }
      case 'decide': {
        const req = recent(requests, act.req);
        if (req === undefined) break;
        const signer = act.right ? MEMBERS[act.how === 'cancel' ? req.requester : req.provider] : MEMBERS[act.m];
        h.tx(
          signer,
          act.how === 'consent' ? 'access.consent' : act.how === 'refuse' ? 'access.refuse' : 'access.cancel',
          { request: req.tx.txId },
        );
        break;
      }
      case 'use': {
        const req = recent(requests, act.req);
        if (req === undefined) break;
        h.tx(act.right ? MEMBERS[req.provider] : MEMBERS[act.m], 'access.use', {
          grant: req.tx.txId,
          bytes: act.bytes,
        });
        break;
      }
      case 'revoke': {
        const req = recent(requests, act.req);
        if (req !== undefined) h.tx(MEMBERS[req.provider], 'access.revoke', { grant: req.tx.txId });
        break;
      }
      case 'cut':
        h.closeBlock();
        break;
      case 'time':
        h.advance(act.ms);
        break;
    }
  }
  // closeBlock cuts the open block, if the records since the last cut opened one.
  h.closeBlock();
  return h;
}

describe('replay determinism through the database', () => {
  let db: ApplierFixture;

  beforeAll(async () => {
    db = await ApplierFixture.open();
  }, 60_000);

  afterAll(async () => {
    await db?.close();
  });

  const fresh = async (): Promise<void> => {
    await db.dataSource.query(
      'TRUNCATE contracts_channel, contracts_account, contracts_dataset, contracts_request, contracts_grant, contracts_receipt, contracts_digest, consumer_checkpoint',
    );
  };

  /** Every row of the rule state and query tables, canonically ordered. */
  const snapshot = async (): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (const [table, order] of [
      ['contracts_digest', 'channel, height'],
      ['contracts_receipt', 'channel, height, seq'],
      ['contracts_account', 'channel, member'],
      ['contracts_dataset', 'channel, id'],
      ['contracts_request', 'channel, id'],
      ['contracts_grant', 'channel, id'],
    ]) {
      const rows: Record<string, unknown>[] = await db.dataSource.query(`SELECT * FROM ${table} ORDER BY ${order}`);
      out.push(rows.map(({ applied_at: _applied, ...row }) => row));
    }
    return out;
  };

  it("stores the engine's digest at every height in any batching with restarts, and a rebuild from genesis is identical", async () => {
    let seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { minLength: 5, maxLength: 80 }),
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 4 }), restart: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (actions, batching) => {
          const h = chain(actions);
          seen = new Set(h.results.flatMap((r) => r.receipts.map((receipt) => `${receipt.kind}:${receipt.code}`)));
          const expected = h.results.map((r) => r.digest);
          const events = asLog(TOPIC, blockCommittedEvents(h.blocks, { withConfig: true }));

          await fresh();
          let applier = await db.applier(DEPT);
          let at = 0;
          for (let i = 0; at < events.length; i++) {
            const { size, restart } = batching[i % batching.length];
            if (restart) applier = await db.applier(DEPT);
            // Batches overlap now and then: the overlap is redelivery and must be skipped.
            const from = Math.max(0, at - (restart ? 1 : 0));
            await applier.applyBatch(events.slice(from, at + size));
            at += size;
          }
          const incremental = await snapshot();
          const digests = (incremental[0] as { digest: string }[]).map((r) => r.digest);
          expect(digests).toEqual(expected);
          expect((await db.applier(DEPT)).channel('test-channel')?.state).toEqual(h.state);

          await fresh();
          await (await db.applier(DEPT)).applyBatch(events);
          expect(await snapshot()).toEqual(incremental);
        },
      ),
      { numRuns: 10 },
    );
    // Every run's chain reached these outcomes (the opening sees to it), so the property covers them.
    const required = [
      'registered:ok',
      'pending:consent_required',
      'granted:auto',
      'consented:ok',
      'refused:provider_refused',
      'used:ok',
      'expired:grant_expired',
      'rejected:not_provider',
      'rejected:amount_overflow',
      'denied:insufficient_points',
    ];
    expect(required.filter((outcome) => !seen.has(outcome))).toEqual([]);
  }, 120_000);
});
