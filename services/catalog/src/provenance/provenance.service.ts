import { Inject, Injectable } from '@nestjs/common';
import { computeTxId, validateTxProof, type TxProof } from '@accord/protocol';
import { datasetId } from '@accord/rules';
import { LedgerUnavailableError, type LedgerClient } from '@accord/service-kit';
import {
  DEFAULT_PAGE,
  trailCursor,
  usageCursor,
  type DatasetPath,
  type TrailQuery,
  type UsageQuery,
} from './provenance.dto';
import { DatasetNotFoundError } from '../catalog.errors';
import { ProvenanceRepository, type GrantUsageRow, type TrailRow } from './provenance.repository';

/** Where tx proofs come from: this department's ledger API (LedgerClient), or null when none is configured. */
export type TxProofSource = Pick<LedgerClient, 'txProof'>;
export const PROVENANCE_PROOFS = 'catalog:provenance-proofs';

/** Ledger calls in flight at once while proving one page. */
const PROOF_CONCURRENCY = 8;

/** One entry of a dataset's trail (docs/catalog-provenance-export.md "Provenance trail"). */
export interface ProvenanceEntry {
  readonly channel: string;
  readonly height: number;
  /** 0: effects of time before the block's txs, 1: a tx of the block, 2: effects after them. */
  readonly phase: number;
  readonly txIndex: number;
  readonly seq: number;
  readonly kind: string;
  readonly code: string;
  readonly txId: string | null;
  /** The department whose tx caused it; null for effects of time. */
  readonly actor: string | null;
  /** Block time, ms since the epoch. */
  readonly time: number;
  /** The request (= grant) the entry is about, if any, and its requester. */
  readonly request: string | null;
  readonly requester: string | null;
  /** The entry's details, JSON text exactly as stored. */
  readonly details: string;
  /** The ledger's proof of `txId` (verifyTxProof); null without txId or when proofs are not included. */
  readonly proof: TxProof | null;
}

export interface ProofsNote {
  /** True when every entry with a txId that the ledger knows carries its proof. */
  readonly included: boolean;
  /** Why proofs are left out (included false), else null. */
  readonly reason: string | null;
  /** TxIds the ledger knows no committed tx of (their entries carry proof null). */
  readonly missing: readonly string[];
}

export interface ProvenancePage {
  readonly dataset: string;
  readonly channel: string;
  readonly entries: readonly ProvenanceEntry[];
  readonly proofs: ProofsNote;
  /** Cursor of the next page, null on the last one. */
  readonly next: string | null;
}

export interface UsagePage {
  readonly dataset: string;
  readonly channel: string;
  readonly grants: readonly GrantUsageRow[];
  readonly next: string | null;
}

/** The provenance trail of a dataset with the ledger's proofs, and its usage per grant. */
@Injectable()
export class ProvenanceService {
  constructor(
    private readonly repository: ProvenanceRepository,
    @Inject(PROVENANCE_PROOFS) private readonly ledger: TxProofSource | null,
  ) {}

  async trail(path: DatasetPath, query: TrailQuery): Promise<ProvenancePage> {
    const dataset = await this.existing(path);
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.repository.entries(dataset, {
      ...(query.kind !== undefined ? { kinds: query.kind } : {}),
      ...(query.requester !== undefined ? { requester: query.requester } : {}),
      ...(query.grant !== undefined ? { grant: query.grant } : {}),
      ...(query.cursor !== undefined ? { after: query.cursor } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = rows.length > limit && last !== undefined ? trailCursor(last) : null;
    const { proofs, note } = await this.proofsOf(page, query.proofs ?? true);
    return {
      dataset: dataset.id,
      channel: dataset.channel,
      entries: page.map((row) => toEntry(row, row.txId === null ? null : (proofs.get(row.txId) ?? null))),
      proofs: note,
      next,
    };
  }

  async usage(path: DatasetPath, query: UsageQuery): Promise<UsagePage> {
    const dataset = await this.existing(path);
    const limit = query.limit ?? DEFAULT_PAGE;
    const rows = await this.repository.usage(dataset, {
      ...(query.requester !== undefined ? { requester: query.requester } : {}),
      ...(query.cursor !== undefined ? { after: query.cursor } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      dataset: dataset.id,
      channel: dataset.channel,
      grants: page,
      next:
        rows.length > limit && last !== undefined
          ? usageCursor({ grantedTime: last.grantedTime, id: last.grant })
          : null,
    };
  }

  private async existing(path: DatasetPath) {
    const id = datasetId(path.owner, path.name);
    const dataset = await this.repository.dataset(id);
    if (dataset === null) throw new DatasetNotFoundError(id);
    return dataset;
  }

  /** The ledger's proof of every txId of the page, each fetched once; a failing ledger fails the page (503). */
  private async proofsOf(
    rows: readonly TrailRow[],
    wanted: boolean,
  ): Promise<{ proofs: ReadonlyMap<string, TxProof>; note: ProofsNote }> {
    const proofs = new Map<string, TxProof>();
    if (!wanted) return { proofs, note: { included: false, reason: 'not requested (proofs=false)', missing: [] } };
    const ledger = this.ledger;
    if (ledger === null) {
      return {
        proofs,
        note: {
          included: false,
          reason: 'this catalog has no ledger API configured (ACCORD_LEDGER_URL, ACCORD_LEDGER_TOKEN)',
          missing: [],
        },
      };
    }
    const txIds = [...new Set(rows.flatMap((row) => (row.txId === null ? [] : [row.txId])))];
    const missing: string[] = [];
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < txIds.length) {
        const txId = txIds[nextIndex++] as string;
        const proof = await fetchProof(ledger, txId);
        if (proof === null) missing.push(txId);
        else proofs.set(txId, proof);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PROOF_CONCURRENCY, txIds.length) }, worker));
    return { proofs, note: { included: true, reason: null, missing: txIds.filter((id) => missing.includes(id)) } };
  }
}

/** The ledger's proof of txId, checked for form and for proving that very tx; null when the ledger knows no such tx. */
async function fetchProof(ledger: TxProofSource, txId: string): Promise<TxProof | null> {
  const answer = await ledger.txProof(txId);
  if (answer === null) return null;
  let proof: TxProof;
  try {
    proof = validateTxProof(answer);
  } catch (error) {
    throw new LedgerUnavailableError(
      `the ledger answered the proof of tx ${txId} in an unexpected form: ${(error as Error).message}`,
      {
        txId,
      },
    );
  }
  if (computeTxId(proof.envelope.body) !== txId) {
    throw new LedgerUnavailableError(`the ledger answered the proof of another tx for ${txId}`, { txId });
  }
  return proof;
}

function toEntry(row: TrailRow, proof: TxProof | null): ProvenanceEntry {
  return {
    channel: row.channel,
    height: row.height,
    phase: row.phase,
    txIndex: row.txIndex,
    seq: row.seq,
    kind: row.kind,
    code: row.code,
    txId: row.txId,
    actor: row.actor,
    time: row.time,
    request: row.request,
    requester: row.requester,
    details: row.details,
    proof,
  };
}
