import { Injectable } from '@nestjs/common';
import { canonicalBytes, isProtocolError, parseEnvelope, verifyEnvelopeSignature } from '@accord/protocol';
import {
  DEFAULT_POLICY,
  defaultQuorum,
  parseGovernancePayload,
  policyBoundsViolation,
  PRE_GENESIS_LIMITS,
} from '@accord/ledger-core';
import type { EventBus } from '@accord/event-bus';
import { InjectEventBus, publishForRequest, readStrictJson } from '@accord/service-kit';
import { ChannelAlreadyExistsError, InvalidGenesisError } from '../ledger.errors';
import { attestTopic, txRecordHeaders, txTopic } from '@accord/events';
import { ChannelRegistry, type ChannelView } from './channel-registry.service';

export interface ChannelCreated {
  readonly channel: string;
  readonly txId: string;
  /** Offset of the genesis record on accord.<channel>.tx. */
  readonly offset: number;
  readonly statusUrl: string;
  readonly view: ChannelView;
}

/**
 * POST /v1/channels: publishes a signed `channel.genesis` envelope as the
 * first record of a new channel's tx topic and follows the channel. The
 * envelope is checked here as far as the ledger would check it (form,
 * size, genesis payload, founding signer, signature, policy bounds), so a
 * genesis that could not create the channel is refused with a 400 reason
 * instead of landing in block 0 as invalid. Whether it takes effect is
 * still decided by the block builders from the log.
 */
@Injectable()
export class ChannelCreationService {
  constructor(
    @InjectEventBus() private readonly bus: EventBus,
    private readonly registry: ChannelRegistry,
  ) {}

  /** `body`: the request body exactly as received (undefined when it was not JSON). */
  async create(body: Uint8Array | undefined): Promise<ChannelCreated> {
    const { channel, txId, bytes } = checkGenesis(body);
    const topic = txTopic(channel);
    await this.bus.ensureTopic(topic);
    await this.bus.ensureTopic(attestTopic(channel));
    const records = await this.bus.endOffset(topic);
    if (records > 0) throw new ChannelAlreadyExistsError(channel, records);
    const { baseOffset } = await publishForRequest(this.bus, topic, [{ value: bytes, headers: txRecordHeaders('tx') }]);
    const view = await this.registry.follow(channel, 'create');
    return { channel, txId, offset: baseOffset, statusUrl: `/v1/txs/${txId}`, view };
  }
}

/** The genesis envelope's channel, txId and log bytes, or InvalidGenesisError saying why not. */
export function checkGenesis(body: Uint8Array | undefined): { channel: string; txId: string; bytes: Uint8Array } {
  let bytes: Uint8Array;
  let parsed: ReturnType<typeof parseEnvelope>;
  try {
    // Read as received with the protocol's strict rules (as tx submission does), then its canonical JSON goes on the log.
    bytes = canonicalBytes(readStrictJson(body));
    parsed = parseEnvelope(bytes, { maxTxBytes: PRE_GENESIS_LIMITS.maxTxBytes });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw new InvalidGenesisError(`not a valid tx envelope: ${error.message}`, { reason: error.code });
  }
  const { envelope, txId } = parsed;
  const { body: tx } = envelope;
  if (tx.type !== 'channel.genesis')
    throw new InvalidGenesisError(`tx type must be channel.genesis, got ${tx.type}`, { reason: 'genesis.type' });
  const genesis = parseGovernancePayload('channel.genesis', tx.payload);
  if (genesis === undefined || genesis.type !== 'channel.genesis') {
    throw new InvalidGenesisError(
      'the payload is not a genesis payload {kind, owner?, members: [{id, ed25519, x25519}], policy}',
      { reason: 'genesis.payload' },
    );
  }
  const { kind, owner, members, policy } = genesis.payload;
  const ids = members.map((m) => m.id);
  if (new Set(ids).size !== ids.length)
    throw new InvalidGenesisError('founding members must be distinct', { reason: 'genesis.members' });
  const signer = members.find((m) => m.id === tx.from);
  if (signer === undefined)
    throw new InvalidGenesisError(`the signer ${tx.from} is not a founding member`, { reason: 'genesis.signer' });
  if (kind === 'private' && owner !== tx.from) {
    throw new InvalidGenesisError('a private channel needs an owner, and the owner signs its genesis', {
      reason: 'genesis.owner',
    });
  }
  if (kind !== 'private' && owner !== undefined)
    throw new InvalidGenesisError('only private channels have an owner', { reason: 'genesis.owner' });
  // The policy the genesis would put in force: its fields over the defaults, checked as the decider checks it.
  const violation = policyBoundsViolation(
    { ...DEFAULT_POLICY, quorum: defaultQuorum(kind), ...policy },
    members.length,
  );
  if (violation !== undefined) {
    throw new InvalidGenesisError(violation.message, { reason: 'genesis.policy', field: violation.field });
  }
  if (!verifyEnvelopeSignature(envelope, signer.ed25519)) {
    throw new InvalidGenesisError(`the signature does not verify with ${tx.from}'s founding key`, {
      reason: 'genesis.signature',
    });
  }
  return { channel: tx.channel, txId, bytes };
}
