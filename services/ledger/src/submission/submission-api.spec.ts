import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeTxId, encodeEnvelope, signTx, type TxEnvelope, type TxProof } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { rotatedMember } from '@accord/ledger-core/testing';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';
import { getJson, TxFactory } from '../testing/ledger-api.fixture';

// The submission API booted in-process (PGlite, embedded log). A duplicate is
// the same envelope (txId and signature): a forged copy of a member's body
// committed first must not keep the member's own envelope off the chain, nor
// burn its nonce (docs/ledger.md "Duplicates"). Bodies are checked as
// received: what is not canonical JSON is refused, not re-serialised.
const self = testMember('test-dept');
const b = testMember('dept-b');
const forger = testMember('dept-x');
const CHANNEL = 'forgery-channel';

interface SubmitAnswer {
  txId: string;
  status: string;
  statusUrl: string;
  duplicate: boolean;
  code?: string;
}

describe('ledger submission API (in-process)', () => {
  let sut: ServiceUnderTest<LedgerConfig>;
  let dir: string;
  const txs = new TxFactory(CHANNEL);

  const submit = async (envelope: TxEnvelope): Promise<{ status: number; body: SubmitAnswer }> => {
    const res = await request(sut.url)
      .post(`/v1/channels/${CHANNEL}/txs`)
      .set('Authorization', `Bearer ${sut.tokens.provider}`)
      .send(envelope);
    return { status: res.status, body: res.body as SubmitAnswer };
  };

  /** The committed status at a status URL (long-polled). */
  const committedAt = async (statusUrl: string): Promise<{ code: string; envelope: TxEnvelope }> => {
    const separator = statusUrl.includes('?') ? '&' : '?';
    const status = await getJson<{ status: string; code: string; envelope: TxEnvelope }>(
      sut.url,
      `${statusUrl}${separator}waitMs=10000`,
      sut.tokens.user,
    );
    expect(status.status).toBe('committed');
    return status;
  };

  /** Submits an envelope that must be published, and waits for its own commit. */
  const commit = async (envelope: TxEnvelope): Promise<string> => {
    const res = await submit(envelope);
    expect(res.status).toBe(202);
    expect(res.body.duplicate).toBe(false);
    const status = await committedAt(res.body.statusUrl);
    expect(status.envelope).toEqual(envelope);
    return status.code;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-ledger-forgery-'));
    sut = await startServiceForTest(ledgerService, {
      env: { ACCORD_KEYS_FILE: await writeKeysFile(dir, self), ACCORD_LEDGER_SIG_WORKERS: '1' },
    });
    const genesis = txs.genesis(self, 'alliance', [self, b], { batchTimeoutMs: 20 });
    const created = await request(sut.url)
      .post('/v1/channels')
      .set('Authorization', `Bearer ${sut.tokens.sysadmin}`)
      .send(genesis);
    expect(created.status).toBe(202);
    await committedAt(`/v1/txs/${computeTxId(genesis.body)}`);
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  /** POSTs this exact text (UTF-8) as application/json. */
  const post = (path: string, text: string, token: string) =>
    request(sut.url)
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(text);

  it('commits the genuine envelope as valid after a forged copy of its body was committed as bad_signature', async () => {
    const genuine = txs.tx(b, 'test.note', { n: 'forged first' });
    const forged: TxEnvelope = { body: genuine.body, sig: signTx(genuine.body, forger.signer).sig };
    const txId = computeTxId(genuine.body);

    expect(await commit(forged)).toBe('bad_signature');
    expect(await commit(genuine)).toBe('valid');

    // The txId now stands for the envelope that took effect; its proof is of that one.
    expect(await committedAt(`/v1/txs/${txId}`)).toMatchObject({ code: 'valid', envelope: genuine });
    const proof = await getJson<TxProof>(sut.url, `/v1/txs/${txId}/proof`, sut.tokens.user);
    expect(proof).toMatchObject({ envelope: genuine, code: 'valid' });

    // Each envelope is still a duplicate of itself, answered with its own status.
    const again = await submit(genuine);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, code: 'valid' } });
    const forgedAgain = await submit(forged);
    expect(forgedAgain).toMatchObject({ status: 200, body: { duplicate: true, code: 'bad_signature' } });
  });

  it('after a key rotation, commits a body re-signed with the new key once the old-key envelope was refused, and judges a re-signature of a body that took effect a replay', async () => {
    const b2 = rotatedMember(b);
    const before = txs.tx(b, 'test.note', { n: 'before the rotation' });
    expect(await commit(before)).toBe('valid');
    const rotation = txs.tx(b, 'member.key.rotate', {
      ed25519: b2.keys.ed25519.publicKey,
      x25519: b2.keys.x25519.publicKey,
    });
    expect(await commit(rotation)).toBe('valid');

    const oldKey = txs.tx(b, 'test.note', { n: 'signed with the old key' });
    const newKey: TxEnvelope = { body: oldKey.body, sig: signTx(oldKey.body, b2.signer).sig };
    expect(await commit(oldKey)).toBe('bad_signature');
    expect(await commit(newKey)).toBe('valid');

    // Ed25519 signatures are deterministic: only the new key gives another valid signature of an old body.
    const resigned: TxEnvelope = { body: before.body, sig: signTx(before.body, b2.signer).sig };
    expect(await commit(resigned)).toBe('replayed');
    expect(await committedAt(`/v1/txs/${computeTxId(before.body)}`)).toMatchObject({ code: 'valid', envelope: before });
  });

  describe('input that is not canonical JSON as received', () => {
    it('refuses what would change the value with 400 envelope_invalid and the reason the log would give, and publishes nothing', async () => {
      const envelope = txs.tx(self, 'test.note', { n: 'exact values only' });
      const canonical = Buffer.from(encodeEnvelope(envelope)).toString('utf8');
      const variants: [string, string, string][] = [
        ['a duplicate key', canonical.replace('{"body":{', '{"body":{"from":"dept-x",'), 'json.duplicate_key'],
        ['1.0 for an integer', canonical.replace(/"nonce":(\d+)/, '"nonce":$1.0'), 'json.number_not_integer'],
        ['an exponent', canonical.replace(/"nonce":(\d+)/, '"nonce":$1e0'), 'json.number_not_integer'],
        ['an unsafe integer', canonical.replace(/"ts":(\d+)/, '"ts":9007199254740993'), 'json.number_not_integer'],
        ['a byte order mark', `\ufeff${canonical}`, 'json.malformed'],
        ['a lone surrogate', canonical.replace('"exact values only"', '"\\ud800"'), 'json.lone_surrogate'],
      ];
      const answers = [];
      for (const [what, bytes] of variants) {
        const res = await post(`/v1/channels/${CHANNEL}/txs`, bytes, sut.tokens.provider);
        answers.push([what, res.status, res.body.error, res.body.details?.reason]);
      }
      expect(answers).toEqual(variants.map(([what, , reason]) => [what, 400, 'envelope_invalid', reason]));
      const unknown = await request(sut.url)
        .get(`/v1/txs/${computeTxId(envelope.body)}`)
        .set('Authorization', `Bearer ${sut.tokens.user}`);
      expect(unknown.status).toBe(404);
    });

    it('publishes the canonical JSON of what only differs in layout (whitespace, member order, escapes)', async () => {
      const envelope = txs.tx(self, 'test.note', { n: 'layout only' });
      const canonical = Buffer.from(encodeEnvelope(envelope)).toString('utf8');
      const pretty = await post(`/v1/channels/${CHANNEL}/txs`, JSON.stringify(envelope, null, 2), sut.tokens.provider);
      expect(pretty.status).toBe(202);
      expect(await committedAt(pretty.body.statusUrl)).toMatchObject({ code: 'valid', envelope });
      const block = await getJson<{ txs: { txId: string }[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/members/${self.id}/txs?limit=500`,
        sut.tokens.user,
      );
      expect(block.txs.filter((t) => t.txId === pretty.body.txId)).toHaveLength(1);
      for (const same of [
        JSON.stringify({ sig: envelope.sig, body: envelope.body }),
        canonical.replace('"test.note"', '"test\\u002enote"'),
      ]) {
        const res = await post(`/v1/channels/${CHANNEL}/txs`, same, sut.tokens.provider);
        expect(res.body).toMatchObject({ txId: pretty.body.txId, duplicate: true, code: 'valid' });
      }
    });

    it('refuses a genesis with a duplicate key with 400 genesis_invalid', async () => {
      const genesis = new TxFactory('another-channel').genesis(self, 'public', [self]);
      const canonical = Buffer.from(encodeEnvelope(genesis)).toString('utf8');
      const res = await post('/v1/channels', canonical.replace('{"body":{', '{"body":{"v":1,'), sut.tokens.sysadmin);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'genesis_invalid', details: { reason: 'json.duplicate_key' } });
    });
  });
});
