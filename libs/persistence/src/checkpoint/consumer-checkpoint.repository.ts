import type { EntityManager } from 'typeorm';
import { CheckpointRegressionError, InvalidCheckpointError, NotInTransactionError } from '../persistence.errors';

const MAX_NAME_LENGTH = 255;

/** A consumer_checkpoint row as pg returns it (bigint as a string); the schema is the migration's. */
interface ConsumerCheckpointRow {
  consumer: string;
  topic: string;
  next_offset: string;
}

/**
 * Checkpoints for idempotent consumers of the at-least-once event bus.
 *
 * Pattern (see docs/persistence.md): inside ONE transaction,
 *   1. `get` the checkpoint (this locks its row until commit),
 *   2. skip messages with offset < checkpoint, apply the rest,
 *   3. `advance` to lastAppliedOffset + 1.
 * The state change and the checkpoint commit or roll back together, so a
 * redelivered batch is applied exactly once.
 */
export class ConsumerCheckpointRepository {
  /**
   * The next offset `consumer` will apply on `topic`, or undefined if it never
   * advanced. Inside a transaction the row stays locked until commit, so two
   * transactions on the same checkpoint run one after the other.
   */
  async get(manager: EntityManager, consumer: string, topic: string): Promise<number | undefined> {
    checkName('consumer', consumer);
    checkName('topic', topic);
    const rows: Pick<ConsumerCheckpointRow, 'next_offset'>[] = await manager.query(
      'SELECT next_offset FROM consumer_checkpoint WHERE consumer = $1 AND topic = $2 FOR UPDATE',
      [consumer, topic],
    );
    return rows.length === 0 ? undefined : toOffset(rows[0].next_offset);
  }

  /**
   * Moves the checkpoint to `nextOffset`; must be called inside the caller's
   * transaction (`withTransaction`). Throws CheckpointRegressionError unless
   * `nextOffset` is greater than the stored value; that also catches two
   * consumers racing to create the same checkpoint.
   */
  async advance(manager: EntityManager, consumer: string, topic: string, nextOffset: number): Promise<void> {
    checkName('consumer', consumer);
    checkName('topic', topic);
    if (!Number.isSafeInteger(nextOffset) || nextOffset < 0) {
      throw new InvalidCheckpointError(`nextOffset must be a non-negative safe integer, got ${String(nextOffset)}`);
    }
    if (!manager.queryRunner?.isTransactionActive) {
      throw new NotInTransactionError(
        'ConsumerCheckpointRepository.advance must run inside the transaction that applies the messages',
      );
    }
    // ON CONFLICT locks the existing row and re-checks the condition against
    // its latest committed version, so concurrent advances serialise.
    const rows: unknown[] = await manager.query(
      `INSERT INTO consumer_checkpoint AS c (consumer, topic, next_offset) VALUES ($1, $2, $3)
       ON CONFLICT (consumer, topic) DO UPDATE SET next_offset = EXCLUDED.next_offset
       WHERE c.next_offset < EXCLUDED.next_offset
       RETURNING next_offset`,
      [consumer, topic, nextOffset],
    );
    if (rows.length === 0) {
      const current = await this.get(manager, consumer, topic);
      throw new CheckpointRegressionError(consumer, topic, current ?? 0, nextOffset);
    }
  }
}

function checkName(what: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH || value.includes('\0')) {
    throw new InvalidCheckpointError(
      `${what} must be a non-empty string of at most ${MAX_NAME_LENGTH} characters without NUL`,
    );
  }
}

function toOffset(raw: string | number): number {
  // bigint arrives as a string from pg; offsets beyond 2^53 are not supported.
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) {
    throw new InvalidCheckpointError(`stored checkpoint ${String(raw)} is not a safe integer`);
  }
  return n;
}
