import { Inject, Injectable } from '@nestjs/common';
import { encodeEnvelope, isProtocolError, signTx, type JsonObject, type TxEnvelope } from '@accord/protocol';
import {
  ChannelNotFoundError,
  DepartmentTxPublisher,
  InjectClock,
  NONCE_LANES,
  ServiceLogger,
  TxNonceRepository,
  type Clock,
} from '@accord/service-kit';
import { ChannelCreationService } from '../channels/channel-creation.service';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { InvalidGenesisError } from '../ledger.errors';
import { DEPARTMENT_SIGNER, type DepartmentSigner } from '../pipeline/department-signer.provider';
import { TxStatusService } from '../submission/tx-status.service';
import { GovernanceChannels } from './governance-channels.service';
import {
  planGenesis,
  planGovernanceTx,
  type ActingDepartment,
  type GenesisRequest,
  type GovernanceAction,
} from './governance-tx.planner';

/** What every governance action answers (202): the tx is on the log; the block builders decide its validity. */
export interface GovernanceTxAccepted {
  readonly txId: string;
  readonly status: 'pending';
  /** GET it on this ledger, adding `&waitMs=N` to long-poll for the commit and its validity code. */
  readonly statusUrl: string;
  readonly channel: string;
}

/**
 * The department's governance actions (docs/ledger-api.md "Governance
 * actions"): the ledger signs configuration txs with the department key.
 * Each is checked first against the channel configuration this ledger built
 * (planGovernanceTx: what the governance rules would reject is refused with
 * a typed error), then signed and published by the department tx publisher
 * in the ledger's own nonce lane, and marked pending here so its status
 * answers at once. A genesis goes through POST /v1/channels' own path
 * (ChannelCreationService: its checks, the empty-log check, following).
 */
@Injectable()
export class GovernanceActionsService {
  constructor(
    @Inject(DEPARTMENT_SIGNER) private readonly signer: DepartmentSigner,
    private readonly publisher: DepartmentTxPublisher,
    private readonly nonces: TxNonceRepository,
    private readonly creation: ChannelCreationService,
    private readonly registry: ChannelRegistry,
    private readonly channels: GovernanceChannels,
    private readonly txs: TxStatusService,
    private readonly log: ServiceLogger,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Signs and publishes the genesis of a new channel, with this department among its founding members, and follows it. */
  async genesis(channel: string, request: GenesisRequest): Promise<GovernanceTxAccepted> {
    const payload = planGenesis(request, this.self());
    const nonce = await this.nonces.next(this.signer.department, channel, NONCE_LANES.ledger);
    let envelope: TxEnvelope;
    try {
      envelope = signTx(
        {
          v: 1,
          channel,
          type: 'channel.genesis',
          from: this.signer.department,
          nonce,
          ts: this.clock.now(),
          payload: payload as unknown as JsonObject,
        },
        this.signer.signer,
      );
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      throw new InvalidGenesisError(`not a valid genesis tx: ${error.message}`, { reason: error.code });
    }
    const created = await this.creation.create(encodeEnvelope(envelope));
    return this.accepted(created.txId, envelope.sig, channel, 'channel.genesis');
  }

  /** Follows a channel and asks to join it with the department's keys (member.join.request). */
  async join(channel: string): Promise<GovernanceTxAccepted> {
    // Following a channel nobody created would only leave an empty runner behind.
    if ((await this.channels.logEnd(channel)) === 0) throw new ChannelNotFoundError(channel);
    await this.registry.follow(channel, 'api');
    return this.act(channel, { type: 'join' });
  }

  leave(channel: string): Promise<GovernanceTxAccepted> {
    return this.act(channel, { type: 'leave' });
  }

  /** Proposes the policy in force with the given fields changed (policy.change.propose; proposing is voting yes). */
  proposePolicy(channel: string, policy: Extract<GovernanceAction, { type: 'propose' }>['policy']) {
    return this.act(channel, { type: 'propose', policy });
  }

  /** Votes on an open proposal: member.join.vote, member.join.approve (private owner) or policy.change.vote. */
  vote(channel: string, proposal: string, approve: boolean): Promise<GovernanceTxAccepted> {
    return this.act(channel, { type: 'vote', proposal, approve });
  }

  private async act(channel: string, action: GovernanceAction): Promise<GovernanceTxAccepted> {
    const config = await this.channels.current(channel);
    const planned = planGovernanceTx(action, config, this.self());
    const published = await this.publisher.publish({ channel, type: planned.type, payload: planned.payload });
    return this.accepted(published.txId, published.envelope.sig, channel, planned.type);
  }

  private accepted(txId: string, sig: string, channel: string, type: string): GovernanceTxAccepted {
    this.txs.markPending(txId, sig, channel);
    this.log.pino.info({ channel, type, txId }, 'governance tx signed and published');
    return { txId, status: 'pending', statusUrl: governanceStatusUrl(txId, channel), channel };
  }

  private self(): ActingDepartment {
    const { department, ed25519, x25519 } = this.signer;
    return { id: department, ed25519, x25519 };
  }
}

/** `/v1/txs/<txId>?channel=<channel>`: the status of the tx on its channel (add `&waitMs=N` to long-poll). */
export function governanceStatusUrl(txId: string, channel: string): string {
  return `/v1/txs/${txId}?channel=${encodeURIComponent(channel)}`;
}
