import {
  ed25519Signer,
  generateMemberKeys,
  validateTxProofBundle,
  verifyTxProof,
  type TxEnvelope,
} from '@accord/protocol';
import { waitFor } from '@accord/event-bus/testing';
import type { SystemDepartment } from '../system-department';
import { registerDataset, datasetRegistration } from './testing/attack-datasets';
import {
  ATTACK_WAIT_MS,
  call,
  committedTx,
  expectCall,
  freshName,
  startAttackNetwork,
  withServiceDatabase,
  type AttackNetwork,
  type CommittedTx,
} from './testing/attack-network';
import { AttackSummary } from './testing/attack-summary';
import { accountOf, appendToTxLog, signedTx, submitEnvelope } from './testing/attack-txs';
import { contractsApplied, contractsChannel } from './testing/contracts-channel';

jest.setTimeout(600_000);

interface AuditVerdict {
  readonly ok: boolean;
  readonly height?: number;
  readonly code?: string;
  readonly reason?: string;
}

interface LedgerAlert {
  readonly id: string;
  readonly kind: string;
  readonly reason: string;
  readonly height: number;
}

/**
 * Item 3 of issue 14, the ledger's side: committed rows altered in one
 * department's ledger database, a committed envelope replayed through the
 * APIs and straight onto the log, and txs signed by a non-member, by a
 * member that left and with a rotated-out key, all on one three-department
 * network on the real Kafka and PostgreSQL. Each attack is done for real
 * and the spec asserts the reason the system gives.
 */
