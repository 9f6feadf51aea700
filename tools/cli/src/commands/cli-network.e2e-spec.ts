import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli.program';
import { startTestNetwork, type TestNetwork } from '../network/testing';

jest.setTimeout(120_000);

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

interface ProposalView {
  readonly id: string;
  readonly type: string;
  readonly applicant?: { readonly id: string };
  readonly policy?: Record<string, unknown>;
  readonly tally: { readonly yes: number; readonly approveAt: number };
}

/**
 * The department commands against a running local network (three founding
 * departments, the founding channel), in-process through runCli as a user
 * types them: exit codes, --json shapes, tables and error messages; then the
 * governance a network lives by (a department added and voted in, a policy
 * change, a new channel), proofs checked offline, and API tokens. Once on the
 * embedded default and once on real Kafka, PostgreSQL and MinIO, where the
 * department ids and the channel carry a run suffix: every id is read from
 * the running network, never written as a literal.
 */
describe.each([
  ['embedded default', false],
  ['real Kafka, PostgreSQL and MinIO', true],
])('accord department commands on a local network (%s)', (_mode, cluster) => {
  let network: TestNetwork;
  let home: string;
  /** The founding departments and channel of this run (e.g. `health` or `health-1a2b3c`). */
  let health: string;
  let transport: string;
  let security: string;
  let channel: string;
  /** The run suffix of ids created by the tests (empty on the embedded default). */
  let suffix: string;
  /** A token of health with the `user` role only (made with `accord token create`), for the 403 cases. */
  let readerToken: string;

  async function accord(...argv: string[]): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    // HOME in a temp dir: the user's own ~/.config/accord/profiles.json never counts.
    const env = { HOME: home, ACCORD_DATA_DIR: network.dataDir };
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  /** The --json output of a run that succeeded, as the shape the test reads. */
  const json = <T = Record<string, unknown>>(run: Run): T => {
    expect(run.err).not.toMatch(/^error:/m);
    return JSON.parse(run.out) as T;
  };
  const openProposals = async (dept: string, name = channel) =>
    json<{ proposals: ProposalView[] }>(await accord('channel', 'proposals', name, '--dept', dept, '--json')).proposals;
  const activeMembers = async (dept: string, name = channel) =>
    json<{ members: { id: string; status: string }[] }>(
      await accord('channel', 'members', name, '--dept', dept, '--json'),
    )
      .members.filter((m) => m.status === 'active')
      .map((m) => m.id)
      .sort();

  beforeAll(async () => {
    network = await startTestNetwork({ cluster, logLevel: 'silent' });
    home = join(network.dataDir, 'home');
    [health, transport, security] = network.departments.map((d) => d.id);
    channel = network.channel;
    suffix = channel.slice('alliance'.length);
    const reader = await accord('token', 'create', 'reader', '--role', 'user', '--dept', health, '--json');
    expect(reader.code).toBe(0);
    readerToken = json<{ token: string }>(reader).token;
  }, 300_000);

  afterAll(async () => {
    await network?.destroy();
  }, 120_000);

  describe('status and profiles', () => {
    it('status: every service ready, serving the department asked for', async () => {
      const run = await accord('status', '--dept', health, '--json');
      expect(run.code).toBe(0);
      const status = json<{ services: { service: string; readiness: string; info: { department: string } }[] }>(run);
      expect(status).toMatchObject({ department: health, profile: health });
      expect(status.services.map((s) => [s.service, s.readiness, s.info.department])).toEqual([
        ['ledger', 'ready', health],
        ['contracts', 'ready', health],
        ['catalog', 'ready', health],
        ['storage-gateway', 'ready', health],
      ]);
      const table = await accord('status', '--dept', transport);
      expect(table.out).toMatch(
        new RegExp(`^department ${transport} \\(profile ${transport}\\)\\nSERVICE\\s+URL\\s+READY`),
      );
    });

    it('profile list shows the departments of the local network', async () => {
      const run = await accord('profile', 'list', '--json');
      expect(
        json<{ profiles: { name: string; source: string }[] }>(run).profiles.map((p) => [p.name, p.source]),
      ).toEqual([health, transport, security].map((id) => [id, 'network']));
    });

    it('profile add writes a profile the other commands use', async () => {
      const profiles = join(network.dataDir, 'profiles.json');
      const ledger = network.departments[0].urls.ledger;
      const tokenFile = network.departments[0].tokenFile;
      const add = await accord(
        'profile',
        'add',
        'h2',
        '--department',
        health,
        '--base-url',
        ledger,
        '--token-file',
        tokenFile,
        '--profiles',
        profiles,
      );
      expect(add).toMatchObject({ code: 0, out: `added profile h2 (department ${health}) to ${profiles}` });
      expect((await accord('channel', 'list', '--dept', 'h2', '--profiles', profiles)).code).toBe(0);
      expect((await accord('profile', 'add', 'h2', '--base-url', ledger, '--profiles', profiles)).code).toBe(2);
      expect((await accord('profile', 'remove', 'h2', '--profiles', profiles)).code).toBe(0);
    });

    it('the connection options may stand before the command', async () => {
      const run = await accord('--dept', transport, 'channel', 'members', '--json');
      expect(json(run)).toMatchObject({ channel });
      const wrong = await accord('--token', 'acd_wrong', 'head', '--dept', health);
      expect(wrong.code).toBe(6);
      expect(wrong.err).toContain(`next: check the token of profile ${health} (from --token)`);
    });
  });

  describe('channels and the ledger', () => {
    it('channel list and members: the founding channel with the three departments', async () => {
      const list = json(await accord('channel', 'list', '--dept', health, '--json'));
      expect(list.channels).toEqual([expect.objectContaining({ channel, kind: 'alliance', activeMembers: 3 })]);
      const members = json<{ members: { id: string; status: string }[] }>(
        await accord('channel', 'members', '--dept', transport, '--json'),
      );
      expect(members).toMatchObject({ channel, kind: 'alliance' });
      expect(members.members.map((m) => [m.id, m.status]).sort()).toEqual(
        [health, security, transport].sort().map((id) => [id, 'active']),
      );
      const table = await accord('channel', 'members', channel, '--dept', health);
      expect(table.out).toMatch(new RegExp(`\\nMEMBER\\s+STATUS\\s+JOINED\\s+LEFT\\s+ED25519\\n`));
      expect(table.out).toMatch(new RegExp(`\\n${health}\\s+active\\s+0:0`));
      const proposals = await accord('channel', 'proposals', '--dept', health);
      expect(proposals).toMatchObject({ code: 0, out: `no open proposals on ${channel}` });
    });

    it('head, blocks, block: the genesis block', async () => {
      const head = json(await accord('head', '--dept', health, '--json'));
      expect(head).toMatchObject({ channel, height: expect.any(Number) });
      const blocks = json(await accord('blocks', '--dept', health, '--limit', '1', '--json'));
      expect(blocks.blocks).toEqual([expect.objectContaining({ header: expect.objectContaining({ height: 0 }) })]);
      const block = await accord('block', '0', '--dept', health);
      expect(block.code).toBe(0);
      expect(block.out).toMatch(new RegExp(`^channel:\\s+${channel}\\nheight:\\s+0\\n`));
      expect(block.out).toMatch(/\n\s*0\s+channel\.genesis\s+\S+\s+valid\s+[0-9a-f]{64}/);
    });

    it('export-chain writes what verify-chain verifies', async () => {
      const chain = join(network.dataDir, 'chain.json');
      const keys = join(network.dataDir, 'members.json');
      const exported = await accord('export-chain', channel, '--out', chain, '--keys-out', keys, '--dept', health);
      expect(exported.code).toBe(0);
      expect(exported.out).toMatch(new RegExp(`^wrote \\d+ blocks of ${channel} \\(heights 0\\.\\.\\d+\\)`));
      const verified = await accord('verify-chain', chain, '--keys', keys);
      expect(verified).toMatchObject({ code: 0, out: expect.stringMatching(/^OK: \d+ blocks verified/) });
    });

    it('audit re-verifies the stored chain; alerts are empty', async () => {
      const audit = await accord('audit', channel, '--dept', health, '--json');
      expect(audit.code).toBe(0);
      expect(json(audit)).toMatchObject({ ok: true, channel, fromHeight: 0 });
      expect(json(await accord('alerts', '--dept', health, '--json'))).toEqual({ alerts: [] });
    });
  });

  describe('catalog and sharing', () => {
    let registration: { txId: string };

    it('dataset register --wait: committed valid; the dataset is found by search and shown', async () => {
      const content = join(network.dataDir, 'road-works.csv');
      writeFileSync(content, 'id,street\n1,Main street\n');
      const run = await accord(
        'dataset',
        'register',
        '--dept',
        transport,
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
        dataset: `${transport}/road-works`,
        channel,
        committed: { status: 'committed', code: 'valid' },
      });
      const tx = await accord('tx', registration.txId, '--dept', transport);
      expect(tx.out).toMatch(
        new RegExp(`\\nvalidity:\\s+valid\\ntype:\\s+dataset\\.register\\nfrom:\\s+${transport}\\n`),
      );

      const search = await eventually(async () => {
        const hits = json<{ total: number; hits: unknown[]; facets: Record<string, unknown> }>(
          await accord('search', 'road', '--dept', health, '--theme', 'TRAN', '--json'),
        );
        return hits.total === 1 ? hits : undefined;
      });
      expect(search.hits[0]).toMatchObject({ id: `${transport}/road-works`, standing: { state: 'none' } });
      expect(search.facets.department).toEqual([{ value: transport, count: 1 }]);
      const table = await accord('search', 'road', '--dept', health);
      expect(table.out).toMatch(/^1 dataset \(sorted by relevance\)\nDATASET/);
      expect(table.out).toContain(`facets:\n  department: ${transport} (1)`);
      const show = await accord('dataset', 'show', `${transport}/road-works`, '--dept', health);
      expect(show.out).toMatch(
        new RegExp(`^dataset:\\s+${transport}/road-works v1 \\(active\\)\\ntitle:\\s+Road works`),
      );
    });

    it('request: the decision per dataset, exit 1 when denied; it shows in requests and the trail', async () => {
      const run = await accord(
        'request',
        `${transport}/road-works`,
        '--purpose',
        'planning',
        '--dept',
        health,
        '--json',
      );
      const { requests } = json<{ requests: { request: string; decision: string }[] }>(run);
      expect(requests).toEqual([
        expect.objectContaining({
          dataset: `${transport}/road-works`,
          request: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      ]);
      const decision = requests[0].decision;
      expect(['pending', 'granted', 'denied']).toContain(decision);
      expect(run.code).toBe(decision === 'denied' ? 1 : 0);

      const mine = json(await accord('requests', '--mine', '--dept', health, '--json'));
      expect(mine.requests).toEqual([
        expect.objectContaining({ id: requests[0].request, dataset: `${transport}/road-works` }),
      ]);
      const incoming = json(await accord('requests', '--dept', transport, '--json'));
      expect(incoming.requests).toEqual([expect.objectContaining({ id: requests[0].request, requester: health })]);
      const trail = json<{ entries: { kind: string }[] }>(
        await accord('dataset', 'provenance', 'road-works', '--dept', transport, '--no-proofs', '--json'),
      );
      expect(trail.entries.map((e) => e.kind)).toContain('registered');
      const usage = json(await accord('dataset', 'usage', 'road-works', '--dept', transport, '--json'));
      expect(usage).toMatchObject({ dataset: `${transport}/road-works` });
    });

    it('a request for an unknown dataset is refused: exit 1 with the reason', async () => {
      const run = await accord('request', `${transport}/nothing`, '--purpose', 'planning', '--dept', health);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(new RegExp(`${transport}/nothing\\s+refused\\s+dataset_not_found`));
    });

    it('grants and points list as tables and JSON', async () => {
      expect(json(await accord('grants', '--dept', transport, '--json'))).toEqual({ grants: expect.any(Array) });
      const points = json<{ accounts: { member: string }[] }>(await accord('points', '--dept', health, '--json'));
      expect(points.accounts.map((a) => a.member)).toEqual(expect.arrayContaining([health, transport]));
      const one = await accord('points', health, '--dept', health);
      expect(one.out).toMatch(/^CHANNEL\s+MEMBER\s+BALANCE\s+HELD\s+SCORE\s+LEVEL/);
    });
  });

  describe('errors say what to do next', () => {
    it('unknown department: exit 2 naming the known ones', async () => {
      const run = await accord('channel', 'list', '--dept', 'finance');
      expect(run.code).toBe(2);
      expect(run.err).toContain(
        `error: unknown department "finance" (known: ${network.departments.map((d) => d.id).join(', ')})`,
      );
      expect(run.err).toMatch(/\nnext: add it with `accord profile add finance/);
    });

    it('several departments and no --dept: exit 2', async () => {
      const run = await accord('channel', 'list');
      expect(run).toMatchObject({ code: 2, err: expect.stringContaining('choose one with --dept') });
    });

    it('unknown channel: exit 5 with the service code', async () => {
      const run = await accord('channel', 'members', 'nowhere', '--dept', health);
      expect(run.code).toBe(5);
      expect(run.err).toMatch(
        new RegExp(`^error: .*\\(channel_not_found, HTTP 404 from ledger of ${health}\\)\\nnext: check the name`),
      );
    });

    it('bad flag: exit 2 with usage help', async () => {
      const run = await accord('blocks', '--limit', 'zero', '--dept', health);
      expect(run.code).toBe(2);
      expect(run.err).toContain("option '--limit <n>' argument 'zero' is invalid. expected a positive integer.");
      expect((await accord('channel', 'vote', channel, 'x'.repeat(64), '--dept', health)).err).toContain(
        'give exactly one of --yes or --no',
      );
    });

    it('unreachable service: exit 7 naming the URL and asking for `accord up`', async () => {
      const stopped = join(network.dataDir, 'stopped');
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
      const run = await accord('channel', 'list', '--dept', health, '--token', 'acd_wrong');
      expect(run.code).toBe(6);
      expect(run.err).toContain(`(unauthenticated, HTTP 401 from ledger of ${health})`);
      expect(run.err).toContain(`next: check the token of profile ${health} (from --token)`);
      expect((await accord('status', '--dept', health, '--token', 'acd_wrong')).code).toBe(6);
    });

    it('a token without the role: exit 6 naming the roles needed', async () => {
      const run = await accord('audit', channel, '--dept', health, '--token', readerToken);
      expect(run.code).toBe(6);
      expect(run.err).toContain(`(forbidden, HTTP 403 from ledger of ${health})`);
      expect(run.err).toContain('next: use a token with one of the roles operations, dataadmin');
    });

    it('a rejected body: exit 4 with the issues to fix', async () => {
      const run = await accord(
        'dataset',
        'register',
        '--dept',
        transport,
        '--name',
        'incomplete',
        '--title',
        'Incomplete',
      );
      expect(run.code).toBe(4);
      expect(run.err).toMatch(
        new RegExp(`\\(validation_failed, HTTP 400 from catalog of ${transport}\\)\\nnext: fix body\\.`),
      );
    });
  });

  describe('governance: a policy change, a department voted in, a new channel', () => {
    let proposalTx: string;

    it('network show: the departments, the channel and that it runs', async () => {
      const shown = json<{ channel: string; mode: string; running: boolean; departments: { id: string }[] }>(
        await accord('network', 'show', '--json'),
      );
      expect(shown).toMatchObject({ channel, mode: cluster ? 'cluster' : 'embedded', running: true });
      expect(shown.departments.map((d) => d.id)).toEqual([health, transport, security]);
      const table = await accord('network', 'show', '--data-dir', network.dataDir);
      expect(table.out).toMatch(new RegExp(`^channel:\\s+${channel}\\nmode:\\s+\\w+\\nrunning:\\s+yes\\n`));
      expect(table.out).toMatch(new RegExp(`\\n${health}\\s+yes\\s+http://`));
    });

    it('a policy change proposed by one founder and voted by another applies (2 of 3)', async () => {
      const proposed = await accord(
        'channel',
        'propose',
        channel,
        '--max-tx-per-block',
        '64',
        '--wait',
        '--dept',
        health,
      );
      expect(proposed.code).toBe(0);
      expect(proposed.out).toMatch(/committed in block \d+ \(index \d+\): validity valid/);
      proposalTx = /\(proposal ([0-9a-f]{64})\)/.exec(proposed.out)?.[1] ?? '';
      // Each ledger applies a block on its own: another department sees the proposal a moment later.
      const proposal = await eventually(async () => (await openProposals(transport)).at(0));
      expect(proposal).toMatchObject({
        id: proposalTx,
        type: 'policy.change',
        policy: expect.objectContaining({ maxTxPerBlock: 64 }),
        tally: { yes: 1, approveAt: 2 },
      });
      const table = await accord('channel', 'proposals', channel, '--dept', transport);
      expect(table.out).toMatch(new RegExp(`\\n${proposalTx}\\s+policy\\.change\\s+`));

      const vote = await accord('channel', 'vote', channel, proposalTx, '--yes', '--wait', '--dept', transport);
      expect(vote).toMatchObject({ code: 0, out: expect.stringMatching(/validity valid$/) });
      const policy = await eventually(async () => {
        const members = json<{ policy: { maxTxPerBlock: number } }>(
          await accord('channel', 'members', channel, '--dept', security, '--json'),
        );
        return members.policy.maxTxPerBlock === 64 ? members.policy : undefined;
      });
      expect(policy).toMatchObject({ maxTxPerBlock: 64 });
      expect(await openProposals(security)).toEqual([]);
      // A second vote on a closed proposal: rejected, with the service's code.
      const late = await accord('channel', 'vote', channel, proposalTx, '--yes', '--dept', security);
      expect(late.code).toBe(5);
      expect(late.err).toContain('proposal_not_found');
    });

    it('proof --out and verify-proof: valid offline, with the quorum of the bundle', async () => {
      const file = join(network.dataDir, 'proof.json');
      const written = await eventually(async () => {
        const run = await accord('proof', proposalTx, '--out', file, '--dept', transport);
        return run.code === 0 ? run : undefined;
      });
      expect(written.out).toMatch(
        new RegExp(`^wrote the proof of tx ${proposalTx} \\(block \\d+ of ${channel}, 3 members, quorum 2\\) to `),
      );
      const verified = await accord('verify-proof', file);
      expect(verified.code).toBe(0);
      expect(verified.out).toMatch(new RegExp(`^OK: tx ${proposalTx} is in block \\d+ of channel ${channel}`));
      // The founding channel's quorum is `majority`: 2 of its 3 members.
      expect(verified.out).toMatch(
        new RegExp(`\\nquorum 2: from the bundle \\(the policy of channel ${channel} at height \\d+\\)$`),
      );
      const strict = await accord('verify-proof', file, '--quorum', '3', '--json');
      expect(strict.err).toContain("warning: --quorum 3 overrides the bundle's quorum 2");
      expect(JSON.parse(strict.out)).toMatchObject({ quorumSource: 'option', keysSource: 'bundle' });
    });

    it('network add starts a department; it applies, the founders vote it in (2 of 3), it is active', async () => {
      const education = `education${suffix}`;
      const added = await accord('network', 'add', education);
      // The whole run on failure: the network's reason is in err.
      expect(added).toMatchObject({ code: 0 });
      expect(added.out).toMatch(new RegExp(`^department ${education} runs: ledger http://`));
      expect(added.err).toContain(
        `next: apply to the channel with \`accord --dept ${education} channel join ${channel}\``,
      );
      const shown = json<{ departments: { id: string; founder: boolean }[] }>(
        await accord('network', 'show', '--json'),
      );
      expect(shown.departments.at(-1)).toMatchObject({ id: education, founder: false });

      const join = await accord('--dept', education, 'channel', 'join', channel, '--wait');
      expect(join.code).toBe(0);
      expect(join.out).toMatch(/validity valid$/);
      const proposal = await eventually(async () => (await openProposals(health)).at(0));
      expect(proposal).toMatchObject({
        type: 'member.join',
        applicant: { id: education },
        tally: { yes: 0, approveAt: 2 },
      });
      for (const founder of [health, transport]) {
        await eventually(async () => (await openProposals(founder)).at(0));
        const vote = await accord('--dept', founder, 'channel', 'vote', channel, proposal.id, '--yes', '--wait');
        expect(vote).toMatchObject({ code: 0, out: expect.stringMatching(/validity valid$/) });
      }
      // Every ledger, the new member's own included, applies the admission.
      for (const dept of [health, transport, security, education]) {
        const ids = await eventually(async () => {
          const active = await activeMembers(dept);
          return active.includes(education) ? active : undefined;
        });
        expect(ids).toEqual([education, health, security, transport].sort());
      }
      const table = await accord('channel', 'members', channel, '--dept', transport);
      expect(table.out).toMatch(new RegExp(`\\n${education}\\s+active\\s+\\d+:\\d+`));
    });

    it('channel create: a new channel of two members, committed with --wait', async () => {
      const roads = `roads${suffix}`;
      const created = await accord(
        'channel',
        'create',
        roads,
        '--kind',
        'alliance',
        '--member',
        health,
        '--member',
        transport,
        '--quorum',
        'all',
        '--wait',
        '--dept',
        health,
        '--json',
      );
      expect(created.code).toBe(0);
      expect(json(created)).toMatchObject({ channel: roads, committed: { status: 'committed', code: 'valid' } });
      expect(await activeMembers(health, roads)).toEqual([health, transport].sort());
      const list = json<{ channels: { channel: string; kind: string; activeMembers: number }[] }>(
        await accord('channel', 'list', '--dept', health, '--json'),
      );
      expect(list.channels).toEqual(
        expect.arrayContaining([expect.objectContaining({ channel: roads, kind: 'alliance', activeMembers: 2 })]),
      );
      const again = await accord(
        'channel',
        'create',
        roads,
        '--kind',
        'alliance',
        '--member',
        transport,
        '--dept',
        health,
      );
      expect(again.code).toBe(4);
      expect(again.err).toContain('channel_already_exists');
    });
  });

  describe('API tokens', () => {
    it('create prints the secret once; it reads, it is refused a sysadmin action; revoked it stops working', async () => {
      const created = await accord('token', 'create', 'analyst', '--role', 'user', '--dept', health);
      expect(created.code).toBe(0);
      const [line, secret] = created.out.split('\n');
      expect(line).toBe('created token analyst with roles user');
      expect(secret).toMatch(/^acd_[A-Za-z0-9_-]{43}$/);
      expect(created.err).toContain('warning: the secret is shown only now');

      const head = await accord('head', '--dept', health, '--token', secret);
      expect(head.code).toBe(0);
      expect(head.out).toContain(channel);
      const denied = await accord('token', 'list', '--dept', health, '--token', secret);
      expect(denied.code).toBe(6);
      expect(denied.err).toContain(`(forbidden, HTTP 403 from ledger of ${health})`);

      const list = json<{ tokens: Record<string, unknown>[] }>(
        await accord('token', 'list', '--dept', health, '--json'),
      );
      expect(list.tokens).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'dev', roles: expect.arrayContaining(['sysadmin']) }),
          { name: 'analyst', roles: ['user'], createdAt: expect.any(String), createdBy: expect.any(String) },
        ]),
      );
      for (const token of list.tokens)
        expect(Object.keys(token).sort()).toEqual(['createdAt', 'createdBy', 'name', 'roles']);
      const table = await accord('token', 'list', '--dept', health);
      expect(table.out).toMatch(/^NAME\s+ROLES\s+CREATED\s+BY\n/);

      const revoked = await accord('token', 'revoke', 'analyst', '--dept', health);
      expect(revoked).toMatchObject({ code: 0, out: 'revoked token analyst' });
      // Every service reloads the store within about a second.
      await eventually(async () => {
        const run = await accord('head', '--dept', health, '--token', secret);
        return run.code === 6 ? run : undefined;
      });
      const again = await accord('token', 'revoke', 'analyst', '--dept', health);
      expect(again.code).toBe(5);
      expect(again.err).toContain('token_not_found');
    });

    it('revoking the last sysadmin token is refused (exit 4)', async () => {
      const run = await accord('token', 'revoke', 'dev', '--dept', transport);
      expect(run.code).toBe(4);
      expect(run.err).toContain('last_sysadmin_token');
      expect((await accord('head', '--dept', transport)).code).toBe(0);
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
