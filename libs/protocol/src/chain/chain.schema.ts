import { z } from 'zod';
import { blockSchema } from '../block/block.schema';
import { parseWithSchema } from '../schema/protocol.schema';

/** A chain export (e.g. blocks.json for `accord verify-chain`): consecutive blocks from genesis. */
export const chainExportSchema = z.strictObject({
  v: z.literal(1),
  blocks: z.array(blockSchema),
});

export type ChainExport = z.output<typeof chainExportSchema>;

/** Validates the shape of a parsed chain export (`chain.invalid`); hashes are checked by verifyChain. */
export function validateChainExport(value: unknown): ChainExport {
  return parseWithSchema(chainExportSchema, value, 'chain.invalid', 'chain export');
}
