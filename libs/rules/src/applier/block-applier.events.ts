import type { ChannelConfig } from '@accord/ledger-core';
import type { Block, BlockHeader } from '@accord/protocol';
import type { ApplyResult } from '../engine/rules.engine';
import type { RulesState } from '../state/rules-state.schema';

/** Why a channel stopped applying blocks (docs/contracts.md "Halted channels"). */
export interface ChannelHalt {
  /** The height that could not be applied. */
  readonly height: number;
  readonly code: string;
  readonly message: string;
  /** ISO time of the halt (wall clock: operators read it, the rules never do). */
  readonly at: string;
}

/** A channel's position: the block its rule state is at and what has been announced. */
export interface ChannelHead {
  readonly channel: string;
  /** Height of the last applied block; -1 before the first. */
  readonly height: number;
  readonly blockHash: string | null;
  readonly time: number;
  readonly digest: string | null;
  /** Channel configuration after the last applied block (null before the genesis). */
  readonly config: ChannelConfig | null;
  /** Highest height whose attestation and decision events were published; -1 for none. */
  readonly publishedHeight: number;
  readonly halted: ChannelHalt | null;
}

/** What the block applier knows of one channel while it applies a run of records. */
export interface AppliedChannel {
  readonly head: ChannelHead;
  readonly state: RulesState;
  /** Hashes of the blocks applied since this value was loaded, by height: a redelivered height is checked against them. */
  readonly applied: ReadonlyMap<number, string>;
}

/** Every channel the applier has seen, by name. */
export type AppliedChannels = ReadonlyMap<string, AppliedChannel>;

/** A problem the reader met while getting what an event lacks from the ledger API; it halts the channel. */
export interface FetchProblem {
  readonly code: string;
  readonly message: string;
}

/**
 * One record of a department's blocks topic, in log order, with what the
 * reader found out about it before the decision: `at` is the wall-clock
 * time for a halt record.
 */
export type BlockRecordCommand =
  | {
      /** A record that does not verify (not JSON, wrong shape, hash or txRoot mismatch). */
      readonly type: 'record.invalid';
      readonly offset: number;
      /** The channel the record names, when it names one: that channel halts rather than skip a height. */
      readonly channel: string | null;
      readonly code: string;
      readonly message: string;
      readonly at: string;
    }
  | {
      readonly type: 'block.received';
      /** The topic and offset of the record (named in halt messages). */
      readonly topic: string;
      readonly offset: number;
      readonly channel: string;
      readonly header: BlockHeader;
      readonly hash: string;
      /** The block with its txs: from the event, or fetched from the ledger for a header-only event; undefined when neither. */
      readonly block: Block | undefined;
      readonly configChanged: boolean;
      /** The configuration after the block as the event carries it; undefined when it does not. */
      readonly config: ChannelConfig | null | undefined;
      /** The configuration after the block as fetched from the ledger, when the event lacks it. */
      readonly fetchedConfig: ChannelConfig | undefined;
      /** Why the block or configuration could not be fetched. */
      readonly problem: FetchProblem | undefined;
      /** The hash the store holds for this height, for heights below the channel's head before this run (redeliveries). */
      readonly storedHash: string | undefined;
      readonly at: string;
    };

/** What applying one record did. */
export type BlockApplierEvent =
  | {
      /** A record that names no channel: nothing can halt, so it is skipped (and reported). */
      readonly type: 'record.skipped';
      readonly offset: number;
      readonly message: string;
    }
  | {
      /** A height already applied, redelivered with the same hash (at-least-once delivery, ledger restarts). */
      readonly type: 'block.duplicate';
      readonly channel: string;
      readonly height: number;
    }
  | {
      readonly type: 'channel.halted';
      readonly channel: string;
      readonly halt: ChannelHalt;
    }
  | {
      readonly type: 'block.applied';
      readonly channel: string;
      readonly block: Block;
      /** The configuration after the block. */
      readonly config: ChannelConfig | null;
      readonly result: ApplyResult;
    };
