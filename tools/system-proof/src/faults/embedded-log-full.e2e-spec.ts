import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@accord/cli';
import { startTestNetwork, type TestNetwork } from '@accord/cli/testing';
import { TmpfsDisk, waitFor } from '@accord/event-bus/testing';
import { computeTxId, encodeEnvelope, signTx, type Ed25519Signer } from '@accord/protocol';
import { departmentLayout, departmentSignerOf, ensureDepartmentKeys, embeddedBusDir } from '@accord/service-kit';
import type { SystemDepartment } from '../system-department';

jest.setTimeout(240_000);

/** Room for the network's log (genesis, a few txs, attestations) with a filler to spare. */
const DISK_BYTES = 4 * 1024 * 1024;
/** Longer than the log's recovery probes (up to 5 s apart) and a ledger's catch-up. */
const RECOVERY_TIMEOUT_MS = 60_000;
/** How long a submitted note may take to commit while the disk takes writes. */
const COMMIT_TIMEOUT_MS = 30_000;

interface Submitted {
  readonly txId: string;
  readonly height: number;
  readonly index: number;
}

/**
 * The embedded log's disk full and read-only, for a running network: a
 * local network on the embedded default whose event log directory
 * (`<dataDir>/_bus`) is a 4 MiB tmpfs mounted for the test. NEEDS ROOT (or
 * CAP_SYS_ADMIN) to mount; without it the suite fails saying so, it never
 * skips. While the log cannot be written a submission to the ledger is
 * answered 503 `dependency_unavailable` with reason `log_unwritable` (and
 * Retry-After), the ledger's readiness is down on its `bus` check; once
 * space is freed or the disk is writable again both recover on their own,
 * new txs commit, and every tx committed before is still where it was, the
 * chain passing the ledger's audit and `accord verify-chain`.
 */
