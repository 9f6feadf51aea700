import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkConfigError, NetworkPortInUseError } from './network.errors';
import { networkFilePath, readNetworkFile, SERVICE_NAMES } from './network-file';
import type { NetworkDepartment } from './network-department';
import { startTestNetwork, type TestNetwork } from './testing';

jest.setTimeout(300_000);

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

async function memberIds(network: TestNetwork, department: NetworkDepartment): Promise<string[]> {
  const { status, body } = await getJson(
    `${department.urls.ledger}/v1/channels/${network.channel}/members`,
    department.token,
  );
  expect(status).toBe(200);
  return (body as { members: { id: string; status: string }[] }).members
    .filter((m) => m.status === 'active')
    .map((m) => m.id)
    .sort();
}

async function genesisHash(network: TestNetwork, department: NetworkDepartment): Promise<string> {
  const { status, body } = await getJson(
    `${department.urls.ledger}/v1/channels/${network.channel}/blocks/0`,
    department.token,
  );
  expect(status).toBe(200);
  return (body as { hash: string }).hash;
}

describe.each([
  ['embedded default', false],
  ['real Kafka, PostgreSQL and MinIO', true],
])('the local network on the %s', (_mode, cluster) => {
  const dataDirs: string[] = [];
  let network: TestNetwork | undefined;

  afterAll(async () => {
    await network?.close();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  it('starts every department with the founding channel, restarts on the same chains, and refuses contradicting options', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'accord-net-'));
    dataDirs.push(dataDir);
    network = await startTestNetwork({ dataDir, cluster });
    expect(network.channelCreated).toBe(true);
    expect(network.mode).toBe(cluster ? 'cluster' : 'embedded');
    const founders = network.departments.map((d) => d.id).sort();
    expect(founders).toHaveLength(3);

    // Every service of every department is ready; every ledger sees the same founding members.
    for (const department of network.departments) {
      for (const service of SERVICE_NAMES) {
        expect((await fetch(`${department.urls[service]}/health/ready`)).status).toBe(200);
      }
      expect(await memberIds(network, department)).toEqual(founders);
    }
    const genesis = await genesisHash(network, network.departments[0]);
    for (const department of network.departments) expect(await genesisHash(network, department)).toBe(genesis);

    // network.json describes what runs, for the CLI and the console.
    const file = readNetworkFile(dataDir);
    expect(file?.departments.map((d) => [d.id, d.founder, d.urls.ledger])).toEqual(
      network.departments.map((d) => [d.id, true, d.urls.ledger]),
    );
    expect((await readFile(file!.departments[0].tokenFile, 'utf8')).trim()).toBe(network.departments[0].token);

    // A second network on the same ports: refused before anything is started or written.
    const otherDir = join(dataDir, 'other');
    await expect(startTestNetwork({ dataDir: otherDir, basePort: network.basePort, cluster })).rejects.toThrow(
      NetworkPortInUseError,
    );
    // (the test's log file aside: no department directory, no network file)
    expect(await readdir(otherDir)).toEqual(['logs']);

    // The control API adds an applicant department to the running network, and only with its token.
    const control = `${network.controlUrl}/v1/network`;
    expect((await getJson(control, 'wrong-token')).status).toBe(401);
    const applicantId = cluster ? `education-${network.channel.split('-')[1]}` : 'education';
    const added = await fetch(`${control}/departments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${network.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: applicantId }),
    });
    expect(added.status).toBe(201);
    const duplicate = await fetch(`${control}/departments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${network.controlToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: applicantId }),
    });
    expect(duplicate.status).toBe(409);
    expect(((await duplicate.json()) as { error: string }).error).toBe('network_config_invalid');
    const applicant = network.departments.find((d) => d.id === applicantId)!;
    expect(applicant.founder).toBe(false);
    const listed = await getJson(control, network.controlToken);
    expect((listed.body as { departments: { id: string }[] }).departments.map((d) => d.id)).toContain(applicantId);
    // The applicant follows the channel (it sees the chain) but is not a member.
    expect(await memberIds(network, applicant)).toEqual(founders);

    // Restart: the same chains, the applicant in its slot again, no second genesis.
    await network.close();
    network = await startTestNetwork({ dataDir, basePort: network.basePort, cluster });
    expect(network.channelCreated).toBe(false);
    expect(network.departments.map((d) => [d.id, d.founder])).toEqual([
      ...founders.map(() => expect.anything()),
      [applicantId, false],
    ]);
    expect(await genesisHash(network, network.departments[1])).toBe(genesis);
    await network.close();
    network = undefined;

    // Options that contradict the data directory are refused and change nothing.
    const before = await readFile(networkFilePath(dataDir), 'utf8');
    await expect(startTestNetwork({ dataDir, departments: ['someone-else'], cluster })).rejects.toThrow(
      NetworkConfigError,
    );
    await expect(startTestNetwork({ dataDir, channel: 'other-channel', cluster })).rejects.toThrow(
      /holds a network on channel/,
    );
    await expect(startTestNetwork({ dataDir, cluster: !cluster })).rejects.toThrow(/mode/);
    expect(await readFile(networkFilePath(dataDir), 'utf8')).toBe(before);
  });
});

describe('a data directory of an incompatible version', () => {
  it('is refused without touching it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'accord-net-'));
    try {
      const future = JSON.stringify({ version: 2, channel: 'alliance', departments: [] });
      await writeFile(networkFilePath(dataDir), future);
      await expect(startTestNetwork({ dataDir })).rejects.toThrow(/incompatible version/);
      expect(await readFile(networkFilePath(dataDir), 'utf8')).toBe(future);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
