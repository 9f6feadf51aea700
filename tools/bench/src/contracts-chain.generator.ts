/**
 * A realistic chain of rule txs for the contracts benchmark: the members of
 * an alliance channel register datasets, request access to each other's,
 * decide the requests that need consent, record uses of their grants and
 * publish new versions, in proportions close to a department's daily work
 * (uses most frequent, then requests, registrations, decisions, updates).
 * The generator keeps a conservative mirror of the rule state (points,
 * live grants, pending requests) so every tx it emits is one the rules
 * apply: none is meant to be denied or rejected. Expiries are effects of
 * block time (log time): short grants and undecided requests expire as the
 * chain's publication goes on. Deterministic for a given seed.
 */
import { computeTxId, sha256Hex, type JsonObject, type TxBody } from '@accord/protocol';
import { ODRL_CONTEXT } from '@accord/rules';

/**
 * Rule parameters of the bench channel (the rest are DEFAULT_RULE_PARAMS):
 * a request expiry short enough that undecided requests expire during a
 * run, long enough that a decision published at most MAX_DECISION_DELAY
 * txs later is never late even on a loaded machine; updates at any time.
 */
export const CONTRACTS_BENCH_RULES = { requestExpiryMs: 3000, updateMinIntervalMs: 0 } as const;

/** A grant asked for this long expires during the run and gets no uses. */
const SHORT_GRANT_MS = 300;
/** A grant asked for this long outlives the run; uses go to these. */
const LONG_GRANT_MS = 30 * 24 * 3600 * 1000;
/** A pending request is decided this many txs (at most) after it. */
const MAX_DECISION_DELAY = 40;

const DOMAINS = ['population', 'legal-persons', 'geography', 'health', 'education', 'transport', 'credit'];
const DATA_TYPES = ['table', 'record', 'document', 'geospatial', 'timeseries'];
const FREQUENCIES = ['once', 'yearly', 'quarterly', 'monthly', 'weekly', 'daily'];
const PURPOSES = ['statistics', 'research', 'audit', 'planning', 'service-delivery', 'inspection'];

/** Share of each kind of step when it is possible (decisions come on their own schedule). */
const WEIGHTS = { register: 0.12, request: 0.3, use: 0.5, update: 0.08 };

export interface ChainSpec {
  readonly channel: string;
  /** Member ids; each signs its own txs. */
  readonly members: readonly string[];
  /** Number of rule txs (the genesis not included). */
  readonly count: number;
  readonly seed: number;
}

/** What the generator emitted, by tx type, and the receipts the rules should give. */
export interface ChainSummary {
  readonly byType: ReadonlyMap<string, number>;
  /** Requests that are granted at once (open datasets) and that wait for consent. */
  readonly autoGranted: number;
  readonly pending: number;
  /** Pending requests left undecided (they expire). */
  readonly undecided: number;
}

export interface GeneratedChain {
  /** Tx bodies in chain order (unsigned). */
  readonly bodies: TxBody[];
  readonly summary: ChainSummary;
}

interface Dataset {
  readonly id: string;
  readonly owner: string;
  readonly consent: boolean;
  version: number;
}

interface Decision {
  readonly due: number;
  readonly provider: string;
  readonly request: string;
  readonly grantOnConsent: boolean;
  readonly refuse: boolean;
}

/** Mulberry32: a small seeded PRNG (the chain must be the same for the same seed). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function policy(consent: boolean): JsonObject {
  return {
    '@context': ODRL_CONTEXT,
    '@type': 'Offer',
    permission: [consent ? { action: 'use', duty: [{ action: 'obtainConsent' }] } : { action: 'use' }],
  };
}

/** Builds the chain step by step over a mirror of the rule state. */
class ChainBuilder {
  readonly bodies: TxBody[] = [];
  private readonly random: () => number;
  private readonly nonces = new Map<string, number>();
  /** Conservative balance per member: registration rewards minus request prices (refunds and use rewards not counted). */
  private readonly balance = new Map<string, number>();
  private readonly datasets: Dataset[] = [];
  private readonly asked = new Set<string>();
  /** Long-lived grants (ids) with their provider, uses go to these. */
  private readonly grants: { readonly id: string; readonly provider: string }[] = [];
  private readonly decisions: Decision[] = [];
  private readonly byType = new Map<string, number>();
  private autoGranted = 0;
  private pending = 0;
  private undecided = 0;

  constructor(private readonly spec: ChainSpec) {
    this.random = prng(spec.seed);
    for (const m of spec.members) this.balance.set(m, 0);
  }

  build(): GeneratedChain {
    // Every member starts with a few datasets, as a department joining a channel publishes its registers first.
    for (const m of this.spec.members)
      for (let k = 0; k < 3 && this.bodies.length < this.spec.count; k++) this.register(m);
    while (this.bodies.length < this.spec.count) this.step();
    return {
      bodies: this.bodies,
      summary: {
        byType: this.byType,
        autoGranted: this.autoGranted,
        pending: this.pending,
        undecided: this.undecided,
      },
    };
  }

