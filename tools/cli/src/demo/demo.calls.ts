import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../api/api.errors';
import type { DepartmentApi } from '../api/department.api';
import { waitForTx, type SubmittedTx, type TxStatus } from '../api/tx-status';
import { CliCommandError, EXIT_INVALID } from '../cli.context';

/** How long a demo step waits for a tx's block (and its rules outcome) before it gives up. */
export const STEP_TIMEOUT_MS = 60_000;

/** One receipt of the rules engine, as GET /v1/txs/:txId/receipts lists them. */
export interface Receipt {
  readonly kind: string;
  readonly code: string;
  readonly message?: string;
  readonly points?: number;
  readonly conflicts?: readonly { grant: string; dataset: string; provider: string; subjectKey: string }[];
  readonly grant?: { readonly id: string };
}

/** A demo step went another way than the story: what happened instead. */
export class DemoStepError extends CliCommandError {
  constructor(message: string) {
    super(message, EXIT_INVALID, "look at the tx in the console, or the services' logs (<data-dir>/logs/network.log)");
  }
}

/** Waits until the tx is committed and checks it is valid. */
export async function committedValid(api: DepartmentApi, submitted: SubmittedTx, what: string): Promise<TxStatus> {
  const status = await waitForTx(api, submitted.statusUrl, STEP_TIMEOUT_MS);
  if (status?.status !== 'committed')
    throw new DemoStepError(`${what}: tx ${submitted.txId} was not committed in time`);
  if (status.code !== 'valid') throw new DemoStepError(`${what}: tx ${submitted.txId} was committed as ${status.code}`);
  return status;
}

/** The rules' receipts of a tx, once its block is applied by `api`'s contracts service. */
export async function receiptsOf(api: DepartmentApi, txId: string): Promise<readonly Receipt[]> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    try {
      const answer = await api.request<{ receipts: { receipt: Receipt }[] }>(
        'contracts',
        'GET',
        `/v1/txs/${txId}/receipts`,
        {
          query: { waitMs: 20_000 },
          timeoutMs: 30_000,
        },
      );
      return answer.receipts.map((r) => r.receipt);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'receipts_not_found') || Date.now() > deadline) throw error;
    }
  }
}

/** The first receipt of `txId`, which must be of `kind`. */
export async function expectReceipt(api: DepartmentApi, txId: string, kind: string, what: string): Promise<Receipt> {
  const receipts = await receiptsOf(api, txId);
  const receipt = receipts[0];
  if (receipt?.kind !== kind) {
    throw new DemoStepError(
      `${what}: expected ${kind}, the rules answered ${receipt ? `${receipt.kind} (${receipt.code}) ${receipt.message ?? ''}` : 'nothing'}`,
    );
  }
  return receipt;
}

/** Retries `action` while it fails with one of `codes` (a projection a block behind), up to the step timeout. */
export async function retryWhile<T>(codes: readonly string[], action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      if (!(error instanceof ApiError && codes.includes(error.code)) || Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

/** Polls until `check` answers a value, up to the step timeout. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new DemoStepError(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
