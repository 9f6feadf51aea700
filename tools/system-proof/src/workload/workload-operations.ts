import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiError,
  fetchGranted,
  SILENT_PROGRESS,
  uploadFile,
  UploadStateStore,
  waitForTx,
  type DepartmentApi,
  type SubmittedTx,
} from '@accord/cli';
import type { SystemDepartment } from '../system-department';
import { departmentApi } from './department-api';
import type { Prng } from './prng';
import type {
  DatasetPolicy,
  TrackedTx,
  WorkloadJournal,
  WorkloadRequest,
  WorkloadTransfer,
  WorkloadUpload,
} from './workload-journal';

/** How long an operation waits for its tx's block before it leaves it to `settle`. */
const COMMIT_WAIT_MS = 30_000;
const DAY_MS = 86_400_000;

/** "use, for any purpose": granted at once to any member whose level allows internal data. */
const OPEN_POLICY = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Offer',
  permission: [{ action: 'use' }],
} as const;

/** "use, with the provider's consent": the request waits for the owner's data administrator. */
const CONSENT_POLICY = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Offer',
  permission: [{ action: 'use', duty: [{ action: 'obtainConsent' }] }],
} as const;

interface ReceiptsAnswer {
  readonly receipts: readonly { readonly receipt: { readonly kind: string; readonly code: string } }[];
}

export interface UploadSpec {
  readonly sizeBytes: number;
  /** Bytes per PATCH (smaller: more PATCHes, so a fault lands in the middle). */
  readonly chunkBytes?: number;
}

/**
 * The operations of the mixed workload, each one call to a department's
 * services as the CLI makes it, recorded in the journal: what was
 * acknowledged (tx ids), what committed, what the rules decided, the bytes'
 * hashes. An operation that fails (a service down during a fault) throws;
 * the txs it got acknowledged stay in the journal for `settle`.
 */
export class WorkloadOperations {
  private serial = 0;
  private readonly run = randomBytes(2).toString('hex');

  constructor(
    private readonly departments: readonly SystemDepartment[],
    private readonly channel: string,
    private readonly journal: WorkloadJournal,
    private readonly prng: Prng,
    private readonly workDir: string,
  ) {}

  api(department: string): DepartmentApi {
    const found = this.departments.find((d) => d.id === department);
    if (found === undefined) throw new Error(`no department ${department} in the workload`);
    return departmentApi(found);
  }

  /** Registers a dataset (catalog signs dataset.register) and waits for its receipt. */
  async register(
    owner: string,
    policy: DatasetPolicy,
    contentSha256?: string,
    name = this.freshName('wl'),
  ): Promise<string> {
    const api = this.api(owner);
    const submitted = await api.request<SubmittedTx>('catalog', 'POST', `/v1/channels/${this.channel}/datasets`, {
      body: {
        name,
        title: `Workload dataset ${name}`,
        description: 'Registered by the system proof mixed workload.',
        domain: 'testing',
        dataType: 'table',
        sensitivity: 'internal',
        volumeBytes: 1024,
        updateFrequency: 'daily',
        governance: 'light',
        contentHash: contentSha256 ?? createHash('sha256').update(name).digest('hex'),
        policy: policy === 'open' ? OPEN_POLICY : CONSENT_POLICY,
        metadata: { keywords: ['workload', 'system-proof'] },
      },
    });
    const id = `${owner}/${name}`;
    const tx = this.journal.track(submitted.txId, 'register', owner, submitted.statusUrl);
    this.journal.datasets.set(id, { id, owner, policy, registerTx: submitted.txId, registered: false, contentSha256 });
    await this.awaitCommit(tx);
    await this.followUp(tx);
    return id;
  }

  /** A full-text search of the catalog (no tx). */
  async search(department: string): Promise<number> {
    const answer = await this.api(department).request<{ total: number }>('catalog', 'GET', '/v1/datasets', {
      query: { q: 'workload' },
    });
    return answer.total;
  }

