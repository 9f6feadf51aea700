import { hexSchema, KeyResolver, memberIdSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import { LedgerCoreError } from '../errors/ledger-core.errors';
import type { LogPosition } from './channel-config.schema';
import type { KeyChange } from './governance.events';

const keyChangeSchema = z.strictObject({
  member: memberIdSchema,
  at: z.strictObject({ height: uintSchema, index: uintSchema }),
  scope: z.enum(['from', 'only']),
  ed25519: hexSchema(32).nullable(),
});

interface Span {
  readonly at: LogPosition;
  readonly key: string | null;
}

/**
 * Every member's signing key over the chain's history, built from the
 * KeyChanges of the closed blocks (in block order). Answers "which key did
 * the ledger check this tx with" for any position, so protocol's verifyChain
 * can re-check a whole chain across admissions, rotations and departures.
 */
export class KeyHistory {
  private readonly spans = new Map<string, Span[]>();
  /** Payload-signed txs (genesis, join requests) by "height:index". */
  private readonly single = new Map<string, { readonly member: string; readonly key: string | null }>();
  private readonly recorded: KeyChange[] = [];

  constructor(changes: Iterable<KeyChange> = []) {
    this.recordAll(changes);
  }

  /** Appends a change; changes of one member must come in position order (`history.out_of_order`). */
  record(change: KeyChange): void {
    const result = keyChangeSchema.safeParse(change);
    if (!result.success) {
      const issues = result.error.issues
        .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new LedgerCoreError('history.invalid', `invalid key change: ${issues}`);
    }
    const { member, at, scope, ed25519 } = result.data;
    if (scope === 'only') {
      this.single.set(`${at.height}:${at.index}`, { member, key: ed25519 });
    } else {
      let spans = this.spans.get(member);
      if (spans === undefined) {
        spans = [];
        this.spans.set(member, spans);
      }
      const last = spans[spans.length - 1];
      if (last !== undefined && compare(at, last.at) < 0) {
        throw new LedgerCoreError(
          'history.out_of_order',
          `key change of ${member} at ${at.height}:${at.index} comes after one at ${last.at.height}:${last.at.index}`,
        );
      }
      // Same position: the later change wins (e.g. a member admitted and at once voted out is impossible, but be total).
      if (last !== undefined && compare(at, last.at) === 0) spans[spans.length - 1] = { at, key: ed25519 };
      else spans.push({ at, key: ed25519 });
    }
    this.recorded.push(result.data);
  }

  recordAll(changes: Iterable<KeyChange>): void {
    for (const change of changes) this.record(change);
  }

  /** The member's Ed25519 key in force at that position, or undefined. */
  keyAt(member: string, at: LogPosition): string | undefined {
    const single = this.single.get(`${at.height}:${at.index}`);
    if (single !== undefined && single.member === member) return single.key ?? undefined;
    const spans = this.spans.get(member);
    if (spans === undefined) return undefined;
    // Binary search for the last span starting at or before `at`.
    let lo = 0;
    let hi = spans.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(spans[mid].at, at) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? undefined : (spans[found].key ?? undefined);
  }

  /** A KeyResolver for protocol's verifyChain. */
  resolver(): KeyResolver {
    return (member, at) => this.keyAt(member, at);
  }

  /** All changes recorded, in the order given. */
  changes(): readonly KeyChange[] {
    return this.recorded;
  }
}

function compare(a: LogPosition, b: LogPosition): number {
  return a.height !== b.height ? a.height - b.height : a.index - b.index;
}
