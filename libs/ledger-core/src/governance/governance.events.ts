import type { ChannelKind, ChannelPolicy } from './governance-tx.schema';
import type { LogPosition } from './channel-config.schema';

/**
 * What a block changed in the channel configuration, in the order it
 * happened. `index` is the tx that caused it, or null for effects applied
 * when the block closed (key rotations, policy changes, expiries).
 */
export type GovernanceEvent =
  | {
      readonly type: 'channel_created';
      readonly height: number;
      readonly index: number;
      readonly kind: ChannelKind;
      readonly owner: string | null;
      readonly members: readonly string[];
    }
  | {
      readonly type: 'proposal_opened';
      readonly height: number;
      readonly index: number;
      readonly proposal: string;
      readonly proposalType: 'member.join' | 'policy.change';
      readonly proposer: string;
    }
  | {
      readonly type: 'vote_cast';
      readonly height: number;
      readonly index: number;
      readonly proposal: string;
      readonly member: string;
      readonly approve: boolean;
    }
  | {
      readonly type: 'proposal_approved';
      readonly height: number;
      readonly index: number | null;
      readonly proposal: string;
    }
  | {
      readonly type: 'proposal_rejected';
      readonly height: number;
      readonly index: number | null;
      readonly proposal: string;
    }
  | { readonly type: 'proposal_expired'; readonly height: number; readonly index: null; readonly proposal: string }
  | {
      readonly type: 'member_admitted';
      readonly height: number;
      readonly index: number;
      readonly member: string;
      readonly ed25519: string;
      readonly x25519: string;
      /** The join proposal that admitted it; null for a public channel's immediate admission. */
      readonly proposal: string | null;
    }
  | { readonly type: 'member_left'; readonly height: number; readonly index: number; readonly member: string }
  | {
      readonly type: 'key_rotated';
      readonly height: number;
      readonly index: null;
      readonly member: string;
      readonly ed25519: string;
      readonly x25519: string;
    }
  | {
      readonly type: 'policy_changed';
      readonly height: number;
      readonly index: null;
      readonly policy: ChannelPolicy;
      readonly proposal: string | null;
    };

export type GovernanceEventType = GovernanceEvent['type'];

/**
 * One change of the Ed25519 key that signature checks use for a member, for
 * resolving keys at any position later (KeyHistory). `scope: 'from'` holds
 * from `at` on until the next change (`ed25519: null` = no key: the member
 * left); `scope: 'only'` is the key of a payload-signed tx (join request or
 * genesis) at exactly that position.
 */
export interface KeyChange {
  readonly member: string;
  readonly at: LogPosition;
  readonly scope: 'from' | 'only';
  readonly ed25519: string | null;
}
