import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519Signer, validateMembers, verifyEd25519 } from '@accord/protocol';
import { TestChain, testMember } from '@accord/protocol/testing';
import { loadDepartmentSigner } from '@accord/service-kit';
import { runCli } from './cli.program';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function accord(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const alice = testMember('dept-a');
const bob = testMember('dept-b');
const carol = testMember('dept-c');

describe('accord CLI', () => {
  let dir: string;
  const file = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  };

  const chain = new TestChain([alice, bob, carol], 'health');
  chain.append([chain.tx(alice), chain.tx(bob)]);
  chain.append([chain.tx(carol), chain.tx(alice), chain.tx(bob)]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'accord-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const expectNoStackTrace = (run: Run) => expect(`${run.out}\n${run.err}`).not.toMatch(/\n\s+at /);

  describe('verify-proof', () => {
    it('prints OK and a summary and exits 0 for a valid proof', async () => {
      const keys = file('members.json', chain.memberKeys);
      const run = await accord('verify-proof', file('proof.json', chain.proof(1, 2)), '--keys', keys);
      expect(run).toMatchObject({ code: 0, err: '' });
      expect(run.out).toMatch(/^OK: tx [0-9a-f]{64} is in block 1 of channel health \(index 2, validity valid\)/);
      expect(run.out).toContain(`block ${chain.blocks[1].hash} attested by dept-a, dept-b, dept-c (3 of quorum 3)`);
      expect(run.out).toContain(`quorum 3: all 3 members of ${keys} (default)`);
    });

    it('exits 1 with the reason for a tampered proof', async () => {
      const keys = file('members.json', chain.memberKeys);
      const proof = chain.proof(1, 2);
      const tampered = {
        ...proof,
        envelope: { ...proof.envelope, body: { ...proof.envelope.body, payload: { note: 'changed' } } },
      };
      const run = await accord('verify-proof', file('proof.json', tampered), '--keys', keys);
      expect(run.code).toBe(1);
      expect(run.out).toMatch(/^INVALID \(proof\.inclusion_invalid\): tx 2 is not proven to be in block 1/);
      const forged = {
        ...proof,
        attestations: proof.attestations.map((a) => ({ ...a, sig: proof.attestations[0].sig })),
      };
      const forgedRun = await accord('verify-proof', file('forged.json', forged), '--keys', keys);
      expect(forgedRun.code).toBe(1);
      expect(forgedRun.out).toContain('proof.attestation_signature_invalid');
    });

    it('applies --quorum', async () => {
      const keys = file('members.json', chain.memberKeys);
      const proof = file('proof.json', chain.proof(0, 1, [alice, carol]));
      expect(await accord('verify-proof', proof, '--keys', keys)).toMatchObject({
        code: 1,
        out: expect.stringContaining('proof.quorum_not_met'),
      });
      expect(await accord('verify-proof', proof, '--keys', keys, '--quorum', '2')).toMatchObject({
        code: 0,
        out: expect.stringContaining('quorum 2: from --quorum'),
      });
      const tooHigh = await accord('verify-proof', proof, '--keys', keys, '--quorum', '4');
      expect(tooHigh).toMatchObject({ code: 2, err: expect.stringContaining('quorum must be an integer from 1 to 3') });
      const notNumber = await accord('verify-proof', proof, '--keys', keys, '--quorum', 'two');
      expect(notNumber).toMatchObject({
        code: 2,
        err: expect.stringContaining("option '--quorum <n>' argument 'two' is invalid"),
      });
    });

    it("exits 0 for a join request by a non-member, signed with its payload key, given the members' keys at its height", async () => {
      const dave = testMember('dept-d');
      const joining = new TestChain([alice, bob, carol], 'health');
      joining.append([joining.tx(alice)]);
      const payload = { ed25519: dave.keys.ed25519.publicKey, x25519: dave.keys.x25519.publicKey };
      joining.append([joining.tx(dave, { type: 'member.join.request', payload })]);
      const run = await accord(
        'verify-proof',
        file('proof.json', joining.proof(1, 0)),
        '--keys',
        file('members.json', joining.memberKeys),
      );
      expect(run).toMatchObject({ code: 0, err: '' });
      expect(run.out).toMatch(/^OK: tx [0-9a-f]{64} is in block 1 of channel health \(index 0, validity valid\)/);
    });

    it('prints the result as JSON with --json', async () => {
      const keys = file('members.json', chain.memberKeys);
      const run = await accord('verify-proof', file('proof.json', chain.proof(0, 0)), '--keys', keys, '--json');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.out)).toMatchObject({ ok: true, height: 0, index: 0, validity: 'valid', quorum: 3 });
    });

    describe('with a proof bundle', () => {
      // Block 0 attested by two of the three members, final under the bundle's quorum of 2.
      const bundle = (overrides: Record<string, unknown> = {}) => ({
        v: 1,
        proof: chain.proof(0, 1, [alice, carol]),
        members: chain.memberKeys,
        quorum: 2,
        channel: 'health',
        height: 0,
        ...overrides,
      });

      it("verifies with the bundle's keys and quorum and says where the quorum came from", async () => {
        const run = await accord('verify-proof', file('bundle.json', bundle()));
        expect(run).toMatchObject({ code: 0, err: '' });
        expect(run.out).toMatch(/^OK: tx [0-9a-f]{64} is in block 0 of channel health \(index 1, validity valid\)/);
        expect(run.out).toContain('attested by dept-a, dept-c (2 of quorum 2)');
        expect(run.out).toContain('quorum 2: from the bundle (the policy of channel health at height 0)');
        const json = await accord('verify-proof', file('bundle.json', bundle()), '--json');
        expect(JSON.parse(json.out)).toMatchObject({
          ok: true,
          quorum: 2,
          keysSource: 'bundle',
          quorumSource: 'bundle',
        });
      });

      it('reads INVALID under a larger --quorum, with a warning that it overrides the bundle', async () => {
        const run = await accord('verify-proof', file('bundle.json', bundle()), '--quorum', '3');
        expect(run.code).toBe(1);
        expect(run.out).toMatch(
          /^INVALID \(proof\.quorum_not_met\): block 0 is attested by 2 member\(s\), quorum is 3/,
        );
        expect(run.out).toContain('quorum 3: from --quorum (overriding the bundle)');
        expect(run.err).toBe("warning: --quorum 3 overrides the bundle's quorum 2");
      });

      it("takes the keys of --keys instead of the bundle's, with a warning", async () => {
        const keys = file('members.json', {
          'dept-a': chain.memberKeys['dept-a'],
          'dept-b': chain.memberKeys['dept-b'],
        });
        const run = await accord('verify-proof', file('bundle.json', bundle()), '--keys', keys, '--json');
        expect(run.code).toBe(1);
        expect(run.err).toBe(`warning: --keys ${keys} overrides the members' keys of the bundle`);
        expect(JSON.parse(run.out)).toMatchObject({
          ok: false,
          code: 'proof.unknown_attester',
          keysSource: 'keys-file',
        });
      });

      it('does not trust a bundle whose quorum the attestations do not reach', async () => {
        const run = await accord('verify-proof', file('bundle.json', bundle({ quorum: 3 })));
        expect(run).toMatchObject({ code: 1, out: expect.stringContaining('proof.quorum_not_met') });
      });
    });

    it.each<[string, (f: typeof file) => string[], RegExp]>([
      [
        'a missing proof file',
        (f) => [join(dir, 'nope.json'), '--keys', f('m.json', chain.memberKeys)],
        /^error: cannot read proof file .*nope\.json: no such file$/,
      ],
      [
        'a proof file that is not JSON',
        (f) => [f('p.json', '{"v":1,'), '--keys', f('m.json', chain.memberKeys)],
        /^error: proof file .*p\.json is not valid JSON: /,
      ],
      [
        'a JSON file that is not a proof',
        (f) => [f('p.json', { v: 1 }), '--keys', f('m.json', chain.memberKeys)],
        /^error: proof file .*p\.json: invalid tx proof: envelope: /,
      ],
      [
        'a malformed members file',
        (f) => [f('p.json', chain.proof(0, 0)), '--keys', f('m.json', { 'dept-a': { ed25519: 'xyz' } })],
        /^error: members file .*m\.json: invalid members: dept-a\.ed25519: /,
      ],
      [
        'an empty members file',
        (f) => [f('p.json', chain.proof(0, 0)), '--keys', f('m.json', {})],
        /^error: members file .*: invalid members: no member is listed$/,
      ],
      [
        'a plain proof without --keys',
        (f) => [f('p.json', chain.proof(0, 0))],
        /^error: .*p\.json is a plain proof: pass the members' keys at its height with --keys <members\.json> .*or verify its proof bundle \(GET \/v1\/txs\/<txId>\/proof-bundle\)$/,
      ],
      [
        "a bundle whose keys and quorum are not of its proof's block",
        (f) => [
          f('b.json', {
            v: 1,
            proof: chain.proof(0, 0),
            members: chain.memberKeys,
            quorum: 2,
            channel: 'health',
            height: 1,
          }),
        ],
        /^error: proof bundle .*b\.json: invalid tx proof bundle: it is for health#1 but its proof for block health#0$/,
      ],
      [
        'a bundle with a malformed proof',
        (f) => [
          f('b.json', { v: 1, proof: { v: 1 }, members: chain.memberKeys, quorum: 2, channel: 'health', height: 0 }),
        ],
        /^error: proof bundle .*b\.json: invalid tx proof bundle: proof\.envelope: /,
      ],
    ])('exits 2 with a clear one-line message for %s', async (_name, args, message) => {
      const run = await accord('verify-proof', ...args(file));
      expect(run.code).toBe(2);
      expect(run.err).toMatch(message);
      expectNoStackTrace(run);
    });
  });

  describe('verify-chain', () => {
    it('exits 0 for a consistent chain, 1 at the first bad block, 2 for bad input', async () => {
      const keys = file('members.json', chain.memberKeys);
      const ok = await accord('verify-chain', file('chain.json', { v: 1, blocks: chain.blocks }), '--keys', keys);
      expect(ok).toMatchObject({
        code: 0,
        out: `OK: 2 blocks verified, head at height 1 with hash ${chain.blocks[1].hash}`,
      });

      const [b0, b1] = chain.blocks;
      const edited = { ...b1, txs: [b1.txs[1], b1.txs[0], b1.txs[2]] };
      const bad = await accord('verify-chain', file('bad.json', { v: 1, blocks: [b0, edited] }), '--keys', keys);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(
        /^INVALID at block 1 \(chain\.tx_root_mismatch\): header txRoot [0-9a-f]{64}, leaves give [0-9a-f]{64}$/,
      );

      const malformed = await accord('verify-chain', file('m.json', { blocks: [] }), '--keys', keys);
      expect(malformed).toMatchObject({
        code: 2,
        err: expect.stringMatching(/^error: chain file .*: invalid chain export: v: /),
      });
      expectNoStackTrace(malformed);
    });
  });

  describe('keygen', () => {
    it('prints a usable key set and its members.json entry', async () => {
      const run = await accord('keygen', '--id', 'dept-health');
      expect(run.code).toBe(0);
      const keys = JSON.parse(run.out) as {
        id: string;
        ed25519: { publicKey: string; privateKey: string };
        x25519: { publicKey: string; privateKey: string };
        public: Record<string, { ed25519: string; x25519: string }>;
      };
      expect(keys.id).toBe('dept-health');
      const signer = ed25519Signer(keys.ed25519.privateKey);
      expect(signer.publicKey).toBe(keys.ed25519.publicKey);
      expect(verifyEd25519(keys.ed25519.publicKey, Buffer.from('hi'), signer.sign(Buffer.from('hi')))).toBe(true);
      expect(validateMembers(keys.public)).toEqual({
        'dept-health': { ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey },
      });
      const again = JSON.parse((await accord('keygen', '--id', 'dept-health')).out) as typeof keys;
      expect(again.ed25519.privateKey).not.toBe(keys.ed25519.privateKey);
    });

    it('writes a 0600 file with --out and never overwrites one', async () => {
      const path = join(dir, 'keys.json');
      expect(await accord('keygen', '--id', 'dept-a', '--out', path)).toMatchObject({
        code: 0,
        out: `wrote keys of dept-a to ${path}`,
      });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const first = readFileSync(path, 'utf8');
      const again = await accord('keygen', '--id', 'dept-a', '--out', path);
      expect(again).toMatchObject({ code: 2, err: expect.stringContaining(`cannot write ${path}`) });
      expect(readFileSync(path, 'utf8')).toBe(first);
    });

    it('writes a key file that the services load as ACCORD_KEYS_FILE', async () => {
      const path = join(dir, 'keys.json');
      expect(await accord('keygen', '--id', 'dept-a', '--out', path)).toMatchObject({ code: 0 });
      const written = JSON.parse(readFileSync(path, 'utf8')) as { ed25519: { publicKey: string } };
      const loaded = await loadDepartmentSigner({
        department: 'dept-a',
        dataDir: dir,
        keysFile: path,
        keysFileExplicit: true,
      });
      expect(loaded).toMatchObject({ department: 'dept-a', ed25519: written.ed25519.publicKey });
      expect(verifyEd25519(loaded.ed25519, Buffer.from('hi'), loaded.signer.sign(Buffer.from('hi')))).toBe(true);
    });

    it('rejects an invalid member id', async () => {
      const run = await accord('keygen', '--id', 'Dept A');
      expect(run).toMatchObject({ code: 2, err: 'error: member id "Dept A" must match [a-z0-9][a-z0-9._-]{0,63}' });
    });
  });

  it('exits 0 for --help and 2 for an unknown command', async () => {
    const help = await accord('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('verify-proof');
    const unknown = await accord('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
  });
});
