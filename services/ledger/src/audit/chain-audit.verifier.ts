import {
  Block,
  BlockHeader,
  ChainFailureCode,
  ChainVerification,
  computeBlockHash,
  isEnvelopeEntry,
  isProtocolError,
  KeyResolver,
  SignatureBatchVerifier,
  txIdBytes,
  txLeafHash,
  verifyChain,
  verifySignatureBatch,
  VerifyChainOptions,
} from '@accord/protocol';

/** Why an audited height is bad: a chain check (protocol verifyChain) or other members' attestations. */
export type AuditFailureCode = ChainFailureCode | 'audit.attestation_mismatch' | 'audit.row_corrupt';

export interface AuditFailure {
  readonly height: number;
  readonly index?: number;
  readonly code: AuditFailureCode;
  readonly reason: string;
  /** For attestation mismatches: the members whose attested hash differs from the one the rows give. */
  readonly members?: readonly string[];
}

export type AuditResult =
  | {
      readonly ok: true;
      readonly channel: string;
      readonly fromHeight: number;
      readonly toHeight: number;
      readonly blocks: number;
      readonly txs: number;
      /** Hash of block toHeight, recomputed from the rows. */
      readonly blockHash: string | null;
    }
  | ({
      readonly ok: false;
      readonly channel: string;
      readonly fromHeight: number;
      readonly toHeight: number;
      /** Blocks and txs re-verified before the verdict (whole pages). */
      readonly blocks: number;
      readonly txs: number;
    } & AuditFailure);

export interface ChainAuditInput {
  readonly channel: string;
  readonly fromHeight: number;
  readonly toHeight: number;
  /** Header of block fromHeight - 1 (absent when auditing from genesis). */
  readonly anchor?: BlockHeader;
  /**
   * The blocks fromHeight..toHeight rebuilt from storage, in order, a page
   * at a time. A page whose rows cannot be read throws UnreadablePageError.
   */
  readonly pages: AsyncIterable<readonly Block[]>;
  /** Key of each signer at each position (KeyHistory.resolver()). */
  readonly keys: KeyResolver;
  /** Signature batches, e.g. on the worker pool (default in-process). */
  readonly verifySignatures?: SignatureBatchVerifier;
  /** false: no Ed25519 checks, for blocks this ledger verified when it built them (protocol verifyChain's option; default true). */
  readonly checkSignatures?: boolean;
  /**
   * Compares a verified page with what other members attested; returns the
   * first disagreement. Runs only on pages whose chain checks passed up to
   * the reported height.
   */
  readonly checkAttestations?: (blocks: readonly Block[]) => Promise<AuditFailure | undefined>;
  /** Pages verified concurrently: the next page's hashing overlaps the previous one's signature checks (default 2). */
  readonly pagesInFlight?: number;
  /** The entries' hashes taken from their stored bytes (verifyChain's entryDigests; default: re-encode the entries). */
  readonly entryDigests?: VerifyChainOptions['entryDigests'];
}

/** One signature batch per page: the pool spreads it over its workers. */
const PAGE_BATCH = 1 << 30;

/**
 * Re-verifies a stored chain range page by page with protocol's verifyChain
 * (links, hashes, tx roots, entry shapes, signatures with the key history),
 * each page anchored on the previous page's last header, then compares the
 * recomputed block hashes with the attestations. Reports the first bad height.
 * Pages are pipelined: while the workers check one page's signatures the
 * main thread loads and hashes the next.
 */
