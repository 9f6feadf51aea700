import { memberIdSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import {
  describeIssues,
  Issue,
  Sensitivity,
  SENSITIVITIES,
  sensitivityRank,
  sensitivitySchema,
  tokenSchema,
  UPDATE_FREQUENCIES,
  zodIssues,
} from '../common/rules-ids.schema';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Upper bound of every duration parameter (ten years), so block time + duration stays far inside the safe range. */
export const MAX_PARAM_DURATION_MS = 3650 * DAY_MS;

const amountSchema = uintSchema;
const durationSchema = z.int().min(1).max(MAX_PARAM_DURATION_MS);

const volumeStepSchema = z.strictObject({ minBytes: uintSchema, points: amountSchema });

/** Points earned for registering (or updating) a dataset: the sum of three table entries. */
export const pointsTableSchema = z
  .strictObject({
    /** Points by the dataset's data type; types not listed earn `otherDataType`. */
    byDataType: z
      .record(tokenSchema, amountSchema)
      .refine((t) => Object.keys(t).length <= 256, 'at most 256 data types'),
    otherDataType: amountSchema,
    /** Volume classes: the last step whose minBytes is at most the dataset's volume applies. */
    byVolume: z.array(volumeStepSchema).min(1).max(32),
    byUpdateFrequency: z.strictObject(
      Object.fromEntries(UPDATE_FREQUENCIES.map((f) => [f, amountSchema])) as Record<
        (typeof UPDATE_FREQUENCIES)[number],
        typeof amountSchema
      >,
    ),
  })
  .superRefine((table, ctx) => {
    // zod runs refinements even after a failed .min(1): guard every access.
    if (
      !Array.isArray(table.byVolume) ||
      table.byVolume.length === 0 ||
      table.byVolume.some((step) => typeof step?.minBytes !== 'number')
    )
      return;
    if (table.byVolume[0].minBytes !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['byVolume', 0, 'minBytes'],
        message: 'the first volume class must start at 0 bytes',
      });
    for (let i = 1; i < table.byVolume.length; i++) {
      if (table.byVolume[i].minBytes <= table.byVolume[i - 1].minBytes) {
        ctx.addIssue({
          code: 'custom',
          path: ['byVolume', i, 'minBytes'],
          message: 'volume classes must have strictly increasing minBytes',
        });
      }
    }
  });
export type PointsTable = z.output<typeof pointsTableSchema>;

/** Permission level `i` is `levels[i]`: reached at `minScore`, may request up to `maxSensitivity`. */
export const levelsSchema = z
  .array(z.strictObject({ minScore: amountSchema, maxSensitivity: sensitivitySchema }))
  .min(1)
  .max(16)
  .superRefine((levels, ctx) => {
    if (levels.length === 0 || levels.some((level) => typeof level?.minScore !== 'number')) return;
    if (levels[0].minScore !== 0)
      ctx.addIssue({ code: 'custom', path: [0, 'minScore'], message: 'level 0 must start at score 0' });
    for (let i = 1; i < levels.length; i++) {
      if (levels[i].minScore <= levels[i - 1].minScore) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'minScore'],
          message: 'minScore must increase strictly from level to level',
        });
      }
      if (sensitivityRank(levels[i].maxSensitivity) < sensitivityRank(levels[i - 1].maxSensitivity)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'maxSensitivity'],
          message: 'a higher level may not request less than a lower one',
        });
      }
    }
  });
export type LevelTable = z.output<typeof levelsSchema>;

/** A privacy-guard exemption approved by a governance vote (it is part of the channel policy). */
export const jointPurposeSchema = z.strictObject({
  purpose: tokenSchema,
  requester: memberIdSchema,
  /** When present, the exemption covers only this subject key. */
  subjectKey: tokenSchema.optional(),
});
export type JointPurpose = z.output<typeof jointPurposeSchema>;

