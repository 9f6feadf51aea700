import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTxProofBundle, verifyTxProof } from '@accord/protocol';
import { ApiError } from '../api/api.errors';
import type { DepartmentApi } from '../api/department.api';
import { waitForTx, type SubmittedTx } from '../api/tx-status';
import { fetchGranted } from '../data/fetch-granted';
import { SILENT_PROGRESS } from '../data/progress.renderer';
import { uploadFile } from '../data/upload-file';
import { UploadStateStore } from '../data/upload-state.store';
import { committedValid, DemoStepError, eventually, expectReceipt, retryWhile, STEP_TIMEOUT_MS } from './demo.calls';
import {
  clinicVisitsCsv,
  CONSENT_POLICY,
  OPEN_POLICY,
  sha256Hex,
  SUBJECT_KEY,
  syntheticVideo,
  type DatasetRegistration,
} from './demo.datasets';
import type { DemoNarrator } from './demo.narrator';
import type { DemoNetwork } from './demo.network';

export interface StoryOptions {
  /** The department admitted by vote (started in the network if it does not run yet). */
  readonly newcomer: string;
  /** Size of the synthetic traffic-camera video. */
  readonly videoBytes: number;
}

interface Cast {
  /** Owns the personal clinic table (strong mode) and consents. */
  readonly health: string;
  /** Owns the traffic-camera video (light mode) and a personal parking table. */
  readonly transport: string;
  /** Requests, is refused by the privacy guard, fetches the video. */
  readonly police: string;
  readonly newcomer: string;
}

interface Member {
  readonly id: string;
  readonly status: string;
}

interface Account {
  readonly member: string;
  readonly score: number;
  readonly balance: number;
  readonly level: number;
}

const DAY_MS = 86_400_000;
const GiB = 1024 ** 3;

/**
 * The Ningbo story (docs/demo.md) on a running local network: the alliance,
 * a newcomer admitted by majority vote, datasets in light and strong mode,
 * a request granted automatically, one waiting for consent, one denied by
 * the privacy guard, a verified transfer, points and levels, an audit and a
 * proof verified offline. Each step checks its outcome and throws
 * DemoStepError when the network answers otherwise. Safe to run again: new
 * dataset names, the newcomer admitted only once.
 */
