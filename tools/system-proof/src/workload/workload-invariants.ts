import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type DepartmentApi, type TxStatus } from '@accord/cli';
import type { SystemDepartment } from '../system-department';
import { departmentApi } from './department-api';
import type { MixedWorkload } from './mixed-workload';

/** A fault did what it may not: lost a committed tx, applied an effect twice, left an upload unresumable… */
export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    readonly details: readonly string[],
  ) {
    super(
      `${invariant}: ${details.slice(0, 10).join('; ')}${details.length > 10 ? ` (+${details.length - 10} more)` : ''}`,
    );
    this.name = 'InvariantViolation';
  }
}

/** What one check looked at. */
export interface InvariantReport {
  readonly txsCommitted: number;
  readonly txsOnChain: number;
  readonly grants: number;
  readonly uses: number;
  readonly uploadsResumed: number;
  readonly transfersRetried: number;
}

interface MemberTxPage {
  readonly txs: readonly {
    readonly txId: string | null;
    readonly type: string | null;
    readonly code: string;
    readonly envelope: { readonly body: { readonly payload: Record<string, unknown> } } | null;
  }[];
  readonly next: string | null;
}

interface GrantView {
  readonly grant: { readonly id: string; readonly dataset: string; readonly accessesUsed: number };
}

/**
 * Brings the journal up to date once the network is whole again: waits for
 * every acknowledged tx's block, reads the rules' decisions it is missing,
 * and resumes every upload and transfer a fault interrupted (once each; the
 * invariants then require them done, with the right bytes).
 */
export async function settleWorkload(workload: MixedWorkload, timeoutMs = 90_000): Promise<void> {
  const { journal, operations } = workload;
  const deadline = Date.now() + timeoutMs;
  const resumeUpload = async (upload: (typeof journal.uploads)[number]): Promise<void> => {
    await operations.resumeUpload(upload).catch(() => undefined);
    if (!upload.done) {
      // Once more after a pause: the gateway may still be reconnecting to its store.
      await sleep(2_000);
      await operations.resumeUpload(upload).catch(() => undefined);
    }
    if (upload.done && !journal.datasets.has(upload.dataset)) {
      await operations
        .register(upload.department, 'open', upload.sha256, upload.dataset.split('/')[1])
        .catch(() => undefined);
    }
  };
  await Promise.all([
    ...journal.uploads.filter((u) => !u.done).map(resumeUpload),
    ...journal.transfers
      .filter((t) => !t.done)
      .map((t) =>
        operations
          .resumeTransfer(t)
          .catch(() => sleep(2_000).then(() => operations.resumeTransfer(t)))
          .catch(() => undefined),
      ),
  ]);
  await Promise.all(
    journal.uncommittedTxs().map((tx) => operations.awaitCommit(tx, Math.max(1_000, deadline - Date.now()))),
  );
  for (const tx of journal.committedTxs()) await operations.followUp(tx).catch(() => undefined);
}

/**
 * The invariants a fault must keep, checked on every department:
 * - every acknowledged tx committed, and every committed tx is in every
 *   department's chain at the same height in the same block (none lost);
 * - no tx id twice on any chain, and each grant's use counter equals the
 *   valid access.use txs of that grant on the chain, each dataset's access
 *   counter the uses of its grants (no effect applied twice); every grant
 *   the rules gave exists everywhere;
 * - every upload and transfer done with the bytes' SHA-256 (interrupted
 *   ones resumed by `settleWorkload`).
 * Throws InvariantViolation naming what broke.
 */
export async function checkWorkloadInvariants(
  workload: MixedWorkload,
  departments: readonly SystemDepartment[],
  channel: string,
): Promise<InvariantReport> {
  const { journal } = workload;
  const uncommitted = journal.uncommittedTxs();
  if (uncommitted.length > 0) {
    throw new InvariantViolation(
      'acknowledged txs not committed',
      uncommitted.map((tx) => `${tx.kind} ${tx.txId} (acknowledged by ${tx.department})`),
    );
  }
  const committed = journal.committedTxs();
  let uses = 0;
  let txsOnChain = 0;
  for (const department of departments) {
    const api = departmentApi(department);
    await checkCommittedTxs(api, committed);
    const chain = await chainTxs(api, channel, departments);
    txsOnChain = Math.max(txsOnChain, chain.ids.size);
    uses = await checkEffects(api, channel, workload, chain.usesPerGrant);
  }
  const unfinished = [
    ...journal.uploads
      .filter((u) => !u.done)
      .map((u) => `upload ${u.dataset} after ${u.attempts} runs, errors: ${u.errors.join(' | ')}`),
    ...journal.transfers
      .filter((t) => !t.done)
      .map((t) => `transfer of ${t.dataset} after ${t.attempts} runs, errors: ${t.errors.join(' | ')}`),
  ];
  if (unfinished.length > 0) throw new InvariantViolation('interrupted uploads or transfers not resumable', unfinished);
  return {
    txsCommitted: committed.length,
    txsOnChain,
    grants: journal.expectedGrants().length,
    uses,
    uploadsResumed: journal.uploads.filter((u) => u.attempts > 1).length,
    transfersRetried: journal.transfers.filter((t) => t.attempts > 1).length,
  };
}

