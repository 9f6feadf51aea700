import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * The JSON request body exactly as received (after any Content-Encoding
 * was undone), for handlers whose input is hashed or signed and must not be
 * re-serialised, e.g. tx envelopes: the bytes can be checked as they will be
 * stored. Undefined when no JSON body was read (another Content-Type). The
 * bootstrap's JSON parser keeps a reference to the buffer it parsed, so this
 * costs no copy.
 */
export const RawJsonBody = createParamDecorator((_: unknown, ctx: ExecutionContext): Uint8Array | undefined => {
  const raw = ctx.switchToHttp().getRequest<{ rawBody?: unknown }>().rawBody;
  return Buffer.isBuffer(raw) ? raw : undefined;
});