  /** Asks for a registered dataset of another department; the rules grant it or leave it waiting for consent. */
  async request(requester: string, dataset: string): Promise<WorkloadRequest> {
    const api = this.api(requester);
    const submitted = await api.request<SubmittedTx>('contracts', 'POST', `/v1/channels/${this.channel}/requests`, {
      body: { dataset, purpose: 'audit', durationMs: 30 * DAY_MS },
    });
    const provider = dataset.split('/')[0];
    const request: WorkloadRequest = { id: submitted.txId, requester, dataset, provider };
    this.journal.requests.set(request.id, request);
    const tx = this.journal.track(submitted.txId, 'request', requester, submitted.statusUrl);
    await this.awaitCommit(tx);
    await this.followUp(tx);
    return request;
  }

  /** The provider consents to a pending request: a grant with the request's id. */
  async consent(request: WorkloadRequest): Promise<void> {
    const api = this.api(request.provider);
    const submitted = await api.request<SubmittedTx>(
      'contracts',
      'POST',
      `/v1/channels/${this.channel}/requests/${request.id}/consent`,
      { query: { waitMs: 10_000 }, body: {}, timeoutMs: 30_000 },
    );
    request.consentTx = submitted.txId;
    const tx = this.journal.track(submitted.txId, 'consent', request.provider, submitted.statusUrl);
    await this.awaitCommit(tx);
    await this.followUp(tx);
  }

  /**
   * Uploads fresh random bytes to the owner's gateway (tus, resumable; its
   * state store under the work directory), then registers the dataset with
   * their hash, so others can request and fetch it. A failed upload stays
   * in the journal unfinished; `resumeUpload` goes on with it.
   */
  async upload(owner: string, spec: UploadSpec): Promise<WorkloadUpload> {
    const name = this.freshName('blob');
    const bytes = randomBytes(spec.sizeBytes);
    const file = join(this.workDir, `${owner}-${name}.bin`);
    await writeFile(file, bytes);
    const upload: WorkloadUpload = {
      department: owner,
      dataset: `${owner}/${name}`,
      file,
      sizeBytes: spec.sizeBytes,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      attempts: 0,
      resumedFrom: 0,
      done: false,
      errors: [],
    };
    this.journal.uploads.push(upload);
    await this.resumeUpload(upload, spec.chunkBytes);
    await this.register(owner, 'open', upload.sha256, name);
    return upload;
  }