  private step(): void {
    const due = this.decisions[0];
    if (due !== undefined && due.due <= this.bodies.length) {
      this.decisions.shift();
      this.decide(due);
      return;
    }
    const r = this.random();
    if (r < WEIGHTS.register) this.register(this.pick(this.spec.members));
    else if (r < WEIGHTS.register + WEIGHTS.request) this.request();
    else if (r < WEIGHTS.register + WEIGHTS.request + WEIGHTS.use) this.use();
    else this.update();
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private emit(from: string, type: string, payload: JsonObject): TxBody {
    const nonce = (this.nonces.get(from) ?? 0) + 1;
    this.nonces.set(from, nonce);
    const body: TxBody = {
      v: 1,
      channel: this.spec.channel,
      type,
      from,
      nonce,
      ts: 1_700_000_000_000 + this.bodies.length,
      payload,
    };
    this.bodies.push(body);
    this.byType.set(type, (this.byType.get(type) ?? 0) + 1);
    return body;
  }

  private register(owner: string): void {
    const n = this.datasets.length;
    const domain = DOMAINS[n % DOMAINS.length];
    const consent = this.random() < 0.35;
    const name = `${domain}-${n}`;
    this.emit(owner, 'dataset.register', {
      name,
      title: `${domain} register ${n}`,
      description: `Records of the ${domain} domain kept by ${owner}, edition ${n % 97}`,
      domain,
      dataType: DATA_TYPES[n % DATA_TYPES.length],
      sensitivity: 'internal',
      volumeBytes: 1000 + Math.floor(this.random() * 50_000_000),
      updateFrequency: FREQUENCIES[n % FREQUENCIES.length],
      governance: 'light',
      contentHash: sha256Hex(Buffer.from(`${this.spec.channel}/${name}/1`)),
      policy: policy(consent),
    });
    this.datasets.push({ id: `${owner}/${name}`, owner, consent, version: 1 });
    // At least 10 points per registration (DEFAULT_RULE_PARAMS), whatever the type, volume and frequency.
    this.balance.set(owner, (this.balance.get(owner) ?? 0) + 10);
  }

  /** A request of a member with points for another member's dataset, never for a (dataset, purpose) it asked before. */
  private request(): void {
    for (let attempt = 0; attempt < 8; attempt++) {
      const dataset = this.pick(this.datasets);
      const requester = this.pick(this.spec.members);
      const purpose = this.pick(PURPOSES);
      const key = `${requester} ${dataset.id} ${purpose}`;
      // The internal request price is 1 point (DEFAULT_RULE_PARAMS.requestCost.internal).
      if (requester === dataset.owner || this.asked.has(key) || (this.balance.get(requester) ?? 0) < 1) continue;
      this.asked.add(key);
      this.balance.set(requester, (this.balance.get(requester) ?? 0) - 1);
      const long = this.random() < 0.75;
      const body = this.emit(requester, 'access.request', {
        dataset: dataset.id,
        purpose,
        durationMs: long ? LONG_GRANT_MS : SHORT_GRANT_MS,
      });
      const id = computeTxId(body);
      if (!dataset.consent) {
        this.autoGranted++;
        if (long) this.grants.push({ id, provider: dataset.owner });
        return;
      }
      this.pending++;
      const fate = this.random();
      if (fate < 0.15) {
        this.undecided++;
        return;
      }
      this.decisions.push({
        due: this.bodies.length + 1 + Math.floor(this.random() * MAX_DECISION_DELAY),
        provider: dataset.owner,
        request: id,
        grantOnConsent: long,
        refuse: fate < 0.3,
      });
      this.decisions.sort((a, b) => a.due - b.due);
      return;
    }
    this.register(this.pick(this.spec.members));
  }

  private decide(d: Decision): void {
    if (d.refuse) {
      this.emit(d.provider, 'access.refuse', { request: d.request, reason: 'not-for-this-purpose' });
      return;
    }
    this.emit(d.provider, 'access.consent', { request: d.request });
    if (d.grantOnConsent) this.grants.push({ id: d.request, provider: d.provider });
  }

  /** The provider's storage gateway records one access under a long-lived grant. */
  private use(): void {
    if (this.grants.length === 0) {
      this.request();
      return;
    }
    const grant = this.pick(this.grants);
    const bytes = 1 + Math.floor(this.random() * 5_000_000);
    this.emit(grant.provider, 'access.use', { grant: grant.id, bytes, range: { start: 0, end: bytes - 1 } });
  }

  private update(): void {
    const dataset = this.pick(this.datasets);
    dataset.version++;
    this.emit(dataset.owner, 'dataset.update', {
      dataset: dataset.id,
      version: dataset.version,
      contentHash: sha256Hex(Buffer.from(`${this.spec.channel}/${dataset.id}/${dataset.version}`)),
      volumeBytes: 1000 + Math.floor(this.random() * 50_000_000),
    });
  }
}

/** The chain of `spec.count` rule txs (see the file comment). */
export function generateContractsChain(spec: ChainSpec): GeneratedChain {
  return new ChainBuilder(spec).build();
}
