/**
 * System load benchmark (issue 14, item 4; docs/benchmarks.md "System load
 * (issue 14)"). For each network size of BENCH_SYSTEM_DEPARTMENTS (default
 * 1, 3, 5): the raw Kafka produce and raw MinIO put baselines on the same
 * servers, then a fresh process network (tools/system-proof: every
 * department's ledger, contracts, catalog and storage gateway each in its
 * own process on the real Kafka, PostgreSQL and MinIO) under a sustained
 * mixed workload (registrations, searches, requests, consents, uploads,
 * transfers with their uses) from a closed-loop client for a fixed time.
 * Reports committed tx/s, submit→final p50/p99, searches, transfer
 * throughput, peak RSS and CPU of every service, ratios to the baselines,
 * and how the cost grows with the network; writes every figure to a JSON
 * file. Prints tables; asserts nothing.
 * Run: `bash scripts/bench.sh system-load`, or after sourcing infra.env
 * `npx tsc -b tsconfig.build.json && node tools/bench/dist/system-load.bench.js`.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@accord/cli';
import { Prng, startProcessNetwork, WorkloadJournal, type ProcessNetwork } from '@accord/system-proof';
import { measureRawBaselines } from './system-load-baselines';
import { removeNetworkLeftovers } from './system-load-cleanup';
import { runClosedLoop } from './system-load-driver';
import { FinalityWatcher } from './system-load-finality';
import { LoadMix } from './system-load-mix';
import { LoadOperations, SubmitClock } from './system-load-operations';
import { printGrowth, printLoadRun } from './system-load-report';
import { ResourceSampler, type WatchedService } from './system-load-resources';
import { loadRunResult, type LoadRunResult } from './system-load-results';
import { loadSystemLoadConfig, type SystemLoadConfig } from './system-load.config';

/** The departments of a network of n, in this order (the demo's three bureaus first), each with the run's suffix. */
const DEPARTMENT_NAMES = [
  'health',
  'transport',
  'public-security',
  'education',
  'housing',
  'water',
  'energy',
  'parks',
  'planning',
] as const;

/** How long the txs committed during the run may take to be seen final before the run's figures are taken. */
const FINALITY_WAIT_MS = 60_000;

function watchedServices(network: ProcessNetwork, departments: readonly string[]): WatchedService[] {
  return departments.flatMap((department) =>
    SERVICE_NAMES.map((service) => {
      const pid = network.service(department, service).pid;
      if (pid === undefined) throw new Error(`${department}'s ${service} has no process`);
      return { department, service, pid };
    }),
  );
}

async function measureNetwork(config: SystemLoadConfig, size: number, index: number): Promise<LoadRunResult> {
  const run = randomBytes(3).toString('hex');
  const ids = DEPARTMENT_NAMES.slice(0, size).map((name) => `${name}-${run}`);
  console.log(`\n${size} department(s), run ${run}: raw Kafka and MinIO baselines ...`);
  const baselines = await measureRawBaselines(config, run);
  console.log(`  starting the process network (${size * SERVICE_NAMES.length} service processes) ...`);
  const bootStart = Date.now();
  const network = await startProcessNetwork({ departments: ids, logLevel: 'warn' });
  const bootSeconds = (Date.now() - bootStart) / 1000;
  const workDir = await mkdtemp(join(tmpdir(), 'accord-sysload-'));
  try {
    const journal = new WorkloadJournal();
    const prng = new Prng(config.seed + index);
    const clock = new SubmitClock();
    const workers = await Promise.all(
      Array.from({ length: config.workers }, async (_, w) => {
        const dir = join(workDir, `worker-${w}`);
        await mkdir(dir);
        return new LoadOperations(network.departments, network.channel, journal, prng, dir, clock);
      }),
    );
    const mix = new LoadMix(ids, journal, prng, config.objectBytes);
    const finality = new FinalityWatcher(network.departments, network.channel, config.finalityPollMs);
    const sampler = new ResourceSampler(watchedServices(network, ids), config.sampleMs);
    console.log(
      `  up in ${bootSeconds.toFixed(1)} s; ${config.workers} workers for ${config.seconds} s on channel ${network.channel} ...`,
    );
    finality.start();
    sampler.start();
    const driven = await runClosedLoop(mix, workers, config.seconds);
    const resources = sampler.stop();
    const wanted = [...journal.txs.values()].flatMap((tx) =>
      tx.committed === undefined ? [] : [{ department: tx.department, height: tx.committed.height }],
    );
    if (!(await finality.awaitFinal(wanted, FINALITY_WAIT_MS)))
      console.log(
        `  some committed txs were not seen final within ${FINALITY_WAIT_MS / 1000} s (counted as not final)`,
      );
    await finality.stop();
    const exits = network.unexpectedExits();
    if (exits.length > 0)
      console.log(
        `  services that exited unexpectedly: ${exits.map((e) => `${e.department}/${e.service}`).join(', ')}`,
      );
    return loadRunResult({
      departments: size,
      channel: network.channel,
      workers: config.workers,
      bootSeconds,
      run: driven,
      journal,
      clock,
      finality,
      resources,
      baselines,
    });
  } finally {
    await network.close();
    await rm(workDir, { recursive: true, force: true });
    await removeNetworkLeftovers(config, network.channel, ids).catch((e: unknown) =>
      console.error('removing the network leftovers:', e),
    );
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const config = loadSystemLoadConfig();
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  console.log(
    `System load benchmark: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB RAM, node ${machine.node}; ` +
      `networks of ${config.departmentCounts.join(', ')} department(s); ${config.seconds} s each; ${config.workers} workers; ` +
      `objects ${config.objectBytes / 1024} KiB; seed ${config.seed}`,
  );
  const results: LoadRunResult[] = [];
  for (const [index, size] of config.departmentCounts.entries()) {
    const result = await measureNetwork(config, size, index);
    results.push(result);
    printLoadRun(result);
  }
  printGrowth(results);
  const out =
    config.outFile ?? join(tmpdir(), `accord-system-load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const { pgUrl: _pg, minio: _minio, ...settings } = config;
  await writeFile(
    out,
    JSON.stringify({ at: new Date().toISOString(), commit: gitCommit(), machine, settings, results }, null, 2),
  );
  console.log(`\nJSON results: ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
