import type { LogPosition } from './channel-config.schema';
import type { GovernancePayload, GovernanceTxType } from './governance-tx.schema';

/** Who sent a configuration tx and where it sits: all a decision knows of the tx besides its payload. */
export interface GovernanceTxContext {
  readonly txId: string;
  readonly from: string;
  readonly at: LogPosition;
}

/** A configuration tx whose signature verified and whose nonce is fresh, tagged by tx type. */
export type GovernanceTxCommand = {
  readonly [T in GovernanceTxType]: {
    readonly type: T;
    readonly payload: Extract<GovernancePayload, { type: T }>['payload'];
    readonly tx: GovernanceTxContext;
  };
}[GovernanceTxType];

/** Block `height` closes: pending rotations and policy changes take effect, undecided proposals expire. */
export interface CloseBlockCommand {
  readonly type: 'block.close';
  readonly height: number;
}

export type GovernanceCommand = GovernanceTxCommand | CloseBlockCommand;

/** The command a configuration tx carries, from its checked payload (ParsedTx.governance). */
export function governanceCommand(governance: GovernancePayload, tx: GovernanceTxContext): GovernanceTxCommand {
  return { type: governance.type, payload: governance.payload, tx } as GovernanceTxCommand;
}
