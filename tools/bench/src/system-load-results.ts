/**
 * The figures of one load run, from what the client recorded: the txs of
 * the journal that committed, their submit→final times (the client's send
 * of the request that created the tx, to the first poll of the submitting
 * department's ledger whose final height covers the tx's block), searches,
 * transfers, and the services' memory and CPU.
 */
import type { OperationName, WorkloadJournal } from '@accord/system-proof';
import { median, percentile } from './bench-stats';
import type { RawBaselines } from './system-load-baselines';
import type { DriverRun } from './system-load-driver';
import type { FinalityWatcher } from './system-load-finality';
import type { SubmitClock } from './system-load-operations';
import type { ResourceUsage } from './system-load-resources';

export interface Latency {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface OperationFigures {
  readonly ok: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface LoadRunResult {
  readonly departments: number;
  readonly channel: string;
  readonly workers: number;
  /** Time of the workload itself (deadline, plus the operations let finish), s. */
  readonly seconds: number;
  /** Start of the network (all services ready, channel founded), s. */
  readonly bootSeconds: number;
  readonly txs: {
    readonly acknowledged: number;
    readonly committed: number;
    readonly committedPerSecond: number;
    readonly byKind: Readonly<Record<string, number>>;
    /** Of the txs the client submitted itself (registrations, requests, consents). */
    readonly submitToFinal: Latency;
    /** Client-submitted txs committed but not seen final within the wait. */
    readonly notFinal: number;
  };
  readonly searches: { readonly perSecond: number } & Latency;
  readonly transfers: {
    readonly count: number;
    readonly perSecond: number;
    readonly bytes: number;
    readonly MBps: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
  };
  readonly uploads: { readonly count: number; readonly bytes: number; readonly MBps: number };
  readonly operations: Readonly<Record<OperationName, OperationFigures>>;
  readonly failures: readonly string[];
  readonly resources: ResourceUsage;
  readonly baselines: RawBaselines;
  readonly ratios: {
    /** Committed tx/s ÷ raw Kafka produce msg/s. */
    readonly txPerSecondToKafka: number;
    /** Transfer MB/s ÷ raw MinIO put MB/s (same object size). */
    readonly transferToMinioPut: number;
  };
  /** CPU of all service processes per committed tx, ms. */
  readonly serviceCpuMsPerTx: number;
  readonly totalPeakRss: number;
}

/** Kinds the client submits itself, whose send time it knows. */
const CLIENT_KINDS = new Set(['register', 'request', 'consent']);

function latency(values: readonly number[]): Latency {
  return { count: values.length, p50Ms: median(values), p99Ms: percentile(values, 99) };
}

function operationFigures(run: DriverRun): Record<OperationName, OperationFigures> {
  const names: OperationName[] = ['register', 'search', 'request', 'consent', 'upload', 'transfer'];
  return Object.fromEntries(
    names.map((name) => {
      const ok = run.records.filter((r) => r.name === name && r.ok);
      const ms = ok.map((r) => r.ms);
      return [
        name,
        {
          ok: ok.length,
          failed: run.records.filter((r) => r.name === name && !r.ok).length,
          p50Ms: ms.length === 0 ? Number.NaN : median(ms),
          p99Ms: percentile(ms, 99),
        },
      ];
    }),
  ) as Record<OperationName, OperationFigures>;
}

export interface LoadRunInputs {
  readonly departments: number;
  readonly channel: string;
  readonly workers: number;
  readonly bootSeconds: number;
  readonly run: DriverRun;
  readonly journal: WorkloadJournal;
  readonly clock: SubmitClock;
  readonly finality: FinalityWatcher;
  readonly resources: ResourceUsage;
  readonly baselines: RawBaselines;
}

export function loadRunResult(input: LoadRunInputs): LoadRunResult {
  const { run, journal, clock, finality, resources, baselines } = input;
  const seconds = (run.endedAt - run.startedAt) / 1000;
  const txs = [...journal.txs.values()];
  const committed = txs.filter((t) => t.committed !== undefined);
  const byKind: Record<string, number> = {};
  for (const tx of committed) byKind[tx.kind] = (byKind[tx.kind] ?? 0) + 1;
  const finalTimes: number[] = [];
  let notFinal = 0;
  for (const tx of committed) {
    const sentAt = clock.sentAt(tx.txId);
    if (!CLIENT_KINDS.has(tx.kind) || sentAt === undefined || tx.committed === undefined) continue;
    const finalAt = finality.finalAt(tx.department, tx.committed.height);
    if (finalAt === undefined) notFinal += 1;
    else finalTimes.push(Math.max(0, finalAt - sentAt));
  }
  const searches = run.records.filter((r) => r.name === 'search' && r.ok);
  const transfers = run.records.filter((r) => r.name === 'transfer' && r.ok);
  const uploads = run.records.filter((r) => r.name === 'upload' && r.ok);
  const transferBytes = transfers.reduce((sum, r) => sum + r.bytes, 0);
  const uploadBytes = uploads.reduce((sum, r) => sum + r.bytes, 0);
  const committedPerSecond = committed.length / seconds;
  const transferMBps = transferBytes / 1e6 / seconds;
  const serviceCpuMs = resources.services.reduce((sum, s) => sum + s.cpuMs, 0);
  return {
    departments: input.departments,
    channel: input.channel,
    workers: input.workers,
    seconds,
    bootSeconds: input.bootSeconds,
    txs: {
      acknowledged: txs.length,
      committed: committed.length,
      committedPerSecond,
      byKind,
      submitToFinal: latency(finalTimes),
      notFinal,
    },
    searches: { perSecond: searches.length / seconds, ...latency(searches.map((r) => r.ms)) },
    transfers: {
      count: transfers.length,
      perSecond: transfers.length / seconds,
      bytes: transferBytes,
      MBps: transferMBps,
      p50Ms: transfers.length === 0 ? Number.NaN : median(transfers.map((r) => r.ms)),
      p99Ms: percentile(
        transfers.map((r) => r.ms),
        99,
      ),
    },
    uploads: { count: uploads.length, bytes: uploadBytes, MBps: uploadBytes / 1e6 / seconds },
    operations: operationFigures(run),
    failures: [...new Set(run.records.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error ?? ''}`))].slice(0, 20),
    resources,
    baselines,
    ratios: {
      txPerSecondToKafka: committedPerSecond / baselines.kafkaProducePerSecond,
      transferToMinioPut: transferMBps / baselines.minioPutMBps,
    },
    serviceCpuMsPerTx: committed.length === 0 ? Number.NaN : serviceCpuMs / committed.length,
    totalPeakRss: resources.services.reduce((sum, s) => sum + s.peakRss, 0),
  };
}
