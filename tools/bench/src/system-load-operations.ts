/**
 * The mixed workload's operations (tools/system-proof's WorkloadOperations)
 * with the one thing the load benchmark adds: the moment the client sent
 * the request that created each tx, so submit→final starts at the submit,
 * not at the 202 that acknowledged it.
 */
import { DepartmentApi, type RequestOptions, type ServiceName } from '@accord/cli';
import { WorkloadOperations, type Prng, type SystemDepartment, type WorkloadJournal } from '@accord/system-proof';

/** When the client sent the request that created each tx, by tx id (ms since the epoch, as the journal's times). */
export class SubmitClock {
  private readonly sent = new Map<string, number>();

  record(txId: string, sentAt: number): void {
    if (!this.sent.has(txId)) this.sent.set(txId, sentAt);
  }

  sentAt(txId: string): number | undefined {
    return this.sent.get(txId);
  }
}

function submittedTxId(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const txId = (answer as { txId?: unknown }).txId;
  return typeof txId === 'string' ? txId : undefined;
}

/** The CLI's client, noting when each POST that answers with a tx id was sent. */
class TimedDepartmentApi extends DepartmentApi {
  constructor(
    department: SystemDepartment,
    private readonly clock: SubmitClock,
  ) {
    super({
      name: department.id,
      department: department.id,
      urls: department.urls,
      token: department.token,
      tokenSource: 'system-load',
      origin: { kind: 'profiles', path: '(system-load)' },
    });
  }

  override async request<T = unknown>(
    service: ServiceName,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const sentAt = Date.now();
    const answer = await super.request<T>(service, method, path, options);
    const txId = method === 'POST' ? submittedTxId(answer) : undefined;
    if (txId !== undefined) this.clock.record(txId, sentAt);
    return answer;
  }
}

/**
 * WorkloadOperations whose every call goes through a TimedDepartmentApi.
 * Each closed-loop worker has its own, with its own work directory: the
 * CLI's upload state store saves through one temporary file per process,
 * so two uploads in flight on one store collide on its rename.
 */
export class LoadOperations extends WorkloadOperations {
  constructor(
    private readonly members: readonly SystemDepartment[],
    channel: string,
    journal: WorkloadJournal,
    prng: Prng,
    workDir: string,
    private readonly clock: SubmitClock,
  ) {
    super(members, channel, journal, prng, workDir);
  }

  override api(department: string): DepartmentApi {
    const found = this.members.find((d) => d.id === department);
    if (found === undefined) throw new Error(`no department ${department} in the load run`);
    return new TimedDepartmentApi(found, this.clock);
  }
}
