import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.program';
import { startNetwork, type RunningNetwork } from '../network';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * The department commands against a running local network (two departments,
 * the founding `alliance` channel), in-process through runCli as a user
 * types them: exit codes, --json shapes, tables and error messages.
 */
describe('accord department commands on a local network', () => {
  let dataDir: string;
  let home: string;
  let network: RunningNetwork;
  /** A token of health with the `user` role only, for the 403 cases. */
  const readerToken = `acd_${randomBytes(24).toString('base64url')}`;

  async function accord(...argv: string[]): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    // HOME in a temp dir: the user's own ~/.config/accord/profiles.json never counts.
    const env = { HOME: home, ACCORD_DATA_DIR: dataDir };
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  /** The --json output of a run that succeeded, as the shape the test reads. */
  const json = <T = Record<string, unknown>>(run: Run): T => {
    expect(run.err).not.toMatch(/^error:/m);
    return JSON.parse(run.out) as T;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'accord-cli-e2e-'));
    home = join(dataDir, 'home');
    // health's token store, written before the first start: the dev token (every role) and a `user`-only reader.
    const devToken = `acd_${randomBytes(24).toString('base64url')}`;
    const secrets = join(dataDir, 'health', 'secrets');
    mkdirSync(secrets, { recursive: true });
    const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
    writeFileSync(join(secrets, 'dev-api-token'), `${devToken}\n`, { mode: 0o600 });
    writeFileSync(
      join(secrets, 'api-tokens.json'),
      JSON.stringify([
        { name: 'dev', sha256: sha256(devToken), roles: ['provider', 'user', 'sysadmin', 'dataadmin', 'operations'] },
        { name: 'reader', sha256: sha256(readerToken), roles: ['user'] },
      ]),
      { mode: 0o600 },
    );
    network = await startNetwork({
      dataDir,
      departments: ['health', 'transport'],
      basePort: 20_000 + 100 * Math.floor(Math.random() * 300),
      logLevel: 'silent',
    });
  }, 180_000);

  afterAll(async () => {
    await network?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  describe('status and profiles', () => {
    it('status: every service ready, serving the department asked for', async () => {
      const run = await accord('status', '--dept', 'health', '--json');
      expect(run.code).toBe(0);
      const status = json<{ services: { service: string; readiness: string; info: { department: string } }[] }>(run);
      expect(status).toMatchObject({ department: 'health', profile: 'health' });
      expect(status.services.map((s) => [s.service, s.readiness, s.info.department])).toEqual([
        ['ledger', 'ready', 'health'],
        ['contracts', 'ready', 'health'],
        ['catalog', 'ready', 'health'],
        ['storage-gateway', 'ready', 'health'],
      ]);
      const table = await accord('status', '--dept', 'transport');
      expect(table.out).toMatch(/^department transport \(profile transport\)\nSERVICE\s+URL\s+READY/);
    });

    it('profile list shows the departments of the local network', async () => {
      const run = await accord('profile', 'list', '--json');
      expect(
        json<{ profiles: { name: string; source: string }[] }>(run).profiles.map((p) => [p.name, p.source]),
      ).toEqual([
        ['health', 'network'],
        ['transport', 'network'],
      ]);
    });

    it('profile add writes a profile the other commands use', async () => {
      const profiles = join(dataDir, 'profiles.json');
      const ledger = network.departments[0].urls.ledger;
      const tokenFile = network.departments[0].tokenFile;
      const add = await accord(
        'profile',
        'add',
        'h2',
        '--department',
        'health',
        '--base-url',
        ledger,
        '--token-file',
        tokenFile,
        '--profiles',
        profiles,
      );
      expect(add).toMatchObject({ code: 0, out: `added profile h2 (department health) to ${profiles}` });
      expect((await accord('channel', 'list', '--dept', 'h2', '--profiles', profiles)).code).toBe(0);
      expect((await accord('profile', 'add', 'h2', '--base-url', ledger, '--profiles', profiles)).code).toBe(2);
      expect((await accord('profile', 'remove', 'h2', '--profiles', profiles)).code).toBe(0);
    });
  });

  describe('channels and the ledger', () => {
    it('channel list and members: the founding channel with both departments', async () => {
      const list = json(await accord('channel', 'list', '--dept', 'health', '--json'));
      expect(list.channels).toEqual([
        expect.objectContaining({ channel: 'alliance', kind: 'alliance', activeMembers: 2 }),
      ]);
      const members = json<{ members: { id: string; status: string }[] }>(
        await accord('channel', 'members', '--dept', 'transport', '--json'),
      );
      expect(members).toMatchObject({ channel: 'alliance', kind: 'alliance' });
      expect(members.members.map((m) => [m.id, m.status])).toEqual([
        ['health', 'active'],
        ['transport', 'active'],
      ]);
      const table = await accord('channel', 'members', 'alliance', '--dept', 'health');
      expect(table.out).toMatch(/\nMEMBER\s+STATUS\s+JOINED\s+LEFT\s+ED25519\nhealth\s+active\s+0:0/);
      const proposals = await accord('channel', 'proposals', '--dept', 'health');
      expect(proposals).toMatchObject({ code: 0, out: 'no open proposals on alliance' });
    });

    it('head, blocks, block: the genesis block', async () => {
      const head = json(await accord('head', '--dept', 'health', '--json'));
      expect(head).toMatchObject({ channel: 'alliance', height: expect.any(Number) });
      const blocks = json(await accord('blocks', '--dept', 'health', '--limit', '1', '--json'));
      expect(blocks.blocks).toEqual([expect.objectContaining({ header: expect.objectContaining({ height: 0 }) })]);
      const block = await accord('block', '0', '--dept', 'health');
      expect(block.code).toBe(0);
      expect(block.out).toMatch(/^channel:\s+alliance\nheight:\s+0\n/);
      expect(block.out).toMatch(/\n\s*0\s+channel\.genesis\s+health\s+valid\s+[0-9a-f]{64}/);
    });

    it('export-chain writes what verify-chain verifies', async () => {
      const chain = join(dataDir, 'chain.json');
      const keys = join(dataDir, 'members.json');
      const exported = await accord('export-chain', 'alliance', '--out', chain, '--keys-out', keys, '--dept', 'health');
      expect(exported.code).toBe(0);
      expect(exported.out).toMatch(/^wrote \d+ blocks of alliance \(heights 0\.\.\d+\)/);
      const verified = await accord('verify-chain', chain, '--keys', keys);
      expect(verified).toMatchObject({ code: 0, out: expect.stringMatching(/^OK: \d+ blocks verified/) });
    });

    it('audit re-verifies the stored chain; alerts are empty', async () => {
      const audit = await accord('audit', 'alliance', '--dept', 'health', '--json');
      expect(audit.code).toBe(0);
      expect(json(audit)).toMatchObject({ ok: true, channel: 'alliance', fromHeight: 0 });
      expect(json(await accord('alerts', '--dept', 'health', '--json'))).toEqual({ alerts: [] });
    });
  });

  describe('catalog and sharing', () => {
    let registration: { txId: string };

    it('dataset register --wait: committed valid; the dataset is found by search and shown', async () => {
      const content = join(dataDir, 'road-works.csv');
      writeFileSync(content, 'id,street\n1,Main street\n');
      const run = await accord(
        'dataset',
        'register',
        '--dept',
        'transport',
        '--json',
        '--wait',
        '--name',
        'road-works',
        '--title',
        'Road works',
        '--description',
        'Every road work permit of the city',
        '--domain',
        'transport',
        '--data-type',
        'table',
        '--sensitivity',
        'internal',
        '--update-frequency',
        'daily',
        '--governance',
        'light',
        '--content-file',
        content,
        '--theme',
        'TRAN',
        '--keyword',
        'roads',
      );
      expect(run.code).toBe(0);
      registration = json<{ txId: string }>(run);
      expect(registration).toMatchObject({
        dataset: 'transport/road-works',
        channel: 'alliance',
        committed: { status: 'committed', code: 'valid' },
      });
      const tx = await accord('tx', registration.txId, '--dept', 'transport');
      expect(tx.out).toMatch(/\nvalidity:\s+valid\ntype:\s+dataset\.register\nfrom:\s+transport\n/);

      const search = await eventually(async () => {
        const hits = json<{ total: number; hits: unknown[]; facets: Record<string, unknown> }>(
          await accord('search', 'road', '--dept', 'health', '--theme', 'TRAN', '--json'),
        );
        return hits.total === 1 ? hits : undefined;
      });
      expect(search.hits[0]).toMatchObject({ id: 'transport/road-works', standing: { state: 'none' } });
      expect(search.facets.department).toEqual([{ value: 'transport', count: 1 }]);
      const table = await accord('search', 'road', '--dept', 'health');
      expect(table.out).toMatch(/^1 dataset \(sorted by relevance\)\nDATASET/);
      expect(table.out).toContain('facets:\n  department: transport (1)');
      const show = await accord('dataset', 'show', 'transport/road-works', '--dept', 'health');
      expect(show.out).toMatch(/^dataset:\s+transport\/road-works v1 \(active\)\ntitle:\s+Road works/);
    });

    it('request: the decision per dataset, exit 1 when denied; it shows in requests and the trail', async () => {
      const run = await accord(
        'request',
        'transport/road-works',
        '--purpose',
        'planning',
        '--dept',
        'health',
        '--json',
      );
      const { requests } = json<{ requests: { request: string; decision: string }[] }>(run);
      expect(requests).toEqual([
        expect.objectContaining({ dataset: 'transport/road-works', request: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      ]);
      const decision = requests[0].decision;
      expect(['pending', 'granted', 'denied']).toContain(decision);
      expect(run.code).toBe(decision === 'denied' ? 1 : 0);

      const mine = json(await accord('requests', '--mine', '--dept', 'health', '--json'));
      expect(mine.requests).toEqual([
        expect.objectContaining({ id: requests[0].request, dataset: 'transport/road-works' }),
      ]);
      const incoming = json(await accord('requests', '--dept', 'transport', '--json'));
      expect(incoming.requests).toEqual([expect.objectContaining({ id: requests[0].request, requester: 'health' })]);
      const trail = json<{ entries: { kind: string }[] }>(
        await accord('dataset', 'provenance', 'road-works', '--dept', 'transport', '--no-proofs', '--json'),
      );
      expect(trail.entries.map((e) => e.kind)).toContain('registered');
      const usage = json(await accord('dataset', 'usage', 'road-works', '--dept', 'transport', '--json'));
      expect(usage).toMatchObject({ dataset: 'transport/road-works' });
    });

    it('a request for an unknown dataset is refused: exit 1 with the reason', async () => {
      const run = await accord('request', 'transport/nothing', '--purpose', 'planning', '--dept', 'health');
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/transport\/nothing\s+refused\s+dataset_not_found/);
    });

    it('grants and points list as tables and JSON', async () => {
      expect(json(await accord('grants', '--dept', 'transport', '--json'))).toEqual({ grants: expect.any(Array) });
      const points = json<{ accounts: { member: string }[] }>(await accord('points', '--dept', 'health', '--json'));
      expect(points.accounts.map((a) => a.member)).toEqual(expect.arrayContaining(['health', 'transport']));
      const one = await accord('points', 'health', '--dept', 'health');
      expect(one.out).toMatch(/^CHANNEL\s+MEMBER\s+BALANCE\s+HELD\s+SCORE\s+LEVEL/);
    });
  });

  describe('errors say what to do next', () => {
    it('unknown department: exit 2 naming the known ones', async () => {
      const run = await accord('channel', 'list', '--dept', 'finance');
      expect(run.code).toBe(2);
      expect(run.err).toContain('error: unknown department "finance" (known: health, transport)');
      expect(run.err).toMatch(/\nnext: add it with `accord profile add finance/);
    });

    it('several departments and no --dept: exit 2', async () => {
      const run = await accord('channel', 'list');
      expect(run).toMatchObject({ code: 2, err: expect.stringContaining('choose one with --dept') });
    });

    it('unknown channel: exit 5 with the service code', async () => {
      const run = await accord('channel', 'members', 'nowhere', '--dept', 'health');
      expect(run.code).toBe(5);
      expect(run.err).toMatch(/^error: .*\(channel_not_found, HTTP 404 from ledger of health\)\nnext: check the name/);
    });

    it('bad flag: exit 2 with usage help', async () => {
      const run = await accord('blocks', '--limit', 'zero', '--dept', 'health');
      expect(run.code).toBe(2);
      expect(run.err).toContain("option '--limit <n>' argument 'zero' is invalid. expected a positive integer.");
      expect((await accord('channel', 'vote', 'alliance', 'x'.repeat(64), '--dept', 'health')).err).toContain(
        'give exactly one of --yes or --no',
      );
    });

    it('unreachable service: exit 7 naming the URL and asking for `accord up`', async () => {
      const stopped = join(dataDir, 'stopped');
      mkdirSync(stopped);
      writeFileSync(
        join(stopped, 'network.json'),
        JSON.stringify({
          version: 1,
          channel: 'alliance',
          mode: 'embedded',
          basePort: 9,
          consoleUrl: 'http://127.0.0.1:9',
          controlUrl: 'http://127.0.0.1:10',
          departments: [
            {
              id: 'health',
              founder: true,
              urls: urlsOf('http://127.0.0.1:9'),
              tokenFile: network.departments[0].tokenFile,
            },
          ],
        }),
      );
      const run = await accord('channel', 'list', '--data-dir', stopped);
      expect(run.code).toBe(7);
      expect(run.err).toMatch(
        /^error: cannot reach the ledger service of health at http:\/\/127\.0\.0\.1:9\/v1\/channels: /,
      );
      expect(run.err).toContain('next: is `accord up` running?');
      expect((await accord('status', '--data-dir', stopped)).code).toBe(7);
    });

    it('wrong token: exit 6, pointing at the token', async () => {
      const run = await accord('channel', 'list', '--dept', 'health', '--token', 'acd_wrong');
      expect(run.code).toBe(6);
      expect(run.err).toContain('(unauthenticated, HTTP 401 from ledger of health)');
      expect(run.err).toContain('next: check the token of profile health (from --token)');
      expect((await accord('status', '--dept', 'health', '--token', 'acd_wrong')).code).toBe(6);
    });

    it('a token without the role: exit 6 naming the roles needed', async () => {
      const run = await accord('audit', 'alliance', '--dept', 'health', '--token', readerToken);
      expect(run.code).toBe(6);
      expect(run.err).toContain('(forbidden, HTTP 403 from ledger of health)');
      expect(run.err).toContain('next: use a token with one of the roles operations, dataadmin');
    });

    it('a rejected body: exit 4 with the issues to fix', async () => {
      const run = await accord(
        'dataset',
        'register',
        '--dept',
        'transport',
        '--name',
        'incomplete',
        '--title',
        'Incomplete',
      );
      expect(run.code).toBe(4);
      expect(run.err).toMatch(/\(validation_failed, HTTP 400 from catalog of transport\)\nnext: fix body\./);
    });
  });
});

function urlsOf(base: string) {
  return { ledger: base, contracts: base, catalog: base, 'storage-gateway': base };
}

/** Polls `read` until it returns a value (projections apply a block a moment after it is committed). */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no result within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
