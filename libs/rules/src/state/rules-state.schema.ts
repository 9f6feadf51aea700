import { channelNameSchema, hashHexSchema, jsonObjectSchema, memberIdSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import {
  datasetIdSchema,
  datasetNameSchema,
  governanceModeSchema,
  sensitivitySchema,
  textSchema,
  tokenSchema,
  updateFrequencySchema,
  zodIssues,
  describeIssues,
} from '../common/rules-ids.schema';
import { RulesError } from '../errors/rules.errors';
import { ruleParamsSchema } from '../params/rule-params.schema';
import { usageTermsSchema } from '../policy/usage-terms.schema';

/** Where something happened: block height and time, and the tx that caused it (null for effects of time or membership). */
export const stampSchema = z.strictObject({ height: uintSchema, time: uintSchema, txId: hashHexSchema.nullable() });
export type Stamp = z.output<typeof stampSchema>;

/**
 * Points of one department. `score` counts every point ever earned and sets
 * the permission level; `balance` is what it may spend now; `held` is
 * escrowed for its pending requests. Always 0 <= balance + held <= score.
 */
export const accountSchema = z.strictObject({ balance: uintSchema, held: uintSchema, score: uintSchema });
export type Account = z.output<typeof accountSchema>;

export const DATASET_STATUSES = ['active', 'deprecated'] as const;
export type DatasetStatus = (typeof DATASET_STATUSES)[number];

export const datasetRecordSchema = z.strictObject({
  id: datasetIdSchema,
  owner: memberIdSchema,
  name: datasetNameSchema,
  title: textSchema(200),
  description: textSchema(2000).nullable(),
  domain: tokenSchema,
  dataType: tokenSchema,
  sensitivity: sensitivitySchema,
  subjectKey: tokenSchema.nullable(),
  volumeBytes: uintSchema,
  updateFrequency: updateFrequencySchema,
  governance: governanceModeSchema,
  version: z.int().min(1),
  contentHash: hashHexSchema,
  /** The ODRL policy as registered (or last updated). */
  policy: jsonObjectSchema,
  /** The policy mapped to the terms the engine evaluates. */
  terms: usageTermsSchema,
  status: z.enum(DATASET_STATUSES),
  registeredAt: stampSchema,
  updatedAt: stampSchema,
  deprecatedAt: stampSchema.nullable(),
  /** Block time of the last registration or update that earned points. */
  rewardedAt: uintSchema,
  /** Accesses recorded (access.use) over all grants. */
  accesses: uintSchema,
});
export type DatasetRecord = z.output<typeof datasetRecordSchema>;

export const REQUEST_STATUSES = ['pending', 'granted', 'denied', 'refused', 'cancelled', 'expired'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A request that was granted or left pending; immediate denials and rejections exist only as receipts. */
export const requestRecordSchema = z.strictObject({
  id: hashHexSchema,
  requester: memberIdSchema,
  dataset: datasetIdSchema,
  provider: memberIdSchema,
  purpose: tokenSchema,
  durationMs: z.int().min(1),
  status: z.enum(REQUEST_STATUSES),
  requestedAt: stampSchema,
  /** Block time at which a pending request expires. */
  expiresAt: uintSchema,
  /** The price agreed when the request was made: fee (burned) and compensation (to the provider). */
  fee: uintSchema,
  compensation: uintSchema,
  /** Points escrowed while pending (fee + compensation), 0 once decided. */
  held: uintSchema,
  /** The dataset's access limit per grant when the request was made. */
  maxAccesses: z.int().min(1).nullable(),
  closedAt: stampSchema.nullable(),
  /** Reason code of the decision or ending (null while pending). */
  code: z.string().nullable(),
});
export type RequestRecord = z.output<typeof requestRecordSchema>;

export const GRANT_STATUSES = ['active', 'expired', 'revoked', 'exhausted'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export const grantRecordSchema = z.strictObject({
  /** The id of the request it answers. */
  id: hashHexSchema,
  requester: memberIdSchema,
  dataset: datasetIdSchema,
  provider: memberIdSchema,
  purpose: tokenSchema,
  /** Copied from the dataset (both never change) for the privacy guard. */
  sensitivity: sensitivitySchema,
  subjectKey: tokenSchema.nullable(),
  grantedAt: stampSchema,
  /** Block time at which the grant ends; active while block time < expiresAt. */
  expiresAt: uintSchema,
  maxAccesses: z.int().min(1).nullable(),
  accessesUsed: uintSchema,
  bytesUsed: uintSchema,
  /** Accesses that earned the provider use points (capped by maxRewardedUsesPerGrant). */
  rewardedUses: uintSchema,
  /** Granted under an approved joint purpose (privacy-guard exemption). */
  exempt: z.boolean(),
  status: z.enum(GRANT_STATUSES),
  endedAt: stampSchema.nullable(),
  code: z.string().nullable(),
});
export type GrantRecord = z.output<typeof grantRecordSchema>;

/**
 * The rule state after a block. Plain JSON (records keyed by id), so it can
 * be persisted as is and hashed as the JCS of itself (see stateDigest).
 */
export const rulesStateSchema = z.strictObject({
  v: z.literal(1),
  /** Null until the first block is applied. */
  channel: channelNameSchema.nullable(),
  /** Height of the last block applied; -1 before the first. */
  height: z.int().min(-1),
  /** Time of the last block applied (0 before the first). */
  time: uintSchema,
  /** Parameters in force for the next block; null until the channel has a configuration. */
  params: ruleParamsSchema.nullable(),
  /** SHA-256 of the JCS of the `rules` object the parameters were last read from. */
  rulesHash: hashHexSchema.nullable(),
  accounts: z.record(memberIdSchema, accountSchema),
  datasets: z.record(datasetIdSchema, datasetRecordSchema),
  requests: z.record(hashHexSchema, requestRecordSchema),
  grants: z.record(hashHexSchema, grantRecordSchema),
});
export type RulesState = z.output<typeof rulesStateSchema>;

export function initialRulesState(): RulesState {
  return {
    v: 1,
    channel: null,
    height: -1,
    time: 0,
    params: null,
    rulesHash: null,
    accounts: {},
    datasets: {},
    requests: {},
    grants: {},
  };
}

/**
 * Validates a persisted state (e.g. loaded from the database): its shape,
 * every record under its own id, and the points held equal to what the
 * pending requests hold; `state.invalid` otherwise.
 */
export function parseRulesState(value: unknown): RulesState {
  const result = rulesStateSchema.safeParse(value);
  if (!result.success) {
    throw new RulesError('state.invalid', `invalid rules state: ${describeIssues(zodIssues(result.error))}`);
  }
  const state = result.data;
  for (const section of ['datasets', 'requests', 'grants'] as const) {
    for (const [key, record] of Object.entries(state[section])) {
      if (record.id !== key)
        throw new RulesError(
          'state.invalid',
          `invalid rules state: ${section}.${key} holds the record of ${record.id}`,
        );
    }
  }
  const held = new Map<string, number>();
  for (const request of Object.values(state.requests)) {
    if (request.status === 'pending') held.set(request.requester, (held.get(request.requester) ?? 0) + request.held);
    else if (request.held !== 0)
      throw new RulesError(
        'state.invalid',
        `invalid rules state: requests.${request.id} is ${request.status} but holds points`,
      );
  }
  for (const [id, account] of Object.entries(state.accounts)) {
    if (account.balance + account.held > account.score) {
      throw new RulesError(
        'state.invalid',
        `invalid rules state: accounts.${id} has more balance and held points than its score`,
      );
    }
    if (account.held !== (held.get(id) ?? 0)) {
      throw new RulesError(
        'state.invalid',
        `invalid rules state: accounts.${id} holds ${account.held} points, its pending requests ${held.get(id) ?? 0}`,
      );
    }
  }
  return state;
}