describe('attacks on the ledger', () => {
  const summary = new AttackSummary();
  let net: AttackNetwork;
  let channel: string;
  let health: SystemDepartment;
  let transport: SystemDepartment;
  let security: SystemDepartment;
  let first: CommittedTx;
  let second: CommittedTx;

  const audit = (department: SystemDepartment, fromHeight: number, toHeight: number): Promise<AuditVerdict> =>
    expectCall<AuditVerdict>([200], department, 'ledger', 'POST', `/v1/channels/${channel}/audit`, {
      fromHeight,
      toHeight,
    });

  const alerts = async (department: SystemDepartment): Promise<LedgerAlert[]> =>
    (await expectCall<{ alerts: LedgerAlert[] }>([200], department, 'ledger', 'GET', `/v1/alerts?channel=${channel}`))
      .alerts;

  /** What the block builders made of an envelope, as the ledger of `department` committed it. */
  const codeOf = async (department: SystemDepartment, envelope: TxEnvelope, via: SystemDepartment): Promise<string> => {
    const submitted = await submitEnvelope(via, channel, envelope);
    return (await committedTx(department, submitted.answer.txId, { sig: envelope.sig })).code;
  };

  beforeAll(async () => {
    net = await startAttackNetwork();
    channel = net.channel;
    [health, transport, security] = net.departments;
    // Two registrations in two blocks: one block's header and the other's tx are altered below.
    first = await registerDataset(health, channel, freshName('bus-stops'));
    second = await registerDataset(health, channel, freshName('bus-routes'));
  });

  afterAll(async () => {
    summary.write();
    await net?.destroy();
  });

  it('finds a block header altered in the database: the audit names the height, raises an alert, and the proof no longer verifies', async () => {
    const { height } = first;
    await withServiceDatabase(health, 'ledger', (db) =>
      db.query('UPDATE ledger_block SET time = time + 1 WHERE channel = $1 AND height = $2', [channel, height]),
    );
    try {
      const verdict = await audit(health, height, height);
      expect(verdict).toMatchObject({ ok: false, height, code: 'chain.block_hash_mismatch' });
      expect((await alerts(health)).map((a) => a.id)).toContain(`audit:${channel}:${height}:chain.block_hash_mismatch`);
      // A proof built on the altered header does not verify against the members' attestations.
      const bundle = validateTxProofBundle(
        await expectCall([200], health, 'ledger', 'GET', `/v1/txs/${first.txId}/proof-bundle?channel=${channel}`),
      );
      const proof = verifyTxProof(bundle.proof, bundle.members, { quorum: bundle.quorum });
      expect(proof).toMatchObject({ ok: false, code: 'proof.attestation_mismatch' });
      // The other departments' copies are intact.
      expect(await audit(transport, height, height)).toMatchObject({ ok: true });
      summary.record({
        case: 'ledger.block_header_altered',
        attack: `UPDATE ledger_block SET time = time + 1 at height ${height} in ${health.id}'s ledger database`,
        expected: 'chain.block_hash_mismatch',
        observed: verdict.code ?? '',
        detectedBy: `ledger POST /v1/channels/:channel/audit and alert audit:<channel>:${height}:chain.block_hash_mismatch (GET /v1/alerts)`,
        detail: `the proof bundle served for a tx of that block fails offline: ${proof.ok ? 'ok' : proof.code}; the other ledgers audit the height clean`,
      });
    } finally {
      await withServiceDatabase(health, 'ledger', (db) =>
        db.query('UPDATE ledger_block SET time = time - 1 WHERE channel = $1 AND height = $2', [channel, height]),
      );
    }
    expect(await audit(health, height, height)).toMatchObject({ ok: true });
  });

  it('finds a tx altered in the database: the audit names the height and the proof is refused', async () => {
    const { height, txId } = second;
    const [{ bytes }] = (
      await withServiceDatabase(health, 'ledger', (db) =>
        db.query('SELECT bytes FROM ledger_tx WHERE channel = $1 AND tx_id = $2', [channel, txId]),
      )
    ).rows as { bytes: Buffer }[];
    const altered = Buffer.from(bytes.toString('utf8').replace('"volumeBytes":1024', '"volumeBytes":9024'));
    expect(altered.equals(bytes)).toBe(false);
    await withServiceDatabase(health, 'ledger', (db) =>
      db.query('UPDATE ledger_tx SET bytes = $3 WHERE channel = $1 AND tx_id = $2', [channel, txId, altered]),
    );
    try {
      const verdict = await audit(health, height, height);
      expect(verdict).toMatchObject({ ok: false, height, code: 'chain.tx_root_mismatch' });
      expect((await alerts(health)).map((a) => a.id)).toContain(`audit:${channel}:${height}:chain.tx_root_mismatch`);
      const proof = await call<{ error: string }>(health, 'ledger', 'GET', `/v1/txs/${txId}/proof?channel=${channel}`);
      expect(proof).toMatchObject({ status: 422, body: { error: 'ledger_row_corrupt' } });
      summary.record({
        case: 'ledger.tx_envelope_altered',
        attack: `payload of tx ${txId.slice(0, 12)}… (volumeBytes) rewritten in ledger_tx at height ${height} of ${health.id}'s ledger database`,
        expected: 'chain.tx_root_mismatch',
        observed: verdict.code ?? '',
        detectedBy: `ledger POST /v1/channels/:channel/audit and alert audit:<channel>:${height}:chain.tx_root_mismatch`,
        detail: `GET /v1/txs/:txId/proof answers ${proof.status} ${proof.body.error}`,
      });
    } finally {
      await withServiceDatabase(health, 'ledger', (db) =>
        db.query('UPDATE ledger_tx SET bytes = $3 WHERE channel = $1 AND tx_id = $2', [channel, txId, bytes]),
      );
    }
    expect(await audit(health, 0, height)).toMatchObject({ ok: true });
  });

  it('applies a replayed envelope once: the APIs answer duplicate, the log copy is committed as replayed', async () => {
    const original = await committedTx(health, first.txId);
    const pointsBefore = await accountOf(health, channel, health.id);
    const datasetsBefore = (await contractsChannel(health, channel)).counts.datasets;

    const same = await submitEnvelope(health, channel, original.envelope as TxEnvelope);
    const other = await submitEnvelope(transport, channel, original.envelope as TxEnvelope);
    for (const answer of [same, other]) {
      expect(answer).toMatchObject({ status: 200, answer: { duplicate: true, height: first.height, code: 'valid' } });
    }

    // Past the APIs: the same bytes appended to the tx topic.
    await appendToTxLog(channel, original.envelope as TxEnvelope);
    const replay = await waitFor(
      'the replayed copy on the chain',
      async () => {
        const listed = await expectCall<{ txs: { txId: string; height: number; code: string }[] }>(
          [200],
          transport,
          'ledger',
          'GET',
          `/v1/channels/${channel}/members/${health.id}/txs?limit=500`,
        );
        return listed.txs.find((t) => t.txId === first.txId && t.height > first.height);
      },
      ATTACK_WAIT_MS,
    );
    expect(replay.code).toBe('replayed');

    // Applied once: points, datasets and receipts as before the replay, on every department.
    for (const department of net.departments) {
      await contractsApplied(department, channel, replay.height);
      expect(await accountOf(department, channel, health.id)).toEqual(pointsBefore);
      expect((await contractsChannel(department, channel)).counts.datasets).toBe(datasetsBefore);
      const receipts = await expectCall<{ receipts: unknown[] }>(
        [200],
        department,
        'contracts',
        'GET',
        `/v1/txs/${first.txId}/receipts`,
      );
      expect(receipts.receipts).toHaveLength(1);
    }
    summary.record({
      case: 'ledger.tx_replayed',
      attack: `the committed envelope ${first.txId.slice(0, 12)}… submitted again to ${health.id}'s and ${transport.id}'s ledger APIs, then appended to the tx topic on Kafka`,
      expected: 'replayed',
      observed: replay.code,
      detectedBy: 'ledger block builders (nonce registry); the APIs answer duplicate: true before publishing',
      detail: `APIs: duplicate ${String(same.answer.duplicate)}/${String(other.answer.duplicate)} (200, height ${first.height}); the log copy committed at height ${replay.height}; points, dataset count and receipts unchanged on all three departments`,
    });
  });

  it('refuses a tx signed by a department that was never a member', async () => {
    const intruder = generateMemberKeys();
    const envelope = signedTx(ed25519Signer(intruder.ed25519.privateKey), {
      channel,
      from: freshName('intruder'),
      type: 'dataset.register',
      payload: datasetRegistration(freshName('forged')),
    });
    const code = await codeOf(health, envelope, health);
    expect(code).toBe('unknown_member');
    summary.record({
      case: 'ledger.non_member_signer',
      attack: 'a dataset.register signed by a fresh key under an id that never joined',
      expected: 'unknown_member',
      observed: code,
      detectedBy: 'block builders (validity code of the committed tx, GET /v1/txs/:txId)',
    });
  });

  it('refuses txs of a member after it left the channel', async () => {
    const left = await expectCall<{ txId: string }>(
      [202],
      security,
      'ledger',
      'POST',
      `/v1/channels/${channel}/leave`,
      {},
    );
    expect((await committedTx(health, left.txId)).code).toBe('valid');
    const members = await expectCall<{ members: { id: string; status: string }[] }>(
      [200],
      health,
      'ledger',
      'GET',
      `/v1/channels/${channel}/members`,
    );
    expect(members.members.find((m) => m.id === security.id)?.status).toBe('removed');

    // The departed member's own key, straight from its key file.
    const key = (await net.signer(security)).signer;
    const envelope = signedTx(key, {
      channel,
      from: security.id,
      type: 'dataset.register',
      payload: datasetRegistration(freshName('after-leaving')),
    });
    const code = await codeOf(health, envelope, health);
    expect(code).toBe('removed_member');
    summary.record({
      case: 'ledger.removed_member_signer',
      attack: `${security.id} leaves (member.leave), then a dataset.register signed with its key is submitted`,
      expected: 'removed_member',
      observed: code,
      detectedBy: 'block builders (validity code of the committed tx)',
    });
  });

  it('refuses a tx signed with a rotated-out key and accepts the new key', async () => {
    const oldKey = (await net.signer(transport)).signer;
    const fresh = generateMemberKeys();
    const rotation = signedTx(oldKey, {
      channel,
      from: transport.id,
      type: 'member.key.rotate',
      payload: { ed25519: fresh.ed25519.publicKey, x25519: fresh.x25519.publicKey },
    });
    expect(await codeOf(health, rotation, health)).toBe('valid');

    const withOldKey = signedTx(oldKey, {
      channel,
      from: transport.id,
      type: 'dataset.register',
      payload: datasetRegistration(freshName('old-key')),
    });
    const withNewKey = signedTx(ed25519Signer(fresh.ed25519.privateKey), {
      channel,
      from: transport.id,
      type: 'dataset.register',
      payload: datasetRegistration(freshName('new-key')),
    });
    const oldCode = await codeOf(health, withOldKey, health);
    expect(oldCode).toBe('bad_signature');
    expect(await codeOf(health, withNewKey, health)).toBe('valid');
    summary.record({
      case: 'ledger.rotated_out_key',
      attack: `${transport.id} rotates its key (member.key.rotate), then a tx signed with the old key is submitted`,
      expected: 'bad_signature',
      observed: oldCode,
      detectedBy: 'block builders (validity code of the committed tx); the same tx signed with the new key is valid',
    });
  });
});
