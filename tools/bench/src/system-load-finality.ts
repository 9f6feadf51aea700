/**
 * When each department's ledger saw its final height grow, polled from
 * GET /v1/channels/:channel/head: the moment a tx of height h became final
 * on a department is the first poll whose final height reached h (so the
 * submit→final figures are exact to one poll interval).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { departmentApi, type SystemDepartment } from '@accord/system-proof';

interface FinalObservation {
  readonly at: number;
  readonly finalHeight: number;
}

interface HeadAnswer {
  readonly finalHeight: number | null;
}

export class FinalityWatcher {
  private readonly seen = new Map<string, FinalObservation[]>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly departments: readonly SystemDepartment[],
    private readonly channel: string,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.departments.map((d) => this.watch(d));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** When `department`'s ledger first reported a final height of at least `height` (undefined: not yet). */
  finalAt(department: string, height: number): number | undefined {
    return this.seen.get(department)?.find((o) => o.finalHeight >= height)?.at;
  }

  /** Polls until every (department, height) is final there or `timeoutMs` passed; true when all are. */
  async awaitFinal(wanted: readonly { department: string; height: number }[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (wanted.every((w) => this.finalAt(w.department, w.height) !== undefined)) return true;
      if (Date.now() > deadline) return false;
      await sleep(this.pollMs);
    }
  }

  private async watch(department: SystemDepartment): Promise<void> {
    const api = departmentApi(department);
    const observations: FinalObservation[] = [];
    this.seen.set(department.id, observations);
    while (this.running) {
      try {
        const head = await api.request<HeadAnswer>('ledger', 'GET', `/v1/channels/${this.channel}/head`, {
          timeoutMs: 10_000,
        });
        const last = observations.at(-1)?.finalHeight ?? -1;
        if (head.finalHeight !== null && head.finalHeight > last)
          observations.push({ at: Date.now(), finalHeight: head.finalHeight });
      } catch {
        // A slow or busy ledger: the next poll tells.
      }
      await sleep(this.pollMs);
    }
  }
}
