/* eslint-disable no-restricted-imports -- each browser stand-in is compared with the very protocol module it replaces */
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import * as nodeEd25519 from '@accord/protocol/src/crypto/ed25519.crypto';
import * as nodeMerkle from '@accord/protocol/src/merkle/merkle.hasher';
import * as nodeSha256 from '@accord/protocol/src/crypto/sha256.crypto';
import * as nodeX25519 from '@accord/protocol/src/crypto/x25519.crypto';
import * as nodeRandom from '@accord/protocol/src/crypto/crypto-random';
import { verifyTxProof, type TxProof } from '@accord/protocol';
import { deterministicRandom, TestChain, testMember } from '@accord/protocol/testing';
import * as browserEd25519 from '../../web/protocol/ed25519.browser';
import * as browserMerkle from '../../web/protocol/merkle-hasher.browser';
import * as browserSha256 from '../../web/protocol/sha256.browser';
import * as browserX25519 from '../../web/protocol/x25519.browser';
import * as browserRandom from '../../web/protocol/crypto-random.browser';
import { browserBuildOptions } from './web-bundle';
import { CONSOLE_ROOT } from './web-dist';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const MESSAGES = ['', 'accord', 'x'.repeat(1000), '\u00e9\u4e2d\u{1f600}'].map(bytes);

describe('browser stand-ins of the protocol crypto modules', () => {
  it.each([
    ['ed25519', nodeEd25519, browserEd25519],
    ['sha256', nodeSha256, browserSha256],
    ['merkle hasher', nodeMerkle, browserMerkle],
    ['x25519', nodeX25519, browserX25519],
    ['random', nodeRandom, browserRandom],
  ])('%s exports the same names as the node module', (_name, node, browser) => {
    expect(Object.keys(browser).sort()).toEqual(Object.keys(node).sort());
  });

  it('hashes like node:crypto', () => {
    for (const message of MESSAGES) {
      expect(browserSha256.sha256Hex(message)).toBe(nodeSha256.sha256Hex(message));
      expect(Buffer.from(browserSha256.sha256(message))).toEqual(Buffer.from(nodeSha256.sha256(message)));
      expect(Buffer.from(browserMerkle.hashLeaf(message))).toEqual(Buffer.from(nodeMerkle.hashLeaf(message)));
    }
    const [left, right] = [nodeSha256.sha256(bytes('l')), nodeSha256.sha256(bytes('r'))];
    expect(Buffer.from(browserMerkle.hashChildren(left, right))).toEqual(
      Buffer.from(nodeMerkle.hashChildren(left, right)),
    );
    expect(Buffer.from(browserMerkle.EMPTY_TREE_ROOT)).toEqual(Buffer.from(nodeMerkle.EMPTY_TREE_ROOT));
  });

  it('derives, signs and verifies Ed25519 exactly as node:crypto does', () => {
    const random = deterministicRandom('browser-ed25519');
    for (let i = 0; i < 8; i++) {
      const pair = nodeEd25519.generateEd25519KeyPair(random);
      expect(browserEd25519.ed25519Signer(pair.privateKey).publicKey).toBe(pair.publicKey);
      expect(browserEd25519.ed25519KeyPairFromSeed(pair.privateKey)).toEqual(
        nodeEd25519.ed25519KeyPairFromSeed(pair.privateKey),
      );
      for (const message of MESSAGES) {
        const signature = nodeEd25519.signEd25519(pair.privateKey, message);
        // Ed25519 signatures are deterministic (RFC 8032): both sides produce the same bytes.
        expect(browserEd25519.signEd25519(pair.privateKey, message)).toBe(signature);
        expect(browserEd25519.verifyEd25519(pair.publicKey, message, signature)).toBe(true);
        const tampered = `${signature.slice(0, -2)}${signature.endsWith('00') ? '01' : '00'}`;
        expect(browserEd25519.verifyEd25519(pair.publicKey, message, tampered)).toBe(
          nodeEd25519.verifyEd25519(pair.publicKey, message, tampered),
        );
        expect(browserEd25519.verifyEd25519(pair.publicKey, bytes('other'), signature)).toBe(false);
      }
    }
    expect(browserEd25519.verifyEd25519('zz', bytes('a'), '00')).toBe(false);
  });

  it('derives X25519 public keys as node:crypto does', () => {
    const random = deterministicRandom('browser-x25519');
    for (let i = 0; i < 8; i++) {
      const pair = nodeX25519.generateX25519KeyPair(random);
      expect(browserX25519.x25519PublicKey(browserX25519.x25519PrivateKeyObject(pair.privateKey))).toBe(pair.publicKey);
      expect(browserX25519.x25519KeyPairFromPrivateKey(pair.privateKey)).toEqual(pair);
    }
  });
});