export const ruleParamsSchema = z.strictObject({
  registerPoints: pointsTableSchema,
  updatePoints: pointsTableSchema,
  /** An update earns points only if at least this long (block time) after the dataset's last rewarded registration or update. */
  updateMinIntervalMs: z.int().min(0).max(MAX_PARAM_DURATION_MS),
  /** Points the provider earns for each recorded access (access.use). */
  usePoints: amountSchema,
  /** Accesses per grant that earn use points (so a colluding pair cannot farm points). */
  maxRewardedUsesPerGrant: amountSchema,
  /** Fee (burned) a requester pays to request data, by the dataset's sensitivity. */
  requestCost: z.strictObject(
    Object.fromEntries(SENSITIVITIES.map((s) => [s, amountSchema])) as Record<Sensitivity, typeof amountSchema>,
  ),
  levels: levelsSchema,
  /** A department may hold active grants to personal data about one subject key from at most this many providers. */
  maxPersonalSources: z.int().min(1).max(1000),
  /** A pending request expires this long (block time) after it was made. */
  requestExpiryMs: durationSchema,
  /** No grant lasts longer than this, whatever a dataset's policy allows. */
  maxGrantDurationMs: durationSchema,
  approvedJointPurposes: z.array(jointPurposeSchema).max(1000),
  /**
   * The authoritative department per data domain (the one source of truth
   * for that type of data); the catalog marks and ranks its datasets first.
   * Absent by default, so it does not change the digest of a state without it.
   */
  authoritativeSources: z
    .record(tokenSchema, memberIdSchema)
    .refine((r) => Object.keys(r).length <= 256, 'must name at most 256 domains')
    .optional(),
});
export type RuleParams = z.output<typeof ruleParamsSchema>;

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const TIB = 1024 * GIB;

/** Parameters for every field a channel policy's `rules` object leaves out (docs/rules.md "Parameters"). */
export const DEFAULT_RULE_PARAMS: RuleParams = {
  registerPoints: {
    byDataType: {
      record: 10,
      table: 10,
      document: 10,
      geospatial: 15,
      timeseries: 15,
      image: 15,
      audio: 15,
      video: 20,
    },
    otherDataType: 10,
    byVolume: [
      { minBytes: 0, points: 0 },
      { minBytes: MIB, points: 5 },
      { minBytes: GIB, points: 10 },
      { minBytes: TIB, points: 20 },
    ],
    byUpdateFrequency: { once: 0, yearly: 1, quarterly: 2, monthly: 3, weekly: 5, daily: 8, hourly: 10, realtime: 12 },
  },
  updatePoints: {
    byDataType: {},
    otherDataType: 2,
    byVolume: [
      { minBytes: 0, points: 0 },
      { minBytes: GIB, points: 1 },
      { minBytes: TIB, points: 3 },
    ],
    byUpdateFrequency: { once: 0, yearly: 0, quarterly: 0, monthly: 1, weekly: 1, daily: 2, hourly: 2, realtime: 3 },
  },
  updateMinIntervalMs: HOUR_MS,
  usePoints: 1,
  maxRewardedUsesPerGrant: 100,
  requestCost: { public: 0, internal: 1, personal: 5, sensitive: 20 },
  levels: [
    { minScore: 0, maxSensitivity: 'internal' },
    { minScore: 50, maxSensitivity: 'personal' },
    { minScore: 200, maxSensitivity: 'sensitive' },
  ],
  maxPersonalSources: 2,
  requestExpiryMs: 7 * DAY_MS,
  maxGrantDurationMs: 90 * DAY_MS,
  approvedJointPurposes: [],
};

/** What a channel policy's `rules` may hold: any subset of the parameters (each one complete). */
export const ruleParamsInputSchema = ruleParamsSchema.partial();
export type RuleParamsInput = z.input<typeof ruleParamsInputSchema>;

export type RuleParamsResult =
  | { readonly ok: true; readonly params: RuleParams }
  | { readonly ok: false; readonly issues: readonly Issue[]; readonly message: string };

/**
 * The parameters a channel policy's `rules` object stands for: each field it
 * gives replaces the default (no deep merge, so a table is always complete).
 * Unknown fields, wrong types and incoherent tables are issues; the engine
 * then keeps the parameters it had (docs/rules.md). Governance tooling calls
 * this before proposing a policy change.
 */
export function parseRuleParams(rules: unknown): RuleParamsResult {
  const result = ruleParamsInputSchema.safeParse(rules);
  if (!result.success) {
    const issues = zodIssues(result.error);
    return { ok: false, issues, message: `invalid rule parameters: ${describeIssues(issues)}` };
  }
  const params: Record<string, unknown> = { ...DEFAULT_RULE_PARAMS };
  for (const [key, value] of Object.entries(result.data)) if (value !== undefined) params[key] = value;
  return { ok: true, params: params as RuleParams };
}
