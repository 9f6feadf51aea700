import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.program';
import { startTestNetwork, type TestNetwork } from '../network/testing';
import type { DemoEvent } from './demo.narrator';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function accord(env: Record<string, string>, ...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function ledgerHead(network: TestNetwork, id: string): Promise<{ height: number; blockHash: string }> {
  const department = network.departments.find((d) => d.id === id)!;
  const response = await fetch(`${department.urls.ledger}/v1/channels/${network.channel}/head`, {
    headers: { authorization: `Bearer ${department.token}` },
  });
  return (await response.json()) as { height: number; blockHash: string };
}

describe.each([
  ['embedded default', false],
  ['real Kafka, PostgreSQL and MinIO', true],
])('accord demo on the %s', (_mode, cluster) => {
  let network: TestNetwork;
  let env: Record<string, string>;
  let newcomer: string;

  beforeAll(async () => {
    network = await startTestNetwork({ cluster });
    env = { HOME: join(network.dataDir, 'home'), ACCORD_DATA_DIR: network.dataDir };
    // In cluster mode the departments carry the run's suffix: so does the newcomer.
    newcomer = `education${network.departments[0].id.slice('health'.length)}`;
  });

  afterAll(async () => {
    await network?.destroy();
  });

  it('plays the Ningbo story end to end, and again on the same network', async () => {
    const run = await accord(env, 'demo', '--newcomer', newcomer, '--video-mib', '3', '--json');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const steps = (JSON.parse(run.out) as { steps: DemoEvent[] }).steps;
    const step = (name: string): DemoEvent[] => steps.filter((s) => s.step === name);
    const [health, transport, police] = network.departments.map((d) => d.id);

    expect(step('alliance')[0].facts.members).toEqual([health, transport, police].sort());
    expect(step('vote').map((s) => s.facts.voter)).toEqual([health, transport]);
    expect(step('admitted')[0].facts).toEqual({ newcomer });
    expect(step('registered').map((s) => s.facts.dataset)).toEqual([
      `${transport}/traffic-cameras`,
      `${health}/clinic-visits`,
      `${transport}/parking-permits`,
      `${newcomer}/student-records`,
      `${police}/incident-reports`,
      `${police}/patrol-routes`,
    ]);
    expect(step('granted automatically').map((s) => s.facts.dataset)).toEqual([
      `${transport}/traffic-cameras`,
      `${transport}/parking-permits`,
    ]);
    expect(step('consented')).toHaveLength(1);
    const denied = step('denied by the privacy guard')[0].facts;
    expect(denied.code).toBe('privacy_guard');
    expect((denied.conflicts as { dataset: string }[]).map((c) => c.dataset).sort()).toEqual(
      [`${health}/clinic-visits`, `${transport}/parking-permits`].sort(),
    );
    expect(step('transfer')[0].facts).toMatchObject({ bytes: 3 * 1024 * 1024, chunksVerified: 3 });
    const accounts = step('points')[0].facts.after as { member: string; level: number }[];
    expect(accounts.find((a) => a.member === police)?.level).toBe(1);
    expect(step('audit')[0].facts).toMatchObject({ ok: true });
    expect(step('proof verified')[0].facts).toMatchObject({ quorum: 3 });
    for (const s of steps) for (const txId of s.txIds) expect(txId).toMatch(/^[0-9a-f]{64}$/);

    // Every department holds the same chain once the story is told.
    const heads = await Promise.all([health, transport, police, newcomer].map((id) => ledgerHead(network, id)));
    const top = Math.max(...heads.map((h) => h.height));
    const settled = await Promise.all(
      [health, transport, police, newcomer].map(async (id) => {
        for (let i = 0; i < 100; i++) {
          const head = await ledgerHead(network, id);
          if (head.height >= top) return head;
          await new Promise((r) => setTimeout(r, 100));
        }
        return ledgerHead(network, id);
      }),
    );
    expect(new Set(settled.map((h) => h.blockHash)).size).toBe(1);

    // Told again: new dataset names, the newcomer already in, the same outcomes.
    const again = await accord(env, 'demo', '--newcomer', newcomer, '--video-mib', '1', '--json');
    expect(again.code).toBe(0);
    const steps2 = (JSON.parse(again.out) as { steps: DemoEvent[] }).steps;
    expect(steps2.find((s) => s.step === 'admitted')?.facts).toEqual({ newcomer, already: true });
    expect(steps2.filter((s) => s.step === 'registered')[0].facts.dataset).toBe(`${transport}/traffic-cameras-2`);
    expect(steps2.find((s) => s.step === 'denied by the privacy guard')?.facts.code).toBe('privacy_guard');
  });
});

describe('accord demo without a running network', () => {
  it('says to start one (exit 2) or that it does not answer (exit 7)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'accord-demo-'));
    try {
      const env = { HOME: dir, ACCORD_DATA_DIR: dir };
      const none = await accord(env, 'demo');
      expect(none.code).toBe(2);
      expect(none.err).toContain(`error: no local network in ${dir}`);
      expect(none.err).toContain('next: start one with `accord up`');

      // A network that was started once and is stopped now: nothing answers on its ports.
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, 'acd_stopped\n');
      const down = 'http://127.0.0.1:9';
      const urls = { ledger: down, contracts: down, catalog: down, 'storage-gateway': down };
      await writeFile(
        join(dir, 'network.json'),
        JSON.stringify({
          version: 1,
          channel: 'alliance',
          mode: 'embedded',
          basePort: 9,
          consoleUrl: down,
          controlUrl: down,
          departments: ['health', 'transport', 'public-security'].map((id) => ({ id, founder: true, urls, tokenFile })),
        }),
      );
      const stopped = await accord(env, 'demo');
      expect(stopped.code).toBe(7);
      expect(stopped.err).toMatch(/^error: cannot reach the ledger service of health at http:\/\/127\.0\.0\.1:9/m);
      expect(stopped.err).toContain('accord up');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
