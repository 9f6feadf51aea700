import { closeDatabase, openDatabase } from '@accord/persistence';
import { computeTxId, ed25519Signer, generateMemberKeys, type TxEnvelope, type TxProof } from '@accord/protocol';
import { TestChain, type TestMember } from '@accord/protocol/testing';
import { LedgerUnavailableError, mapErrorToHttp } from '@accord/service-kit';
import type { DataSource } from 'typeorm';
import { catalogErrorStatus } from '../catalog.definition';
import { catalogMigrations } from '../persistence/migrations/catalog.migrations';
import { verifyProvenanceProofs } from './provenance-proof.verifier';
import { trailQuerySchema, usageQuerySchema, type TrailQuery } from './provenance.dto';
import { DatasetNotFoundError } from '../catalog.errors';
import { ProvenanceRepository } from './provenance.repository';
import { ProvenanceService, type ProvenanceEntry, type TxProofSource } from './provenance.service';
import { CatalogRows } from './testing/catalog-rows.fixture';

// A real chain (fresh Ed25519 keys, signed txs, blocks, RFC 6962 proofs and
// attestations from @accord/protocol), a trail seeded as the projection would
// write it for those txs, and a ledger double answering the real proofs.
const CHANNEL = 'traffic-ch';
const DATASET = 'dept-a/traffic';
const member = (id: string): TestMember => {
  const keys = generateMemberKeys();
  return { id, keys, signer: ed25519Signer(keys.ed25519.privateKey) };
};
const a = member('dept-a');
const b = member('dept-b');
const c = member('dept-c');

const chain = new TestChain([a, b, c], CHANNEL);
const txIdOf = (tx: TxEnvelope) => computeTxId(tx.body);
const register = chain.tx(a, { type: 'dataset.register', payload: { name: 'traffic', title: 'Traffic' } });
const other = chain.tx(c, { type: 'dataset.register', payload: { name: 'other', title: 'Other' } });
chain.append([register, other]);
const requestB = chain.tx(b, {
  type: 'access.request',
  payload: { dataset: DATASET, purpose: 'statistics', durationMs: 86_400_000 },
});
chain.append([requestB]);
const use1 = chain.tx(a, { type: 'access.use', payload: { grant: txIdOf(requestB), bytes: 500 } });
const use2 = chain.tx(a, { type: 'access.use', payload: { grant: txIdOf(requestB), bytes: 1500 } });
chain.append([use1, use2]);
const requestC = chain.tx(c, {
  type: 'access.request',
  payload: { dataset: DATASET, purpose: 'planning', durationMs: 1000 },
});
chain.append([requestC]);
chain.append([]); // height 4: the grant of dept-b expires before any tx
const deprecate = chain.tx(a, { type: 'dataset.deprecate', payload: { dataset: DATASET } });
chain.append([deprecate]);

const GRANT_B = txIdOf(requestB);
const REQUEST_C = txIdOf(requestC);
const time = (height: number) => chain.blocks[height]!.header.time;

/** The ledger's proof of every tx of the chain, as its API answers it (JSON). */
const ledgerProofs = new Map<string, unknown>();
chain.blocks.forEach((block, height) =>
  block.txs.forEach((_, index) => {
    const proof = chain.proof(height, index);
    ledgerProofs.set(computeTxId(proof.envelope.body), JSON.parse(JSON.stringify(proof)));
  }),
);

class LedgerDouble implements TxProofSource {
  readonly calls: string[] = [];
  constructor(private readonly answer: (txId: string) => unknown = (txId) => ledgerProofs.get(txId) ?? null) {}
  async txProof(txId: string): Promise<unknown> {
    this.calls.push(txId);
    return this.answer(txId);
  }
}

const query = (raw: Record<string, string> = {}): TrailQuery => trailQuerySchema.parse(raw);
const path = { owner: 'dept-a', name: 'traffic' };
const positions = (entries: readonly ProvenanceEntry[]) =>
  entries.map((e) => `${e.height}.${e.phase}.${e.txIndex}.${e.seq} ${e.kind}`);