export async function auditChain(input: ChainAuditInput): Promise<AuditResult> {
  const { channel, fromHeight, toHeight } = input;
  const verifySignatures = input.verifySignatures ?? verifySignatureBatch;
  const depth = Math.max(1, input.pagesInFlight ?? 2);
  const inFlight: { blocks: readonly Block[]; txs: number; result: Promise<ChainVerification> }[] = [];
  let anchor = input.anchor;
  let blocks = 0;
  let txs = 0;
  let lastHash: string | null = null;
  let expected = fromHeight;

  const settle = async (): Promise<AuditResult | undefined> => {
    const page = inFlight.shift();
    if (page === undefined) return undefined;
    const verdict = await page.result;
    let failure: AuditFailure | undefined = verdict.ok ? undefined : chainFailure(verdict);
    const verified =
      failure === undefined
        ? page.blocks
        : page.blocks.filter((b) => b.header.height < (failure as AuditFailure).height);
    if (input.checkAttestations !== undefined && verified.length > 0) {
      const disagreement = await input.checkAttestations(verified);
      if (disagreement !== undefined && (failure === undefined || disagreement.height < failure.height))
        failure = disagreement;
    }
    blocks += page.blocks.length;
    txs += page.txs;
    if (failure !== undefined) return { ok: false, channel, fromHeight, toHeight, blocks, txs, ...failure };
    lastHash = page.blocks[page.blocks.length - 1].hash;
    return undefined;
  };

  const verify = (page: readonly Block[]): void => {
    const result = verifyChain(page, input.keys, {
      ...(anchor === undefined ? {} : { anchor }),
      verifySignatures,
      checkSignatures: input.checkSignatures ?? true,
      batchSize: PAGE_BATCH,
      ...(input.entryDigests === undefined ? {} : { entryDigests: input.entryDigests }),
    });
    inFlight.push({
      blocks: page,
      txs: page.reduce((n, b) => n + b.txs.length, 0),
      result: result.catch((error: unknown) => thrownFailure(page, error)),
    });
    anchor = page[page.length - 1].header;
  };
  const drain = async (): Promise<AuditResult | undefined> => {
    while (inFlight.length > 0) {
      const done = await settle();
      if (done !== undefined) return done;
    }
    return undefined;
  };

  try {
    for await (const page of pagesOf(input.pages)) {
      if (page instanceof UnreadablePageError) {
        if (page.before.length > 0 && page.before[0].header.height === expected) verify(page.before);
        return (await drain()) ?? { ok: false, channel, fromHeight, toHeight, blocks, txs, ...page.failure };
      }
      if (page.length === 0) continue;
      const first = page[0].header.height;
      if (first !== expected) {
        // A missing row range: verifyChain would report it too, but only relative to the page.
        return (await drain()) ?? gap(expected, first);
      }
      expected = page[page.length - 1].header.height + 1;
      verify(page);
      while (inFlight.length >= depth) {
        const done = await settle();
        if (done !== undefined) return done;
      }
    }
    const done = await drain();
    if (done !== undefined) return done;
  } finally {
    // Never leave a rejected verification unobserved when returning early.
    for (const page of inFlight) page.result.catch(() => undefined);
  }
  if (expected !== toHeight + 1) return gap(expected, null);
  return { ok: true, channel, fromHeight, toHeight, blocks, txs, blockHash: lastHash };

  function gap(height: number, found: number | null): AuditResult {
    return {
      ok: false,
      channel,
      fromHeight,
      toHeight,
      blocks,
      txs,
      height,
      code: 'chain.height_gap',
      reason:
        found === null
          ? `block ${height} is missing from storage`
          : `expected block ${height}, storage continues at ${found}`,
    };
  }
}

/** Thrown by a page source for rows it cannot turn into blocks: the audit ends at `failure.height`. */
export class UnreadablePageError extends Error {
  readonly code = 'audit.row_corrupt';

  constructor(
    readonly failure: AuditFailure,
    /** The readable blocks of the page below the bad one (still verified first). */
    readonly before: readonly Block[],
  ) {
    super(failure.reason);
  }
}

/** The pages, with an UnreadablePageError turned into a last item instead of a throw. */
async function* pagesOf(pages: AsyncIterable<readonly Block[]>): AsyncIterable<readonly Block[] | UnreadablePageError> {
  try {
    for await (const page of pages) yield page;
  } catch (error) {
    if (!(error instanceof UnreadablePageError)) throw error;
    yield error;
  }
}

/**
 * verifyChain throws (rather than reports) on entries the protocol cannot
 * even serialize, e.g. a stored payload with a fraction: find the block
 * and report it as an invalid entry there.
 */
function thrownFailure(page: readonly Block[], error: unknown): ChainVerification {
  if (!isProtocolError(error)) throw error;
  for (const block of page) {
    const { height } = block.header;
    try {
      computeBlockHash(block.header);
    } catch (inner) {
      if (!isProtocolError(inner)) throw inner;
      return {
        ok: false,
        height,
        code: 'chain.entry_invalid',
        reason: `the header cannot be serialized: ${inner.message}`,
      };
    }
    for (let index = 0; index < block.txs.length; index++) {
      const entry = block.txs[index];
      try {
        txLeafHash(entry);
        if (isEnvelopeEntry(entry)) txIdBytes(entry.envelope.body);
      } catch (inner) {
        if (!isProtocolError(inner)) throw inner;
        return {
          ok: false,
          height,
          index,
          code: 'chain.entry_invalid',
          reason: `the tx cannot be serialized: ${inner.message}`,
        };
      }
    }
  }
  return { ok: false, height: page[0].header.height, code: 'chain.entry_invalid', reason: error.message };
}

function chainFailure(verdict: Extract<ChainVerification, { ok: false }>): AuditFailure {
  return verdict.index === undefined
    ? { height: verdict.height, code: verdict.code, reason: verdict.reason }
    : { height: verdict.height, index: verdict.index, code: verdict.code, reason: verdict.reason };
}
