/** The signed actions the workload submits (and the txs services sign on its behalf). */
export type TxKind = 'register' | 'request' | 'consent' | 'anchor' | 'use';

/** Where a tx stood when the submitter last looked. */
export interface CommittedAt {
  readonly height: number;
  readonly blockHash: string;
  /** Validity code (`valid`, or why the block builders flagged it). */
  readonly code: string;
}

/** A tx a service acknowledged (202 with its id): from then on it must commit and never be lost. */
export interface TrackedTx {
  readonly txId: string;
  readonly kind: TxKind;
  /** The department whose service acknowledged it (its ledger is asked first). */
  readonly department: string;
  readonly statusUrl: string;
  readonly acknowledgedAt: number;
  committed?: CommittedAt;
}

export type DatasetPolicy = 'open' | 'consent';

export interface WorkloadDataset {
  readonly id: string;
  readonly owner: string;
  readonly policy: DatasetPolicy;
  readonly registerTx: string;
  /** The registration's block applied and receipt `registered` seen. */
  registered: boolean;
  /** For datasets whose bytes were uploaded to the owner's gateway: the file's SHA-256. */
  readonly contentSha256?: string;
}

/** An access request and what the rules decided (from its receipts, or the consent's). */
export interface WorkloadRequest {
  readonly id: string;
  readonly requester: string;
  readonly dataset: string;
  readonly provider: string;
  /** Receipt kind of the request, then `consented` once the owner's consent applied. */
  outcome?: string;
  consentTx?: string;
}

export interface WorkloadUpload {
  readonly department: string;
  readonly dataset: string;
  readonly file: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  objectId?: string;
  /** Runs of uploadFile it took (more than 1: interrupted and resumed). */
  attempts: number;
  /** Offset the last successful run resumed from (0: it started over or was never interrupted). */
  resumedFrom: number;
  done: boolean;
  /** Why each failed run failed (for the report of an upload that could not be resumed). */
  readonly errors: string[];
}

export interface WorkloadTransfer {
  readonly requester: string;
  readonly grant: string;
  readonly dataset: string;
  readonly expectedSha256: string;
  attempts: number;
  sha256?: string;
  useTx?: string | null;
  done: boolean;
  readonly errors: string[];
}

export type OperationName = 'register' | 'search' | 'request' | 'consent' | 'upload' | 'transfer';

export interface OperationCounts {
  ok: number;
  failed: number;
}

/**
 * Everything the mixed workload submitted and what it expects from it: the
 * acknowledged txs (and whether they committed), the datasets, requests and
 * grants they imply, the uses recorded per grant, uploads and transfers
 * with their bytes' hashes. The invariants compare this with what every
 * department's services show.
 */
export class WorkloadJournal {
  readonly txs = new Map<string, TrackedTx>();
  readonly datasets = new Map<string, WorkloadDataset>();
  readonly requests = new Map<string, WorkloadRequest>();
  readonly uploads: WorkloadUpload[] = [];
  readonly transfers: WorkloadTransfer[] = [];
  readonly operations = Object.fromEntries(
    (['register', 'search', 'request', 'consent', 'upload', 'transfer'] as const).map((op) => [
      op,
      { ok: 0, failed: 0 },
    ]),
  ) as Record<OperationName, OperationCounts>;
  /** The last failures (operation and reason), for the report of a failed run. */
  readonly recentFailures: string[] = [];

  track(txId: string, kind: TxKind, department: string, statusUrl = `/v1/txs/${txId}`): TrackedTx {
    const known = this.txs.get(txId);
    if (known !== undefined) return known;
    const tx: TrackedTx = { txId, kind, department, statusUrl, acknowledgedAt: Date.now() };
    this.txs.set(txId, tx);
    return tx;
  }

  succeeded(op: OperationName): void {
    this.operations[op].ok += 1;
  }

  failed(op: OperationName, reason: string): void {
    this.operations[op].failed += 1;
    this.recentFailures.push(`${op}: ${reason}`);
    if (this.recentFailures.length > 50) this.recentFailures.shift();
  }

  /** Requests the rules granted (automatically or by consent): a grant with the request's id must exist. */
  expectedGrants(): WorkloadRequest[] {
    return [...this.requests.values()].filter((r) => r.outcome === 'granted' || r.outcome === 'consented');
  }

  committedTxs(): TrackedTx[] {
    return [...this.txs.values()].filter((tx) => tx.committed !== undefined);
  }

  uncommittedTxs(): TrackedTx[] {
    return [...this.txs.values()].filter((tx) => tx.committed === undefined);
  }

  /** Figures for the summary: txs acknowledged and committed, operations, uploads, transfers. */
  summary() {
    return {
      txsAcknowledged: this.txs.size,
      txsCommitted: this.committedTxs().length,
      operations: this.operations,
      datasets: this.datasets.size,
      grants: this.expectedGrants().length,
      uploads: {
        done: this.uploads.filter((u) => u.done).length,
        resumed: this.uploads.filter((u) => u.attempts > 1 && u.done).length,
      },
      transfers: {
        done: this.transfers.filter((t) => t.done).length,
        retried: this.transfers.filter((t) => t.attempts > 1 && t.done).length,
      },
    };
  }
}
