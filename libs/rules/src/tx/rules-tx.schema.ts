import { hashHexSchema, jsonObjectSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import {
  datasetIdSchema,
  datasetNameSchema,
  governanceModeSchema,
  grantIdSchema,
  requestIdSchema,
  sensitivitySchema,
  textSchema,
  tokenSchema,
  updateFrequencySchema,
} from '../common/rules-ids.schema';
import { datasetMetadataSchema } from './dataset-metadata.schema';

/** Tx types the rule engine consumes (docs/rules.md "Transactions"); other types pass it by. */
export const RULES_TX_TYPES = [
  'dataset.register',
  'dataset.update',
  'dataset.deprecate',
  'access.request',
  'access.consent',
  'access.refuse',
  'access.cancel',
  'access.revoke',
  'access.use',
] as const;
export type RulesTxType = (typeof RULES_TX_TYPES)[number];

const rulesTxTypes: ReadonlySet<string> = new Set(RULES_TX_TYPES);
export function isRulesTxType(type: string): type is RulesTxType {
  return rulesTxTypes.has(type);
}

const titleSchema = textSchema(200).min(1);
const descriptionSchema = textSchema(2000);
const reasonSchema = textSchema(500);

/**
 * dataset.register, signed by the owner: the dataset id is `<from>/<name>`.
 * `subjectKey` names the kind of identifier the records are about (e.g.
 * `citizen-id`), never a person's value; personal and sensitive datasets
 * must give one (the privacy guard groups by it).
 */
export const datasetRegisterSchema = z
  .strictObject({
    name: datasetNameSchema,
    title: titleSchema,
    description: descriptionSchema.optional(),
    domain: tokenSchema,
    dataType: tokenSchema,
    sensitivity: sensitivitySchema,
    subjectKey: tokenSchema.nullable().optional(),
    volumeBytes: uintSchema,
    updateFrequency: updateFrequencySchema,
    governance: governanceModeSchema,
    /** SHA-256 of the content (for light governance: the anchored object's hash). */
    contentHash: hashHexSchema,
    /** The access policy in Accord's ODRL subset (checked by parseOdrlPolicy). */
    policy: jsonObjectSchema,
    /** DCAT-AP descriptive metadata for the catalog (form checked here, not kept in the rule state). */
    metadata: datasetMetadataSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (
      (p.sensitivity === 'personal' || p.sensitivity === 'sensitive') &&
      (p.subjectKey === undefined || p.subjectKey === null)
    ) {
      ctx.addIssue({ code: 'custom', path: ['subjectKey'], message: `is required for ${p.sensitivity} data` });
    }
  });

/**
 * dataset.update, signed by the owner: the next version (current + 1) with
 * its content hash; optionally new metadata or a new policy, which applies
 * to requests from then on (existing grants keep their terms). Sensitivity
 * and subject key never change: register a new dataset instead.
 */
export const datasetUpdateSchema = z.strictObject({
  dataset: datasetIdSchema,
  version: z.int().min(2),
  contentHash: hashHexSchema,
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  volumeBytes: uintSchema.optional(),
  updateFrequency: updateFrequencySchema.optional(),
  policy: jsonObjectSchema.optional(),
  /** Replaces the version's DCAT-AP metadata as a whole when given. */
  metadata: datasetMetadataSchema.optional(),
});

/** dataset.deprecate, signed by the owner: no new requests; pending ones are cancelled, grants run on. */
export const datasetDeprecateSchema = z.strictObject({ dataset: datasetIdSchema, reason: reasonSchema.optional() });

/** access.request, signed by the requester; its txId names the request (and the grant, if any). */
export const accessRequestSchema = z.strictObject({
  dataset: datasetIdSchema,
  purpose: tokenSchema,
  /** How long the grant should last, in ms of block time from the grant. */
  durationMs: z.int().min(1),
});

/** access.consent / access.refuse, signed by the dataset's owner, decide a pending request. */
export const accessConsentSchema = z.strictObject({ request: requestIdSchema });
export const accessRefuseSchema = z.strictObject({ request: requestIdSchema, reason: reasonSchema.optional() });
/** access.cancel, signed by the requester, withdraws its pending request (held points come back). */
export const accessCancelSchema = z.strictObject({ request: requestIdSchema });
/** access.revoke, signed by the dataset's owner, ends an active grant at once. */
export const accessRevokeSchema = z.strictObject({ grant: grantIdSchema, reason: reasonSchema.optional() });
/**
 * access.use, signed by the PROVIDER (its storage gateway) before it serves
 * data under a grant: one access of `bytes` bytes. The gateway serves only
 * after this tx's receipt is `used`, so the log's order decides which of
 * two concurrent accesses gets the last allowed one.
 */
export const accessUseSchema = z.strictObject({
  grant: grantIdSchema,
  bytes: uintSchema,
  /** The plaintext byte range served (inclusive), for the audit trail; the rules keep only `bytes`. */
  range: z.strictObject({ start: uintSchema, end: uintSchema }).optional(),
  /** SHA-256 of the anchored object the bytes come from (its storage.anchor `sha256`). */
  contentHash: hashHexSchema.optional(),
});

export const RULES_TX_SCHEMAS = {
  'dataset.register': datasetRegisterSchema,
  'dataset.update': datasetUpdateSchema,
  'dataset.deprecate': datasetDeprecateSchema,
  'access.request': accessRequestSchema,
  'access.consent': accessConsentSchema,
  'access.refuse': accessRefuseSchema,
  'access.cancel': accessCancelSchema,
  'access.revoke': accessRevokeSchema,
  'access.use': accessUseSchema,
} as const satisfies { readonly [T in RulesTxType]: z.ZodType };

export type DatasetRegisterPayload = z.output<typeof datasetRegisterSchema>;
export type DatasetUpdatePayload = z.output<typeof datasetUpdateSchema>;
export type DatasetDeprecatePayload = z.output<typeof datasetDeprecateSchema>;
export type AccessRequestPayload = z.output<typeof accessRequestSchema>;
export type AccessConsentPayload = z.output<typeof accessConsentSchema>;
export type AccessRefusePayload = z.output<typeof accessRefuseSchema>;
export type AccessCancelPayload = z.output<typeof accessCancelSchema>;
export type AccessRevokePayload = z.output<typeof accessRevokeSchema>;
export type AccessUsePayload = z.output<typeof accessUseSchema>;

/** The payload type of each rules tx type (for clients that build txs). */
export interface RulesTxPayloads {
  'dataset.register': DatasetRegisterPayload;
  'dataset.update': DatasetUpdatePayload;
  'dataset.deprecate': DatasetDeprecatePayload;
  'access.request': AccessRequestPayload;
  'access.consent': AccessConsentPayload;
  'access.refuse': AccessRefusePayload;
  'access.cancel': AccessCancelPayload;
  'access.revoke': AccessRevokePayload;
  'access.use': AccessUsePayload;
}
