import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACCORD_GRANT_HEADER, signRequest, TRANSFER_SIGNATURE_TAG } from '@accord/data-plane';
import { generateMemberKeys } from '@accord/protocol';
import {
  GatewayAttackNetwork,
  sha256Hex,
  waitUntil,
  type AttackDepartment,
  type GatewayObjectView,
} from './testing/gateway-attack.network';
import { GatewayAttackSummary } from './testing/gateway-attack.summary';

jest.setTimeout(300_000);

/** The provider's exchange endpoint (docs/storage-gateway-transfer.md): part of the wire protocol between gateways. */
const EXCHANGE_PATH = '/v1/exchange/content';
const MiB = 1024 * 1024;
/** Plaintext bytes per segment and ciphertext bytes per segment in a piece (docs/data-plane-formats.md). */
const SEGMENT = 65_536;
const SEALED_SEGMENT = SEGMENT + 16;
/** 2.5 MiB: three 1 MiB chunks, one 8 MiB piece. */
const OBJECT_BYTES = 2.5 * MiB;

/**
 * Issue 14, item 3, the data side: attacks on the storage gateways of three
 * departments (startTestNetwork({cluster: true}): real Kafka, PostgreSQL
 * and MinIO). The provider's stored objects are altered in its MinIO
 * bucket and database behind its back; transfer requests are forged and
 * replayed at its exchange endpoint; a provider serves other bytes than it
 * anchored. Each attack must be detected or refused with its reason, and
 * none may spend a grant's access or leave data the requester keeps.
 * Every attack is written to test-output/system-proof/attacks-gateway.json.
 */