  /** (Re)runs uploadFile for an upload: after an interruption it resumes from the gateway's offset. */
  async resumeUpload(upload: WorkloadUpload, chunkBytes?: number): Promise<void> {
    upload.attempts += 1;
    try {
      await this.runUpload(upload, chunkBytes);
    } catch (error) {
      upload.errors.push(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async runUpload(upload: WorkloadUpload, chunkBytes?: number): Promise<void> {
    const result = await uploadFile(
      this.api(upload.department),
      upload.file,
      {
        channel: this.channel,
        dataset: upload.dataset,
        version: 1,
        mediaType: 'application/octet-stream',
        state: UploadStateStore.in(join(this.workDir, 'uploads')),
        anchorWaitMs: 60_000,
        retryDelayMs: 250,
        ...(chunkBytes === undefined ? {} : { chunkBytes }),
      },
      SILENT_PROGRESS,
    );
    if (result.sha256 !== upload.sha256 || result.object.sha256 !== upload.sha256) {
      throw new Error(
        `upload ${upload.dataset}: the gateway's object hashes to ${String(result.object.sha256)}, the file to ${upload.sha256}`,
      );
    }
    upload.objectId = result.object.objectId;
    upload.resumedFrom = result.resumedFrom;
    upload.done = true;
    if (result.object.anchorTxId) {
      const tx = this.journal.track(result.object.anchorTxId, 'anchor', upload.department);
      await this.awaitCommit(tx);
    }
  }

  /** Fetches an uploaded dataset under a grant (verified chunk by chunk) and checks the bytes' hash. */
  async transfer(request: WorkloadRequest, expectedSha256: string): Promise<WorkloadTransfer> {
    const transfer: WorkloadTransfer = {
      requester: request.requester,
      grant: request.id,
      dataset: request.dataset,
      expectedSha256,
      attempts: 0,
      done: false,
      errors: [],
    };
    this.journal.transfers.push(transfer);
    await this.resumeTransfer(transfer);
    return transfer;
  }

  /** (Re)runs a transfer: a failed one is started again under the same grant and must deliver the same bytes. */
  async resumeTransfer(transfer: WorkloadTransfer): Promise<void> {
    transfer.attempts += 1;
    try {
      await this.runTransfer(transfer);
    } catch (error) {
      transfer.errors.push(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async runTransfer(transfer: WorkloadTransfer): Promise<void> {
    const result = await fetchGranted(
      this.api(transfer.requester),
      { kind: 'grant', id: transfer.grant },
      {
        channel: this.channel,
        out: join(this.workDir, `fetched-${transfer.grant.slice(0, 12)}-${this.freshName('t')}.bin`),
        timeoutMs: 60_000,
      },
      SILENT_PROGRESS,
    );
    transfer.sha256 = result.sha256;
    transfer.useTx = result.useTx;
    if (result.sha256 !== transfer.expectedSha256) {
      throw new Error(`transfer of ${transfer.dataset}: got ${result.sha256}, uploaded ${transfer.expectedSha256}`);
    }
    transfer.done = true;
    if (result.useTx !== null) {
      const tx = this.journal.track(result.useTx, 'use', transfer.dataset.split('/')[0]);
      await this.awaitCommit(tx);
    }
  }

  /**
   * Waits for a tracked tx's block on the department that acknowledged it
   * (then on any other) and records height and hash. Resolves either way:
   * a tx still uncommitted is settled later.
   */
  async awaitCommit(tx: TrackedTx, timeoutMs = COMMIT_WAIT_MS): Promise<boolean> {
    if (tx.committed !== undefined) return true;
    const order = [tx.department, ...this.departments.map((d) => d.id).filter((id) => id !== tx.department)];
    const deadline = Date.now() + timeoutMs;
    for (const department of order) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      try {
        const url = department === tx.department ? tx.statusUrl : `/v1/txs/${tx.txId}`;
        const status = await waitForTx(this.api(department), url, remaining);
        if (status?.status === 'committed') {
          tx.committed = { height: status.height, blockHash: status.blockHash, code: status.code };
          return true;
        }
      } catch {
        // This department's ledger is down (a fault): ask the next one.
      }
    }
    return false;
  }

  /**
   * What a committed tx's block decided, from its receipts on the
   * department that acknowledged it: a registration applied, a request
   * granted or pending, a consent applied.
   */
  async followUp(tx: TrackedTx): Promise<void> {
    if (tx.committed === undefined) return;
    if (tx.kind === 'register') {
      const dataset = [...this.journal.datasets.values()].find((d) => d.registerTx === tx.txId);
      if (dataset && !dataset.registered) dataset.registered = (await this.receiptKind(tx)) === 'registered';
    } else if (tx.kind === 'request') {
      const request = this.journal.requests.get(tx.txId);
      if (request && request.outcome === undefined) request.outcome = await this.receiptKind(tx);
    } else if (tx.kind === 'consent') {
      const request = [...this.journal.requests.values()].find((r) => r.consentTx === tx.txId);
      if (request && (await this.receiptKind(tx)) === 'consented') request.outcome = 'consented';
    }
  }

  private async receiptKind(tx: TrackedTx): Promise<string | undefined> {
    const answer = await this.api(tx.department)
      .request<ReceiptsAnswer>('contracts', 'GET', `/v1/txs/${tx.txId}/receipts`, {
        query: { waitMs: 10_000 },
        timeoutMs: 20_000,
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.code === 'receipts_not_found') return undefined;
        throw error;
      });
    return answer?.receipts[0]?.receipt.kind;
  }

  private freshName(prefix: string): string {
    this.serial += 1;
    return `${prefix}-${this.run}-${this.serial}-${this.prng.int(0, 9999)}`;
  }
}
