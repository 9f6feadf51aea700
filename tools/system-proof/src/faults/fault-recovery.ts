import { setTimeout as sleep } from 'node:timers/promises';
import type { SystemDepartment } from '../system-department';
import type { MixedWorkload } from '../workload/mixed-workload';
import { checkWorkloadInvariants, settleWorkload, type InvariantReport } from '../workload/workload-invariants';
import { awaitServicesReady } from './service-readiness';

/** Waits until every department agrees on its head, finality and state digests (throws with a diff otherwise). */
export type AgreementCheck = (departments: readonly SystemDepartment[], channel: string) => Promise<unknown>;

export interface RecoveryContext {
  readonly workload: MixedWorkload;
  readonly departments: readonly SystemDepartment[];
  readonly channel: string;
  readonly awaitAgreement: AgreementCheck;
  /** Services that exited without being stopped by the test (a crash the fault caused): must stay empty. */
  readonly unexpectedExits?: () => readonly { department: string; service: string; outputTail: string }[];
}

export interface RecoveryFigures {
  /** From the end of the fault to every service answering ready (nothing restarted by the check). */
  readonly readyMs: number;
  /** Bringing the journal up to date: the blocks of acknowledged txs, interrupted uploads and transfers resumed. */
  readonly settleMs: number;
  /** From the workload paused and settled to identical heads and digests everywhere. */
  readonly agreementMs: number;
  readonly invariants: InvariantReport;
}

/**
 * The checks after a fault: the workload pauses (in-flight operations
 * finish), every service must get ready again on its own, the journal is
 * settled (interrupted uploads and transfers resumed), the departments
 * must agree, and the invariants must hold; then the workload goes on.
 * Throws the first check that failed (the workload stays paused then).
 */
export async function checkRecovery(context: RecoveryContext): Promise<RecoveryFigures> {
  const { workload, departments, channel } = context;
  await workload.pause();
  assertNoCrash(context);
  const readyMs = await awaitServicesReady(departments);
  assertNoCrash(context);
  const settling = performance.now();
  await settleWorkload(workload);
  const settleMs = Math.round(performance.now() - settling);
  const started = performance.now();
  await context.awaitAgreement(departments, channel);
  const agreementMs = Math.round(performance.now() - started);
  const invariants = await checkWorkloadInvariants(workload, departments, channel);
  workload.start();
  return { readyMs, settleMs, agreementMs, invariants };
}

function assertNoCrash(context: RecoveryContext): void {
  const crashed = context.unexpectedExits?.() ?? [];
  if (crashed.length > 0) {
    const what = crashed.map((e) => `${e.department}/${e.service}: ${e.outputTail.slice(-600)}`);
    throw new Error(`services exited on their own after the fault:\n${what.join('\n')}`);
  }
}

/**
 * From now until a fresh registration by `department` commits (ms): the
 * way back of the whole submit → block path after a broker or database
 * restart. Retries while the services still refuse or the tx does not
 * commit within a short wait.
 */
export async function timeToFirstCommit(
  workload: MixedWorkload,
  department: string,
  timeoutMs = 120_000,
): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const id = await workload.operations.register(department, 'open');
      const tx = workload.journal.txs.get(workload.journal.datasets.get(id)?.registerTx ?? '');
      if (tx?.committed !== undefined) return Math.round(performance.now() - started);
    } catch {
      // Not accepted yet (a service still reconnecting): try again.
    }
    if (Date.now() > deadline) throw new Error(`no tx of ${department} committed within ${timeoutMs} ms`);
    await sleep(200);
  }
}
