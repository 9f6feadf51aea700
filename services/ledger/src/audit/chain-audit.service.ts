import { Injectable } from '@nestjs/common';
import type { Attestation, Block, BlockHeader, EntryDigest, SignatureBatchVerifier } from '@accord/protocol';
import { evaluateBlockFinality, KeyHistory } from '@accord/ledger-core';
import { InjectServiceContext, ServiceLogger, ServiceMetrics, type ServiceContext } from '@accord/service-kit';
import type { Counter, Histogram } from '@opentelemetry/api';
import { CorruptRowError } from '../ledger.errors';
import { AlertRepository } from '../persistence/alert.repository';
import { AttestationRepository } from '../persistence/attestation.repository';
import { BlockRepository, type StoredBlock } from '../persistence/block.repository';
import { ChannelRepository } from '../persistence/channel.repository';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { ConfigHistoryService } from '../query/config-history.service';
import { HeightRangeInvalidError } from '../query/query.errors';
import { SignatureVerifierPool } from '../verification/signature-verifier.pool';
import { auditChain, UnreadablePageError, type AuditFailure, type AuditResult } from './chain-audit.verifier';
import { storedEntryDigest } from './stored-entry.digests';

/** Txs per page loaded from the database and verified as one signature batch. */
const PAGE_TXS = 8192;
/** Block rows read at once to plan pages. */
const PLAN_BLOCKS = 2000;

export type AuditReport = AuditResult & { readonly durationMs: number };

/** Who asked for an audit: the API, or the background self-audit (new blocks, or the whole chain on schedule). */
export type AuditTrigger = 'request' | 'incremental' | 'full';

export interface AuditOptions {
  readonly trigger?: AuditTrigger;
  /** Stops the audit between pages (it then rejects with the signal's reason and raises nothing). */
  readonly signal?: AbortSignal;
  /**
   * false skips the Ed25519 checks (hashes, links, tx roots, entry shapes,
   * signers and attestations are still checked): the incremental self-audit
   * of blocks this ledger verified moments ago when it built them. Default true.
   */
  readonly checkSignatures?: boolean;
}

/**
 * POST /v1/channels/:channel/audit: reloads a height range from the
 * database and re-verifies it (protocol verifyChain: links, hashes, tx
 * roots, entry shapes, signatures with the key history, on the worker
 * pool), then compares each recomputed block hash with the block
 * attestations of the other members. The first bad height is reported,
 * stored as an alert and counted. The background self-audit
 * (SelfAuditService) runs the same audit, so it raises the same alert.
 */
@Injectable()
export class ChainAuditService {
  private readonly failures: Counter;
  private readonly duration: Histogram;
  private readonly log: ServiceLogger;

  constructor(
    private readonly channels: ChannelRepository,
    private readonly blocks: BlockRepository,
    private readonly reads: LedgerReadRepository,
    private readonly attestations: AttestationRepository,
    private readonly alerts: AlertRepository,
    private readonly configs: ConfigHistoryService,
    private readonly pool: SignatureVerifierPool,
    @InjectServiceContext() private readonly ctx: ServiceContext,
    metrics: ServiceMetrics,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('audit');
    this.failures = metrics.counter('accord_ledger_audit_failures', {
      description: 'Audits that found a bad height, by channel and code',
    });
    this.duration = metrics.histogram('accord_ledger_audit_duration_seconds', {
      description: 'Duration of chain audits',
      unit: 's',
      buckets: [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 120],
    });
  }

  async audit(
    channel: string,
    range: { readonly fromHeight?: number; readonly toHeight?: number } = {},
    options: AuditOptions = {},
  ): Promise<AuditReport> {
    const { trigger = 'request', signal, checkSignatures = true } = options;
    signal?.throwIfAborted();
    const started = performance.now();
    const state = await this.channels.get(channel);
    const head = state.snapshot.nextHeight - 1;
    const fromHeight = range.fromHeight ?? 0;
    const toHeight = range.toHeight ?? head;
    if (head < 0 || fromHeight > toHeight || toHeight > head) {
      throw new HeightRangeInvalidError(
        `cannot audit heights ${fromHeight}..${toHeight} of ${channel}: its head is ${head < 0 ? 'none' : head}`,
        {
          channel,
          fromHeight,
          toHeight,
          head: head < 0 ? null : head,
        },
      );
    }
    const keys = new KeyHistory(await this.blocks.keyChanges(channel, toHeight));
    const anchor = fromHeight === 0 ? undefined : await this.anchor(channel, fromHeight - 1);
    const verifySignatures: SignatureBatchVerifier = (checks) => this.pool.verifyBatch(checks);
    const digests = new WeakMap<Block, readonly EntryDigest[]>();
    let result: AuditResult;
    if (anchor === null) {
      result = {
        ok: false,
        channel,
        fromHeight,
        toHeight,
        blocks: 0,
        txs: 0,
        height: fromHeight - 1,
        code: 'chain.height_gap',
        reason: `block ${fromHeight - 1} (the anchor) is missing from storage`,
      };
    } else {
      result = await auditChain({
        channel,
        fromHeight,
        toHeight,
        ...(anchor === undefined ? {} : { anchor }),
        pages: this.pages(channel, fromHeight, toHeight, signal, digests),
        keys: keys.resolver(),
        verifySignatures,
        checkSignatures,
        entryDigests: (block) => digests.get(block),
        checkAttestations: (page) => this.checkAttestations(channel, page),
      });
    }
    const durationMs = Math.round(performance.now() - started);
    this.duration.record(durationMs / 1000, { channel, trigger });
    if (!result.ok) await this.report(result, trigger);
    else
      // An incremental audit follows every commit: a pass is only worth a debug line.
      this.log.pino[trigger === 'incremental' ? 'debug' : 'info'](
        { channel, fromHeight, toHeight, blocks: result.blocks, txs: result.txs, durationMs, trigger },
        'audit passed',
      );
    return { ...result, durationMs };
  }

