import { Injectable } from '@nestjs/common';
import { datasetId } from '@accord/rules';
import { ActionDirectory } from '../signing/action-directory.repository';
import { ActionInputError, ActionRefusedError, ReportNotFoundError } from '../catalog.errors';
import { CatalogTxSubmitter, type SubmittedTx } from '../signing/catalog-tx.submitter';
import type { AnswerBody, ReportBody, ReportsQuery } from './quality.dto';
import { QualityReportRepository, type QualityReportView } from './quality-report.repository';
import {
  QUALITY_ANSWER,
  QUALITY_REPORT,
  qualityAnswerSchema,
  qualityReportSchema,
  type QualityAnswerPayload,
  type QualityReportPayload,
} from './quality-tx.schema';

const DEFAULT_REPORTS = 100;

export interface SubmittedReport extends SubmittedTx {
  readonly dataset: string;
  readonly version: number;
  /** The report's id once committed (= txId). */
  readonly report: string;
}

export interface SubmittedAnswer extends SubmittedTx {
  readonly report: string;
  readonly dataset: string;
}

/**
 * Quality feedback (docs/catalog-actions.md "Quality feedback"): a data user
 * reports a problem with another department's dataset version; the owner
 * answers reports on its datasets. Both are txs signed as the department,
 * checked here against the directory before signing.
 */
@Injectable()
export class QualityService {
  constructor(
    private readonly directory: ActionDirectory,
    private readonly reports: QualityReportRepository,
    private readonly txs: CatalogTxSubmitter,
  ) {}

  async report(owner: string, name: string, body: ReportBody): Promise<SubmittedReport> {
    const dataset = await this.directory.get(datasetId(owner, name));
    if (dataset.owner === this.txs.department)
      throw new ActionRefusedError(
        'own_dataset',
        `dataset ${dataset.id} is this department's own: answer, do not report`,
        {
          dataset: dataset.id,
        },
      );
    const version = body.version ?? dataset.version;
    if (version > dataset.version)
      throw new ActionInputError(
        'unknown_version',
        `dataset ${dataset.id} has no version ${version} (current: ${dataset.version})`,
        { dataset: dataset.id, version, current: dataset.version },
      );
    const payload: QualityReportPayload = qualityReportSchema.parse({
      dataset: dataset.id,
      version,
      category: body.category,
      reason: body.reason,
    });
    const submitted = await this.txs.submit(dataset.channel, QUALITY_REPORT, { ...payload });
    return { ...submitted, dataset: dataset.id, version, report: submitted.txId };
  }

  async answer(id: string, body: AnswerBody): Promise<SubmittedAnswer> {
    const report = await this.reports.find(id);
    if (report === undefined) throw new ReportNotFoundError(id);
    const owner = report.dataset.split('/')[0];
    if (owner !== this.txs.department)
      throw new ActionRefusedError('not_owner', `report ${id} is about ${report.dataset}, which is not ours`, {
        report: id,
        dataset: report.dataset,
      });
    if (report.status !== 'open')
      throw new ActionRefusedError('report_closed', `report ${id} is already answered`, { report: id });
    if (body.fixedVersion !== undefined && body.fixedVersion <= report.version)
      throw new ActionInputError(
        'invalid_fixed_version',
        `fixedVersion ${body.fixedVersion} must be after the reported version ${report.version}`,
        { report: id, version: report.version, fixedVersion: body.fixedVersion },
      );
    const payload: QualityAnswerPayload = qualityAnswerSchema.parse({ report: id, ...body });
    const submitted = await this.txs.submit(report.channel, QUALITY_ANSWER, { ...payload });
    return { ...submitted, report: id, dataset: report.dataset };
  }

  async list(
    owner: string,
    name: string,
    query: ReportsQuery,
  ): Promise<{ readonly dataset: string; readonly reports: readonly QualityReportView[] }> {
    const dataset = await this.directory.get(datasetId(owner, name));
    return {
      dataset: dataset.id,
      reports: await this.reports.list(dataset.id, query.status ?? 'all', query.limit ?? DEFAULT_REPORTS),
    };
  }
}
