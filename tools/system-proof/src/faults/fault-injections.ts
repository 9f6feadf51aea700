import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from '@accord/cli';
import type { ProcessNetwork } from '../harness';
import type { SystemDepartment } from '../system-department';
import type { MixedWorkload } from '../workload/mixed-workload';
import type { Prng } from '../workload/prng';
import type { WorkloadRequest } from '../workload/workload-journal';
import { controlInfra } from './infra-faults';
import { timeToFirstCommit } from './fault-recovery';

export interface FaultContext {
  readonly network: ProcessNetwork;
  readonly workload: MixedWorkload;
  readonly prng: Prng;
}

/** Big enough that a MinIO restart lands while bytes move, with 1 MiB PATCHes. */
const BIG_OBJECT_BYTES = 24 * 1024 * 1024;
const BIG_CHUNK_BYTES = 1024 * 1024;

/**
 * `kill -9` of one service of each kind (a ledger, a contracts service, a
 * catalog, a gateway), each on a random department, at staggered random
 * points of the workload; then all four restarted at once on the same
 * ports and data. Resolves with each one's department and start → ready (ms).
 */
export async function kill9EachKind(context: FaultContext, kinds: readonly ServiceName[]) {
  const { network, prng } = context;
  const victims = kinds.map((service) => ({ service, department: prng.pick(network.departments).id }));
  for (const victim of victims) {
    await network.service(victim.department, victim.service).kill9();
    await sleep(prng.int(200, 1_500));
  }
  const restarted = await Promise.all(
    victims.map(async (victim) => ({
      ...victim,
      startToReadyMs: await network.service(victim.department, victim.service).start(),
    })),
  );
  return restarted;
}

/**
 * The Kafka broker stopped (the workload keeps submitting, and failing),
 * then started on the same port: how long the restart took and how long
 * until a fresh tx commits again.
 */
export async function kafkaStopStart(context: FaultContext) {
  const stopMs = await controlInfra('kafka', 'stop');
  await sleep(context.prng.int(1_000, 3_000));
  const startMs = await controlInfra('kafka', 'start');
  const firstCommitMs = await timeToFirstCommit(context.workload, context.prng.pick(context.network.departments).id);
  return { stopMs, startMs, firstCommitMs };
}

/** PostgreSQL restarted under the workload: the restart's time and the time to the next commit. */
export async function postgresRestart(context: FaultContext) {
  const restartMs = await controlInfra('postgres', 'restart');
  const firstCommitMs = await timeToFirstCommit(context.workload, context.prng.pick(context.network.departments).id);
  return { restartMs, firstCommitMs };
}

/**
 * MinIO restarted while a 24 MiB upload is under way: the upload either
 * rides it out (PATCH retries) or fails and is resumed by the settle step
 * (from the gateway's offset); the invariants then need it done with the
 * file's hash.
 */
export async function minioRestartDuringUpload(context: FaultContext) {
  const owner = context.prng.pick(context.network.departments).id;
  const upload = context.workload.operations.upload(owner, {
    sizeBytes: BIG_OBJECT_BYTES,
    chunkBytes: BIG_CHUNK_BYTES,
  });
  const outcome = upload.then(
    () => 'ok',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  await sleep(context.prng.int(200, 1_200));
  const restartMs = await controlInfra('minio', 'restart');
  const interrupted = (await outcome) !== 'ok';
  return { restartMs, interrupted: interrupted ? 1 : 0 };
}

/**
 * MinIO restarted while a 24 MiB transfer is under way: a dataset is
 * uploaded, registered and granted first, then the transfer starts and
 * MinIO restarts; a failed transfer is started again by the settle step
 * and must deliver the same bytes.
 */
export async function minioRestartDuringTransfer(context: FaultContext) {
  const { workload, prng } = context;
  const [owner, requester] = prng.shuffle(context.network.departments.map((d) => d.id));
  const upload = await retrying(() =>
    workload.operations.upload(owner, { sizeBytes: BIG_OBJECT_BYTES, chunkBytes: 8 * BIG_CHUNK_BYTES }),
  );
  const request: WorkloadRequest = await retrying(() => workload.operations.request(requester, upload.dataset));
  if (request.outcome !== 'granted')
    throw new Error(`the request for ${upload.dataset} was ${String(request.outcome)}`);
  const transfer = workload.operations.transfer(request, upload.sha256);
  const outcome = transfer.then(
    () => 'ok',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  await sleep(prng.int(100, 800));
  const restartMs = await controlInfra('minio', 'restart');
  const interrupted = (await outcome) !== 'ok';
  return { restartMs, interrupted: interrupted ? 1 : 0 };
}

/**
 * One department offline (its four services stopped) while the others go
 * on, then started again: its start time and how long its ledger takes to
 * reach the head the others had when it came back.
 */
export async function departmentOffline(context: FaultContext, department: string, offlineMs: number) {
  const { network, workload } = context;
  workload.setOffline(department, true);
  const stopped = performance.now();
  await network.stopDepartment(department, 'graceful');
  await sleep(offlineMs);
  const startedAt = performance.now();
  await network.startDepartment(department);
  const startMs = Math.round(performance.now() - startedAt);
  const others = network.departments.filter((d) => d.id !== department);
  const target = Math.max(...(await Promise.all(others.map((d) => headHeight(d, network.channel)))));
  const back = network.departments.find((d) => d.id === department) as SystemDepartment;
  const catchUpStarted = performance.now();
  const deadline = Date.now() + 120_000;
  while ((await headHeight(back, network.channel).catch(() => -1)) < target) {
    if (Date.now() > deadline) throw new Error(`${department} did not reach height ${target} within 120 s`);
    await sleep(100);
  }
  const catchUpMs = Math.round(performance.now() - catchUpStarted);
  workload.setOffline(department, false);
  return { offlineMs: Math.round(startedAt - stopped), startMs, catchUpMs, targetHeight: target };
}

/** Height of a department's ledger head on the channel (-1 before the first block). */
export async function headHeight(department: SystemDepartment, channel: string): Promise<number> {
  const response = await fetch(`${department.urls.ledger}/v1/channels/${channel}/head`, {
    headers: { authorization: `Bearer ${department.token}` },
  });
  const head = (await response.json()) as { height: number | null };
  return head.height ?? -1;
}

/** Retries an action a few times (a service of the previous fault still warming up). */
async function retrying<T>(action: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(1_000);
    }
  }
}