  private async anchor(channel: string, height: number): Promise<BlockHeader | null> {
    return (await this.blocks.getHeader(channel, height))?.header ?? null;
  }

  /**
   * Blocks from..to a page at a time, cut by tx count and at gaps (auditChain
   * reports a missing block), with each block's entry digests taken from
   * the stored bytes into `digests`.
   */
  private async *pages(
    channel: string,
    from: number,
    to: number,
    signal: AbortSignal | undefined,
    digests: WeakMap<Block, readonly EntryDigest[]>,
  ): AsyncIterable<readonly Block[]> {
    let next = from;
    while (next <= to) {
      signal?.throwIfAborted();
      const plan = await this.reads.txCounts(channel, next, to, PLAN_BLOCKS);
      if (plan.length === 0) return;
      let start: number | undefined;
      let txs = 0;
      for (let i = 0; i < plan.length; i++) {
        const { height, txCount } = plan[i];
        start ??= height;
        txs += txCount;
        if (txs >= PAGE_TXS || plan[i + 1]?.height !== height + 1) {
          signal?.throwIfAborted();
          yield await this.loadPage(channel, start, height, digests);
          start = undefined;
          txs = 0;
        }
      }
      next = plan[plan.length - 1].height + 1;
    }
  }

  private async loadPage(
    channel: string,
    from: number,
    to: number,
    digests: WeakMap<Block, readonly EntryDigest[]>,
  ): Promise<Block[]> {
    const withDigests = (stored: StoredBlock): Block => {
      const { block, txBytes } = stored;
      digests.set(
        block,
        block.txs.map((entry, i) => storedEntryDigest(entry, txBytes[i])),
      );
      return block;
    };
    try {
      return (await this.blocks.getBlocks(channel, from, to)).map(withDigests);
    } catch (error) {
      if (!(error instanceof CorruptRowError)) throw error;
      // Find the first block whose rows cannot be read, so the verdict names its height.
      const blocks: Block[] = [];
      for (let h = from; h <= to; h++) {
        try {
          const [stored] = await this.blocks.getBlocks(channel, h, h);
          if (stored !== undefined) blocks.push(withDigests(stored));
        } catch (inner) {
          if (!(inner instanceof CorruptRowError)) throw inner;
          throw new UnreadablePageError({ height: h, code: 'audit.row_corrupt', reason: inner.message }, blocks);
        }
      }
      return blocks;
    }
  }

  /** The first block of the page whose recomputed hash another member's valid attestation contradicts. */
  private async checkAttestations(channel: string, page: readonly Block[]): Promise<AuditFailure | undefined> {
    const first = page[0].header.height;
    const last = page[page.length - 1].header.height;
    const byHeight = new Map<number, Attestation[]>();
    for (const { attestation } of await this.attestations.forHeights(channel, first, last, 'block')) {
      if (attestation.body.from === this.ctx.department) continue;
      const list = byHeight.get(attestation.body.height) ?? [];
      list.push(attestation);
      byHeight.set(attestation.body.height, list);
    }
    for (const block of page) {
      const attested = byHeight.get(block.header.height);
      if (attested === undefined) continue;
      const config = await this.configs.configAt(channel, block.header.height);
      if (config === null) continue;
      const { alerts } = evaluateBlockFinality({
        config,
        height: block.header.height,
        blockHash: block.hash,
        attestations: attested,
      });
      // A member that attested two hashes, one of them ours, equivocated: its fault (alerted by finality), not a sign against our rows.
      const alsoOurs = new Set(
        alerts.filter((a) => a.reason === 'equivocation' && a.observed.includes(block.hash)).map((a) => a.member),
      );
      const against = alerts.filter((a) => a.reason === 'divergent' && a.member !== null && !alsoOurs.has(a.member));
      const members = [...new Set(against.map((a) => a.member as string))].sort();
      if (members.length > 0) {
        const observed = [...new Set(against.flatMap((a) => a.observed))].sort();
        return {
          height: block.header.height,
          code: 'audit.attestation_mismatch',
          reason: `the stored block hashes to ${block.hash} but ${members.join(', ')} attested ${observed.join(', ')}`,
          members,
        };
      }
    }
    return undefined;
  }

  private async report(result: Extract<AuditResult, { ok: false }>, trigger: AuditTrigger): Promise<void> {
    this.failures.add(1, { channel: result.channel, code: result.code, trigger });
    await this.alerts.raise([
      {
        id: `audit:${result.channel}:${result.height}:${result.code}`,
        channel: result.channel,
        height: result.height,
        kind: 'audit',
        reason: result.code,
        member: null,
        field: null,
        expected: null,
        observed: result.members ?? [],
        details: { reason: result.reason, ...(result.index === undefined ? {} : { index: result.index }) },
      },
    ]);
    this.log.pino.error(
      {
        channel: result.channel,
        height: result.height,
        index: result.index,
        code: result.code,
        reason: result.reason,
        trigger,
      },
      `audit failed: ${result.channel} is wrong at height ${result.height} (${result.code})`,
    );
  }
}