/** Each committed tx, on this department's ledger, at the height and in the block the submitter saw. */
async function checkCommittedTxs(api: DepartmentApi, committed: ReturnType<MixedWorkload['journal']['committedTxs']>) {
  const wrong: string[] = [];
  await inBatches(committed, 8, async (tx) => {
    const status = await api
      .request<TxStatus>('ledger', 'GET', `/v1/txs/${tx.txId}`)
      .catch((error: unknown) =>
        error instanceof ApiError && error.code === 'tx_not_found' ? undefined : Promise.reject(error),
      );
    if (status?.status !== 'committed') wrong.push(`${tx.kind} ${tx.txId} missing`);
    else if (status.height !== tx.committed?.height || status.blockHash !== tx.committed.blockHash)
      wrong.push(
        `${tx.kind} ${tx.txId} at ${status.height} (${status.blockHash.slice(0, 8)}), was ${tx.committed?.height}`,
      );
  });
  if (wrong.length > 0) throw new InvariantViolation(`committed txs lost or moved on ${api.profile.department}`, wrong);
}

/** Every member's txs on this department's chain: no id twice, and the valid access.use txs per grant. */
async function chainTxs(api: DepartmentApi, channel: string, departments: readonly SystemDepartment[]) {
  const ids = new Set<string>();
  const duplicates: string[] = [];
  const usesPerGrant = new Map<string, string[]>();
  for (const member of departments.map((d) => d.id)) {
    let after: string | null = null;
    do {
      const page: MemberTxPage = await api.request<MemberTxPage>(
        'ledger',
        'GET',
        `/v1/channels/${channel}/members/${member}/txs`,
        { query: { limit: 500, ...(after === null ? {} : { after }) } },
      );
      for (const tx of page.txs) {
        if (tx.txId === null) continue;
        if (ids.has(tx.txId)) duplicates.push(tx.txId);
        ids.add(tx.txId);
        const grant = tx.envelope?.body.payload['grant'];
        if (tx.type === 'access.use' && tx.code === 'valid' && typeof grant === 'string') {
          usesPerGrant.set(grant, [...(usesPerGrant.get(grant) ?? []), tx.txId]);
        }
      }
      after = page.next;
    } while (after !== null);
  }
  if (duplicates.length > 0)
    throw new InvariantViolation(`tx ids twice on ${api.profile.department}'s chain`, duplicates);
  return { ids, usesPerGrant };
}

/** Grants, use counters and dataset access counters on this department's contracts service against the chain. */
async function checkEffects(
  api: DepartmentApi,
  channel: string,
  workload: MixedWorkload,
  usesPerGrant: ReadonlyMap<string, readonly string[]>,
): Promise<number> {
  const { journal } = workload;
  const wrong: string[] = [];
  const usesPerDataset = new Map<string, number>();
  let uses = 0;
  for (const request of journal.expectedGrants()) {
    const view = await api
      .request<GrantView>('contracts', 'GET', `/v1/channels/${channel}/grants/${request.id}`)
      .catch((error: unknown) =>
        error instanceof ApiError && error.code === 'grant_not_found' ? undefined : Promise.reject(error),
      );
    if (view === undefined) {
      wrong.push(`grant ${request.id} (${request.dataset}) missing`);
      continue;
    }
    const onChain = usesPerGrant.get(request.id) ?? [];
    uses += onChain.length;
    usesPerDataset.set(request.dataset, (usesPerDataset.get(request.dataset) ?? 0) + view.grant.accessesUsed);
    if (view.grant.accessesUsed !== onChain.length)
      wrong.push(
        `grant ${request.id}: ${view.grant.accessesUsed} uses counted, ${onChain.length} access.use on the chain`,
      );
    for (const transfer of journal.transfers.filter((t) => t.grant === request.id && t.useTx)) {
      if (!onChain.includes(transfer.useTx as string))
        wrong.push(`use ${String(transfer.useTx)} of grant ${request.id} not on the chain`);
    }
  }
  for (const [dataset, expected] of usesPerDataset) {
    const [owner, name] = dataset.split('/');
    const { dataset: record } = await api.request<{ dataset: { accesses: number } }>(
      'contracts',
      'GET',
      `/v1/channels/${channel}/datasets/${owner}/${name}`,
    );
    if (record.accesses !== expected)
      wrong.push(`dataset ${dataset}: ${record.accesses} accesses, its grants used ${expected}`);
  }
  if (wrong.length > 0)
    throw new InvariantViolation(`effects on ${api.profile.department} differ from the committed txs`, wrong);
  return uses;
}

async function inBatches<T>(items: readonly T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}
