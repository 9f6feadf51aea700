import type { JsonObject } from '@accord/protocol';
import { NetworkStartError } from './network.errors';
import type { NetworkDepartment } from './network-department';

/**
 * What founding a channel needs of a department: its id, dev token, the
 * URLs of the services that must see block 0, and its public keys. A
 * NetworkDepartment of `accord up` is one; so is a department of the system
 * proof's process network (one process per service), which founds its
 * channel the same way.
 */
export type FoundingMember = Pick<NetworkDepartment, 'id' | 'token'> & {
  readonly urls: Pick<NetworkDepartment['urls'], 'ledger' | 'contracts' | 'catalog'>;
  readonly running: { readonly keys: Pick<NetworkDepartment['running']['keys'], 'department' | 'ed25519' | 'x25519'> };
};

/**
 * The founding channel's policy: finality once a majority of the members
 * attested (a department that is down does not stall the chain), blocks cut
 * quickly for an interactive network; the rules' parameters are the defaults.
 */
export const FOUNDING_POLICY = { quorum: 'majority', batchTimeoutMs: 50 } as const satisfies JsonObject;

const CHANNEL_READY_TIMEOUT_MS = 60_000;

/**
 * Creates the network's alliance channel through the first founder's
 * ledger (`POST /v1/channels/:channel/genesis`: the ledger signs as its
 * department), listing every founder with its public keys, unless the
 * channel already exists (a restart). Resolves once every department's
 * ledger has block 0, its contracts service applied it and its catalog
 * projected it, so the network is usable when it says so.
 */
export async function ensureFoundingChannel(
  channel: string,
  founders: readonly FoundingMember[],
): Promise<{ created: boolean }> {
  const first = founders[0];
  let created = false;
  if (typeof (await headHeight(first.urls.ledger, channel, first.token)) !== 'number') {
    const response = await fetch(`${first.urls.ledger}/v1/channels/${channel}/genesis`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'alliance',
        members: founders.map(({ running: { keys } }) => ({
          id: keys.department,
          ed25519: keys.ed25519.publicKey,
          x25519: keys.x25519.publicKey,
        })),
        policy: FOUNDING_POLICY,
      }),
    });
    // 409: the genesis of an earlier, interrupted first start is already in the log.
    if (response.status !== 202 && response.status !== 409) {
      throw new NetworkStartError(`creating channel ${channel} failed: ${response.status} ${await response.text()}`);
    }
    created = response.status === 202;
    await response.body?.cancel();
  }
  await Promise.all(
    founders.map(async (d) => {
      await waitUntil(
        `${d.id}'s ledger to commit block 0 of ${channel}`,
        async () => typeof (await headHeight(d.urls.ledger, channel, d.token)) === 'number',
      );
      await waitUntil(
        `${d.id}'s contracts service to apply ${channel}`,
        async () => (await fetchStatus(`${d.urls.contracts}/v1/channels/${channel}`, d.token)) === 200,
      );
      // The catalog signs registrations only on a channel it has projected.
      await waitUntil(
        `${d.id}'s catalog to project ${channel}`,
        async () => (await fetchStatus(`${d.urls.catalog}/v1/channels/${channel}/catalog.jsonld`, d.token)) === 200,
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
