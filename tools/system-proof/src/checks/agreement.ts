import type { SystemDepartment } from '../system-department';
import { readDepartmentState, type DepartmentState } from './department-state';

/** What every department agreed on. */
export interface AgreedState {
  readonly height: number;
  readonly blockHash: string;
  readonly contractsDigest: string;
  readonly catalogDigest: string;
  readonly datasets: readonly string[];
  readonly states: readonly DepartmentState[];
}

/** The departments did not agree before the deadline; `disagreements` and `states` are the last poll's. */
export class AgreementTimeoutError extends Error {
  override readonly name = 'AgreementTimeoutError';
  readonly code = 'agreement_timeout';
  constructor(
    message: string,
    readonly disagreements: readonly string[],
    readonly states: readonly DepartmentState[],
  ) {
    super(message);
  }
}

/**
 * Why these states are not one agreed state, one line each; empty when
 * they are: every service answered, the same head height and hash on every
 * ledger, that head final everywhere, every contracts service applied
 * exactly that block and holds the same state digest, every catalog applied
 * a block of the same time and lists the same directory.
 */
export function disagreements(states: readonly DepartmentState[]): string[] {
  const problems: string[] = [];
  for (const s of states) {
    for (const part of ['ledger', 'contracts', 'catalog'] as const) {
      if (s[part] === undefined) problems.push(`${s.department}: the ${part} does not answer`);
    }
    if (s.ledger && s.ledger.height === null) problems.push(`${s.department}: the ledger has no block yet`);
    if (s.ledger && s.ledger.height !== null && s.ledger.finalHeight !== s.ledger.height) {
      problems.push(`${s.department}: head ${s.ledger.height} is not final (final height ${s.ledger.finalHeight})`);
    }
    if (s.ledger && s.contracts && s.contracts.height !== s.ledger.height) {
      problems.push(`${s.department}: contracts applied height ${s.contracts.height}, ledger head ${s.ledger.height}`);
    }
    if (s.ledger && s.catalog && s.catalog.modified !== s.ledger.time) {
      problems.push(
        `${s.department}: catalog applied a block of ${isoTime(s.catalog.modified)}, ledger head is of ${isoTime(s.ledger.time)}`,
      );
    }
  }
  const differing = (what: string, value: (s: DepartmentState) => unknown): void => {
    const values = new Map<string, string[]>();
    for (const s of states) {
      const v = JSON.stringify(value(s) ?? null);
      values.set(v, [...(values.get(v) ?? []), s.department]);
    }
    if (values.size > 1) {
      problems.push(`${what} differs: ${[...values].map(([v, ds]) => `${ds.join(', ')} → ${v}`).join('; ')}`);
    }
  };
  differing('head height', (s) => s.ledger?.height);
  differing('head hash', (s) => s.ledger?.blockHash);
  differing('contracts state digest', (s) => s.contracts?.digest);
  differing('catalog directory', (s) => s.catalog?.digest);
  return problems;
}

export interface AwaitAgreementOptions {
  /** Default 120 s. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

/**
 * Polls every department's state until they agree (see disagreements), and
 * answers what they agree on; throws AgreementTimeoutError with the
 * differences of the last poll when they do not within the timeout.
 */
export async function awaitAgreement(
  departments: readonly SystemDepartment[],
  channel: string,
  options: AwaitAgreementOptions = {},
): Promise<AgreedState> {
  const deadline = performance.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const states = await Promise.all(departments.map((d) => readDepartmentState(d, channel)));
    const problems = disagreements(states);
    if (problems.length === 0) return agreedState(states);
    if (performance.now() > deadline) {
      throw new AgreementTimeoutError(
        `the departments did not agree on ${channel}:\n  ${problems.join('\n  ')}`,
        problems,
        states,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

function agreedState(states: readonly DepartmentState[]): AgreedState {
  const [first] = states;
  return {
    height: first.ledger!.height!,
    blockHash: first.ledger!.blockHash!,
    contractsDigest: first.contracts!.digest!,
    catalogDigest: first.catalog!.digest,
    datasets: first.catalog!.datasets,
    states,
  };
}

const isoTime = (ms: number | null): string => (ms === null ? 'none' : new Date(ms).toISOString());
