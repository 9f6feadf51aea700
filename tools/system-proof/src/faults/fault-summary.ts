import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** The kinds of fault the fault runs inject (docs/system-proof.md). */
export type FaultKind =
  | 'kill9-ledger'
  | 'kill9-contracts'
  | 'kill9-catalog'
  | 'kill9-storage-gateway'
  | 'kafka-restart'
  | 'postgres-restart'
  | 'minio-restart-upload'
  | 'minio-restart-transfer'
  | 'department-offline'
  | 'embedded-log-full';

/** One fault injected and what the way back measured (ms figures by name). */
export interface FaultOutcome {
  readonly kind: FaultKind;
  /** Every invariant held and every service got ready again on its own. */
  readonly recovered: boolean;
  readonly figures: Readonly<Record<string, number>>;
  readonly error?: string;
}

interface FigureStats {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly values: readonly number[];
}

/** The default place of the summary, from the repository root. */
export const FAULTS_SUMMARY_PATH = join('test-output', 'system-proof', 'faults.json');

/**
 * Collects the outcome of every fault of a run and writes the summary the
 * report is built from: per fault kind the count, the recoveries that held
 * and each figure's min / median / max (with the raw values), plus the
 * seed that replays the run and the machine it ran on.
 */
export class FaultSummary {
  private readonly outcomes: FaultOutcome[] = [];
  private readonly started = Date.now();
  private readonly extra: Record<string, unknown> = {};

  constructor(
    readonly seed: number,
    readonly network: string,
  ) {}

  add(outcome: FaultOutcome): void {
    this.outcomes.push(outcome);
  }

  /** Other run-wide facts (the workload's counts, invariant checks). */
  note(key: string, value: unknown): void {
    this.extra[key] = value;
  }

  all(): readonly FaultOutcome[] {
    return this.outcomes;
  }

  toJSON() {
    const kinds: Record<
      string,
      { count: number; recoveriesOk: number; errors: string[]; figures: Record<string, FigureStats> }
    > = {};
    for (const outcome of this.outcomes) {
      const entry = (kinds[outcome.kind] ??= { count: 0, recoveriesOk: 0, errors: [], figures: {} });
      entry.count += 1;
      if (outcome.recovered) entry.recoveriesOk += 1;
      if (outcome.error !== undefined) entry.errors.push(outcome.error);
      for (const [name, value] of Object.entries(outcome.figures)) {
        const values = [...(entry.figures[name]?.values ?? []), value];
        entry.figures[name] = stats(values);
      }
    }
    return {
      seed: this.seed,
      replay: `ACCORD_FAULT_SEED=${this.seed}`,
      network: this.network,
      startedAt: new Date(this.started).toISOString(),
      wallMs: Date.now() - this.started,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryBytes: totalmem() },
      faults: kinds,
      ...this.extra,
    };
  }

  /**
   * Writes the summary as JSON (creating the directory); resolves with the
   * path. Fault kinds another spec file wrote there (one e2e file runs at a
   * time) are kept: this run replaces only the kinds it injected.
   */
  async write(path: string = FAULTS_SUMMARY_PATH): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    const mine = this.toJSON();
    const before = await readFile(path, 'utf8').then(
      (text) => JSON.parse(text) as { faults?: Record<string, unknown> },
      () => ({ faults: {} }),
    );
    const merged = { ...mine, faults: { ...(before.faults ?? {}), ...mine.faults } };
    await writeFile(path, `${JSON.stringify(merged, null, 2)}\n`);
    return path;
  }
}

function stats(values: readonly number[]): FigureStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0],
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    max: sorted[sorted.length - 1],
    values,
  };
}
