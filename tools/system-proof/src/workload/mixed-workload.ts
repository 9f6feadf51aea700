import { setTimeout as sleep } from 'node:timers/promises';
import type { SystemDepartment } from '../system-department';
import type { Prng } from './prng';
import { OPERATION_NAMES, pickByWeight } from './operation-weights';
import { WorkloadJournal, type OperationName } from './workload-journal';
import { WorkloadOperations } from './workload-operations';

export interface MixedWorkloadOptions {
  readonly departments: readonly SystemDepartment[];
  readonly channel: string;
  readonly prng: Prng;
  /** Where uploaded and fetched files and the upload state go. */
  readonly workDir: string;
  /** Between two operations started (ms); the rate stays modest so a 2-core machine keeps up. */
  readonly intervalMs?: number;
  /** Operations in flight at most. */
  readonly concurrency?: number;
  /** Size of the workload's ordinary uploads. */
  readonly uploadBytes?: number;
}

/**
 * A steady mixed workload on a network: registrations, searches, access
 * requests, consents, uploads and transfers (each transfer records a use),
 * one started every `intervalMs` with a few in flight, picked by the seeded
 * PRNG among those that have something to act on. Failures (a service down
 * during a fault) are counted, not thrown: the invariants decide what a
 * fault may not do. `pause` lets the in-flight operations finish so the
 * network can quiesce for the checks.
 */
export class MixedWorkload {
  readonly journal = new WorkloadJournal();
  readonly operations: WorkloadOperations;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly offline = new Set<string>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: MixedWorkloadOptions) {
    this.operations = new WorkloadOperations(
      options.departments,
      options.channel,
      this.journal,
      options.prng,
      options.workDir,
    );
  }

  /** Starts (or resumes) issuing operations. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.issue();
  }

  /** Stops issuing and waits for the operations in flight. */
  async pause(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Leaves a department out of new operations (it is offline on purpose), or takes it back. */
  setOffline(department: string, offline: boolean): void {
    if (offline) this.offline.add(department);
    else this.offline.delete(department);
  }

  private async issue(): Promise<void> {
    const interval = this.options.intervalMs ?? 300;
    const concurrency = this.options.concurrency ?? 3;
    while (this.running) {
      if (this.inFlight.size < concurrency) {
        const op = this.pickOperation();
        if (op !== undefined) {
          const promise: Promise<void> = op.run().then(
            () => this.journal.succeeded(op.name),
            (error: unknown) => this.journal.failed(op.name, error instanceof Error ? error.message : String(error)),
          );
          const tracked = promise.finally(() => this.inFlight.delete(tracked));
          this.inFlight.add(tracked);
        }
      }
      await sleep(interval);
    }
  }

  /** An operation with something to act on, by weight; undefined when none has. */
  private pickOperation(): { name: OperationName; run: () => Promise<unknown> } | undefined {
    const { prng } = this.options;
    const online = this.options.departments.map((d) => d.id).filter((id) => !this.offline.has(id));
    if (online.length === 0) return undefined;
    const candidates = OPERATION_NAMES.map((name) => ({ name, run: this.runnerFor(name, online) })).filter(
      (c): c is { name: OperationName; run: () => Promise<unknown> } => c.run !== undefined,
    );
    return pickByWeight(prng, candidates);
  }

  private runnerFor(name: OperationName, online: readonly string[]): (() => Promise<unknown>) | undefined {
    const { prng } = this.options;
    const ops = this.operations;
    const journal = this.journal;
    const onlineSet = new Set(online);
    switch (name) {
      case 'register': {
        const owner = prng.pick(online);
        const policy = prng.next() < 0.3 ? 'consent' : 'open';
        return () => ops.register(owner, policy);
      }
      case 'search': {
        const department = prng.pick(online);
        return () => ops.search(department);
      }
      case 'request': {
        const requested = new Set([...journal.requests.values()].map((r) => `${r.requester} ${r.dataset}`));
        const choices = [...journal.datasets.values()].flatMap((d) =>
          d.registered && onlineSet.has(d.owner)
            ? online.filter((r) => r !== d.owner && !requested.has(`${r} ${d.id}`)).map((r) => ({ r, d: d.id }))
            : [],
        );
        if (choices.length === 0) return undefined;
        const choice = prng.pick(choices);
        return () => ops.request(choice.r, choice.d);
      }
      case 'consent': {
        const pending = [...journal.requests.values()].filter(
          (r) => r.outcome === 'pending' && r.consentTx === undefined && onlineSet.has(r.provider),
        );
        if (pending.length === 0) return undefined;
        const request = prng.pick(pending);
        return () => ops.consent(request);
      }
      case 'upload': {
        const owner = prng.pick(online);
        return () => ops.upload(owner, { sizeBytes: this.options.uploadBytes ?? 256 * 1024 });
      }
      case 'transfer': {
        const fetchable = journal.expectedGrants().flatMap((r) => {
          const dataset = journal.datasets.get(r.dataset);
          const busy = journal.transfers.some((t) => t.grant === r.id && !t.done);
          return dataset?.contentSha256 !== undefined &&
            !busy &&
            onlineSet.has(r.requester) &&
            onlineSet.has(r.provider)
            ? [{ request: r, sha256: dataset.contentSha256 }]
            : [];
        });
        if (fetchable.length === 0) return undefined;
        const choice = prng.pick(fetchable);
        return () => ops.transfer(choice.request, choice.sha256);
      }
    }
  }
}
