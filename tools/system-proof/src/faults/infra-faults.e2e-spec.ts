import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestNetwork, type TestNetwork } from '@accord/cli/testing';
import type { SystemDepartment } from '../system-department';
import { departmentApi } from '../workload/department-api';
import { MixedWorkload } from '../workload/mixed-workload';
import { faultSeed, Prng } from '../workload/prng';
import {
  kafkaStopStart,
  minioRestartDuringTransfer,
  minioRestartDuringUpload,
  postgresRestart,
  type FaultContext,
  type FaultNetwork,
} from './fault-injections';
import { checkRecovery, type RecoveryContext } from './fault-recovery';
import { FaultSummary, type FaultKind } from './fault-summary';
import { ensureInfraRunning, repoRoot } from './infra-faults';

/**
 * Faults of the real servers under a running mixed workload (issue 14):
 * the Kafka broker stopped and started, PostgreSQL restarted, MinIO
 * restarted during an upload and during a transfer, each twice at a
 * random point (seeded: the seed is printed, ACCORD_FAULT_SEED replays).
 * After each: every service ready again on its own, identical heads and
 * digests, no committed tx lost, no effect twice, interrupted uploads and
 * transfers resumed with the right bytes. The servers are the ones
 * scripts/infra started: afterAll leaves them running.
 */
describe('infrastructure faults under a mixed workload', () => {
  const seed = faultSeed();
  const prng = new Prng(seed);
  const summary = new FaultSummary(seed, 'in-process departments on the real servers');
  let network: TestNetwork;
  let workDir: string;
  let workload: MixedWorkload;
  let context: FaultContext;
  let recovery: RecoveryContext;

  beforeAll(async () => {
    console.log(`fault seed ${seed} (replay: ACCORD_FAULT_SEED=${seed})`);
    workDir = await mkdtemp(join(tmpdir(), 'accord-faults-'));
    network = await startTestNetwork({ cluster: true, logLevel: 'warn' });
    const departments: SystemDepartment[] = network.departments.map(({ id, token, urls }) => ({ id, token, urls }));
    workload = new MixedWorkload({ departments, channel: network.channel, prng, workDir });
    const faultNetwork: FaultNetwork = {
      departments,
      channel: network.channel,
      service: () => {
        throw new Error('the in-process network has no service processes');
      },
      stopDepartment: () => Promise.reject(new Error('not on the in-process network')),
      startDepartment: () => Promise.reject(new Error('not on the in-process network')),
    };
    context = { network: faultNetwork, workload, prng };
    recovery = { workload, departments, channel: network.channel, awaitAgreement };
    workload.start();
    await warmUp(workload);
  });

  afterAll(async () => {
    await workload?.pause();
    await ensureInfraRunning();
    summary.note('workload', workload?.journal.summary());
    console.log(`faults summary: ${await summary.write(join(repoRoot(), 'test-output', 'system-proof', 'faults.json'))}`);
    await network?.destroy();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const faults: readonly [FaultKind, (c: FaultContext) => Promise<Record<string, number>>][] = [
    ['kafka-restart', kafkaStopStart],
    ['postgres-restart', postgresRestart],
    ['minio-restart-upload', minioRestartDuringUpload],
    ['minio-restart-transfer', minioRestartDuringTransfer],
  ];

  it.each(faults)('%s, twice at random points: the network recovers and keeps every invariant', async (kind, inject) => {
    for (let round = 0; round < 2; round++) {
      await sleep(prng.int(500, 3_000));
      const figures = await inject(context);
      const after = await checkRecovery(recovery);
      summary.add({ kind, recovered: true, figures: { ...figures, readyMs: after.readyMs, agreementMs: after.agreementMs } });
      expect(after.invariants.txsCommitted).toBeGreaterThan(0);
    }
  });
});

/** Until some datasets are registered and a grant exists, so every operation has something to act on. */
async function warmUp(workload: MixedWorkload): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (workload.journal.expectedGrants().length < 2 || workload.journal.uploads.filter((u) => u.done).length < 1) {
    if (Date.now() > deadline) throw new Error(`the workload did not warm up: ${JSON.stringify(workload.journal.summary())}`);
    await sleep(500);
  }
}

/**
 * PRIVATE stand-in for sp-harness's awaitAgreement (src/checks), deleted
 * once it lands: polls until every department's ledger has the same head
 * (height and hash), final up to the head, and every contracts service the
 * same state digest at that height.
 */
async function awaitAgreement(departments: readonly SystemDepartment[], channel: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const states = await Promise.all(
        departments.map(async (d) => {
          const api = departmentApi(d);
          const head = await api.request<{ height: number; blockHash: string; finalHeight: number | null }>(
            'ledger',
            'GET',
            `/v1/channels/${channel}/head`,
          );
          const digest = await api
            .request<{ digest: string }>('contracts', 'GET', `/v1/channels/${channel}/digests/${head.height}`)
            .then((d) => d.digest, () => null);
          return { id: d.id, height: head.height, hash: head.blockHash, final: head.finalHeight, digest };
        }),
      );
      last = states;
      const [first] = states;
      if (
        states.every(
          (s) => s.height === first.height && s.hash === first.hash && s.final === s.height && s.digest !== null && s.digest === first.digest,
        )
      )
        return states;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`the departments do not agree: ${JSON.stringify(last)}`);
    await sleep(500);
  }
}