export async function playNingboStory(network: DemoNetwork, say: DemoNarrator, options: StoryOptions): Promise<void> {
  const founders = network.founders.map((d) => d.id);
  if (founders.length < 3) {
    throw new DemoStepError(
      `the demo needs a network of at least three founding departments (this one has ${founders.join(', ')}); start one with \`accord up\``,
    );
  }
  const cast: Cast = { health: founders[0], transport: founders[1], police: founders[2], newcomer: options.newcomer };
  const channel = network.channel;
  const api = (id: string): DepartmentApi => network.api(id);
  const work = await mkdtemp(join(tmpdir(), 'accord-demo-'));
  try {
    const before = await alliance(network, say, founders);
    await admitNewcomer(network, say, cast, founders);
    const names = await freshNames(api(cast.health), channel, cast.transport);
    const video = await registerDatasets(network, say, cast, names, options, work);
    const { consentTx } = await requestData(network, say, cast, names);
    await transfer(api(cast.police), say, channel, video, work);
    await pointsAndLevels(api(cast.health), say, channel, before);
    await audit(api(cast.police), say, channel);
    await proofOffline(api(cast.police), say, consentTx);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function alliance(network: DemoNetwork, say: DemoNarrator, founders: readonly string[]): Promise<Account[]> {
  say.begin(`Three departments share the alliance channel "${network.channel}"`);
  const members = await activeMembers(network.api(founders[0]), network.channel);
  say.say(`members: ${members.join(', ')} (each keeps its own copy of the chain and its own data)`);
  say.say(`each department has its console view: ${network.consoleUrl}`);
  const accounts = await accountsOf(network.api(founders[0]), network.channel);
  say.record('alliance', [], { members, accounts });
  return accounts;
}

async function admitNewcomer(network: DemoNetwork, say: DemoNarrator, cast: Cast, founders: readonly string[]) {
  const channel = network.channel;
  say.begin(`A fourth department, ${cast.newcomer}, is admitted by majority vote`);
  if ((await activeMembers(network.api(founders[0]), channel)).includes(cast.newcomer)) {
    say.say(`${cast.newcomer} is already a member (admitted on an earlier run)`);
    say.record('admitted', [], { newcomer: cast.newcomer, already: true });
    return;
  }
  if (!network.has(cast.newcomer)) {
    say.say(`starting ${cast.newcomer}'s four services in the network…`);
    await network.addDepartment(cast.newcomer);
  }
  const newcomer = network.api(cast.newcomer);
  let proposal: string;
  try {
    const joined = await newcomer.request<SubmittedTx>('ledger', 'POST', `/v1/channels/${channel}/join`, { body: {} });
    await committedValid(newcomer, joined, `${cast.newcomer}'s join request`);
    proposal = joined.txId;
    say.say(`${cast.newcomer} applies with its public keys: the request opens a proposal`);
    say.record('join request', [joined.txId], { proposal });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'join_pending')) throw error;
    proposal = await openJoinProposal(network.api(founders[0]), channel, cast.newcomer);
    say.say(`${cast.newcomer}'s application from an earlier run is still open: proposal ${proposal}`);
  }
  // A majority of the three founders: two yes votes admit the newcomer.
  for (const voter of founders.slice(0, 2)) {
    const voterApi = network.api(voter);
    const vote = await retryWhile(['proposal_not_found', 'channel_catching_up'], () =>
      voterApi.request<SubmittedTx>('ledger', 'POST', `/v1/channels/${channel}/proposals/${proposal}/votes`, {
        body: { approve: true },
      }),
    ).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'already_voted') return undefined;
      throw error;
    });
    if (vote) await committedValid(voterApi, vote, `${voter}'s vote`);
    say.say(`${voter} votes yes`);
    say.record('vote', vote ? [vote.txId] : [], { voter, proposal });
  }
  await eventually(`${cast.newcomer} to be an active member`, async () =>
    (await activeMembers(network.api(founders[0]), channel)).includes(cast.newcomer) ? true : undefined,
  );
  say.say(`2 of 3 voted yes: ${cast.newcomer} is a member; every ledger now lists four members`);
  say.record('admitted', [], { newcomer: cast.newcomer });
}

interface DatasetNames {
  readonly video: string;
  readonly visits: string;
  readonly parking: string;
  readonly students: string;
  readonly incidents: string;
  readonly patrols: string;
}

/** Dataset names not used yet on this channel (a rerun gets `-2`, `-3`, …). */
async function freshNames(api: DepartmentApi, channel: string, owner: string): Promise<DatasetNames> {
  const datasets = await api.request<{ datasets: { id: string }[] }>(
    'contracts',
    'GET',
    `/v1/channels/${channel}/datasets`,
    {
      query: { owner },
    },
  );
  const taken = new Set(datasets.datasets.map((d) => d.id.split('/')[1]));
  let run = 1;
  const suffix = (): string => (run === 1 ? '' : `-${run}`);
  while (taken.has(`traffic-cameras${suffix()}`)) run += 1;
  return {
    video: `traffic-cameras${suffix()}`,
    visits: `clinic-visits${suffix()}`,
    parking: `parking-permits${suffix()}`,
    students: `student-records${suffix()}`,
    incidents: `incident-reports${suffix()}`,
    patrols: `patrol-routes${suffix()}`,
  };
}