describe('provenance trail', () => {
  let db: DataSource;
  let repository: ProvenanceRepository;

  beforeAll(async () => {
    db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' }, { migrations: catalogMigrations });
    repository = new ProvenanceRepository(db);
    const rows = new CatalogRows(db);
    await rows.channel(CHANNEL, { blockHeight: 5, blockTime: time(5) });
    await rows.dataset({ id: DATASET, channel: CHANNEL, status: 'deprecated', registeredTx: txIdOf(register) });
    await rows.dataset({ id: 'dept-c/other', channel: CHANNEL });
    await rows.request({
      id: GRANT_B,
      channel: CHANNEL,
      dataset: DATASET,
      requester: 'dept-b',
      height: 1,
      time: time(1),
      grantStatus: 'expired',
      accessesUsed: 2,
      maxAccesses: 5,
      expiresAt: time(4),
    });
    await rows.request({
      id: REQUEST_C,
      channel: CHANNEL,
      dataset: DATASET,
      requester: 'dept-c',
      purpose: 'planning',
      status: 'cancelled',
      code: 'dataset_deprecated',
      height: 3,
      time: time(3),
      grantStatus: null,
      grantedTime: null,
    });
    const entry = (height: number, kind: string, fields: Partial<Parameters<CatalogRows['provenance']>[0]> = {}) =>
      rows.provenance({ channel: CHANNEL, dataset: DATASET, height, kind, time: time(height), ...fields });
    // Inserted out of chain order on purpose: the answer orders them.
    await entry(5, 'deprecated', {
      txId: txIdOf(deprecate),
      actor: 'dept-a',
      details: { dataset: DATASET, reason: null },
    });
    await entry(5, 'cancelled', {
      seq: 1,
      code: 'dataset_deprecated',
      txId: txIdOf(deprecate),
      actor: 'dept-a',
      details: { request: REQUEST_C, refund: 3 },
    });
    await entry(0, 'registered', {
      txId: txIdOf(register),
      actor: 'dept-a',
      details: { dataset: DATASET, points: 10 },
    });
    await entry(1, 'granted', {
      code: 'auto',
      txId: GRANT_B,
      actor: 'dept-b',
      details: { request: { id: GRANT_B, requester: 'dept-b' }, grant: { id: GRANT_B, requester: 'dept-b' } },
    });
    await entry(2, 'used', {
      txId: txIdOf(use1),
      actor: 'dept-a',
      details: { grant: GRANT_B, bytes: 500, accessesUsed: 1 },
    });
    await entry(2, 'used', {
      txIndex: 1,
      txId: txIdOf(use2),
      actor: 'dept-a',
      details: { grant: GRANT_B, bytes: 1500, accessesUsed: 2, note: 'quote " newline \n 中文' },
    });
    await entry(3, 'pending', {
      code: 'consent_required',
      txId: REQUEST_C,
      actor: 'dept-c',
      details: { request: { id: REQUEST_C, requester: 'dept-c' } },
    });
    await entry(4, 'expired', { phase: 0, code: 'grant_expired', details: { grant: GRANT_B } });
    // Another dataset's trail is not part of this one.
    await rows.provenance({
      channel: CHANNEL,
      dataset: 'dept-c/other',
      height: 0,
      txIndex: 1,
      kind: 'registered',
      txId: txIdOf(other),
    });
  });

  afterAll(async () => {
    await closeDatabase(db);
  });

  const service = (ledger: TxProofSource | null = new LedgerDouble()) => new ProvenanceService(repository, ledger);

  it('answers every entry in chain order with the real proofs, which verify against the members keys', async () => {
    const ledger = new LedgerDouble();
    const page = await service(ledger).trail(path, query());
    expect(positions(page.entries)).toEqual([
      '0.1.0.0 registered',
      '1.1.0.0 granted',
      '2.1.0.0 used',
      '2.1.1.0 used',
      '3.1.0.0 pending',
      '4.0.0.0 expired',
      '5.1.0.0 deprecated',
      '5.1.0.1 cancelled',
    ]);
    expect(page).toMatchObject({
      dataset: DATASET,
      channel: CHANNEL,
      next: null,
      proofs: { included: true, reason: null, missing: [] },
    });
    expect(page.entries[3]).toMatchObject({
      kind: 'used',
      code: 'ok',
      txId: txIdOf(use2),
      actor: 'dept-a',
      time: time(2),
      request: GRANT_B,
      requester: 'dept-b',
      details: JSON.stringify({ grant: GRANT_B, bytes: 1500, accessesUsed: 2, note: 'quote " newline \n 中文' }),
    });
    expect(page.entries[5]).toMatchObject({
      kind: 'expired',
      txId: null,
      actor: null,
      proof: null,
      requester: 'dept-b',
    });
    // One ledger call per tx, though the deprecation has two entries.
    expect(ledger.calls).toHaveLength(6);
    expect(new Set(ledger.calls).size).toBe(6);

    const report = verifyProvenanceProofs(JSON.parse(JSON.stringify(page.entries)), chain.memberKeys);
    expect(report).toMatchObject({ ok: true, withoutTx: 1 });
    expect(report.checks).toHaveLength(7);
    for (const check of report.checks)
      expect(check).toMatchObject({ ok: true, attesters: ['dept-a', 'dept-b', 'dept-c'] });
    expect(verifyProvenanceProofs(page.entries, () => chain.memberKeys, 2).ok).toBe(true);
  });

  it('the verifier refuses a proof of another tx, other keys, a missing or malformed proof, a bad quorum', async () => {
    const { entries } = await service().trail(path, query());
    const used = entries[2]!;
    const swapped = { ...used, proof: entries[0]!.proof };
    const strangers = new TestChain([member('dept-a'), member('dept-b'), member('dept-c')], CHANNEL).memberKeys;
    const tampered = { ...used, proof: { ...(used.proof as TxProof), index: 1 } };
    expect(verifyProvenanceProofs([swapped], chain.memberKeys).checks[0]).toMatchObject({
      ok: false,
      code: 'proof.entry_mismatch',
    });
    expect(verifyProvenanceProofs([used], strangers)).toMatchObject({ ok: false, checks: [{ ok: false }] });
    expect(verifyProvenanceProofs([{ ...used, proof: null }], chain.memberKeys).checks[0]).toMatchObject({
      code: 'proof.missing',
    });
    expect(verifyProvenanceProofs([{ ...used, proof: { v: 1 } }], chain.memberKeys).checks[0]).toMatchObject({
      code: 'proof.invalid',
    });
    expect(verifyProvenanceProofs([tampered], chain.memberKeys).checks[0]).toMatchObject({
      code: 'proof.inclusion_invalid',
    });
    expect(verifyProvenanceProofs([{ ...used, height: 3 }], chain.memberKeys).checks[0]).toMatchObject({
      code: 'proof.entry_mismatch',
    });
    expect(() => verifyProvenanceProofs([used], chain.memberKeys, 4)).toThrow(
      expect.objectContaining({ code: 'quorum.invalid' }),
    );
  });

  it('filters by kind, requester and grant, and pages with a keyset cursor', async () => {
    const trail = async (raw: Record<string, string>) => positions((await service().trail(path, query(raw))).entries);
    expect(await trail({ kind: 'used,expired' })).toEqual(['2.1.0.0 used', '2.1.1.0 used', '4.0.0.0 expired']);
    expect(await trail({ requester: 'dept-b' })).toEqual([
      '1.1.0.0 granted',
      '2.1.0.0 used',
      '2.1.1.0 used',
      '4.0.0.0 expired',
    ]);
    expect(await trail({ requester: 'dept-c' })).toEqual(['3.1.0.0 pending', '5.1.0.1 cancelled']);
    expect(await trail({ grant: REQUEST_C, kind: 'cancelled' })).toEqual(['5.1.0.1 cancelled']);
    expect(await trail({ requester: 'dept-z' })).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await service().trail(path, query({ limit: '3', ...(cursor === null ? {} : { cursor }) }));
      seen.push(...positions(page.entries));
      cursor = page.next;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(positions((await service().trail(path, query())).entries));
    expect((await service().trail(path, query({ limit: '4' }))).next).toBe('2.1.1.0');
  });

  it('answers without proofs when asked so or when no ledger is configured, and says why', async () => {
    const ledger = new LedgerDouble();
    const unasked = await service(ledger).trail(path, query({ proofs: 'false' }));
    expect(ledger.calls).toEqual([]);
    expect(unasked.proofs).toEqual({ included: false, reason: 'not requested (proofs=false)', missing: [] });
    expect(unasked.entries.every((e) => e.proof === null)).toBe(true);
    const noLedger = await service(null).trail(path, query());
    expect(noLedger.proofs).toMatchObject({ included: false, reason: expect.stringContaining('ACCORD_LEDGER_URL') });
    expect(noLedger.entries.every((e) => e.proof === null)).toBe(true);
  });

  it('lists the txs the ledger does not know; a failing or lying ledger fails the page with 503', async () => {
    const forgetful = new LedgerDouble((txId) => (txId === txIdOf(use1) ? null : (ledgerProofs.get(txId) ?? null)));
    const page = await service(forgetful).trail(path, query());
    expect(page.proofs).toEqual({ included: true, reason: null, missing: [txIdOf(use1)] });
    expect(page.entries[2]!.proof).toBeNull();
    expect(verifyProvenanceProofs(page.entries, chain.memberKeys)).toMatchObject({
      ok: false,
      checks: expect.arrayContaining([expect.objectContaining({ txId: txIdOf(use1), code: 'proof.missing' })]),
    });

    const failures = [
      new LedgerDouble(() => {
        throw new LedgerUnavailableError('ledger API GET /v1/txs/x/proof answered 500: boom');
      }),
      new LedgerDouble(() => ledgerProofs.get(txIdOf(register))), // the proof of another tx
      new LedgerDouble(() => ({ v: 1, envelope: 'nonsense' })),
    ];
    for (const ledger of failures) {
      const error = await service(ledger)
        .trail(path, query())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LedgerUnavailableError);
      expect(mapErrorToHttp(error, catalogErrorStatus)).toMatchObject({
        status: 503,
        body: { error: 'ledger_unavailable' },
      });
    }
  });

  it('answers 404 dataset_not_found for a dataset the catalog does not hold', async () => {
    const error = await service()
      .trail({ owner: 'dept-a', name: 'nothing' }, query())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetNotFoundError);
    expect(mapErrorToHttp(error, catalogErrorStatus)).toMatchObject({
      status: 404,
      body: { error: 'dataset_not_found' },
    });
  });

  it('sums the uses of every grant of the dataset: requester, purpose, accesses, bytes, first and last use', async () => {
    const usage = await service().usage(path, usageQuerySchema.parse({}));
    expect(usage).toEqual({
      dataset: DATASET,
      channel: CHANNEL,
      grants: [
        {
          grant: GRANT_B,
          requester: 'dept-b',
          purpose: 'statistics',
          grantStatus: 'expired',
          grantedTime: time(1),
          expiresAt: time(4),
          maxAccesses: 5,
          accesses: 2,
          bytes: 2000,
          firstUse: time(2),
          lastUse: time(2),
        },
      ],
      next: null,
    });
    expect((await service().usage(path, usageQuerySchema.parse({ requester: 'dept-c' }))).grants).toEqual([]);
  });
});

describe('trail query', () => {
  it('refuses unknown parameters by name, and malformed values', () => {
    const issues = (raw: Record<string, string>) => trailQuerySchema.safeParse(raw).error?.issues.map((i) => i.message);
    expect(issues({ kinds: 'used' })).toEqual([expect.stringContaining('"kinds"')]);
    expect(issues({ kind: 'Used' })).toHaveLength(1);
    expect(issues({ limit: '0' })).toHaveLength(1);
    expect(issues({ limit: '1001' })).toHaveLength(1);
    expect(issues({ cursor: '1.2.3' })).toHaveLength(1);
    expect(issues({ grant: 'xyz' })).toHaveLength(1);
    expect(issues({ proofs: 'yes' })).toHaveLength(1);
    expect(trailQuerySchema.parse({ kind: 'used,used,granted', cursor: '12.1.3.0', proofs: 'false' })).toEqual({
      kind: ['used', 'granted'],
      cursor: { height: 12, phase: 1, txIndex: 3, seq: 0 },
      proofs: false,
    });
  });
});
