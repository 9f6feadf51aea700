/** The printed tables of the system load benchmark: one per network size, then how the cost grows with the network. */
import type { LoadRunResult } from './system-load-results';

const MIB = 1024 * 1024;

function table(title: string, header: readonly string[], lines: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(`\n${title}`);
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

const fixed = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const ms = (n: number): string => (Number.isFinite(n) ? `${Math.round(n)} ms` : '–');
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(0)} MiB`;
const pct = (ratio: number): string => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)}%` : '–');

export function printLoadRun(r: LoadRunResult): void {
  const b = r.baselines;
  const kinds = Object.entries(r.txs.byKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  table(
    `System load, ${r.departments} department(s), ${r.workers} closed-loop workers, ${fixed(r.seconds)} s (network up in ${fixed(r.bootSeconds)} s)`,
    ['figure', 'value', 'baseline (same run)', 'ratio'],
    [
      [
        'committed tx/s',
        `${fixed(r.txs.committedPerSecond, 2)} (${r.txs.committed} of ${r.txs.acknowledged} acknowledged: ${kinds || 'none'})`,
        `raw kafkajs produce ${fixed(b.kafkaProducePerSecond, 0)} msg/s (${b.kafkaMessageBytes} B)`,
        pct(r.ratios.txPerSecondToKafka),
      ],
      [
        'submit→final p50 / p99 (client-submitted txs)',
        `${ms(r.txs.submitToFinal.p50Ms)} / ${ms(r.txs.submitToFinal.p99Ms)} (${r.txs.submitToFinal.count} txs${r.txs.notFinal > 0 ? `, ${r.txs.notFinal} not seen final` : ''})`,
        '',
        '',
      ],
      [
        'searches/s, p50 / p99',
        `${fixed(r.searches.perSecond, 2)}, ${ms(r.searches.p50Ms)} / ${ms(r.searches.p99Ms)} (${r.searches.count})`,
        '',
        '',
      ],
      [
        'transfers (sha256 verified)',
        `${fixed(r.transfers.perSecond, 2)}/s, ${fixed(r.transfers.MBps, 2)} MB/s (${r.transfers.count}, p50 / p99 ${ms(r.transfers.p50Ms)} / ${ms(r.transfers.p99Ms)})`,
        `raw putObject ${fixed(b.minioPutsPerSecond, 1)}/s, ${fixed(b.minioPutMBps, 1)} MB/s (${mib(b.minioObjectBytes)} objects)`,
        pct(r.ratios.transferToMinioPut),
      ],
      ['uploads (then registered)', `${r.uploads.count}, ${fixed(r.uploads.MBps, 2)} MB/s`, '', ''],
      [
        'service CPU per committed tx',
        `${fixed(r.serviceCpuMsPerTx, 0)} ms (machine busy ${pct(r.resources.machineBusy)}, client CPU ${fixed(r.resources.clientCpuMs / 1000)} s)`,
        '',
        '',
      ],
    ],
  );
  table(
    'Operations (closed loop: each includes waiting for its tx to commit)',
    ['operation', 'ok', 'failed', 'p50', 'p99'],
    Object.entries(r.operations).map(([name, o]) => [name, String(o.ok), String(o.failed), ms(o.p50Ms), ms(o.p99Ms)]),
  );
  table(
    'Service processes (peak VmRSS sampled during the run; VmHWM includes boot; CPU during the run)',
    ['department', 'service', 'peak RSS', 'VmHWM', 'CPU s', 'CPU % of a core'],
    r.resources.services.map((s) => [
      s.department,
      s.service,
      mib(s.peakRss),
      mib(s.hwm),
      fixed(s.cpuMs / 1000),
      `${fixed((s.cpuMs / (r.seconds * 1000)) * 100, 0)}%`,
    ]),
  );
  if (r.failures.length > 0) console.log(`\nFailures (distinct, first 20):\n  ${r.failures.join('\n  ')}`);
}

/** How each cost grows from the smallest network measured to the larger ones. */
export function printGrowth(results: readonly LoadRunResult[]): void {
  const first = results[0];
  if (first === undefined) return;
  const times = (value: number, base: number): string =>
    Number.isFinite(value) && Number.isFinite(base) && base > 0 ? ` (${(value / base).toFixed(2)}×)` : '';
  table(
    `Growth with the network (× the ${first.departments}-department run)`,
    [
      'departments',
      'committed tx/s',
      'submit→final p50 / p99',
      'searches/s',
      'transfer MB/s',
      'service CPU ms / tx',
      'total peak RSS',
      'peak RSS / department',
    ],
    results.map((r) => [
      String(r.departments),
      `${fixed(r.txs.committedPerSecond, 2)}${times(r.txs.committedPerSecond, first.txs.committedPerSecond)}`,
      `${ms(r.txs.submitToFinal.p50Ms)} / ${ms(r.txs.submitToFinal.p99Ms)}${times(r.txs.submitToFinal.p50Ms, first.txs.submitToFinal.p50Ms)}`,
      `${fixed(r.searches.perSecond, 2)}${times(r.searches.perSecond, first.searches.perSecond)}`,
      `${fixed(r.transfers.MBps, 2)}`,
      `${fixed(r.serviceCpuMsPerTx, 0)}${times(r.serviceCpuMsPerTx, first.serviceCpuMsPerTx)}`,
      `${mib(r.totalPeakRss)}${times(r.totalPeakRss, first.totalPeakRss)}`,
      mib(r.totalPeakRss / r.departments),
    ]),
  );
}