async function registerDatasets(
  network: DemoNetwork,
  say: DemoNarrator,
  cast: Cast,
  names: DatasetNames,
  options: StoryOptions,
  work: string,
): Promise<string> {
  const channel = network.channel;
  say.begin('Departments register their datasets; the data stays with its owner');

  // Light mode: the video stays in the transport bureau's object store, anchored on the chain by its hashes.
  const transport = network.api(cast.transport);
  const videoFile = join(work, `${names.video}.mp4`);
  await writeFile(videoFile, syntheticVideo(options.videoBytes));
  const uploaded = await uploadFile(
    transport,
    videoFile,
    {
      channel,
      dataset: `${cast.transport}/${names.video}`,
      version: 1,
      mediaType: 'video/mp4',
      state: UploadStateStore.in(join(work, 'uploads')),
      anchorWaitMs: STEP_TIMEOUT_MS,
    },
    SILENT_PROGRESS,
  );
  say.say(
    `${cast.transport} uploads a traffic-camera video (${uploaded.object.sizeBytes} bytes) to its own gateway: encrypted at rest, anchored by hash`,
  );
  say.record('video anchored', uploaded.object.anchorTxId ? [uploaded.object.anchorTxId] : [], {
    object: uploaded.object.objectId,
    sha256: uploaded.sha256,
    chunkRoot: uploaded.object.chunkRoot,
  });
  await register(network, say, cast.transport, {
    name: names.video,
    title: 'Traffic cameras, Haishu district',
    description:
      'Video of the traffic cameras at the Haishu district crossings, anonymised (faces and plates blurred).',
    domain: 'transport',
    dataType: 'video',
    sensitivity: 'internal',
    volumeBytes: uploaded.object.sizeBytes,
    updateFrequency: 'realtime',
    governance: 'light',
    contentHash: uploaded.sha256,
    policy: OPEN_POLICY,
    metadata: { keywords: ['traffic', 'camera', 'video'], themes: ['TRAN'] },
  });

  // Strong mode: the personal table itself goes on the chain, encrypted; keys are shared only with grantees.
  const visits = clinicVisitsCsv();
  await register(network, say, cast.health, {
    name: names.visits,
    title: 'Clinic visits',
    description: 'Visits to community clinics and hospitals, by citizen: personal data, shared only with consent.',
    domain: 'health',
    dataType: 'table',
    sensitivity: 'personal',
    subjectKey: SUBJECT_KEY,
    volumeBytes: Buffer.byteLength(visits),
    updateFrequency: 'daily',
    governance: 'strong',
    contentHash: sha256Hex(visits),
    policy: CONSENT_POLICY,
    metadata: { keywords: ['health', 'clinic'], themes: ['HEAL'] },
  });
  const health = network.api(cast.health);
  const record = await retryWhile(['dataset_not_found', 'channel_not_found', 'not_owner'], () =>
    health.request<SubmittedTx>('storage-gateway', 'POST', '/v1/records', {
      body: {
        channel,
        dataset: `${cast.health}/${names.visits}`,
        record: 'visits-2026-11',
        mediaType: 'text/csv',
        content: visits,
      },
    }),
  );
  await committedValid(health, record, 'the clinic visits record');
  say.say(`${cast.health} puts the table on the chain in strong mode: encrypted, its key shared only with grantees`);
  say.record('strong record', [record.txId], { dataset: `${cast.health}/${names.visits}` });

  const personal = (owner: string, name: string, title: string, domain: string): Promise<void> =>
    register(network, say, owner, {
      name,
      title,
      description: `${title}, by citizen.`,
      domain,
      dataType: 'table',
      sensitivity: 'personal',
      subjectKey: SUBJECT_KEY,
      volumeBytes: 64 * 1024,
      updateFrequency: 'weekly',
      governance: 'light',
      contentHash: sha256Hex(`${owner}/${name}`),
      policy: OPEN_POLICY,
    });
  await personal(cast.transport, names.parking, 'Residential parking permits', 'transport');
  await personal(cast.newcomer, names.students, 'Student records', 'education');
  // The police earn the points (and the level) that personal data needs by sharing their own data.
  for (const [name, title, dataType] of [
    [names.incidents, 'Incident reports', 'table'],
    [names.patrols, 'Patrol routes', 'geospatial'],
  ] as const) {
    await register(network, say, cast.police, {
      name,
      title,
      description: `${title} of the city police, aggregated by street.`,
      domain: 'public-security',
      dataType,
      sensitivity: 'internal',
      volumeBytes: 2 * GiB,
      updateFrequency: 'realtime',
      governance: 'light',
      contentHash: sha256Hex(`${cast.police}/${name}`),
      policy: OPEN_POLICY,
    });
  }
  return `${cast.transport}/${names.video}`;
}

async function register(network: DemoNetwork, say: DemoNarrator, owner: string, dataset: DatasetRegistration) {
  const api = network.api(owner);
  const submitted = await api.request<SubmittedTx>('catalog', 'POST', `/v1/channels/${network.channel}/datasets`, {
    body: dataset,
  });
  await committedValid(api, submitted, `registering ${owner}/${dataset.name}`);
  const receipt = await expectReceipt(api, submitted.txId, 'registered', `registering ${owner}/${dataset.name}`);
  say.say(
    `${owner} registers ${owner}/${dataset.name} (${dataset.sensitivity}, ${dataset.governance} mode): +${receipt.points ?? 0} points`,
  );
  say.record('registered', [submitted.txId], { dataset: `${owner}/${dataset.name}`, points: receipt.points });
}

