import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { channelNameSchema, hashHexSchema, memberIdSchema, uintSchema } from '@accord/protocol';
import { openApiSchema } from '@accord/service-kit';
import { z } from 'zod';

/** A non-negative integer in a path or query string (no sign, no leading zeros, no exponent). */
export const uintParam = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(uintSchema);

function boundedIntParam(min: number, max: number) {
  return uintParam.pipe(z.int().min(min).max(max));
}

export const channelParamsSchema = z.strictObject({ channel: channelNameSchema });
export const blockParamsSchema = z.strictObject({ channel: channelNameSchema, height: uintParam });
export const txIdParamsSchema = z.strictObject({ txId: hashHexSchema });
export const memberParamsSchema = z.strictObject({ channel: channelNameSchema, member: memberIdSchema });

export const MAX_PAGE = 500;

export const blockRangeQuerySchema = z.object({
  /** First height of the page (default 0). */
  from: uintParam.optional(),
  /** Blocks per page (default 50, at most 500). */
  limit: boundedIntParam(1, MAX_PAGE).optional(),
});

export const txProofQuerySchema = z.object({
  /** Only look in this channel (a txId may also occur, flagged wrong_channel, on another one). */
  channel: channelNameSchema.optional(),
});

export const consistencyQuerySchema = z.object({
  /** The older chain prefix ends at this height. */
  from: uintParam,
  /** The newer chain prefix ends at this height (default: the head). */
  to: uintParam.optional(),
});

/** `<height>:<index>` of the last tx of the previous page. */
const positionParam = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15}):(0|[1-9][0-9]{0,9})$/, 'must be <height>:<index>')
  .transform((v) => {
    const [height, index] = v.split(':').map(Number);
    return { height, index };
  });

export const memberTxsQuerySchema = z.object({
  after: positionParam.optional(),
  limit: boundedIntParam(1, MAX_PAGE).optional(),
});

export const heightQuerySchema = z.object({
  /** The configuration after this block (default: the head). */
  height: uintParam.optional(),
});

export const alertsQuerySchema = z.object({
  channel: channelNameSchema.optional(),
  limit: boundedIntParam(1, MAX_PAGE).optional(),
});

/** Documents a route's path parameters in OpenAPI from the same schema @ZodParams validates them with. */
export function ApiPathParams(schema: z.ZodObject): MethodDecorator {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiParam({ name, required: true, schema: openApiSchema(field as z.ZodType) }),
    ),
  );
}
