/** Small helpers shared by the benchmark scripts: timed runs, medians, a printed table. */
import { performance } from 'node:perf_hooks';

export interface Measurement {
  readonly name: string;
  readonly unit: string;
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Optional comparison printed beside the figure, e.g. "0.82× raw kafkajs". */
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Runs `fn` `runs` times; each run returns how many operations it did. Reports ops/s. */
export async function measureRate(
  name: string,
  runs: number,
  fn: () => Promise<number> | number,
): Promise<Measurement> {
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const ops = await fn();
    const seconds = (performance.now() - start) / 1000;
    rates.push(ops / seconds);
  }
  return summarize(name, 'ops/s', rates);
}

/** Runs `fn` `runs` times and reports its duration in milliseconds. */
export async function measureDuration(
  name: string,
  runs: number,
  fn: () => Promise<void> | void,
): Promise<Measurement> {
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    durations.push(performance.now() - start);
  }
  return summarize(name, 'ms', durations);
}

export function summarize(name: string, unit: string, values: readonly number[], note?: string): Measurement {
  return {
    name,
    unit,
    runs: values.length,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    ...(note === undefined ? {} : { note }),
  };
}

export function withNote(m: Measurement, note: string): Measurement {
  return { ...m, note };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(2);
}

export function printTable(title: string, rows: readonly Measurement[]): void {
  const header = ['benchmark', 'runs', 'median', 'min', 'max', 'unit', 'note'];
  const lines = rows.map((r) => [r.name, String(r.runs), fmt(r.median), fmt(r.min), fmt(r.max), r.unit, r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${title}`);
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}
