/** Peak resident memory of a child process, sampled from /proc (Linux), for the storage gateway benchmark. */
import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM of a process in bytes (undefined once it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
}

/**
 * Samples a process's VmRSS every `intervalMs` between start and stop and
 * keeps the highest: the peak of one phase (VmHWM is the peak of the
 * process's whole life, boot included, so it cannot tell phases apart).
 */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peakBytes = 0;
  private samples = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.peakBytes = 0;
    this.samples = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops sampling; the peak VmRSS seen since start, in bytes. */
  stop(): { peak: number; samples: number } {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return { peak: this.peakBytes, samples: this.samples };
  }

  private sample(): void {
    const memory = memoryOf(this.pid);
    if (memory === undefined) return;
    this.samples += 1;
    this.peakBytes = Math.max(this.peakBytes, memory.rss);
  }
}
