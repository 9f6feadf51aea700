import { ed25519Signer, signTx, type JsonObject } from '@accord/protocol';
import type { DepartmentKeys } from '@accord/service-kit';
import { NetworkStartError } from './network.errors';
import type { NetworkDepartment } from './network-department';

/**
 * The founding channel's policy: finality once a majority of the members
 * attested (a department that is down does not stall the chain), blocks cut
 * quickly for an interactive network; the rules' parameters are the defaults.
 */
export const FOUNDING_POLICY = { quorum: 'majority', batchTimeoutMs: 50 } as const satisfies JsonObject;

const CHANNEL_READY_TIMEOUT_MS = 60_000;

/**
 * Creates the network's alliance channel by a genesis signed by the first
 * founder, listing every founder, unless the channel already exists (a
 * restart). Resolves once every department's ledger has block 0 and its
 * contracts service applied it, so the network is usable when it says so.
 */
export async function ensureFoundingChannel(
  channel: string,
  departments: readonly NetworkDepartment[],
  founderKeys: readonly DepartmentKeys[],
): Promise<{ created: boolean }> {
  const first = departments[0];
  let created = false;
  if (typeof (await headHeight(first.urls.ledger, channel, first.token)) !== 'number') {
    const genesis = signTx(
      {
        v: 1,
        channel,
        type: 'channel.genesis',
        from: founderKeys[0].department,
        nonce: 0,
        ts: Date.now(),
        payload: {
          kind: 'alliance',
          members: founderKeys.map((k) => ({
            id: k.department,
            ed25519: k.ed25519.publicKey,
            x25519: k.x25519.publicKey,
          })),
          policy: FOUNDING_POLICY,
        },
      },
      ed25519Signer(founderKeys[0].ed25519.privateKey),
    );
    const response = await fetch(`${first.urls.ledger}/v1/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(genesis),
    });
    // 409: the genesis of an earlier, interrupted first start is already in the log.
    if (response.status !== 202 && response.status !== 409) {
      throw new NetworkStartError(`creating channel ${channel} failed: ${response.status} ${await response.text()}`);
    }
    created = response.status === 202;
  }
  await Promise.all(
    departments.map(async (d) => {
      await waitUntil(
        `${d.id}'s ledger to commit block 0 of ${channel}`,
        async () => typeof (await headHeight(d.urls.ledger, channel, d.token)) === 'number',
      );
      await waitUntil(
        `${d.id}'s contracts service to apply ${channel}`,
        async () => (await fetchStatus(`${d.urls.contracts}/v1/channels/${channel}`, d.token)) === 200,
      );
    }),
  );
  return { created };
}

async function fetchStatus(url: string, token: string): Promise<number | undefined> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
  await response?.body?.cancel();
  return response?.status;
}

/** The channel's head height on a ledger: null before block 0, undefined when the ledger does not answer it. */
async function headHeight(ledgerUrl: string, channel: string, token: string): Promise<number | null | undefined> {
  const response = await fetch(`${ledgerUrl}/v1/channels/${channel}/head`, {
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => undefined);
  if (response?.status !== 200) {
    await response?.body?.cancel();
    return undefined;
  }
  return ((await response.json()) as { height: number | null }).height;
}

async function waitUntil(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + CHANNEL_READY_TIMEOUT_MS;
  while (!(await done())) {
    if (performance.now() > deadline) throw new NetworkStartError(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