async function requestData(
  network: DemoNetwork,
  say: DemoNarrator,
  cast: Cast,
  names: DatasetNames,
): Promise<{ consentTx: string }> {
  const channel = network.channel;
  const police = network.api(cast.police);
  say.begin(`${cast.police} asks for data; the rules decide at once, by themselves`);
  const video = `${cast.transport}/${names.video}`;
  const visits = `${cast.health}/${names.visits}`;
  const parking = `${cast.transport}/${names.parking}`;
  // One call, several datasets: the catalog signs one access.request per dataset.
  const answer = await retryWhile(['dataset_not_found'], () =>
    police.request<{
      results: { dataset: string; status: string; txId?: string; error?: { code: string; message: string } }[];
    }>('catalog', 'POST', '/v1/requests', {
      body: {
        purpose: 'public-safety',
        durationMs: 30 * DAY_MS,
        items: [{ dataset: video }, { dataset: visits }, { dataset: parking }],
      },
    }),
  );
  const txOf = (dataset: string): string => {
    const result = answer.results.find((r) => r.dataset === dataset);
    if (result?.txId === undefined) {
      throw new DemoStepError(`the request for ${dataset} was refused: ${result?.error?.message ?? 'no answer'}`);
    }
    return result.txId;
  };
  const granted = await expectReceipt(police, txOf(video), 'granted', `the request for ${video}`);
  say.say(`${video}: granted automatically (${granted.code}): internal data, level 0 is enough, no consent asked`);
  say.record('granted automatically', [txOf(video)], { dataset: video });

  const pending = await expectReceipt(police, txOf(visits), 'pending', `the request for ${visits}`);
  say.say(`${visits}: waiting for ${cast.health}'s consent (${pending.code})`);
  say.record('waiting for consent', [txOf(visits)], { dataset: visits });
  const health = network.api(cast.health);
  const consent = await health.request<SubmittedTx>(
    'contracts',
    'POST',
    `/v1/channels/${channel}/requests/${txOf(visits)}/consent`,
    { query: { waitMs: 20_000 }, body: {}, timeoutMs: 40_000 },
  );
  await committedValid(health, consent, `${cast.health}'s consent`);
  await expectReceipt(health, consent.txId, 'consented', `${cast.health}'s consent`);
  say.say(`${cast.health}'s data administrator consents: granted, and the record's key is shared with ${cast.police}`);
  say.record('consented', [consent.txId], { dataset: visits });

  await expectReceipt(police, txOf(parking), 'granted', `the request for ${parking}`);
  say.say(
    `${parking}: granted automatically: ${cast.police} now holds personal data about ${SUBJECT_KEY} from two providers`,
  );
  say.record('granted automatically', [txOf(parking)], { dataset: parking });

  const students = `${cast.newcomer}/${names.students}`;
  const third = await retryWhile(['dataset_not_found', 'unknown_dataset'], () =>
    police.request<SubmittedTx>('contracts', 'POST', `/v1/channels/${channel}/requests`, {
      body: { dataset: students, purpose: 'public-safety', durationMs: 30 * DAY_MS },
    }),
  );
  await committedValid(police, third, `the request for ${students}`);
  const denied = await expectReceipt(police, third.txId, 'denied', `the request for ${students}`);
  if (denied.code !== 'privacy_guard') {
    throw new DemoStepError(`the request for ${students} was denied for ${denied.code}, not by the privacy guard`);
  }
  say.say(`${students}: DENIED by the privacy guard: a third source about ${SUBJECT_KEY} would build a full profile`);
  for (const conflict of denied.conflicts ?? []) {
    say.say(
      `  conflicting grant ${conflict.grant.slice(0, 12)}… on ${conflict.dataset} (provider ${conflict.provider})`,
    );
  }
  say.record('denied by the privacy guard', [third.txId], {
    dataset: students,
    code: denied.code,
    conflicts: denied.conflicts ?? [],
  });
  return { consentTx: consent.txId };
}

