import { hashHexSchema } from '@accord/protocol';
import { z } from 'zod';

/** POST /v1/transfers: fetch the object of a dataset we hold a live grant for. */
export const startTransferSchema = z.strictObject({ grant: hashHexSchema });
export type StartTransfer = z.output<typeof startTransferSchema>;

export const transferParamsSchema = z.object({ id: z.uuid() });
export type TransferParams = z.output<typeof transferParamsSchema>;

/** GET /v1/transfers: newest first, at most `limit` (default 100). */
export const transfersQuerySchema = z.object({
  grant: hashHexSchema.optional(),
  status: z.enum(['running', 'completed', 'failed']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be an integer from 1 to 1000')
    .transform(Number)
    .pipe(z.int().min(1).max(1000))
    .optional(),
});
export type TransfersQuery = z.output<typeof transfersQuerySchema>;
