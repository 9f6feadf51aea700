import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type ServiceName } from '@accord/cli';
import { awaitAgreement, type AgreedState } from '../checks';
import { startProcessNetwork, type ProcessNetwork } from '../harness';
import type { SystemDepartment } from '../system-department';

/**
 * The Ningbo story (tools/cli/src/demo, unchanged) on the deployed shape:
 * three founding departments and a newcomer, sixteen service processes on
 * the real Kafka, PostgreSQL and MinIO; then what every department must
 * agree on, and what a city operator would try next. 3 to 4.5 minutes
 * on a loaded 2-core machine, half of it the sixteen processes' first start.
 */

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

interface DemoEvent {
  readonly step: string;
  readonly txIds: readonly string[];
  readonly facts: Record<string, unknown>;
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const VIDEO_MIB = 2;
const DAY_MS = 86_400_000;

describe('the Ningbo story on sixteen service processes (real Kafka, PostgreSQL and MinIO)', () => {
  const run = randomBytes(3).toString('hex');
  const [health, transport, police] = ['health', 'transport', 'public-security'].map((d) => `${d}-${run}`);
  const newcomer = `education-${run}`;
  let network: ProcessNetwork;
  let dataDir: string;
  let env: Record<string, string>;
  let steps: DemoEvent[];

  const accord = async (...argv: string[]): Promise<Run> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const department = (id: string): SystemDepartment => network.departments.find((d) => d.id === id)!;
  const call = async (
    id: string,
    service: ServiceName,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<Answer> => {
    const d = department(id);
    const response = await fetch(`${d.urls[service]}${path}`, {
      method,
      headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const step = (name: string): DemoEvent[] => steps.filter((s) => s.step === name);
  const agree = (): Promise<AgreedState> =>
    awaitAgreement(network.departments, network.channel, { timeoutMs: 120_000 });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'accord-system-story-'));
    env = { HOME: join(dataDir, 'home'), ACCORD_DATA_DIR: dataDir };
    network = await startProcessNetwork({ departments: [health, transport, police], extra: [newcomer], dataDir });
  });

  afterAll(async () => {
    await network?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('plays the story unchanged, and every department holds the same final chain, state and directory', async () => {
    const story = await accord('demo', '--newcomer', newcomer, '--video-mib', String(VIDEO_MIB), '--json');
    expect(story.err).toBe('');
    expect(story.code).toBe(0);
    steps = (JSON.parse(story.out) as { steps: DemoEvent[] }).steps;
    expect(step('admitted')[0].facts).toEqual({ newcomer });
    expect(step('denied by the privacy guard')[0].facts.code).toBe('privacy_guard');
    expect(step('proof verified')[0].facts).toMatchObject({ quorum: 3 });

    const agreed = await agree();
    expect(agreed.states.map((s) => s.department)).toEqual([health, transport, police, newcomer]);
    for (const s of agreed.states) {
      expect(s.ledger).toMatchObject({
        height: agreed.height,
        blockHash: agreed.blockHash,
        finalHeight: agreed.height,
      });
      expect(s.contracts).toMatchObject({ height: agreed.height, digest: agreed.contractsDigest });
      expect(s.catalog?.digest).toBe(agreed.catalogDigest);
    }
    const registered = step('registered').map((s) => String(s.facts.dataset));
    expect(registered).toHaveLength(6);
    expect(agreed.datasets).toEqual([...registered].sort());

    // The strong-mode record: readable by its owner and, once consented, by the police; by nobody else.
    const visits = registered.find((d) => d.startsWith(`${health}/clinic-visits`))!;
    const holders = agreed.states.filter((s) => s.gateway?.records.some((r) => r.dataset === visits));
    expect(holders.map((s) => s.department)).toEqual([health, police]);

    // The video: uploaded to its owner's gateway, copied to the police's, nowhere else.
    const anchored = step('video anchored')[0].facts;
    const video = registered.find((d) => d.startsWith(`${transport}/traffic-cameras`))!;
    const objects = agreed.states.flatMap((s) =>
      (s.gateway?.objects ?? []).filter((o) => o.dataset === video).map((o) => ({ department: s.department, ...o })),
    );
    expect(objects.map((o) => [o.department, o.origin, o.status, o.sha256, o.sizeBytes])).toEqual([
      [transport, 'upload', 'available', anchored.sha256, VIDEO_MIB * 1024 * 1024],
      [police, 'copy', 'available', anchored.sha256, VIDEO_MIB * 1024 * 1024],
    ]);
    // The bytes the police hold are the owner's: read back from the police's gateway, and fetched again with the CLI.
    const copy = objects.find((o) => o.department === police)!;
    const content = await fetch(`${department(police).urls['storage-gateway']}/v1/objects/${copy.objectId}/content`, {
      headers: { authorization: `Bearer ${department(police).token}` },
    });
    expect(content.status).toBe(200);
    expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(anchored.sha256);
    const out = join(dataDir, 'video.mp4');
    const fetched = await accord('fetch', video, '--dept', police, '--out', out, '--json');
    expect(fetched).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(fetched.out)).toMatchObject({ dataset: video, provider: transport, sha256: anchored.sha256 });
    expect(sha256(await readFile(out))).toBe(anchored.sha256);
  });

  it('refuses a fetch without a grant, with its reason', async () => {
    const video = String(step('granted automatically')[0].facts.dataset);
    const cli = await accord('fetch', video, '--dept', health, '--out', join(dataDir, 'none.mp4'));
    expect(cli.code).toBe(1);
    expect(cli.err).toContain(`${health} holds no grant for ${video}`);
    // Asked directly, health's gateway knows no such grant of its own: it fetches nothing on the police's grant.
    const policeGrant = step('granted automatically')[0].txIds[0];
    const transfer = await call(health, 'storage-gateway', 'POST', '/v1/transfers', { grant: policeGrant });
    expect(transfer.status).toBe(404);
    expect(transfer.body).toMatchObject({ error: 'grant_not_found' });
  });

  it('refuses a request for a dataset nobody registered', async () => {
    const unknown = `${transport}/no-such-dataset`;
    const answer = await call(police, 'contracts', 'POST', `/v1/channels/${network.channel}/requests`, {
      dataset: unknown,
      purpose: 'public-safety',
      durationMs: 30 * DAY_MS,
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: 'unknown_dataset', message: `no dataset ${unknown} is registered` });
  });

  it('recognises a duplicate submission of a signed tx on every ledger and never applies it twice', async () => {
    const registration = step('registered').find((s) => String(s.facts.dataset).startsWith(`${police}/incident`))!;
    const txId = registration.txIds[0];
    const committed = await call(police, 'ledger', 'GET', `/v1/txs/${txId}`);
    expect(committed.body).toMatchObject({ status: 'committed', code: 'valid' });
    const envelope = JSON.stringify(committed.body.envelope);
    const before = await agree();
    const accounts = await call(police, 'contracts', 'GET', `/v1/channels/${network.channel}/accounts`);

    // To the ledger it was submitted to, and to another department's: the same envelope is committed already.
    for (const id of [police, transport]) {
      const again = await call(id, 'ledger', 'POST', `/v1/channels/${network.channel}/txs`, envelope);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ txId, duplicate: true, status: 'committed', height: committed.body.height });
    }

    const after = await agree();
    const signed = await call(transport, 'ledger', 'GET', `/v1/channels/${network.channel}/members/${police}/txs`);
    const copies = (signed.body.txs as { txId: string }[]).filter((t) => t.txId === txId);
    expect(copies).toHaveLength(1);
    // No second registration: the same directory, the same points.
    expect(after.catalogDigest).toBe(before.catalogDigest);
    expect(await call(police, 'contracts', 'GET', `/v1/channels/${network.channel}/accounts`)).toMatchObject({
      body: { accounts: (accounts.body as { accounts: unknown[] }).accounts },
    });
  });

  it("brings a department's restarted services back into agreement", async () => {
    const [ledgerMs, contractsMs] = await Promise.all([
      network.service(police, 'ledger').restart(),
      network.service(transport, 'contracts').restart(),
    ]);
    expect(ledgerMs).toBeGreaterThan(0);
    expect(contractsMs).toBeGreaterThan(0);
    const before = await agree();

    // Transport (its contracts restarted) asks for the police's patrol routes (their ledger restarted): granted everywhere.
    const patrols = step('registered')
      .map((s) => String(s.facts.dataset))
      .find((d) => d.startsWith(`${police}/patrol-routes`))!;
    const request = await call(transport, 'contracts', 'POST', `/v1/channels/${network.channel}/requests`, {
      dataset: patrols,
      purpose: 'public-safety',
      durationMs: DAY_MS,
    });
    expect(request.status).toBe(202);
    const txId = String(request.body.txId);
    const receipts = await call(police, 'contracts', 'GET', `/v1/txs/${txId}/receipts?waitMs=30000`);
    expect(receipts.status).toBe(200);
    expect((receipts.body.receipts as { receipt: { kind: string } }[]).map((r) => r.receipt.kind)).toEqual(['granted']);
    const after = await agree();
    expect(after.height).toBeGreaterThan(before.height);
    const restarts = network.startTimes().filter((s) => s.reason === 'restart');
    expect(restarts.map((s) => `${s.department}/${s.service}`).sort()).toEqual(
      [`${police}/ledger`, `${transport}/contracts`].sort(),
    );
    expect(network.unexpectedExits()).toEqual([]);
    process.stderr.write(`start→ready (ms): ${JSON.stringify(network.startTimes())}\n`);
  });
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
