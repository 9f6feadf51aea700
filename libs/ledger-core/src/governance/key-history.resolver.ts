import type { KeyResolver } from '@accord/protocol';
import { LedgerCoreError } from '../errors/ledger-core.errors';
import type { LogPosition } from './channel-config.schema';
import type { KeyChange } from './governance.events';

/**
 * Every member's signing key over the chain's history, built from the
 * KeyChanges of the closed blocks (in block order). Answers "which key did
 * the ledger check this tx with" for any position, so protocol's verifyChain
 * can re-check a whole chain across admissions, rotations and departures.
 */
export class KeyHistory {
  constructor(changes: Iterable<KeyChange> = []) {
    void changes;
    throw new LedgerCoreError('history.out_of_order', 'KeyHistory: implementation in progress');
  }

  /** Appends a change; changes of one member must come in position order (`history.out_of_order`). */
  record(change: KeyChange): void {
    void change;
  }

  recordAll(changes: Iterable<KeyChange>): void {
    void changes;
  }

  /** The member's Ed25519 key in force at that position, or undefined. */
  keyAt(member: string, at: LogPosition): string | undefined {
    void member;
    void at;
    return undefined;
  }

  /** A KeyResolver for protocol's verifyChain. */
  resolver(): KeyResolver {
    return (member, at) => this.keyAt(member, at);
  }

  /** All changes recorded, in the order given. */
  changes(): readonly KeyChange[] {
    return [];
  }
}
