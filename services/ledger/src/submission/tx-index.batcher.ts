/** Looks up the committed signatures of many txIds in one query (LedgerReadRepository.committedSignatures). */
export type CommittedSignaturesLookup = (txIds: readonly string[]) => Promise<Map<string, Set<string>>>;

interface Request {
  readonly txIds: readonly string[];
  readonly resolve: (found: Map<string, Set<string>>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces the tx-index lookups of concurrent submissions into one query
 * (`tx_id = ANY($1)`): requests made in the same turn of the event loop
 * (the HTTP requests read in one poll phase) or while a query is running
 * wait for the next query, and every one of them gets its answer from it.
 * So under load the database sees one query at a time, however many
 * requests come in, instead of one per envelope.
 */
export class TxIndexBatcher {
  private queued: Request[] = [];
  private scheduled = false;
  private running = false;

  constructor(private readonly lookup: CommittedSignaturesLookup) {}

  /** The committed signatures of these txIds, by txId (a txId absent from the map is in no committed block). */
  committedSignatures(txIds: readonly string[]): Promise<Map<string, Set<string>>> {
    if (txIds.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      this.queued.push({ txIds, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running || this.queued.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    this.running = true;
    try {
      const found = await this.lookup([...new Set(batch.flatMap((r) => r.txIds))]);
      for (const request of batch) request.resolve(found);
    } catch (error) {
      for (const request of batch) request.reject(error);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
