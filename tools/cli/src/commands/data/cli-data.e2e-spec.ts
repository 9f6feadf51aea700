import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DepartmentApi } from '../../api/department.api';
import { resolveProfile } from '../../api/profile.resolver';
import { runCli } from '../../cli.program';
import { SILENT_PROGRESS, type ProgressListener } from '../../data/progress.renderer';
import { TusClient } from '../../data/tus.client';
import { uploadFile } from '../../data/upload-file';
import { UploadStateStore } from '../../data/upload-state.store';
import { startTestNetwork, type TestNetwork } from '../../network/testing';

jest.setTimeout(300_000);

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

const CHUNK = 256 * 1024;
const POLICY = { '@context': 'http://www.w3.org/ns/odrl.jsonld', '@type': 'Offer', permission: [{ action: 'use' }] };

/**
 * `accord upload` and `accord fetch` against a local network in this
 * process, once on the embedded default (embedded log, PGlite, local stores)
 * and once on real Kafka, PostgreSQL and MinIO: health uploads a file of a
 * few MiB, cut midway and resumed; registers it as a dataset; transport
 * earns points, requests it, is granted, fetches it through its own gateway
 * and gets the same bytes. Then the refusals: fetch without a grant, upload
 * of a missing file, a wrong token. Department ids and the channel are the
 * running network's (with a run suffix on the shared servers).
 */
