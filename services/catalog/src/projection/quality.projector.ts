import { Injectable } from '@nestjs/common';
import {
  QUALITY_ANSWER,
  QUALITY_REPORT,
  qualityAnswerSchema,
  qualityReportSchema,
  type QualityTxType,
} from '../quality/quality-tx.schema';
import type { ProjectionTx } from './projection.tx';
import { PHASE, ProvenanceWriter } from './provenance.writer';
import { storedText } from './stored-text';

/** A valid quality tx of a block, where it sits. */
export interface QualityTx {
  readonly channel: string;
  readonly height: number;
  readonly time: number;
  readonly index: number;
  readonly txId: string;
  readonly type: QualityTxType;
  readonly from: string;
  readonly payload: unknown;
}

/** What became of a quality tx: applied, or ignored with the reason (counted and logged by the caller). */
export type QualityOutcome = { readonly applied: true } | { readonly applied: false; readonly reason: string };

const ownerOf = (dataset: string): string => dataset.slice(0, dataset.indexOf('/'));

/**
 * Applies quality.report and quality.answer txs (docs/catalog.md "Quality
 * feedback") from the chain alone, so every department's catalog agrees:
 * a report by anyone but the dataset's owner opens; the owner's first
 * answer closes it. The owner is the dataset id's prefix; a report on a
 * dataset that is not (yet) in the directory is kept and shows once it is.
 */
@Injectable()
export class QualityProjector {
  constructor(private readonly provenance: ProvenanceWriter) {}

  async apply(db: ProjectionTx, tx: QualityTx): Promise<QualityOutcome> {
    return tx.type === QUALITY_REPORT ? this.report(db, tx) : this.answer(db, tx);
  }

  private async report(db: ProjectionTx, tx: QualityTx): Promise<QualityOutcome> {
    const parsed = qualityReportSchema.safeParse(tx.payload);
    if (!parsed.success) return { applied: false, reason: `invalid payload: ${parsed.error.issues[0]?.message}` };
    const report = parsed.data;
    if (ownerOf(report.dataset) === tx.from)
      return { applied: false, reason: 'the owner cannot report its own dataset' };
    db.insert(
      'catalog_quality_report',
      ['id', 'channel', 'dataset', 'version', 'reporter', 'category', 'reason', 'height', 'time', 'status'],
      [
        tx.txId,
        tx.channel,
        report.dataset,
        report.version,
        tx.from,
        report.category,
        storedText(report.reason),
        tx.height,
        tx.time,
        'open',
      ],
    );
    this.provenance.append(db, {
      channel: tx.channel,
      height: tx.height,
      phase: PHASE.tx,
      txIndex: tx.index,
      seq: 0,
      dataset: report.dataset,
      kind: QUALITY_REPORT,
      code: report.category,
      txId: tx.txId,
      actor: tx.from,
      time: tx.time,
      details: { report: tx.txId, version: report.version, category: report.category, reason: report.reason },
    });
    return { applied: true };
  }

  private async answer(db: ProjectionTx, tx: QualityTx): Promise<QualityOutcome> {
    const parsed = qualityAnswerSchema.safeParse(tx.payload);
    if (!parsed.success) return { applied: false, reason: `invalid payload: ${parsed.error.issues[0]?.message}` };
    const answer = parsed.data;
    const [report] = await db.query<{ dataset: string; status: string }>(
      'SELECT dataset, status FROM catalog_quality_report WHERE id = $1 FOR UPDATE',
      [answer.report],
    );
    if (report === undefined) return { applied: false, reason: `no report ${answer.report}` };
    if (ownerOf(report.dataset) !== tx.from) return { applied: false, reason: 'only the dataset owner answers' };
    if (report.status !== 'open') return { applied: false, reason: 'the report is already answered' };
    await db.query(
      `UPDATE catalog_quality_report SET status = 'answered', resolution = $2, answer = $3, fixed_version = $4,
         answer_tx = $5, answered_time = $6 WHERE id = $1`,
      [answer.report, answer.resolution, storedText(answer.answer), answer.fixedVersion ?? null, tx.txId, tx.time],
    );
    this.provenance.append(db, {
      channel: tx.channel,
      height: tx.height,
      phase: PHASE.tx,
      txIndex: tx.index,
      seq: 0,
      dataset: report.dataset,
      kind: QUALITY_ANSWER,
      code: answer.resolution,
      txId: tx.txId,
      actor: tx.from,
      time: tx.time,
      details: { report: answer.report, answer: answer.answer, fixedVersion: answer.fixedVersion ?? null },
    });
    return { applied: true };
  }
}