async function transfer(police: DepartmentApi, say: DemoNarrator, channel: string, dataset: string, work: string) {
  say.begin('A verified transfer: the video moves from owner to user, never through a central pool');
  const result = await fetchGranted(
    police,
    { kind: 'dataset', dataset },
    { channel, out: join(work, 'received.mp4'), timeoutMs: STEP_TIMEOUT_MS },
    SILENT_PROGRESS,
  );
  if (result.sha256 !== result.anchorSha256) throw new DemoStepError('the received bytes do not match the anchor');
  say.say(
    `${police.profile.department} received ${result.bytes} bytes in ${result.chunksVerified} chunks, each checked against the anchored Merkle root`,
  );
  say.say(`sha256 ${result.sha256} equals the anchor's; the provider recorded the access on the chain`);
  say.record('transfer', result.useTx ? [result.useTx] : [], {
    bytes: result.bytes,
    chunksVerified: result.chunksVerified,
    sha256: result.sha256,
  });
}

async function pointsAndLevels(api: DepartmentApi, say: DemoNarrator, channel: string, before: readonly Account[]) {
  say.begin('Points and permission levels moved');
  const after = await accountsOf(api, channel);
  for (const account of after) {
    const was = before.find((b) => b.member === account.member);
    say.say(
      `${account.member.padEnd(20)} score ${String(was?.score ?? 0).padStart(4)} → ${String(account.score).padStart(4)}   balance ${String(account.balance).padStart(4)}   level ${was?.level ?? 0} → ${account.level}`,
    );
  }
  say.record('points', [], { before, after });
}

async function audit(api: DepartmentApi, say: DemoNarrator, channel: string) {
  say.begin(`${api.profile.department} audits its copy of the chain`);
  const verdict = await api.request<{ ok: boolean; blocks: number; txs: number; code?: string; reason?: string }>(
    'ledger',
    'POST',
    `/v1/channels/${channel}/audit`,
    { body: {}, timeoutMs: 120_000 },
  );
  if (!verdict.ok) throw new DemoStepError(`the audit failed: ${verdict.code} ${verdict.reason}`);
  say.say(
    `${verdict.blocks} blocks, ${verdict.txs} txs: hashes, links, signatures and the other members' attestations all check out`,
  );
  say.record('audit', [], verdict);
}

async function proofOffline(api: DepartmentApi, say: DemoNarrator, txId: string) {
  say.begin('Anyone can check the consent offline, with a proof');
  await eventually('the consent block to be final', async () => {
    const status = await waitForTx(api, `/v1/txs/${txId}`, 1_000);
    return status?.status === 'committed' && status.final ? status : undefined;
  });
  const bundle = validateTxProofBundle(await api.request<unknown>('ledger', 'GET', `/v1/txs/${txId}/proof-bundle`));
  const result = verifyTxProof(bundle.proof, bundle.members, { quorum: bundle.quorum });
  if (!result.ok) throw new DemoStepError(`the proof does not verify: ${result.code} ${result.reason}`);
  say.say(
    `tx ${txId.slice(0, 12)}… is in block ${result.height}, attested by ${result.attesters.join(', ')} (quorum ${result.quorum} of the channel's policy)`,
  );
  say.say('verified here, without trusting any server: `accord proof <tx> --out p.json && accord verify-proof p.json`');
  say.record('proof verified', [txId], { height: result.height, attesters: result.attesters, quorum: result.quorum });
}

async function activeMembers(api: DepartmentApi, channel: string): Promise<string[]> {
  const view = await api.request<{ members: Member[] }>('ledger', 'GET', `/v1/channels/${channel}/members`);
  return view.members.filter((m) => m.status === 'active').map((m) => m.id);
}

async function openJoinProposal(api: DepartmentApi, channel: string, applicant: string): Promise<string> {
  const view = await api.request<{ proposals: { id: string; type: string; applicant?: { id: string } }[] }>(
    'ledger',
    'GET',
    `/v1/channels/${channel}/proposals`,
  );
  const open = view.proposals.find((p) => p.type === 'member.join' && p.applicant?.id === applicant);
  if (open === undefined) throw new DemoStepError(`${applicant}'s join request is pending but no proposal is open`);
  return open.id;
}

async function accountsOf(api: DepartmentApi, channel: string): Promise<Account[]> {
  const view = await api.request<{ accounts: Account[] }>('contracts', 'GET', `/v1/channels/${channel}/accounts`);
  return view.accounts.map(({ member, score, balance, level }) => ({ member, score, balance, level }));
}
