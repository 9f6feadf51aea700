import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  encodeAttestation,
  signAttestation,
  signTx,
  type Attestation,
  type JsonObject,
  type TxEnvelope,
} from '@accord/protocol';
import type { TestMember } from '@accord/protocol/testing';
import type { EventBus } from '@accord/event-bus';
import { waitFor } from '@accord/event-bus/testing';
import type { ChannelPolicy } from '@accord/ledger-core';
import request from 'supertest';
import { attestTopic } from '@accord/events';

/** Signs txs of test members on one channel with increasing nonces per member. */
export class TxFactory {
  private readonly nonces = new Map<string, number>();
  private ts = 1_700_000_000_000;

  constructor(readonly channel: string) {}

  tx(
    from: TestMember,
    type = 'test.note',
    payload: JsonObject = { note: 'hello' },
    options: { channel?: string; nonce?: number } = {},
  ): TxEnvelope {
    const nonce = options.nonce ?? this.nonces.get(from.id) ?? 0;
    this.nonces.set(from.id, Math.max(nonce + 1, this.nonces.get(from.id) ?? 0));
    return signTx(
      { v: 1, channel: options.channel ?? this.channel, type, from: from.id, nonce, ts: this.ts++, payload },
      from.signer,
    );
  }

  genesis(
    from: TestMember,
    kind: 'public' | 'alliance' | 'private',
    members: readonly TestMember[],
    policy: Partial<ChannelPolicy> = {},
  ): TxEnvelope {
    return this.tx(from, 'channel.genesis', {
      kind,
      members: members.map((m) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey })),
      policy: policy as JsonObject,
    });
  }

  joinRequest(applicant: TestMember): TxEnvelope {
    return this.tx(applicant, 'member.join.request', {
      ed25519: applicant.keys.ed25519.publicKey,
      x25519: applicant.keys.x25519.publicKey,
    });
  }

  joinVote(voter: TestMember, proposal: string, approve: boolean): TxEnvelope {
    return this.tx(voter, 'member.join.vote', { proposal, approve });
  }

  leave(member: TestMember): TxEnvelope {
    return this.tx(member, 'member.leave', {});
  }
}

/** A block attestation by `member`. */
export function blockAttestation(member: TestMember, channel: string, height: number, blockHash: string): Attestation {
  return signAttestation({ v: 1, channel, height, blockHash, from: member.id, kind: 'block' }, member.signer);
}

/** A contracts state attestation by `member`. */
export function stateAttestation(
  member: TestMember,
  channel: string,
  height: number,
  blockHash: string,
  stateDigest: string,
): Attestation {
  return signAttestation(
    { v: 1, channel, height, blockHash, from: member.id, kind: 'state', stateDigest },
    member.signer,
  );
}

export async function publishAttestations(
  bus: EventBus,
  channel: string,
  attestations: readonly (Attestation | Uint8Array)[],
): Promise<void> {
  await bus.publish(
    attestTopic(channel),
    attestations.map((a) => ({ value: a instanceof Uint8Array ? a : encodeAttestation(a) })),
  );
}

/** GET with a bearer token, expecting 200; the parsed body. */
export async function getJson<T = Record<string, unknown>>(url: string, path: string, token: string): Promise<T> {
  const res = await request(url).get(path).set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as T;
}

/** Runs the built `accord` CLI (tools/cli/dist/main.js), building it first when missing. */
export async function runAccordCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = resolve(__dirname, '../../../..');
  const main = join(root, 'tools/cli/dist/main.js');
  if (!existsSync(main)) {
    const build = await run('npx', ['tsc', '-b', 'tools/cli'], root);
    if (build.code !== 0) throw new Error(`building the CLI failed (${build.code}): ${build.stdout}${build.stderr}`);
  }
  return run(process.execPath, [main, ...args], root);
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** A ledger's HTTP API on one channel, as a client uses it: create, submit, wait for commit, readiness. */
export function ledgerChannelClient(
  ledger: { url: string; tokens: Readonly<Record<string, string>> },
  channel: string,
) {
  const bearer = (role: string) => `Bearer ${ledger.tokens[role]}`;
  const client = {
    /** Publishes a genesis through POST /v1/channels (expects 202). */
    create: async (genesis: TxEnvelope): Promise<void> => {
      await request(ledger.url).post('/v1/channels').set('Authorization', bearer('sysadmin')).send(genesis).expect(202);
    },
    submit: (envelope: TxEnvelope) =>
      request(ledger.url).post(`/v1/channels/${channel}/txs`).set('Authorization', bearer('user')).send(envelope),
    ready: () => request(ledger.url).get('/health/ready'),
    /** Long-polls the tx status until it is committed; resolves with its status body. */
    committed: (txId: string) =>
      waitFor(`tx ${txId} committed`, async () => {
        const res = await request(ledger.url).get(`/v1/txs/${txId}?waitMs=5000`).set('Authorization', bearer('user'));
        return res.status === 200 && res.body.status === 'committed' ? (res.body as { code: string }) : undefined;
      }),
  };
  return client;
}
