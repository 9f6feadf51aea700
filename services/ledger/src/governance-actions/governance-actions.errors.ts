import { LedgerError } from '../ledger.errors';

// Pre-checks of the department's governance actions (docs/ledger-api.md "Governance actions"): each names
// what the block builders would reject the tx for, so it is refused before it reaches the log.

/** POST .../join by a department that is an active member already. 409. */
export class AlreadyMemberError extends LedgerError {
  readonly code = 'already_member';

  constructor(channel: string, member: string) {
    super(`${member} is already an active member of channel ${channel}`, { channel, member });
  }
}

/** POST .../join while this department's earlier join request is still open. 409. */
export class JoinPendingError extends LedgerError {
  readonly code = 'join_pending';

  constructor(channel: string, member: string, proposal: string) {
    super(`${member} already asked to join channel ${channel}: proposal ${proposal} is open`, {
      channel,
      member,
      proposal,
    });
  }
}

/** An action only an active member may take (leave, propose, vote), by a department that is not one. 409. */
export class NotChannelMemberError extends LedgerError {
  readonly code = 'not_channel_member';

  constructor(channel: string, member: string) {
    super(`${member} is not an active member of channel ${channel}`, { channel, member });
  }
}

/** On a private channel the owner alone decides joins and policy. 409. */
export class NotChannelOwnerError extends LedgerError {
  readonly code = 'not_channel_owner';

  constructor(channel: string, member: string, owner: string | null) {
    super(`only the owner ${owner ?? '(none)'} of private channel ${channel} decides this, not ${member}`, {
      channel,
      member,
      owner,
    });
  }
}

/** The owner of a private channel may not leave it: nobody could decide anything there again. 409. */
export class OwnerCannotLeaveError extends LedgerError {
  readonly code = 'owner_cannot_leave';

  constructor(channel: string, member: string) {
    super(`${member} owns private channel ${channel} and cannot leave it`, { channel, member });
  }
}

/** The channel configuration lists other keys for this department than its own: its txs would be bad_signature. 409. */
export class MemberKeysMismatchError extends LedgerError {
  readonly code = 'member_keys_mismatch';

  constructor(channel: string, member: string) {
    super(
      `channel ${channel} lists other keys for ${member} than this department's key file: rotate its keys on the channel first`,
      { channel, member },
    );
  }
}

/** A proposed policy the governance rules would refuse (ledger-core policyBoundsViolation). 400. */
export class PolicyInvalidError extends LedgerError {
  readonly code = 'policy_invalid';

  constructor(message: string, field: string) {
    super(message, { field });
  }
}

/** A vote on a proposal that is not open on the channel (never opened, decided or expired). 404. */
export class ProposalNotFoundError extends LedgerError {
  readonly code = 'proposal_not_found';

  constructor(channel: string, proposal: string) {
    super(`channel ${channel} has no open proposal ${proposal}`, { channel, proposal });
  }
}

/** A second vote of this department on the same proposal. 409. */
export class AlreadyVotedError extends LedgerError {
  readonly code = 'already_voted';

  constructor(channel: string, proposal: string, member: string, approve: boolean) {
    super(`${member} already voted ${approve ? 'yes' : 'no'} on proposal ${proposal} of channel ${channel}`, {
      channel,
      proposal,
      member,
      approve,
    });
  }
}

/** This ledger has not read the channel's log up to the request yet (e.g. just started to follow it). 409. */
export class ChannelCatchingUpError extends LedgerError {
  readonly code = 'channel_catching_up';

  constructor(channel: string, committedOffset: number, logEnd: number) {
    super(`this ledger has built channel ${channel} up to offset ${committedOffset} of ${logEnd}: retry in a moment`, {
      channel,
      committedOffset,
      logEnd,
    });
  }
}