describe('data-plane attacks on the storage gateways of three departments (Kafka, PostgreSQL, MinIO)', () => {
  const summary = new GatewayAttackSummary('attacks-gateway');
  let net: GatewayAttackNetwork;
  /** health-<run>: uploads and provides; transport-<run>: holds grants; public-security-<run>: holds none. */
  let provider: AttackDepartment;
  let grantee: AttackDepartment;
  let outsider: AttackDepartment;
  const objects: Record<string, GatewayObjectView> = {};
  const grants: Record<string, string> = {};
  const contents: Record<string, Buffer> = {};
  const DATASETS = ['intact', 'flipped', 'grown', 'cut', 'header', 'row'] as const;

  const datasetOf = (name: string) => `${provider.id}/${name}`;

  /** A request for the provider's exchange endpoint, signed as `signer` (its id, its key unless `key` is given). */
  const signedExchange = (
    grantId: string,
    options: {
      signer?: AttackDepartment;
      key?: string;
      anchor?: string;
      range?: string;
      created?: number;
      nonce?: string;
    } = {},
  ) => {
    const signer = options.signer ?? grantee;
    const query = `anchor=${options.anchor ?? objects.intact.anchorTxId}`;
    const headers: Record<string, string> = { [ACCORD_GRANT_HEADER]: grantId, range: options.range ?? 'bytes=0-10' };
    const created = options.created ?? Math.floor(Date.now() / 1000);
    const signature = signRequest(
      { method: 'GET', path: EXCHANGE_PATH, query, headers },
      {
        created,
        expires: created + 60,
        nonce: options.nonce ?? randomBytes(16).toString('hex'),
        keyId: signer.id,
        tag: TRANSFER_SIGNATURE_TAG,
      },
      options.key ?? signer.ed25519PrivateKey,
    );
    return { path: `${EXCHANGE_PATH}?${query}`, headers: { ...headers, ...signature } };
  };

  /** Sends a signed exchange request to `target`'s gateway; the error code of a refusal, or `served <status>`. */
  const exchange = async (
    target: AttackDepartment,
    request: { path: string; headers: Record<string, string> },
  ): Promise<{ status: number; code: string; message: string }> => {
    const res = await fetch(`${target.urls['storage-gateway']}${request.path}`, {
      headers: request.headers,
      signal: AbortSignal.timeout(60_000),
    });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status < 300) return { status: res.status, code: `served ${res.status}`, message: '' };
    const json = JSON.parse(body.toString('utf8')) as { error: string; message: string };
    return { status: res.status, code: json.error, message: json.message };
  };

  /** The provider gateway's recorded accesses (access.use it published) under a grant. */
  const usesOf = async (grantId: string) =>
    (
      await net.gatewayDb<{ n: number }>(provider, 'SELECT count(*)::int AS n FROM gateway_use WHERE grant_id = $1', [
        grantId,
      ])
    )[0].n;

  /** What the grantee's gateway kept of a failed transfer's copy: its row and the keys left in MinIO. */
  const keptOfCopy = async (objectId: string) => {
    const rows = await net.gatewayDb<{ status: string; wrapped_key: string | null }>(
      grantee,
      'SELECT status, wrapped_key FROM gateway_object WHERE object_id = $1',
      [objectId],
    );
    const keys: string[] = [];
    for await (const item of net.minio.listObjectsV2(
      net.bucketOf(grantee),
      `objects/${objectId}/`,
      true,
    ) as AsyncIterable<{
      name?: string;
    }>)
      if (item.name) keys.push(item.name);
    return { row: rows[0], storedKeys: keys };
  };

  beforeAll(async () => {
    net = await GatewayAttackNetwork.start();
    [provider, grantee, outsider] = net.departments;
    for (const name of DATASETS) {
      contents[name] = randomBytes(OBJECT_BYTES);
      objects[name] = await net.upload(provider, name, contents[name]);
    }
    // "maps": version 1 and version 2 of the same size, different bytes (the malicious provider's swap).
    contents.maps1 = randomBytes(OBJECT_BYTES);
    contents.maps2 = randomBytes(OBJECT_BYTES);
    objects.maps1 = await net.upload(provider, 'maps', contents.maps1, 1);
    objects.maps2 = await net.upload(provider, 'maps', contents.maps2, 2);
    await Promise.all([
      net.earnPoints(grantee),
      net.earnPoints(outsider),
      ...[...DATASETS, 'maps'].map((name) =>
        net.register(provider, name, sha256Hex(contents[name] ?? contents.maps2), OBJECT_BYTES),
      ),
    ]);
    for (const name of [...DATASETS, 'maps']) grants[name] = await net.grant(grantee, provider, datasetOf(name));
    // The grantee's gateway learns anchors from its copy of the chain: every one is there before the attacks.
    await waitUntil('every anchor at the grantee', async () => {
      const rows = await net.gatewayDb<{ n: number }>(grantee, 'SELECT count(*)::int AS n FROM gateway_anchor');
      return rows[0].n >= Object.keys(objects).length ? true : undefined;
    });
  }, 300_000);

  afterAll(async () => {
    await net?.close();
  });

  it('1 · a piece altered in MinIO (same size): the provider cuts the answer at the bad segment, the requester keeps nothing; the scrubber reports it tampered; the provider then refuses it before spending an access', async () => {
    const [piece] = await net.pieceKeys(provider, objects.flipped.objectId);
    const stored = await net.readStored(provider, piece);
    // A byte of segment 24 (plaintext 1.5 MiB, chunk 1): chunk 0 still verifies, the cut comes mid-answer.
    stored[24 * SEALED_SEGMENT + 100] ^= 0x01;
    await net.writeStored(provider, piece, stored);

    const before = await net.transfer(grantee, grants.flipped);
    const kept = await keptOfCopy(before.objectId as string);
    const providerMetrics = await net.metrics(provider);
    await summary.record({
      case: '5 provider serving altered bytes',
      attack: "the provider's stored piece has one byte flipped (same size); a transfer before any scrub",
      expected: 'transfer_verification_failed',
      observed: before.error?.code ?? before.status,
      detectedBy:
        "provider's vault (GCM tag of segment 24 fails: answer cut, metric transfer_seconds{outcome=integrity_failed}); requester's VerifiedChunks (answer ends early)",
      evidence: before.error?.message,
    });
    expect(before.status).toBe('failed');
    expect(before.error?.code).toBe('transfer_verification_failed');
    expect(before.contentUrl).toBeNull();
    expect(kept).toEqual({ row: { status: 'failed', wrapped_key: null }, storedKeys: [] });
    expect(providerMetrics).toMatch(
      /accord_gateway_transfer_seconds_count\{[^}]*outcome="integrity_failed"[^}]*\} [1-9]/,
    );

    const findings = (await net.scrub(provider)).filter((f) => f.objectId === objects.flipped.objectId);
    await summary.record({
      case: '1 stored object altered in MinIO',
      attack: 'one byte of a stored piece flipped (same size)',
      expected: 'tampered',
      observed: findings.map((f) => f.kind).join(',') || 'none',
      detectedBy: 'scrubber (POST /v1/scrubber/runs): GCM tag check',
      evidence: findings[0]?.detail,
    });
    expect(findings).toEqual([expect.objectContaining({ kind: 'tampered', dataset: datasetOf('flipped') })]);
    expect(await net.metrics(provider)).toMatch(
      /accord_gateway_scrub_findings_total\{[^}]*kind="tampered"[^}]*\} [1-9]/,
    );

    const accessesBefore = await usesOf(grants.flipped);
    const after = await net.transfer(grantee, grants.flipped);
    const providerCode = providerCodeOf(after.error?.message);
    await summary.record({
      case: '1 stored object altered in MinIO',
      attack: 'a transfer of the object the scrubber found tampered',
      expected: 'object_quarantined',
      observed: providerCode,
      detectedBy: "provider's ServingIntegrityGate (open scrub finding), before access.use",
      evidence: after.error?.message,
    });
    expect(after.error?.code).toBe('transfer_refused');
    expect(providerCode).toBe('object_quarantined');
    expect(await usesOf(grants.flipped)).toBe(accessesBefore);
  });

  it('1 · a piece grown or cut in MinIO (different size): refused before any access is recorded, and reported size_mismatch by the scrubber', async () => {
    const [grownKey] = await net.pieceKeys(provider, objects.grown.objectId);
    const grown = await net.readStored(provider, grownKey);
    await net.writeStored(provider, grownKey, Buffer.concat([grown, randomBytes(100)]));
    const [cutKey] = await net.pieceKeys(provider, objects.cut.objectId);
    const cut = await net.readStored(provider, cutKey);
    await net.writeStored(provider, cutKey, cut.subarray(0, cut.length - 100));

    for (const [name, attack] of [
      ['grown', '100 random bytes appended to a stored piece'],
      ['cut', 'the last 100 bytes of a stored piece cut off'],
    ] as const) {
      const transfer = await net.transfer(grantee, grants[name]);
      const providerCode = providerCodeOf(transfer.error?.message);
      await summary.record({
        case: '1 stored object altered in MinIO',
        attack: `${attack}; a transfer without any scrub`,
        expected: 'object_quarantined',
        observed: providerCode,
        detectedBy: "provider's ServingIntegrityGate (stored part size), before access.use",
        evidence: transfer.error?.message,
      });
      expect(transfer.error?.code).toBe('transfer_refused');
      expect(providerCode).toBe('object_quarantined');
      expect(await usesOf(grants[name])).toBe(0);
      expect((await net.contractsGrant(provider, grants[name])).accessesUsed).toBe(0);
    }

    expect(await net.metrics(provider)).toMatch(
      /accord_gateway_transfer_refusals_total\{[^}]*code="object_quarantined"[^}]*\} [2-9]/,
    );

    const findings = await net.scrub(provider);
    for (const name of ['grown', 'cut']) {
      const found = findings.filter((f) => f.objectId === objects[name].objectId);
      await summary.record({
        case: '1 stored object altered in MinIO',
        attack: name === 'grown' ? '100 bytes appended to a stored piece' : 'a stored piece cut by 100 bytes',
        expected: 'size_mismatch',
        observed: found.map((f) => f.kind).join(',') || 'none',
        detectedBy: 'scrubber: stored part size against the size written',
        evidence: found[0]?.detail,
      });
      expect(found).toEqual([
        expect.objectContaining({
          kind: 'size_mismatch',
          detail: expect.stringContaining(
            name === 'grown' ? `${grown.length + 100} bytes` : `${cut.length - 100} bytes`,
          ),
        }),
      ]);
    }
  });

  it("2 · an object's header or metadata altered: the header in MinIO and the object row in the gateway's database are reported; MinIO user metadata is not relied on", async () => {
    const headerKey = `objects/${objects.header.objectId}/header`;
    const header = await net.readStored(provider, headerKey);
    header[20] ^= 0x01; // in the nonce prefix (bytes 17..23): every segment's tag now fails
    await net.writeStored(provider, headerKey, header);
    await net.gatewayDb(provider, 'UPDATE gateway_object SET sha256 = $2 WHERE object_id = $1', [
      objects.row.objectId,
      sha256Hex(Buffer.from('not the data')),
    ]);
    const [intactPiece] = await net.pieceKeys(provider, objects.intact.objectId);
    await net.writeStored(provider, intactPiece, await net.readStored(provider, intactPiece), {
      'X-Amz-Meta-Accord-Sha256': '0'.repeat(64),
      'X-Amz-Meta-Accord-Size': '1',
    });

    const findings = await net.scrub(provider);
    const kindsOf = (name: string) =>
      findings
        .filter((f) => f.objectId === objects[name].objectId)
        .map((f) => f.kind)
        .join(',') || 'none';
    const detailOf = (name: string) => findings.find((f) => f.objectId === objects[name].objectId)?.detail;
    await summary.record({
      case: '2 object header/metadata altered',
      attack: 'one byte of the stored segment header (nonce prefix) flipped in MinIO',
      expected: 'tampered',
      observed: kindsOf('header'),
      detectedBy: 'scrubber: header re-read fresh, every segment tag fails',
      evidence: detailOf('header'),
    });
    await summary.record({
      case: '2 object header/metadata altered',
      attack: "the object's sha256 in the provider gateway's database replaced",
      expected: 'hash_mismatch',
      observed: kindsOf('row'),
      detectedBy: 'scrubber: read-back digest against the object row',
      evidence: detailOf('row'),
    });
    await summary.record({
      case: '2 object header/metadata altered',
      attack: 'forged MinIO user metadata (x-amz-meta-accord-sha256/size) on an intact piece',
      expected: 'none',
      observed: kindsOf('intact'),
      detectedBy: 'not relied on: the gateway reads sizes and hashes only from its database and the anchor',
    });
    expect(kindsOf('header')).toBe('tampered');
    expect(kindsOf('row')).toBe('hash_mismatch');
    expect(detailOf('row')).toContain('the object row');
    expect(kindsOf('intact')).toBe('none');

    const refused = await net.transfer(grantee, grants.header);
    expect(providerCodeOf(refused.error?.message)).toBe('object_quarantined');
  });

  it('3 · forged transfer requests are refused with their reason, and none spends an access', async () => {
    const stranger = generateMemberKeys().ed25519.privateKey;
    const attempts: {
      attack: string;
      expected: string;
      request: () => { path: string; headers: Record<string, string> };
    }[] = [
      {
        attack: "signed with another key under the grantee's keyid",
        expected: 'signature.invalid',
        request: () => signedExchange(grants.intact, { key: stranger }),
      },
      {
        attack: "signed by a department without a grant (its own key and keyid) on the grantee's grant",
        expected: 'not_grantee',
        request: () => signedExchange(grants.intact, { signer: outsider }),
      },
      {
        attack: 'the Range changed after signing',
        expected: 'signature.invalid',
        request: () => {
          const signed = signedExchange(grants.intact, { range: 'bytes=0-10' });
          return { ...signed, headers: { ...signed.headers, range: `bytes=0-${OBJECT_BYTES - 1}` } };
        },
      },
      {
        attack: "a grant for one dataset used to ask for another dataset's anchored object",
        expected: 'object_not_found',
        request: () => signedExchange(grants.intact, { anchor: objects.maps2.anchorTxId }),
      },
      {
        attack: 'a signature created an hour ago (past ACCORD_GATEWAY_SIGNATURE_MAX_AGE_S)',
        expected: 'signature.expired',
        request: () => signedExchange(grants.intact, { created: Math.floor(Date.now() / 1000) - 3600 }),
      },
    ];
    for (const attempt of attempts) {
      const answer = await exchange(provider, attempt.request());
      await summary.record({
        case: '3 forged transfer request',
        attack: attempt.attack,
        expected: attempt.expected,
        observed: answer.code,
        detectedBy: "provider's exchange endpoint (ExchangeService)",
        evidence: `${answer.status} ${answer.message}`,
      });
      expect(answer.code).toBe(attempt.expected);
    }
    expect(await usesOf(grants.intact)).toBe(0);

    // An expired grant: 2 s long, then a block after its end (any tx moves the channel's time on).
    const short = await net.grant(grantee, provider, datasetOf('intact'), 2_000, 'statistics');
    const expiresAt = (
      await net.gatewayDb<{ expires_at: string }>(
        provider,
        'SELECT expires_at FROM gateway_grant WHERE grant_id = $1',
        [short],
      )
    )[0].expires_at;
    await sleep(Math.max(0, Number(expiresAt) - Date.now()) + 500);
    await net.grant(outsider, provider, datasetOf('maps'));
    await waitUntil('a block after the short grant ended, at the provider', async () => {
      const rows = await net.gatewayDb<{ block_time: string }>(provider, 'SELECT block_time FROM gateway_channel');
      return rows.some((r) => Number(r.block_time) > Number(expiresAt)) ? true : undefined;
    });
    const expired = await exchange(provider, signedExchange(short));
    await summary.record({
      case: '3 forged transfer request',
      attack: 'a correctly signed request under a grant past its end',
      expected: 'grant_not_live',
      observed: expired.code,
      detectedBy: "provider's exchange endpoint (grant checked at the channel's last block time)",
      evidence: `${expired.status} ${expired.message}`,
    });
    expect(expired.code).toBe('grant_not_live');
    expect(await usesOf(short)).toBe(0);
  });

  it('4 · a replayed transfer request is refused, at the provider and at another gateway, and records no second access', async () => {
    const signed = signedExchange(grants.intact, { range: 'bytes=0-10' });
    const first = await exchange(provider, signed);
    expect(first.code).toBe('served 206');
    expect((await net.contractsGrant(provider, grants.intact)).accessesUsed).toBe(1);

    for (const [target, where, expected] of [
      [provider, 'the same provider', 'request_replayed'],
      [outsider, "another department's gateway", 'grant_not_found'],
      [grantee, "the requester's own gateway", 'grant_not_found'],
    ] as const) {
      const replay = await exchange(target, signed);
      await summary.record({
        case: '4 replayed transfer request',
        attack: `the same signed request (headers byte for byte) sent again to ${where}`,
        expected,
        observed: replay.code,
        detectedBy:
          expected === 'request_replayed'
            ? "provider's nonce table (gateway_request_nonce)"
            : "that gateway's grant check: a grant names one provider",
        evidence: `${replay.status} ${replay.message}`,
      });
      expect(replay.code).toBe(expected);
    }
    expect(await usesOf(grants.intact)).toBe(1);
    expect((await net.contractsGrant(provider, grants.intact)).accessesUsed).toBe(1);
    expect((await net.contractsGrant(grantee, grants.intact)).accessesUsed).toBe(1);
  });

  it('5 · a provider serving other bytes than it anchored: `accord fetch` refuses them, nothing is written or kept', async () => {
    // The provider's operator points the anchor of version 2 at the object of version 1 (valid
    // ciphertext, its own proofs): the provider serves bytes that do not match the anchor on the chain.
    await net.gatewayDb(
      provider,
      'UPDATE gateway_object SET anchor_tx_id = $2, completed_at = $3 WHERE object_id = $1',
      [objects.maps1.objectId, objects.maps2.anchorTxId, Date.now() + 86_400_000],
    );
    const out = join(net.network.dataDir, 'received-maps.bin');
    const fetched = await net.accord('fetch', datasetOf('maps'), '--dept', grantee.id, '--out', out, '--json');
    const transfers = await net.api<{
      transfers: {
        transferId: string;
        status: string;
        error: { code: string } | null;
        objectId: string | null;
        grant: string;
      }[];
    }>(grantee, 'storage-gateway', 'GET', `/v1/transfers?grant=${grants.maps}`);
    const [transfer] = transfers.body.transfers;
    await summary.record({
      case: '5 provider serving altered bytes',
      attack: "the provider serves version 1's bytes (validly encrypted, with their own proofs) for version 2's anchor",
      expected: 'transfer_verification_failed',
      observed: transfer?.error?.code ?? 'none',
      detectedBy:
        "requester's gateway: chunk 0's inclusion proof against the anchored chunk root; `accord fetch` exits 1 (transfer_failed)",
      evidence: fetched.err.split('\n')[0],
    });
    expect(fetched.code).toBe(1);
    expect(fetched.err).toMatch(/transfer_failed|does not match|verification/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
    expect(transfers.body.transfers).toHaveLength(1);
    expect(transfer).toMatchObject({
      status: 'failed',
      error: expect.objectContaining({ code: 'transfer_verification_failed' }),
    });
    expect(await keptOfCopy(transfer.objectId as string)).toEqual({
      row: { status: 'failed', wrapped_key: null },
      storedKeys: [],
    });
  });
});

/** The provider's error code in a refused transfer's message ("the gateway of X answered 409 <code>: ..."). */
function providerCodeOf(message: string | undefined): string {
  return /answered \d+ ([a-z_.]+)/.exec(message ?? '')?.[1] ?? 'none';
}