describe('fault: the embedded log disk full or read-only (tmpfs mounted for the test; needs root)', () => {
  let root: string;
  let disk: TmpfsDisk;
  let network: TestNetwork;
  let department: SystemDepartment;
  let signer: Ed25519Signer;
  let nonce = 0;
  const committed: Submitted[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'accord-log-full-net-'));
    const dataDir = join(root, 'net');
    disk = await TmpfsDisk.mount(embeddedBusDir(dataDir), DISK_BYTES);
    network = await startTestNetwork({ dataDir, logLevel: 'warn' });
    const [first] = network.departments;
    department = { id: first.id, token: first.token, urls: first.urls };
    const layout = departmentLayout(dataDir, first.id);
    signer = departmentSignerOf((await ensureDepartmentKeys(layout, first.id)).keys, layout.keysFile).signer;
    // Hand-signed txs take lane 0 of the nonce space (the services count in lanes 1-4).
    nonce = Date.now();
  }, 300_000);

  afterAll(async () => {
    await network?.close();
    await disk?.unmount();
    if (root) await rm(root, { recursive: true, force: true });
  }, 120_000);

  const ledger = (path: string, init: RequestInit = {}) =>
    fetch(`${department.urls.ledger}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${department.token}`, 'content-type': 'application/json', ...init.headers },
    });

  /**
   * A signed note of the department on the network's channel, submitted as
   * a client would; `padBytes` more of payload (a small record may still fit
   * in the last page a segment file already holds on a full disk).
   */
  const submitNote = (note: string, padBytes = 0) => {
    const envelope = signTx(
      {
        v: 1,
        channel: network.channel,
        type: 'test.note',
        from: department.id,
        nonce: nonce++,
        ts: Date.now(),
        payload: padBytes > 0 ? { note, pad: 'x'.repeat(padBytes) } : { note },
      },
      signer,
    );
    return {
      txId: computeTxId(envelope.body),
      response: ledger(`/v1/channels/${network.channel}/txs`, {
        method: 'POST',
        body: Buffer.from(encodeEnvelope(envelope)),
      }),
    };
  };

  /** Submits notes and waits until each is committed; remembers where. */
  async function commitNotes(prefix: string, count: number): Promise<Submitted[]> {
    const out: Submitted[] = [];
    for (let i = 0; i < count; i++) {
      const { txId, response } = submitNote(`${prefix}-${i}`);
      expect([200, 202]).toContain((await response).status);
      out.push(await committedTx(txId));
    }
    committed.push(...out);
    return out;
  }

  async function committedTx(txId: string): Promise<Submitted> {
    return waitFor(
      `tx ${txId} committed`,
      async () => {
        const res = await ledger(`/v1/txs/${txId}?waitMs=5000`);
        const body = (await res.json()) as { status?: string; height?: number; index?: number };
        return res.status === 200 && body.status === 'committed'
          ? { txId, height: body.height ?? -1, index: body.index ?? -1 }
          : undefined;
      },
      COMMIT_TIMEOUT_MS,
    );
  }

  /** The refusal of a submission while the log cannot be written. */
  async function expectUnwritableRefusal(): Promise<void> {
    const response = await submitNote('refused', 16 * 1024).response;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await response.json()).toMatchObject({
      error: 'dependency_unavailable',
      details: { dependency: 'bus', reason: 'log_unwritable' },
    });
  }

  const readiness = async () => {
    const res = await fetch(`${department.urls.ledger}/health/ready`);
    return { status: res.status, body: (await res.json()) as { error?: Record<string, { status: string }> } };
  };

  /** Every tx committed so far is still committed at the same height and index, and the chain verifies. */
  async function expectChainIntact(): Promise<void> {
    for (const tx of committed) expect(await committedTx(tx.txId)).toEqual(tx);
    const audit = await ledger(`/v1/channels/${network.channel}/audit`, { method: 'POST', body: '{}' });
    expect(audit.status).toBe(200);
    expect(await audit.json()).toMatchObject({ ok: true, channel: network.channel, fromHeight: 0 });
    const chain = join(root, `chain-${committed.length}.json`);
    const keys = join(root, `keys-${committed.length}.json`);
    const env = { HOME: root, ACCORD_DATA_DIR: network.dataDir };
    const io = { out: () => undefined, err: () => undefined };
    const exported = await runCli(
      ['export-chain', network.channel, '--out', chain, '--keys-out', keys, '--dept', department.id],
      { ...io, env },
    );
    expect(exported).toBe(0);
    const lines: string[] = [];
    const verified = await runCli(['verify-chain', chain, '--keys', keys], { ...io, out: (l) => lines.push(l), env });
    expect({ verified, out: lines.join('\n') }).toMatchObject({
      verified: 0,
      out: expect.stringMatching(/^OK: \d+ blocks verified/),
    });
  }

  /** After the disk takes writes again: ready on its own, new txs commit, the old ones are intact. */
  async function expectRecovered(prefix: string): Promise<void> {
    await waitFor(
      'the ledger ready again',
      async () => (await readiness()).status === 200 || undefined,
      RECOVERY_TIMEOUT_MS,
    );
    await commitNotes(prefix, 2);
    await expectChainIntact();
  }

  it('disk full: submissions are answered 503 log_unwritable and the ledger is not ready; once space is freed it recovers on its own', async () => {
    await commitNotes('before-full', 3);
    await disk.fill();
    await expectUnwritableRefusal();
    const notReady = await readiness();
    expect(notReady.status).toBe(503);
    expect(notReady.body.error?.['bus']).toMatchObject({ status: 'down' });
    // Refused for as long as the disk is full, not just once.
    await expectUnwritableRefusal();

    await disk.free();
    await expectRecovered('after-full');
  });

  it('read-only: submissions are answered 503 log_unwritable and the ledger is not ready; once writable it recovers on its own', async () => {
    await commitNotes('before-read-only', 2);
    await disk.remount('ro');
    await expectUnwritableRefusal();
    expect((await readiness()).status).toBe(503);

    await disk.remount('rw');
    await expectRecovered('after-read-only');
  });
});
