import { createHash } from 'node:crypto';
import type { EventBusConfig } from '../event-bus.config';

/** Arguments of crash-consumer.child.ts (passed as one JSON argv). */
export interface CrashConsumerArgs {
  readonly bus: EventBusConfig;
  readonly topic: string;
  readonly groupId: string;
  /** Directory for deliveries.log, state.json and error.txt. */
  readonly outDir: string;
  readonly total: number;
  readonly maxBatchSize: number;
  readonly handlerDelayMs: number;
}

/** The consumer's durable state; `digest` chains every applied value, so a gap, duplicate or reordering changes it. */
export interface CrashConsumerState {
  readonly nextOffset: number;
  readonly applied: number;
  readonly digest: string;
}

export const INITIAL_STATE: CrashConsumerState = { nextOffset: 0, applied: 0, digest: '' };

export function applyValue(state: CrashConsumerState, offset: number, value: Uint8Array): CrashConsumerState {
  const digest = createHash('sha256').update(state.digest).update(value).digest('hex');
  return { nextOffset: offset + 1, applied: state.applied + 1, digest };
}

/** Arguments of crash-producer.child.ts. */
export interface CrashProducerArgs {
  readonly dataDir: string;
  readonly topic: string;
  readonly outDir: string;
  readonly publishers: number;
  readonly batchSize: number;
  readonly segmentBytes: number;
}

/** Deterministic content of message `index` of batch `batch` of publisher `publisher`. */
export function producedValue(publisher: number, batch: number, index: number): string {
  // Varying lengths so frames straddle write and page boundaries differently.
  return `p${publisher}-b${batch}-i${index}-${'x'.repeat((publisher * 131 + batch * 17 + index * 7) % 300)}`;
}
