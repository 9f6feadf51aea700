import { z } from 'zod';
import { ROLES, type Role } from './principal.model';

/**
 * One API token of a department as stored: its name, the SHA-256 of the
 * secret (never the secret) and its roles. `createdAt`/`createdBy` are set
 * for tokens made through the admin API; hand-written entries may lack them.
 */
export interface ApiTokenEntry {
  readonly name: string;
  /** Lower-case hex SHA-256 of the token (UTF-8). */
  readonly sha256: string;
  readonly roles: readonly Role[];
  /** ISO-8601 time of creation. */
  readonly createdAt?: string;
  /** Name of the principal that created it. */
  readonly createdBy?: string;
}

/**
 * Names of tokens made through the admin API: lower-case letters, digits and
 * inner hyphens, at most 63 characters (the department id style). Entries
 * written by hand keep the looser rule of `apiTokenEntrySchema`.
 */
export const API_TOKEN_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const apiTokenEntrySchema = z
  .object({
    name: z.string().min(1).max(100),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lower-case hex SHA-256 of the token'),
    roles: z
      .array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }))
      .min(1, 'must list at least one role'),
    createdAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
    createdBy: z.string().min(1).max(200).optional(),
  })
  .strict();

export type ApiTokenListParse =
  | { readonly ok: true; readonly entries: readonly ApiTokenEntry[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Parses the JSON list `[{name, sha256, roles, createdAt?, createdBy?}]` of
 * ACCORD_API_TOKENS and of the token store file. Problems name the entry and
 * field but never echo values (they sit next to secrets).
 */
export function parseApiTokenList(raw: string): ApiTokenListParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, problems: ['must be a JSON array of {name, sha256, roles} (not valid JSON)'] };
  }
  const result = z.array(apiTokenEntrySchema).safeParse(parsed);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => {
        const where = issue.path.length > 0 ? `[${issue.path.map(String).join('].[')}]` : '';
        return `${where ? `entry ${where}: ` : ''}${issue.message}`;
      }),
    };
  }
  const names = result.data.map((e) => e.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) return { ok: false, problems: [`token name "${duplicate}" is listed twice`] };
  return { ok: true, entries: result.data };
}

/** The file content of a token list: pretty JSON, one entry per block, trailing newline. */
export function formatApiTokenList(entries: readonly ApiTokenEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}
