import { randomInt } from 'node:crypto';
import { KafkaEventBus } from '@accord/event-bus';
import { txTopic } from '@accord/events';
import { encodeEnvelope, signTx, type Ed25519Signer, type JsonObject, type TxEnvelope } from '@accord/protocol';
import { clusterTestSettings } from '@accord/service-kit/testing';
import type { SystemDepartment } from '../../system-department';
import { expectCall } from './attack-network';

/**
 * A nonce of the last lane (31, docs/tx-publisher.md "Lanes"), which no
 * service of a department uses: an attacker's tx never collides with the
 * department's own counters, so its validity code is about the attack only.
 */
export function attackerNonce(): number {
  return 31 * 2 ** 48 + randomInt(0, 2 ** 47);
}

/** A tx of `type` from `from` on `channel`, signed with `key` (whatever key the attack holds). */
export function signedTx(
  key: Ed25519Signer,
  tx: { readonly channel: string; readonly from: string; readonly type: string; readonly payload: JsonObject },
): TxEnvelope {
  return signTx(
    {
      v: 1,
      channel: tx.channel,
      type: tx.type,
      from: tx.from,
      nonce: attackerNonce(),
      ts: Date.now(),
      payload: tx.payload,
    },
    key,
  );
}

/** What the ledger answers a submitted envelope (POST /v1/channels/:channel/txs). */
export interface SubmitAnswer {
  readonly txId: string;
  readonly status: 'pending' | 'committed';
  readonly duplicate: boolean;
  readonly height?: number;
  readonly code?: string;
}

/** Submits an envelope to a department's ledger API, as any member's client would. */
export async function submitEnvelope(
  department: SystemDepartment,
  channel: string,
  envelope: TxEnvelope,
): Promise<{ readonly status: number; readonly answer: SubmitAnswer }> {
  const response = await fetch(`${department.urls.ledger}/v1/channels/${channel}/txs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${department.token}`, 'content-type': 'application/json' },
    body: Buffer.from(encodeEnvelope(envelope)),
  });
  const answer = (await response.json()) as SubmitAnswer;
  if (response.status !== 200 && response.status !== 202) {
    throw new Error(`submitting ${envelope.body.type} answered ${response.status}: ${JSON.stringify(answer)}`);
  }
  return { status: response.status, answer };
}

/**
 * Appends the envelope's bytes straight to the channel's tx topic on the
 * broker, past every ledger API check: what an attacker with write access
 * to Kafka (or a replaying proxy) does. Only the block builders stand in the way.
 */
export async function appendToTxLog(channel: string, envelope: TxEnvelope): Promise<void> {
  const bus = await KafkaEventBus.connect({
    brokers: clusterTestSettings().kafkaBrokers.split(','),
    clientId: `system-proof-replay-${channel}`,
  });
  try {
    await bus.publish(txTopic(channel), [{ value: encodeEnvelope(envelope) }]);
  } finally {
    await bus.close();
  }
}

/** The contracts service's view of a member's points. */
export async function accountOf(
  department: SystemDepartment,
  channel: string,
  member: string,
): Promise<{ readonly balance: number; readonly held: number; readonly score: number }> {
  const answer = await expectCall<{ balance: number; held: number; score: number }>(
    [200],
    department,
    'contracts',
    'GET',
    `/v1/channels/${channel}/accounts/${member}`,
  );
  return { balance: answer.balance, held: answer.held, score: answer.score };
}
