/**
 * Memory and CPU of every service process of a load run: VmRSS sampled
 * every interval (the peak under load), VmHWM at the end (the peak of the
 * process's whole life, boot included) and CPU time used during the run
 * from /proc/<pid>/stat; the machine's busy share and this client's CPU
 * beside them.
 */
import { cpuDelta, sampleCpu, type CpuSample } from './cpu-usage';
import { memoryOf } from './gateway-rss.sampler';

export interface WatchedService {
  readonly department: string;
  readonly service: string;
  readonly pid: number;
}

export interface ServiceUsage extends WatchedService {
  /** Highest VmRSS sampled during the run, bytes. */
  readonly peakRss: number;
  /** VmHWM at the end of the run (boot included), bytes. */
  readonly hwm: number;
  /** CPU time used during the run, ms. */
  readonly cpuMs: number;
}

export interface ResourceUsage {
  readonly services: readonly ServiceUsage[];
  /** CPU time of this benchmark process (the client) during the run, ms. */
  readonly clientCpuMs: number;
  /** Busy share of the whole (shared) machine during the run, 0..1. */
  readonly machineBusy: number;
  readonly samples: number;
}

export class ResourceSampler {
  private readonly peaks: number[];
  private timer: NodeJS.Timeout | undefined;
  private samples = 0;
  private cpuStart: CpuSample | undefined;

  constructor(
    private readonly services: readonly WatchedService[],
    private readonly intervalMs: number,
  ) {
    this.peaks = services.map(() => 0);
  }

  start(): void {
    this.cpuStart = sampleCpu([...this.services.map((s) => s.pid), undefined]);
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): ResourceUsage {
    clearInterval(this.timer);
    this.sample();
    const end = sampleCpu([...this.services.map((s) => s.pid), undefined]);
    const delta = cpuDelta(this.cpuStart ?? end, end);
    return {
      services: this.services.map((s, i) => ({
        ...s,
        peakRss: this.peaks[i] ?? 0,
        hwm: memoryOf(s.pid)?.hwm ?? 0,
        cpuMs: delta.processMs[i] ?? 0,
      })),
      clientCpuMs: delta.processMs[this.services.length] ?? 0,
      machineBusy: delta.machineBusy,
      samples: this.samples,
    };
  }

  private sample(): void {
    this.samples += 1;
    this.services.forEach((s, i) => {
      const rss = memoryOf(s.pid)?.rss ?? 0;
      if (rss > (this.peaks[i] ?? 0)) this.peaks[i] = rss;
    });
  }
}
