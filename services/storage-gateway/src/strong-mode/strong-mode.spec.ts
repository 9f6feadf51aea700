import { MAX_STRONG_RECORD_BYTES } from '@accord/data-plane';
import { unwrapDataKey } from '@accord/protocol';
import { gatewayApi, type GatewayDepartment } from '../testing/gateway-department.fixture';
import { keyShareContext, KeySharer } from './key.sharer';
import { KeyShareRepository } from './key-share.repository';
import { openRecord } from './strong-record.cipher';
import {
  grantTo,
  publishRecord,
  registerDataset,
  rowWhen,
  rows,
  startStrongModeWorld,
  verifiedProof,
  type StrongModeWorld,
} from './testing/strong-mode.fixture';

// Three departments on one channel (ledger, contracts and gateway each;
// embedded log, PGlite): a owns a strong-mode dataset, b is granted it,
// c is a member without a grant. a's records go on the chain encrypted; a's
// gateway shares each record's key with b; b's gateway decrypts, c cannot.
describe('strong mode: records on the chain, keys shared with grantees', () => {
  let world: StrongModeWorld;
  let a: GatewayDepartment;
  let b: GatewayDepartment;
  let c: GatewayDepartment;
  let dataset: string;
  let grantId: string;
  const alice = JSON.stringify({ name: 'Alice Example', nationalId: 'X-4431-PLAINTEXT', address: '12 Harbour Road' });
  const bob = 'name,nationalId\nBob Example,Y-9923-PLAINTEXT\n';
  const ids: Record<string, string> = {};

  const content = (d: GatewayDepartment, txId: string, role: 'user' | 'provider' = 'user') =>
    gatewayApi(d.gateway, role).get(`/v1/records/${txId}/content`);
  const committedAtOwner = (txId: string) =>
    rowWhen(
      a,
      `record ${txId.slice(0, 12)} committed at a`,
      'SELECT height, wrapped_key FROM gateway_record WHERE tx_id = $1',
      [txId],
      (r) => Number(r.height) >= 0 && r.wrapped_key !== null,
    );
  const shareAt = (d: GatewayDepartment, record: string) =>
    rowWhen(
      d,
      `a key share of ${record.slice(0, 12)} for b`,
      'SELECT * FROM gateway_key_share WHERE grant_id = $1 AND record_tx_id = $2',
      [grantId, record],
    );

  beforeAll(async () => {
    world = await startStrongModeWorld('strong', ['a', 'b', 'c']);
    [a, b, c] = world.departments as [GatewayDepartment, GatewayDepartment, GatewayDepartment];
    dataset = await registerDataset(world, 'residents', 'strong');
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it("publishes a record encrypted; the grantee's gateway receives its key and returns the exact plaintext", async () => {
    ids.alice = await publishRecord(world, dataset, 'alice', alice);
    await committedAtOwner(ids.alice);
    // The owner reads its own record with its KEK (provider and user alike).
    const own = await content(a, ids.alice, 'provider').expect(200);
    expect(own.headers['content-type']).toMatch(/^application\/json/);
    expect(own.text).toBe(alice);

    grantId = await grantTo(world, b, dataset);
    await shareAt(b, ids.alice);
    const shared = await content(b, ids.alice).expect(200);
    expect(shared.headers['content-type']).toMatch(/^application\/json/);
    expect(shared.text).toBe(alice);
    const listed = await gatewayApi(b.gateway, 'user').get(`/v1/records?channel=${world.channel}&dataset=${dataset}`);
    expect(listed.status).toBe(200);
    expect(listed.body.records).toEqual([
      expect.objectContaining({
        txId: ids.alice,
        owner: a.member.id,
        record: 'alice',
        origin: 'shared',
        erasedBy: null,
      }),
    ]);
  });

  it('c, without a grant, gets no key: its gateway cannot decrypt, nor can its key open the share made for b', async () => {
    await rowWhen(c, 'the share for b projected at c', 'SELECT 1 FROM gateway_key_share WHERE record_tx_id = $1', [
      ids.alice,
    ]);
    await content(c, ids.alice)
      .expect(404)
      .expect((res) => expect(res.body.error).toBe('record_not_shared'));
    expect((await gatewayApi(c.gateway, 'user').get(`/v1/records?channel=${world.channel}`)).body.records).toEqual([]);
    const [share] = await rows(c, 'SELECT wrapped_key FROM gateway_key_share WHERE record_tx_id = $1', [ids.alice]);
    const context = keyShareContext(world.channel, dataset, grantId, ids.alice as string);
    const wrapped = JSON.parse(share?.wrapped_key as string);
    expect(() => unwrapDataKey(wrapped, c.member.keys.x25519.privateKey, context)).toThrow(
      expect.objectContaining({ code: 'wrap.unwrap_failed' }),
    );
    // b's private key opens it: the share is b's alone.
    expect(unwrapDataKey(wrapped, b.member.keys.x25519.privateKey, context)).toHaveLength(32);
  });

  it('keeps only ciphertext on the chain (the committed strong.record tx, read from the ledger API)', async () => {
    const proof = await verifiedProof(a, world.channel, ids.alice as string);
    const onChain = JSON.stringify(proof.envelope);
    expect(proof.envelope.body.type).toBe('strong.record');
    for (const secret of [
      'Alice Example',
      'X-4431-PLAINTEXT',
      'Harbour',
      Buffer.from(alice).toString('base64').slice(0, 24),
    ])
      expect(onChain).not.toContain(secret);
    const [row] = await rows(b, 'SELECT ciphertext, iv FROM gateway_record WHERE tx_id = $1', [ids.alice]);
    expect(proof.envelope.body.payload).toMatchObject({ alg: 'A256GCM', ciphertext: row?.ciphertext, iv: row?.iv });
  });

  it('shares a record published after the grant as well (CSV)', async () => {
    ids.bob = await publishRecord(world, dataset, 'bob', bob, 'text/csv');
    await shareAt(b, ids.bob);
    const shared = await content(b, ids.bob).expect(200);
    expect(shared.headers['content-type']).toMatch(/^text\/csv/);
    expect(shared.text).toBe(bob);
  });

  it('after a revocation: no share for a new record; b keeps the keys it was given, its gateway declines to use them', async () => {
    await world.txs.send(a.member, 'access.revoke', { grant: grantId, reason: 'purpose fulfilled' });
    await rowWhen(
      a,
      'the grant revoked at a',
      'SELECT status FROM gateway_grant WHERE grant_id = $1',
      [grantId],
      (r) => r.status === 'revoked',
    );
    await rowWhen(
      b,
      'the grant revoked at b',
      'SELECT status FROM gateway_grant WHERE grant_id = $1',
      [grantId],
      (r) => r.status === 'revoked',
    );
    ids.carol = await publishRecord(world, dataset, 'carol', JSON.stringify({ name: 'Carol Example' }));
    await committedAtOwner(ids.carol);
    await rowWhen(
      b,
      'carol committed at b',
      'SELECT height FROM gateway_record WHERE tx_id = $1',
      [ids.carol],
      (r) => Number(r.height) >= 0,
    );
    await a.gateway.service.app.get(KeySharer).reconcile();
    // Nothing is missing for a revoked grant, so nothing is or will be shared.
    expect(await a.gateway.service.app.get(KeyShareRepository).missing(a.member.id)).toEqual([]);
    expect(await rows(a, 'SELECT 1 FROM gateway_key_share WHERE record_tx_id = $1', [ids.carol])).toEqual([]);
    await content(b, ids.carol)
      .expect(404)
      .expect((res) => expect(res.body.error).toBe('record_not_shared'));
    // b's gateway honours the revocation for the records shared before...
    await content(b, ids.alice)
      .expect(403)
      .expect((res) => expect(res.body.error).toBe('record_grant_ended'));
    // ...but the key given to b cannot be taken back: b's private key still opens it and decrypts the record.
    const [share] = await rows(b, 'SELECT wrapped_key FROM gateway_key_share WHERE record_tx_id = $1', [ids.alice]);
    const [record] = await rows(b, 'SELECT * FROM gateway_record WHERE tx_id = $1', [ids.alice]);
    const dataKey = unwrapDataKey(
      JSON.parse(share?.wrapped_key as string),
      b.member.keys.x25519.privateKey,
      keyShareContext(world.channel, dataset, grantId, ids.alice as string),
    );
    const place = { channel: world.channel, dataset, record: 'alice' };
    expect(openRecord(dataKey, place, record as { iv: string; ciphertext: string })?.toString()).toBe(alice);
  });

  describe('bad input', () => {
    const post = (d: GatewayDepartment, role: 'provider' | 'user', body: object) =>
      gatewayApi(d.gateway, role).post('/v1/records', body);
    const body = (changes: object = {}) => ({
      channel: world.channel,
      dataset,
      record: 'dave',
      mediaType: 'application/json',
      content: '{"name":"Dave"}',
      ...changes,
    });

    it('refuses callers without the provider role (403 forbidden)', async () => {
      await post(a, 'user', body())
        .expect(403)
        .expect((res) => expect(res.body.error).toBe('forbidden'));
      await gatewayApi(a.gateway, 'operations').get(`/v1/records?channel=${world.channel}`).expect(403);
    });

    it("refuses another department's dataset (403 not_owner)", async () => {
      await post(b, 'provider', body())
        .expect(403)
        .expect((res) => expect(res.body.error).toBe('not_owner'));
    });

    it('refuses oversized records (413 record_too_large) and JSON that does not parse (400 record_content_invalid)', async () => {
      await post(a, 'provider', body({ mediaType: 'text/csv', content: 'x'.repeat(MAX_STRONG_RECORD_BYTES + 1) }))
        .expect(413)
        .expect((res) => expect(res.body.error).toBe('record_too_large'));
      await post(a, 'provider', body({ content: '{"name": "Dave"' }))
        .expect(400)
        .expect((res) => expect(res.body.error).toBe('record_content_invalid'));
      await post(a, 'provider', body({ mediaType: 'text/plain' })).expect(400);
      await post(a, 'provider', body({ record: 'Not A Token' })).expect(400);
      // Nothing of a refused record was kept.
      expect(await rows(a, "SELECT tx_id FROM gateway_record WHERE record = 'dave'")).toEqual([]);
    });

    it('refuses a channel the gateway does not follow (404 channel_not_found)', async () => {
      await post(a, 'provider', body({ channel: 'nowhere' }))
        .expect(404)
        .expect((res) => expect(res.body.error).toBe('channel_not_found'));
    });

    it("answers unknown records with 404 record_not_found, and a provider-only caller of another's record with 403", async () => {
      await content(b, 'ab'.repeat(32))
        .expect(404)
        .expect((res) => expect(res.body.error).toBe('record_not_found'));
      await content(b, ids.bob as string, 'provider')
        .expect(403)
        .expect((res) => expect(res.body.error).toBe('forbidden'));
    });
  });
});
