/**
 * Which operation a closed-loop worker runs next: the mixed workload's
 * weights (registrations, searches, requests, consents, uploads,
 * transfers), among the operations that have something to act on, picked
 * by the seeded PRNG. Requests favour uploaded datasets so grants lead to
 * transfers; what a worker has picked is reserved until it ends, so two
 * workers never request the same dataset for the same department or
 * consent to the same request at once.
 */
import {
  OPERATION_NAMES,
  pickByWeight,
  type OperationName,
  type Prng,
  type WorkloadJournal,
  type WorkloadRequest,
} from '@accord/system-proof';
import type { LoadOperations } from './system-load-operations';

export interface PickedOperation {
  readonly name: OperationName;
  /** Bytes the operation moves (uploads and transfers), verified by their SHA-256. */
  readonly bytes: number;
  run(): Promise<unknown>;
}

export class LoadMix {
  private readonly reserved = new Set<string>();

  constructor(
    private readonly departments: readonly string[],
    private readonly journal: WorkloadJournal,
    private readonly prng: Prng,
    private readonly objectBytes: number,
  ) {}

  /** The next operation of a worker (run through its `ops`), by weight among those possible now (registrations and searches always are). */
  next(ops: LoadOperations): PickedOperation {
    const candidates = OPERATION_NAMES.flatMap((name) => {
      const picked = this.candidate(name, ops);
      return picked === undefined ? [] : [picked];
    });
    // Registrations and searches are always possible, so there is a candidate.
    return pickByWeight(this.prng, candidates) as PickedOperation;
  }

  private candidate(name: OperationName, ops: LoadOperations): PickedOperation | undefined {
    const { prng, departments } = this;
    switch (name) {
      case 'register': {
        const owner = prng.pick(departments);
        const policy = prng.next() < 0.3 ? 'consent' : 'open';
        return { name, bytes: 0, run: () => ops.register(owner, policy) };
      }
      case 'search': {
        const department = prng.pick(departments);
        return { name, bytes: 0, run: () => ops.search(department).then(() => undefined) };
      }
      case 'request':
        return this.requestCandidate(ops);
      case 'consent': {
        const pending = [...this.journal.requests.values()].filter(
          (r) => r.outcome === 'pending' && r.consentTx === undefined && !this.reserved.has(`consent ${r.id}`),
        );
        if (pending.length === 0) return undefined;
        const request = prng.pick(pending);
        return this.reserve(`consent ${request.id}`, { name, bytes: 0, run: () => ops.consent(request) });
      }
      case 'upload': {
        const owner = prng.pick(departments);
        return { name, bytes: this.objectBytes, run: () => ops.upload(owner, { sizeBytes: this.objectBytes }) };
      }
      case 'transfer':
        return this.transferCandidate(ops);
    }
  }

  private requestCandidate(ops: LoadOperations): PickedOperation | undefined {
    const requested = new Set([...this.journal.requests.values()].map((r) => `${r.requester} ${r.dataset}`));
    const open = (uploadedOnly: boolean) =>
      [...this.journal.datasets.values()].flatMap((d) =>
        d.registered && (!uploadedOnly || d.contentSha256 !== undefined)
          ? this.departments
              .filter((r) => r !== d.owner)
              .map((r) => `${r} ${d.id}`)
              .filter((key) => !requested.has(key) && !this.reserved.has(`request ${key}`))
          : [],
      );
    const uploaded = open(true);
    const choices = uploaded.length > 0 && this.prng.next() < 0.7 ? uploaded : open(false);
    if (choices.length === 0) return undefined;
    const key = this.prng.pick(choices);
    const [requester, dataset] = key.split(' ') as [string, string];
    return this.reserve(`request ${key}`, {
      name: 'request',
      bytes: 0,
      run: () => ops.request(requester, dataset),
    });
  }

  private transferCandidate(ops: LoadOperations): PickedOperation | undefined {
    const fetchable = this.journal.expectedGrants().flatMap((request: WorkloadRequest) => {
      const sha256 = this.journal.datasets.get(request.dataset)?.contentSha256;
      const upload = this.journal.uploads.find((u) => u.dataset === request.dataset);
      return sha256 !== undefined && upload !== undefined && !this.reserved.has(`transfer ${request.id}`)
        ? [{ request, sha256, bytes: upload.sizeBytes }]
        : [];
    });
    if (fetchable.length === 0) return undefined;
    const choice = this.prng.pick(fetchable);
    return this.reserve(`transfer ${choice.request.id}`, {
      name: 'transfer',
      bytes: choice.bytes,
      run: () => ops.transfer(choice.request, choice.sha256),
    });
  }

  /** Holds `key` while the operation runs. */
  private reserve(key: string, operation: PickedOperation): PickedOperation {
    return {
      ...operation,
      run: async () => {
        this.reserved.add(key);
        try {
          return await operation.run();
        } finally {
          this.reserved.delete(key);
        }
      },
    };
  }
}
