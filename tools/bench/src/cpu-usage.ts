/**
 * CPU accounting from /proc (Linux): how busy the whole machine was during
 * a run (Kafka, PostgreSQL, the ledgers, the bench client and whatever else
 * runs on the shared machine), and how much CPU given processes used.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ; 100 on Linux for decades). */
const USER_HZ = 100;

export interface CpuSample {
  /** Busy and total jiffies of all cores since boot. */
  readonly busy: number;
  readonly total: number;
  /** utime + stime of each watched process, ms. */
  readonly processMs: readonly number[];
  /** utime + stime of each PostgreSQL and each Java (Kafka) process by pid, ms (shared servers: other users' work included). */
  readonly postgres: ReadonlyMap<string, number>;
  readonly java: ReadonlyMap<string, number>;
}

function readMachine(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const idle = fields[3] + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Command name and CPU ms of a process, undefined when it is gone. */
function readStat(pid: number | string): { comm: string; ms: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ,
    };
  } catch {
    return undefined;
  }
}

function readProcessMs(pid: number | undefined): number {
  if (pid === undefined) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  return readStat(pid)?.ms ?? 0;
}

function servers(): { postgres: Map<string, number>; java: Map<string, number> } {
  const postgres = new Map<string, number>();
  const java = new Map<string, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { postgres, java };
  }
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat?.comm === 'postgres') postgres.set(pid, stat.ms);
    else if (stat?.comm === 'java') java.set(pid, stat.ms);
  }
  return { postgres, java };
}

/** CPU used between two samples by the processes alive at the second (one that ended in between is not counted). */
function used(from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>): number {
  let ms = 0;
  for (const [pid, now] of to) ms += now - (from.get(pid) ?? 0);
  return ms;
}

/** A sample; `pids` undefined means this process. */
export function sampleCpu(pids: readonly (number | undefined)[]): CpuSample {
  return { ...readMachine(), processMs: pids.map(readProcessMs), ...servers() };
}

export interface CpuDelta {
  /** Busy share of the whole machine, 0..1. */
  readonly machineBusy: number;
  /** CPU ms each watched process used. */
  readonly processMs: readonly number[];
  readonly postgresMs: number;
  readonly javaMs: number;
}

export function cpuDelta(from: CpuSample, to: CpuSample): CpuDelta {
  const total = to.total - from.total;
  return {
    machineBusy: total > 0 ? (to.busy - from.busy) / total : Number.NaN,
    processMs: to.processMs.map((ms, i) => ms - from.processMs[i]),
    postgresMs: used(from.postgres, to.postgres),
    javaMs: used(from.java, to.java),
  };
}
