import { channelNameSchema, hashHexSchema, uintSchema } from '@accord/protocol';
import type { Receipt, ReceiptKind } from '@accord/rules';
import { z } from 'zod';
import { decodeEvent, type DecodeResult } from '../decoding/event.decoder';

export const DECISION_EVENT_TYPE = 'contracts.decision';
export const DECISION_EVENT_VERSION = 1;

/** Every receipt kind of the rule engine (docs/rules.md "Receipts"). */
export const RECEIPT_KINDS = [
  'registered',
  'updated',
  'deprecated',
  'pending',
  'granted',
  'consented',
  'denied',
  'refused',
  'cancelled',
  'revoked',
  'expired',
  'used',
  'rejected',
] as const satisfies readonly ReceiptKind[];

/** Fails to compile when the rule engine gains a receipt kind RECEIPT_KINDS lacks. */
export type ReceiptKindsCovered = [Exclude<ReceiptKind, (typeof RECEIPT_KINDS)[number]>] extends [never] ? true : never;
export const RECEIPT_KINDS_COVERED: ReceiptKindsCovered = true;

/**
 * The fields every receipt has. The rest of a receipt's shape is the rule
 * engine's (libs/rules `Receipt`, docs/rules.md), carried as it produced it.
 */
const receiptSchema = z
  .looseObject({
    kind: z.enum(RECEIPT_KINDS),
    code: z.string().min(1),
    height: uintSchema,
    time: uintSchema,
    index: uintSchema.nullable(),
    txId: hashHexSchema.nullable(),
    from: z.string().nullable(),
  })
  .transform((receipt) => receipt as unknown as Receipt);

/**
 * One receipt of an applied block, published on decisionsTopic(department)
 * as JCS for the storage gateway and the catalog, in (height, seq) order per
 * channel, at least once: consumers skip (channel, height, seq) they have
 * seen. Unknown fields are ignored (a newer producer may add some).
 */
export const decisionEventSchema = z
  .object({
    v: z.literal(DECISION_EVENT_VERSION),
    type: z.literal(DECISION_EVENT_TYPE),
    /** The receipt kind. */
    kind: z.enum(RECEIPT_KINDS),
    /** The receipt's reason code (docs/rules.md "Receipts"). */
    code: z.string().min(1),
    channel: channelNameSchema,
    height: uintSchema,
    blockHash: hashHexSchema,
    /** Block time (ms). */
    time: uintSchema,
    /** Position of the receipt among the block's receipts, from 0. */
    seq: uintSchema,
    /** The tx that caused it; null for effects of time, membership or parameters. */
    txId: hashHexSchema.nullable(),
    /** The request (= grant) id or dataset id the receipt is about; null when none. */
    subject: z.string().min(1).nullable(),
    /** The receipt exactly as the rule engine produced it. */
    receipt: receiptSchema,
  })
  .superRefine((event, ctx) => {
    const { receipt } = event;
    for (const field of ['kind', 'code', 'height', 'txId'] as const) {
      if (receipt[field] !== event[field])
        ctx.addIssue({ code: 'custom', path: ['receipt', field], message: `differs from the event's ${field}` });
    }
  });

export type DecisionEvent = z.output<typeof decisionEventSchema>;

/** Headers of a decision record. */
export function decisionHeaders(event: DecisionEvent): Record<string, string> {
  return { type: DECISION_EVENT_TYPE, kind: event.kind, channel: event.channel, height: String(event.height) };
}

/** A decision record's value, parsed with the schema; never throws for bad input. */
export function decodeDecisionEvent(value: Uint8Array): DecodeResult<DecisionEvent> {
  return decodeEvent(decisionEventSchema, value, DECISION_EVENT_TYPE);
}
