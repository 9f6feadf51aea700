import { datasetDeprecateSchema, datasetRegisterSchema, datasetUpdateSchema, textSchema } from '@accord/rules';
import { z } from 'zod';

/**
 * POST /v1/channels/:channel/datasets: the dataset.register payload
 * (docs/rules.md "Transactions"), strict like the rules' schema, with the
 * description required (DCAT-AP: dct:description is mandatory for a dataset).
 */
export const registerBodySchema = datasetRegisterSchema.safeExtend({ description: textSchema(2000).min(1) });
export type RegisterBody = z.output<typeof registerBodySchema>;

/**
 * POST /v1/datasets/:owner/:name/versions: the dataset.update payload
 * without the dataset (it is in the path); `version` defaults to current + 1.
 */
export const updateBodySchema = datasetUpdateSchema.omit({ dataset: true }).extend({
  version: datasetUpdateSchema.shape.version.optional(),
});
export type UpdateBody = z.output<typeof updateBodySchema>;

/** POST /v1/datasets/:owner/:name/deprecate: an optional reason (≤ 500 characters); an empty body is accepted. */
export const deprecateBodySchema = datasetDeprecateSchema.omit({ dataset: true }).optional();
export type DeprecateBody = z.output<typeof deprecateBodySchema>;