describe.each([
  ['embedded default', false],
  ['real Kafka, PostgreSQL and MinIO', true],
])('accord upload and fetch on a local network (%s)', (_mode, cluster) => {
  let dir: string;
  let network: TestNetwork;
  let channel: string;
  /** The providing and the requesting department of this run (e.g. `health` or `health-1a2b3c`). */
  let health: string;
  let transport: string;
  const content = randomBytes(3 * 1024 * 1024 + 12_345);
  const sha256 = createHash('sha256').update(content).digest('hex');
  let file: string;
  let grantId: string;

  const env = () => ({ ACCORD_DATA_DIR: network.dataDir, HOME: dir });

  const accord = async (...argv: string[]): Promise<Run> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: env() });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  const apiOf = (dept: string) => new DepartmentApi(resolveProfile({ dept }, env()));

  /** Polls `read` until it returns a value (not undefined). */
  const waitFor = async <T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };

  /** A dataset registered through the catalog, once the contracts of `reader` applied it. */
  const register = async (owner: string, name: string, contentHash: string, volumeBytes: number) => {
    await apiOf(owner).request('catalog', 'POST', `/v1/channels/${channel}/datasets`, {
      body: {
        name,
        title: `Dataset ${name}`,
        description: `The ${name} records of ${owner}.`,
        domain: 'health',
        dataType: 'table',
        sensitivity: 'internal',
        volumeBytes,
        updateFrequency: 'once',
        governance: 'light',
        contentHash,
        policy: { ...POLICY, assigner: owner, target: `${owner}/${name}` },
      },
    });
    for (const reader of [health, transport])
      await waitFor(`${owner}/${name} at ${reader}`, () =>
        apiOf(reader).request('contracts', 'GET', `/v1/channels/${channel}/datasets/${owner}/${name}`),
      );
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-cli-data-'));
    file = join(dir, 'registry.bin');
    await writeFile(file, content);
    // Two departments are enough here; on the shared servers the fixture's three carry the run suffix.
    network = await startTestNetwork(cluster ? { cluster } : { departments: ['health', 'transport'] });
    channel = network.channel;
    [health, transport] = network.departments.map((d) => d.id);
  });

  afterAll(async () => {
    await network?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads a file cut midway, resumes it on a rerun and prints the anchored object', async () => {
    const api = apiOf(health);
    const state = UploadStateStore.in(join(network.dataDir, 'cli'));
    const abort = new AbortController();
    // Cut the run once more than 1 MiB is on the gateway.
    const cutting: ProgressListener = {
      ...SILENT_PROGRESS,
      update: (done) => (done > 1024 * 1024 ? abort.abort() : undefined),
    };
    const target = { channel, dataset: `${health}/registry`, version: 1, mediaType: 'application/octet-stream' };
    await expect(
      uploadFile(api, file, { ...target, state, chunkBytes: CHUNK, signal: abort.signal }, cutting),
    ).rejects.toThrow();
    const record = await state.find({ gateway: api.profile.urls['storage-gateway'], ...target }, file);
    expect(record).toBeDefined();
    const kept = await new TusClient(api).head(new URL(record?.uploadUrl as string).pathname);
    expect(kept.offset).toBeGreaterThan(1024 * 1024);
    expect(kept.offset).toBeLessThan(content.length);

    const resumed = await accord('upload', file, '--dept', health, '--name', 'registry', '--chunk-size', `${CHUNK}`);
    expect(resumed).toMatchObject({ code: 0 });
    expect(resumed.err).toContain(`resuming upload ${record?.uploadUrl} at byte ${kept.offset}`);
    expect(resumed.out).toMatch(new RegExp(`sha256:\\s+${sha256}`));
    expect(resumed.out).toMatch(/merkle root:\s+[0-9a-f]{64}/);
    expect(resumed.out).toMatch(/anchor tx:\s+[0-9a-f]{64}/);
    expect(resumed.out).toMatch(/status:\s+available/);
    expect(await state.list()).toEqual([]);
  });

  it('prints the object as JSON with --json, without progress on stderr', async () => {
    const small = join(dir, 'notes.csv');
    await writeFile(small, 'a,b\n1,2\n');
    const run = await accord('upload', small, '--dept', health, '--dataset', `${health}/notes`, '--json');
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(run.out)).toMatchObject({
      dataset: `${health}/notes`,
      version: 1,
      mediaType: 'text/csv',
      sizeBytes: 8,
      status: 'available',
      sha256: createHash('sha256').update('a,b\n1,2\n').digest('hex'),
    });
  });

  it('fetches granted data through the requester gateway, verified against the anchor', async () => {
    await register(health, 'registry', sha256, content.length);
    // Requests cost points: transport earns its own by registering a dataset.
    await register(transport, 'counts', 'cd'.repeat(32), 4096);
    const requester = apiOf(transport);
    await waitFor('points of transport', async () => {
      const account = await requester.request<{ balance: number }>(
        'contracts',
        'GET',
        `/v1/channels/${channel}/accounts/${transport}`,
      );
      return account.balance > 0 ? account : undefined;
    });
    const requested = await requester.request<{ txId: string }>(
      'contracts',
      'POST',
      `/v1/channels/${channel}/requests`,
      {
        body: { dataset: `${health}/registry`, purpose: 'planning', durationMs: 3_600_000 },
      },
    );
    grantId = requested.txId;
    const receipts = await requester.request<{ receipts: { receipt: { kind: string } }[] }>(
      'contracts',
      'GET',
      `/v1/txs/${grantId}/receipts`,
      { query: { waitMs: 20_000 }, timeoutMs: 30_000 },
    );
    expect(receipts.receipts.map((r) => r.receipt.kind)).toContain('granted');

    const out = join(dir, 'fetched.bin');
    const run = await accord('fetch', `${health}/registry`, '--dept', transport, '--out', out, '--json');
    expect(run).toMatchObject({ code: 0, err: '' });
    const result = JSON.parse(run.out);
    expect(result).toMatchObject({
      grant: grantId,
      dataset: `${health}/registry`,
      provider: health,
      bytes: content.length,
      sha256,
      chunksVerified: expect.any(Number),
      useTx: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(result.chunksVerified).toBeGreaterThan(1);
    expect(Buffer.compare(await readFile(out), content)).toBe(0);

    // By the grant's id, in a table; an existing --out is refused without --force.
    const again = await accord('fetch', grantId, '--dept', transport, '--out', out);
    expect(again.code).toBe(2);
    expect(again.err).toContain('--force');
    const forced = await accord('fetch', grantId, '--dept', transport, '--out', out, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/chunks verified:\s+\d+/);
    expect(forced.out).toContain(`${sha256} (matches anchor`);
    expect(forced.out).toMatch(/access tx:\s+[0-9a-f]{64}/);
    expect(Buffer.compare(await readFile(out), content)).toBe(0);
  });

  it('refuses a fetch without a grant, with the reason and what to do (exit 1)', async () => {
    const run = await accord('fetch', `${transport}/counts`, '--dept', health, '--out', join(dir, 'none.bin'));
    expect(run.code).toBe(1);
    expect(run.err).toContain(`${health} holds no grant for ${transport}/counts`);
    expect(run.err).toMatch(/^next: request access/m);
    const unknown = await accord('fetch', 'ab'.repeat(32), '--dept', transport, '--out', join(dir, 'none.bin'));
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no grant or access request');
  });

  it('refuses an upload of a missing file as bad input (exit 2)', async () => {
    const run = await accord('upload', join(dir, 'missing.bin'), '--dept', health, '--name', 'missing');
    expect(run.code).toBe(2);
    expect(run.err).toContain('no such file');
  });

  it('tells a wrong token apart (exit 6) and names the profile to fix', async () => {
    const run = await accord('upload', file, '--dept', health, '--name', 'other', '--token', 'wrong-token');
    expect(run.code).toBe(6);
    expect(run.err).toMatch(new RegExp(`^next: check the token of profile ${health}`, 'm'));
  });
});
