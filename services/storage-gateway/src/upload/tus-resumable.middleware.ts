import type { IncomingMessage, ServerResponse } from 'node:http';
import { TUS_RESUMABLE_HEADERS } from './tus.protocol';

/**
 * Every tus answer carries Tus-Resumable, errors included — also those of
 * the auth guard, which run before any handler: hence a middleware.
 */
export function tusResumableMiddleware(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  for (const [name, value] of Object.entries(TUS_RESUMABLE_HEADERS)) res.setHeader(name, value);
  next();
}
