import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalBytes,
  computeBlockHash,
  computeTxId,
  fromHex,
  MerkleTree,
  toHex,
  verifyConsistency,
  verifyTxProof,
  type Block,
  type Members,
  type TxEnvelope,
  type TxProof,
} from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import type { EventBus } from '@accord/event-bus';
import { EVENT_BUS, shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { waitFor } from '@accord/event-bus/testing';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { LedgerConfig } from './ledger.config';
import { ledgerService } from './ledger.definition';
import { attestTopic, deadLetterTopic, parkedEventSchema } from '@accord/events';
import {
  blockAttestation,
  getJson,
  publishAttestations,
  runAccordCli,
  stateAttestation,
  TxFactory,
} from './testing/ledger-api.fixture';

// The ledger booted in-process (PGlite in memory, embedded log) and driven
// over HTTP: submission, status long-polls, queries, proofs, attestations,
// finality, fork alerts and audits. The other members (dept-b, dept-c) are
// played by the test: it signs their txs and publishes their attestations.
const self = testMember('test-dept');
const b = testMember('dept-b');
const c = testMember('dept-c');
const outsider = testMember('dept-x');
const applicant = testMember('dept-d');
const CHANNEL = 'e2e-channel';

interface CommittedStatus {
  txId: string;
  status: 'committed';
  channel: string;
  height: number;
  index: number;
  code: string;
  blockHash: string;
  final: boolean;
}

describe('ledger API (in-process)', () => {
  let sut: ServiceUnderTest<LedgerConfig>;
  let dir: string;
  let bus: EventBus;
  let db: DataSource;
  const txs = new TxFactory(CHANNEL);
  let auth: (token?: string) => [string, string];

  const submit = (envelope: unknown, channel = CHANNEL, token = sut.tokens.provider) =>
    request(sut.url)
      .post(`/v1/channels/${channel}/txs`)
      .set('Authorization', `Bearer ${token}`)
      .send(envelope as object);

  const committed = async (txId: string): Promise<CommittedStatus> => {
    const res = await request(sut.url)
      .get(`/v1/txs/${txId}?waitMs=10000`)
      .set(...auth());
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('committed');
    return res.body as CommittedStatus;
  };

  const submitAndCommit = async (envelope: TxEnvelope): Promise<CommittedStatus> => {
    const res = await submit(envelope);
    expect(res.status).toBe(202);
    return committed(res.body.txId as string);
  };

  const head = async (): Promise<{ height: number; blockHash: string }> =>
    getJson(sut.url, `/v1/channels/${CHANNEL}/head`, sut.tokens.user);

  const blockHash = async (height: number): Promise<string> =>
    (await getJson<{ hash: string }>(sut.url, `/v1/channels/${CHANNEL}/blocks/${height}`, sut.tokens.user)).hash;

  /** dept-b and dept-c attest our hash of every block up to the head. */
  const othersAttestUpTo = async (height: number): Promise<void> => {
    const attestations = [];
    for (let h = 0; h <= height; h++) {
      const hash = await blockHash(h);
      attestations.push(blockAttestation(b, CHANNEL, h, hash), blockAttestation(c, CHANNEL, h, hash));
    }
    await publishAttestations(bus, CHANNEL, attestations);
  };

  const isFinal = async (height: number): Promise<boolean> =>
    (await getJson<{ final: boolean }>(sut.url, `/v1/channels/${CHANNEL}/blocks/${height}`, sut.tokens.user)).final;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-ledger-api-'));
    sut = await startServiceForTest(ledgerService, {
      env: { ACCORD_KEYS_FILE: await writeKeysFile(dir, self), ACCORD_LEDGER_SIG_WORKERS: '1' },
    });
    auth = (token = sut.tokens.user) => ['Authorization', `Bearer ${token}`];
    bus = sut.service.app.get<EventBus>(EVENT_BUS);
    db = sut.service.app.get(DataSource);
    const genesis = txs.genesis(self, 'alliance', [self, b, c], {
      maxTxPerBlock: 4,
      batchTimeoutMs: 20,
      maxTxBytes: 2048,
    });
    const created = await request(sut.url)
      .post('/v1/channels')
      .set(...auth(sut.tokens.sysadmin))
      .send(genesis);
    expect(created.status).toBe(202);
    await committed(computeTxId(genesis.body));
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  describe('submission', () => {
    it('publishes an envelope and answers 202 with its txId and where to poll', async () => {
      const envelope = txs.tx(b, 'test.note', { n: 1 });
      const txId = computeTxId(envelope.body);
      const res = await submit(envelope);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        txId,
        status: 'pending',
        statusUrl: `/v1/txs/${txId}?sig=${envelope.sig}`,
        duplicate: false,
        channel: CHANNEL,
      });
      const status = await committed(txId);
      expect(status).toMatchObject({
        txId,
        channel: CHANNEL,
        code: 'valid',
        blockHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });

    it('does not publish a duplicate again, whether pending or committed', async () => {
      const envelope = txs.tx(b, 'test.note', { n: 'dup' });
      const txId = computeTxId(envelope.body);
      const answers = await Promise.all([submit(envelope), submit(envelope), submit(envelope), submit(envelope)]);
      expect(answers.map((a) => a.body.txId)).toEqual([txId, txId, txId, txId]);
      expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
      for (const a of answers) expect(a.status).toBe(a.body.status === 'committed' ? 200 : 202);
      const status = await committed(txId);
      const again = await submit(envelope);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        txId,
        status: 'committed',
        duplicate: true,
        height: status.height,
        index: status.index,
        code: 'valid',
      });
      // Exactly one occurrence in the chain: no replayed copy was published.
      const page = await getJson<{ txs: { txId: string }[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/members/dept-b/txs?limit=500`,
        sut.tokens.user,
      );
      expect(page.txs.filter((t) => t.txId === txId)).toHaveLength(1);
    });

    it('long-polls a tx until it is committed', async () => {
      const envelope = txs.tx(c, 'test.note', { n: 'poll' });
      const txId = computeTxId(envelope.body);
      const poll = request(sut.url)
        .get(`/v1/txs/${txId}?waitMs=10000`)
        .set(...auth());
      await new Promise((r) => setTimeout(r, 50));
      expect((await submit(envelope)).status).toBe(202);
      const res = await poll;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ txId, status: 'committed', code: 'valid', envelope });
    });

    it('commits a non-member tx with its validity code', async () => {
      const status = await submitAndCommit(txs.tx(outsider, 'test.note', { n: 'intruder' }));
      expect(status.code).toBe('unknown_member');
    });

    it('rejects what is not a well-formed envelope for the channel with 400 and the protocol reason', async () => {
      const garbage = await submit({ hello: 'world' });
      expect(garbage.status).toBe(400);
      expect(garbage.body).toMatchObject({ error: 'envelope_invalid', details: { reason: 'tx.invalid' } });
      const fraction = await submit({ ...txs.tx(b), body: { ...txs.tx(b).body, nonce: 1.5 } });
      expect(fraction.status).toBe(400);
      expect(fraction.body.details.reason).toBe('json.number_not_integer');
      const other = await submit(txs.tx(b, 'test.note', {}, { channel: 'other-channel' }));
      expect(other.status).toBe(400);
      expect(other.body.details.reason).toBe('tx.wrong_channel');
      const big = await submit(txs.tx(b, 'test.note', { blob: 'x'.repeat(3000) }));
      expect(big.status).toBe(400);
      expect(big.body).toMatchObject({
        error: 'envelope_invalid',
        details: { reason: 'tx.too_large', maxTxBytes: 2048 },
      });
      const notJson = await request(sut.url)
        .post(`/v1/channels/${CHANNEL}/txs`)
        .set(...auth(sut.tokens.provider))
        .set('Content-Type', 'application/json')
        .send('{"body":');
      expect(notJson.status).toBe(400);
    });

    it('answers 404 for a channel this ledger does not follow, 401 without a token and 403 without a submitting role', async () => {
      const unknown = await submit(txs.tx(b, 'test.note', {}, { channel: 'nowhere' }), 'nowhere');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toBe('channel_not_found');
      expect((await request(sut.url).post(`/v1/channels/${CHANNEL}/txs`).send(txs.tx(b))).status).toBe(401);
      expect((await submit(txs.tx(b), CHANNEL, sut.tokens.sysadmin)).status).toBe(403);
      expect((await submit(txs.tx(b), CHANNEL, sut.tokens.user)).status).toBe(202);
    });

    it('answers 404 for a tx it has never seen, also after a wait, and 400 for a malformed id', async () => {
      const unknown = '0'.repeat(64);
      expect(
        (
          await request(sut.url)
            .get(`/v1/txs/${unknown}`)
            .set(...auth())
        ).status,
      ).toBe(404);
      const waited = await request(sut.url)
        .get(`/v1/txs/${unknown}?waitMs=100`)
        .set(...auth());
      expect(waited.status).toBe(404);
      expect(waited.body.error).toBe('tx_not_found');
      expect(
        (
          await request(sut.url)
            .get('/v1/txs/xyz')
            .set(...auth())
        ).status,
      ).toBe(400);
      expect(
        (
          await request(sut.url)
            .get(`/v1/txs/${unknown}?waitMs=-1`)
            .set(...auth())
        ).status,
      ).toBe(400);
    });
  });

  describe('queries', () => {
    it('serves the head, blocks by height and paged ranges that hash correctly', async () => {
      const top = await head();
      expect(top.height).toBeGreaterThanOrEqual(1);
      const blocks: Block[] = [];
      let from: number | null = 0;
      while (from !== null) {
        const page: { blocks: { header: Block['header']; hash: string }[]; next: number | null } = await getJson(
          sut.url,
          `/v1/channels/${CHANNEL}/blocks?from=${from}&limit=2`,
          sut.tokens.user,
        );
        for (const summary of page.blocks) {
          expect(computeBlockHash(summary.header)).toBe(summary.hash);
          const full = await getJson<{ block: Block; txIds: (string | null)[] }>(
            sut.url,
            `/v1/channels/${CHANNEL}/blocks/${summary.header.height}`,
            sut.tokens.user,
          );
          expect(full.block.hash).toBe(summary.hash);
          expect(full.txIds).toHaveLength(full.block.txs.length);
          blocks.push(full.block);
        }
        from = page.next;
      }
      expect(blocks.map((blk) => blk.header.height)).toEqual(blocks.map((_, i) => i));
      expect(blocks[blocks.length - 1].hash).toBe(top.blockHash);
      const genesis = blocks[0].txs[0];
      expect('envelope' in genesis && genesis.envelope.body.type).toBe('channel.genesis');
      const missing = await request(sut.url)
        .get(`/v1/channels/${CHANNEL}/blocks/999999`)
        .set(...auth());
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('block_not_found');
      expect(
        (
          await request(sut.url)
            .get('/v1/channels/nowhere/head')
            .set(...auth())
        ).status,
      ).toBe(404);
    });

    it('pages the txs of a member', async () => {
      const first = await getJson<{ txs: { txId: string; height: number; index: number }[]; next: string | null }>(
        sut.url,
        `/v1/channels/${CHANNEL}/members/dept-b/txs?limit=1`,
        sut.tokens.user,
      );
      expect(first.txs).toHaveLength(1);
      expect(first.next).toBe(`${first.txs[0].height}:${first.txs[0].index}`);
      const second = await getJson<{ txs: { txId: string }[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/members/dept-b/txs?after=${first.next}&limit=500`,
        sut.tokens.user,
      );
      expect(second.txs.length).toBeGreaterThan(0);
      expect(second.txs.map((t) => t.txId)).not.toContain(first.txs[0].txId);
      expect(
        (
          await request(sut.url)
            .get(`/v1/channels/${CHANNEL}/members/dept-b/txs?after=nope`)
            .set(...auth())
        ).status,
      ).toBe(400);
    });

    it('shows members with status, their keys at a height, and the finality quorum', async () => {
      const view = await getJson<{ kind: string; finalityQuorum: number; members: { id: string; status: string }[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/members`,
        sut.tokens.user,
      );
      expect(view.kind).toBe('alliance');
      expect(view.finalityQuorum).toBe(3);
      expect(view.members.map((m) => [m.id, m.status])).toEqual([
        ['dept-b', 'active'],
        ['dept-c', 'active'],
        ['test-dept', 'active'],
      ]);
      const keys = await getJson<Members>(sut.url, `/v1/channels/${CHANNEL}/members/keys?height=0`, sut.tokens.user);
      expect(keys).toEqual({
        'dept-b': { ed25519: b.keys.ed25519.publicKey, x25519: b.keys.x25519.publicKey },
        'dept-c': { ed25519: c.keys.ed25519.publicKey, x25519: c.keys.x25519.publicKey },
        'test-dept': { ed25519: self.keys.ed25519.publicKey, x25519: self.keys.x25519.publicKey },
      });
    });
  });

  describe('attestations, finality and proofs', () => {
    let proven: CommittedStatus;

    it('makes a block final once every member attested it, and serves a proof the offline verifier accepts', async () => {
      proven = await submitAndCommit(txs.tx(b, 'test.note', { n: 'prove me' }));
      const early: TxProof = await getJson(sut.url, `/v1/txs/${proven.txId}/proof`, sut.tokens.user);
      const keys = await getJson<Members>(
        sut.url,
        `/v1/channels/${CHANNEL}/members/keys?height=${proven.height}`,
        sut.tokens.user,
      );
      expect(verifyTxProof(early, keys)).toMatchObject({ ok: false, code: 'proof.quorum_not_met' });

      await othersAttestUpTo((await head()).height);
      await waitFor('block final', () => isFinal(proven.height));
      expect((await committed(proven.txId)).final).toBe(true);
      const view = await getJson<{ attesters: string[]; required: number }>(
        sut.url,
        `/v1/channels/${CHANNEL}/blocks/${proven.height}/attestations`,
        sut.tokens.user,
      );
      expect(view).toMatchObject({ required: 3, attesters: ['dept-b', 'dept-c', 'test-dept'] });

      const proof: TxProof = await getJson(sut.url, `/v1/txs/${proven.txId}/proof`, sut.tokens.user);
      expect(verifyTxProof(proof, keys)).toMatchObject({
        ok: true,
        txId: proven.txId,
        height: proven.height,
        index: proven.index,
        validity: 'valid',
        attesters: ['dept-b', 'dept-c', 'test-dept'],
      });

      await writeFile(join(dir, 'proof.json'), JSON.stringify(proof));
      await writeFile(join(dir, 'members.json'), JSON.stringify(keys));
      const cli = await runAccordCli(['verify-proof', join(dir, 'proof.json'), '--keys', join(dir, 'members.json')]);
      expect(cli).toMatchObject({ code: 0, stdout: expect.stringContaining(`OK: tx ${proven.txId}`) });
      await writeFile(
        join(dir, 'forged.json'),
        JSON.stringify({
          ...proof,
          envelope: { ...proof.envelope, body: { ...proof.envelope.body, payload: { n: 'forged' } } },
        }),
      );
      const forged = await runAccordCli([
        'verify-proof',
        join(dir, 'forged.json'),
        '--keys',
        join(dir, 'members.json'),
      ]);
      expect(forged.code).toBe(1);
      expect(forged.stdout).toContain('INVALID');
    }, 60_000);

    it('proves the chain up to one height is a prefix of the chain up to another', async () => {
      const top = (await head()).height;
      const proof = await getJson<{ size1: number; size2: number; root1: string; root2: string; proof: string[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/consistency?from=1&to=${top}`,
        sut.tokens.user,
      );
      expect(proof).toMatchObject({ size1: 2, size2: top + 1 });
      const hashes = await Promise.all(Array.from({ length: top + 1 }, (_, h) => blockHash(h)));
      const tree = MerkleTree.fromLeafData(hashes.map((h) => fromHex(h)));
      expect(proof.root1).toBe(toHex(tree.root(2)));
      expect(proof.root2).toBe(toHex(tree.root()));
      const ok = verifyConsistency(
        proof.size1,
        proof.size2,
        proof.proof.map((h) => fromHex(h)),
        fromHex(proof.root1),
        fromHex(proof.root2),
      );
      expect(ok).toEqual({ ok: true });
      const bad = await request(sut.url)
        .get(`/v1/channels/${CHANNEL}/consistency?from=${top}&to=0`)
        .set(...auth());
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('range_invalid');
    });

    it('raises a fork alert when a member attests another hash, and skips garbage on the attestation topic', async () => {
      const height = proven.height;
      const wrong = '1'.repeat(64);
      await publishAttestations(bus, CHANNEL, [
        new Uint8Array([0xff, 0x00, 0x13]),
        canonicalBytes({ not: 'an attestation' }),
        blockAttestation(c, CHANNEL, height, wrong),
      ]);
      const alerts = await waitFor('fork alert', async () => {
        const list = await getJson<{
          alerts: {
            kind: string;
            reason: string;
            member: string;
            height: number;
            expected: string;
            observed: string[];
          }[];
        }>(sut.url, `/v1/alerts?channel=${CHANNEL}`, sut.tokens.operations);
        return list.alerts.some((a) => a.kind === 'block') ? list.alerts : undefined;
      });
      expect(alerts).toContainEqual(
        expect.objectContaining({
          kind: 'block',
          member: 'dept-c',
          height,
          expected: await blockHash(height),
          observed: expect.arrayContaining([wrong]),
        }),
      );
      const metrics = await request(sut.url).get('/metrics');
      expect(metrics.text).toMatch(/accord_ledger_fork_alerts_total\{[^}]*reason="equivocation"/);
      expect(sut.logLines.some((line) => line.includes('"level":"error"') && line.includes('fork alert'))).toBe(true);
      // The collector went on past the garbage: a later attestation is still stored.
      const next = await submitAndCommit(txs.tx(b, 'test.note', { n: 'after garbage' }));
      await othersAttestUpTo(next.height);
      await waitFor('block after garbage final', () => isFinal(next.height));
    }, 30_000);

    it('raises an alert when the contracts of two members attest different state digests', async () => {
      const height = proven.height;
      const hash = await blockHash(height);
      await publishAttestations(bus, CHANNEL, [
        stateAttestation(self, CHANNEL, height, hash, 'a'.repeat(64)),
        stateAttestation(b, CHANNEL, height, hash, 'b'.repeat(64)),
      ]);
      await waitFor('state alert', async () => {
        const list = await getJson<{ alerts: { kind: string; reason: string; member: string; field: string }[] }>(
          sut.url,
          `/v1/alerts?channel=${CHANNEL}`,
          sut.tokens.user,
        );
        return list.alerts.find(
          (a) => a.kind === 'state' && a.reason === 'divergent' && a.member === 'dept-b' && a.field === 'stateDigest',
        );
      });
    });

    it('drops attestations of non-members and with bad signatures', async () => {
      const next = await submitAndCommit(txs.tx(c, 'test.note', { n: 'attest me' }));
      const hash = await blockHash(next.height);
      const forgedByB = {
        ...blockAttestation(c, CHANNEL, next.height, hash),
        body: { ...blockAttestation(c, CHANNEL, next.height, hash).body, from: 'dept-b' },
      };
      await publishAttestations(bus, CHANNEL, [
        blockAttestation(outsider, CHANNEL, next.height, hash),
        forgedByB,
        blockAttestation(c, CHANNEL, next.height, hash),
      ]);
      const view = await waitFor('own and dept-c attestations counted', async () => {
        const seen = await getJson<{ attesters: string[]; attestations: { body: { from: string } }[] }>(
          sut.url,
          `/v1/channels/${CHANNEL}/blocks/${next.height}/attestations`,
          sut.tokens.user,
        );
        return seen.attesters.length === 2 ? seen : undefined;
      });
      expect(view.attesters).toEqual(['dept-c', 'test-dept']);
      expect(view.attestations.map((a) => a.body.from).sort()).toEqual(['dept-c', 'test-dept']);
      expect(await isFinal(next.height)).toBe(false);
      const metrics = await request(sut.url).get('/metrics');
      expect(metrics.text).toMatch(/accord_ledger_attestations_dropped_total\{[^}]*reason="not_a_member"/);
      expect(metrics.text).toMatch(/accord_ledger_attestations_dropped_total\{[^}]*reason="bad_signature"/);
    });

    it('parks what is not an attestation of the channel on its dead-letter topic, counted and logged with its offset', async () => {
      const dlq = deadLetterTopic(self.id, 'ledger-attestations');
      const before = await bus.endOffset(dlq).catch(() => 0);
      const start = await bus.endOffset(attestTopic(CHANNEL));
      const good = blockAttestation(c, CHANNEL, 0, await blockHash(0));
      await publishAttestations(bus, CHANNEL, [
        Buffer.from('{"half":'),
        blockAttestation(c, 'elsewhere', 0, 'ab'.repeat(32)),
        canonicalBytes({ ...good, body: { ...good.body, v: 2 } }),
      ]);
      const parked = await waitFor('three dead letters', async () => {
        const found = await bus.read(dlq, before, 100).catch(() => []);
        return found.length >= 3 ? found : undefined;
      });
      const events = parked.map((m) => parkedEventSchema.parse(JSON.parse(Buffer.from(m.value).toString('utf8'))));
      expect(events.map((e) => [e.topic, e.offset, e.consumer, e.reason.code])).toEqual([
        [attestTopic(CHANNEL), start, 'ledger-attestations', 'event_not_json'],
        [attestTopic(CHANNEL), start + 1, 'ledger-attestations', 'attestation_wrong_channel'],
        [attestTopic(CHANNEL), start + 2, 'ledger-attestations', 'event_invalid'],
      ]);
      expect(Buffer.from(events[0].value, 'hex').toString()).toBe('{"half":');
      const metrics = (await request(sut.url).get('/metrics')).text;
      expect(metrics).toMatch(/accord_events_parked_total\{[^}]*code="event_not_json"/);
      expect(metrics).toMatch(/accord_events_parked_total\{[^}]*code="attestation_wrong_channel"[^}]*\} 1/);
      for (const offset of [start, start + 1, start + 2])
        expect(sut.logLines.some((l) => l.includes('parked record') && l.includes(`"offset":${offset},`))).toBe(true);
      // The collector went on: it stores an attestation published after the garbage.
      const next = await submitAndCommit(txs.tx(c, 'test.note', { n: 'after parking' }));
      await publishAttestations(bus, CHANNEL, [
        blockAttestation(c, CHANNEL, next.height, await blockHash(next.height)),
      ]);
      await waitFor('the attestation after the garbage', async () => {
        const seen = await getJson<{ attesters: string[] }>(
          sut.url,
          `/v1/channels/${CHANNEL}/blocks/${next.height}/attestations`,
          sut.tokens.user,
        );
        return seen.attesters.includes('dept-c') ? true : undefined;
      });
    });
  });

  describe('governance through the API', () => {
    it('admits an applicant by majority vote, then flags its txs after it leaves', async () => {
      const before = await submitAndCommit(txs.tx(applicant, 'test.note', { n: 'too early' }));
      expect(before.code).toBe('unknown_member');
      const request_ = await submitAndCommit(txs.joinRequest(applicant));
      expect(request_.code).toBe('valid');
      const open = await getJson<{
        proposals: { id: string; type: string; tally: { yes: number; approveAt: number } }[];
      }>(sut.url, `/v1/channels/${CHANNEL}/proposals`, sut.tokens.user);
      expect(open.proposals).toEqual([
        expect.objectContaining({
          id: request_.txId,
          type: 'member.join',
          tally: expect.objectContaining({ yes: 0, approveAt: 2 }),
        }),
      ]);
      expect((await submitAndCommit(txs.joinVote(b, request_.txId, true))).code).toBe('valid');
      const halfway = await getJson<{ proposals: { tally: { yes: number } }[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/proposals`,
        sut.tokens.user,
      );
      expect(halfway.proposals[0].tally.yes).toBe(1);
      expect((await submitAndCommit(txs.joinVote(self, request_.txId, true))).code).toBe('valid');
      const members = await getJson<{ members: { id: string; status: string }[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/members`,
        sut.tokens.user,
      );
      expect(members.members).toContainEqual(expect.objectContaining({ id: 'dept-d', status: 'active' }));
      expect(
        (await getJson<{ proposals: unknown[] }>(sut.url, `/v1/channels/${CHANNEL}/proposals`, sut.tokens.user))
          .proposals,
      ).toEqual([]);
      expect((await submitAndCommit(txs.tx(applicant, 'test.note', { n: 'member now' }))).code).toBe('valid');
      expect((await submitAndCommit(txs.leave(applicant))).code).toBe('valid');
      expect((await submitAndCommit(txs.tx(applicant, 'test.note', { n: 'gone' }))).code).toBe('removed_member');
      const events = await getJson<{ events: { type: string }[] }>(
        sut.url,
        `/v1/channels/${CHANNEL}/governance-events?limit=500`,
        sut.tokens.user,
      );
      expect(events.events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['channel_created', 'proposal_opened', 'vote_cast', 'member_admitted', 'member_left']),
      );
    }, 30_000);
  });

  describe('audit', () => {
    const audit = (body: object, token = sut.tokens.operations) =>
      request(sut.url).post(`/v1/channels/${CHANNEL}/audit`).set('Authorization', `Bearer ${token}`).send(body);

    it('is for operations and data administrators, over a valid range', async () => {
      expect((await audit({}, sut.tokens.provider)).status).toBe(403);
      const bad = await audit({ fromHeight: 0, toHeight: 1_000_000 });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('range_invalid');
      expect((await audit({ fromHeight: 'zero' })).status).toBe(400);
    });

    it('passes an untouched chain', async () => {
      const top = await head();
      const res = await audit({}, sut.tokens.dataadmin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: true,
        fromHeight: 0,
        toHeight: top.height,
        blocks: top.height + 1,
        blockHash: top.blockHash,
      });
    });

    it('finds a tx row altered by hand at its height', async () => {
      const target = await submitAndCommit(txs.tx(b, 'test.note', { amount: 10 }));
      const [row] = (await db.query('SELECT bytes FROM ledger_tx WHERE channel = $1 AND height = $2 AND idx = $3', [
        CHANNEL,
        target.height,
        target.index,
      ])) as { bytes: Buffer }[];
      const envelope = JSON.parse(row.bytes.toString('utf8')) as TxEnvelope;
      const altered = Buffer.from(
        canonicalBytes({ ...envelope, body: { ...envelope.body, payload: { amount: 1000 } } }),
      );
      await db.query('UPDATE ledger_tx SET bytes = $4 WHERE channel = $1 AND height = $2 AND idx = $3', [
        CHANNEL,
        target.height,
        target.index,
        altered,
      ]);
      try {
        const res = await audit({});
        expect(res.body).toMatchObject({ ok: false, height: target.height, code: 'chain.tx_root_mismatch' });
        // Heights above it are still sound (anchored on its header, which was not touched).
        if (target.height < (await head()).height)
          expect((await audit({ fromHeight: target.height + 1 })).body.ok).toBe(true);
        const alerts = await getJson<{ alerts: { kind: string; reason: string; height: number }[] }>(
          sut.url,
          `/v1/alerts?channel=${CHANNEL}`,
          sut.tokens.user,
        );
        expect(alerts.alerts).toContainEqual(
          expect.objectContaining({ kind: 'audit', reason: 'chain.tx_root_mismatch', height: target.height }),
        );
      } finally {
        await db.query('UPDATE ledger_tx SET bytes = $4 WHERE channel = $1 AND height = $2 AND idx = $3', [
          CHANNEL,
          target.height,
          target.index,
          row.bytes,
        ]);
      }
      expect((await audit({})).body.ok).toBe(true);
    }, 30_000);

    it("catches a consistently rewritten chain through the other members' attestations", async () => {
      const intruder = await submitAndCommit(txs.tx(outsider, 'test.note', { claim: 'original' }));
      const top = (await head()).height;
      await othersAttestUpTo(top);
      await waitFor("the others' attestations stored", async () => {
        const view = await getJson<{ attesters: string[] }>(
          sut.url,
          `/v1/channels/${CHANNEL}/blocks/${top}/attestations`,
          sut.tokens.user,
        );
        return view.attesters.includes('dept-b') && view.attesters.includes('dept-c');
      });
      // Rewrite the outsider's tx (its signature is never checked) and relink every block from there on, as a careful forger would.
      const [row] = (await db.query('SELECT bytes FROM ledger_tx WHERE channel = $1 AND height = $2 AND idx = $3', [
        CHANNEL,
        intruder.height,
        intruder.index,
      ])) as { bytes: Buffer }[];
      const envelope = JSON.parse(row.bytes.toString('utf8')) as TxEnvelope;
      await db.query('UPDATE ledger_tx SET bytes = $4 WHERE channel = $1 AND height = $2 AND idx = $3', [
        CHANNEL,
        intruder.height,
        intruder.index,
        Buffer.from(canonicalBytes({ ...envelope, body: { ...envelope.body, payload: { claim: 'rewritten' } } })),
      ]);
      let prevHash = await blockHash(intruder.height - 1);
      for (let h = intruder.height; h <= top; h++) {
        const { block } = await getJson<{ block: Block }>(
          sut.url,
          `/v1/channels/${CHANNEL}/blocks/${h}`,
          sut.tokens.user,
        );
        const leaves = block.txs.map((t) =>
          canonicalBytes('envelope' in t ? { envelope: t.envelope, code: t.code } : { raw: t.raw, code: t.code }),
        );
        const header = { ...block.header, prevHash, txRoot: toHex(MerkleTree.fromLeafData(leaves).root()) };
        const hash = computeBlockHash(header);
        await db.query(
          'UPDATE ledger_block SET prev_hash = $3, tx_root = $4, hash = $5 WHERE channel = $1 AND height = $2',
          [CHANNEL, h, prevHash, header.txRoot, hash],
        );
        prevHash = hash;
      }
      const res = await audit({});
      expect(res.body).toMatchObject({
        ok: false,
        height: intruder.height,
        code: 'audit.attestation_mismatch',
        members: ['dept-b', 'dept-c'],
      });
    }, 30_000);
  });
});