type CheckProof = (proof: unknown, members: unknown, quorum: number) => unknown;

describe("the browser bundle's proof verification", () => {
  /** web/proof/proof-check.ts bundled as the console bundles it, run where neither require nor node:crypto exist. */
  async function bundledCheckProof(): Promise<CheckProof> {
    const result = await build({
      ...browserBuildOptions(),
      entryPoints: [join(CONSOLE_ROOT, 'web', 'proof', 'proof-check.ts')],
      globalName: 'proofCheck',
      write: false,
    });
    const sandbox = createContext({ TextEncoder, TextDecoder, crypto: globalThis.crypto });
    runInContext(`${result.outputFiles[0].text}\nthis.proofCheck = proofCheck;`, sandbox);
    // Values cross as JSON text, parsed inside the sandbox: as in a browser, the proof's objects belong to the bundle's realm.
    return (proof, members, quorum) => {
      Object.assign(sandbox, { proof: JSON.stringify(proof), members: JSON.stringify(members), quorum });
      const answer = runInContext(
        'JSON.stringify(proofCheck.checkProof(JSON.parse(proof), JSON.parse(members), quorum))',
        sandbox,
      ) as string;
      return JSON.parse(answer) as unknown;
    };
  }

  it('verifies real proofs as node does and rejects tampered ones', async () => {
    const checkProof = await bundledCheckProof();
    const [alice, bob, carol] = ['dept-a', 'dept-b', 'dept-c'].map(testMember);
    const chain = new TestChain([alice, bob, carol]);
    chain.append([chain.tx(alice), chain.tx(bob)]);
    chain.append([
      chain.tx(carol),
      { envelope: { ...chain.tx(bob), sig: 'ab'.repeat(64) }, code: 'bad_signature' },
      chain.tx(alice),
    ]);
    const members = chain.memberKeys;
    for (const [height, index] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [1, 2],
    ]) {
      // A JSON round trip, as the browser receives it.
      const proof = JSON.parse(JSON.stringify(chain.proof(height, index))) as TxProof;
      expect(checkProof(proof, members, 3)).toEqual(verifyTxProof(proof, members, { quorum: 3 }));
      expect(checkProof(proof, members, 3)).toMatchObject({ ok: true });
    }
    const proof = chain.proof(1, 2);
    const tampered = { ...proof, envelope: { ...proof.envelope, body: { ...proof.envelope.body, nonce: 999 } } };
    expect(checkProof(tampered, members, 3)).toMatchObject({ ok: false, code: 'proof.inclusion_invalid' });
    const fewer = chain.proof(1, 2, [alice, bob]);
    expect(checkProof(fewer, members, 3)).toMatchObject({ ok: false, code: 'proof.quorum_not_met' });
    expect(checkProof(fewer, members, 2)).toMatchObject({ ok: true, attesters: ['dept-a', 'dept-b'] });
    const forged = {
      ...proof,
      attestations: [{ ...proof.attestations[0], sig: 'ab'.repeat(64) }, ...proof.attestations.slice(1)],
    };
    expect(checkProof(forged, members, 3)).toMatchObject({ ok: false, code: 'proof.attestation_signature_invalid' });
    expect(checkProof({ v: 1 }, members, 3)).toMatchObject({ ok: false, code: 'proof.malformed' });
  });
});
