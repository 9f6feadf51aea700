import type { ScrubFindingRecord, ScrubRunRecord } from './scrub.repository';
import type {
  ScrubFindingView,
  ScrubRunReportView,
  ScrubRunStateView,
  ScrubRunView,
  ScrubberStatusView,
} from './scrubber.dto';
import type { ScrubberStatus, ScrubRunReport, ScrubRunState } from './scrubber.service';

/** Rows to API shapes: times become ISO 8601 strings. */
const iso = (ms: number) => new Date(ms).toISOString();

export function toRunView(run: ScrubRunRecord): ScrubRunView {
  return {
    runId: run.runId,
    startedAt: iso(run.startedAt),
    finishedAt: run.finishedAt === null ? null : iso(run.finishedAt),
    objectsChecked: run.objectsChecked,
    bytesRead: run.bytesRead,
    findings: run.findings,
  };
}

function toRunStateView(run: ScrubRunState): ScrubRunStateView {
  return { ...toRunView(run), status: run.status };
}

export function toFindingView(finding: ScrubFindingRecord): ScrubFindingView {
  return { ...finding, foundAt: iso(finding.foundAt) };
}

export function toStatusView(status: ScrubberStatus): ScrubberStatusView {
  return {
    schedule: status.schedule,
    running: status.running,
    lastRun: status.lastRun === null ? null : toRunView(status.lastRun),
    findings: status.findings.map(toFindingView),
  };
}

export function toReportView(report: ScrubRunReport): ScrubRunReportView {
  return { run: toRunStateView(report.run), findings: report.findings.map(toFindingView) };
}
